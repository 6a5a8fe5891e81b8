package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// This file draws the figures of a parameter sweep's analysis (sibsim
// analyze): Sobol indices with their intervals, Morris μ* against σ, and
// a metric's design-point means against each parameter.

// ErrNothingToDraw is returned by SobolFigure, MorrisFigure and
// ResponseFigure when no value the figure shows is defined.
var ErrNothingToDraw = errors.New("plots: nothing defined to draw")

// Sweep is a parameter sweep as its figures show it.
type Sweep struct {
	// Params are the parameters' names (their paths), in design order.
	Params []string
	// Dists are the parameters' distributions, in the same order: a
	// log-uniform parameter is drawn on a log axis. Nil draws every
	// parameter on a linear axis.
	Dists []sensitivity.Dist
	// Points holds each design point's parameter values,
	// Points[point][parameter].
	Points [][]float64
	// Scale says, per parameter, whether its values are multipliers of
	// the base scenario's value (true) or values (false); axis labels say
	// which. Nil labels axes with the names alone.
	Scale []bool
}

// SweepMetric is one metric's analysis over a sweep.
type SweepMetric struct {
	// Name is the metric's name, e.g. "care_share_last_year".
	Name string
	// Means holds, per design point, the metric's mean over replications:
	// NaN where it is undefined.
	Means []float64
	// Sobol holds the metric's Sobol indices (a sobol design) and Morris
	// its elementary effects (a morris design); nil otherwise.
	Sobol  *sensitivity.SobolResult
	Morris *sensitivity.MorrisResult
	// Grid holds the metric's main effects and two-way interaction means
	// over a grid design; nil otherwise.
	Grid *sensitivity.GridEffects
}

// SensitivityFigures draws, for each metric in order, its indices
// (SobolFigure for a metric with Sobol indices, MorrisFigure for one with
// elementary effects), its response (ResponseFigure) and, over a grid
// design, its main effects and interactions (MainEffectsFigure,
// InteractionsFigure). A figure with
// nothing defined to draw is left out. Figures are named
// KIND-METRIC, with the metric name made safe in a file name ('-' for
// other characters) and, if two metrics come to the same name, a suffix
// ("-2") on the later one.
func SensitivityFigures(sw Sweep, metrics []SweepMetric) ([]Figure, error) {
	var figs []Figure
	stems := map[string]bool{}
	for _, m := range metrics {
		stem := metricStem(m.Name)
		for n := 2; stems[stem]; n++ {
			stem = fmt.Sprintf("%s-%d", metricStem(m.Name), n)
		}
		stems[stem] = true
		add := func(f Figure, err error) error {
			switch {
			case errors.Is(err, ErrNothingToDraw):
				return nil
			case err != nil:
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			figs = append(figs, f)
			return nil
		}
		var err error
		switch {
		case m.Sobol != nil:
			err = add(sobolFigure(m.Name, stem, sw.Params, m.Sobol.S1, m.Sobol.ST))
		case m.Morris != nil:
			err = add(morrisFigure(m.Name, stem, sw.Params, m.Morris.MuStar, m.Morris.Sigma))
		}
		if err == nil {
			err = add(responseFigure(m.Name, stem, sw, m.Means))
		}
		if err == nil && m.Grid != nil {
			if err = add(mainEffectsFigure(m.Name, stem, sw, m.Grid)); err == nil {
				err = add(interactionsFigure(m.Name, stem, sw, m.Grid))
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return figs, nil
}

// metricStem is a metric name safe in a file name: characters other than
// letters, digits, '_', '-' and '.' become '-', without leading or
// trailing dots.
func metricStem(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		s = "metric"
	}
	return s
}

// Colours of the sensitivity figures.
var (
	colourS1      = Colour(0)
	colourST      = Colour(5)
	colourPoint   = Colour(0)
	colourWhisker = color.Gray{Y: 0x20}
	colourGuide   = color.Gray{Y: 0x99}
)

// sensitivityPlot returns a plot with sibsim's fonts at sizes scaled by
// scale (1 for a whole figure), light grid lines, axis labels and gonum's
// default ticks.
func sensitivityPlot(title, xLabel, yLabel string, scale float64) *plot.Plot {
	p := styledPlot(title, xLabel, yLabel, scale)
	addGrid(p)
	return p
}

// SobolFigure draws a metric's first-order (s1) and total (st) Sobol
// indices for each of params as horizontal bars, with whiskers over their
// 95% intervals, the first parameter at the top. It is named
// "sobol-METRIC". It returns ErrNothingToDraw when no total index is
// defined, and an error when s1, st and params differ in length.
func SobolFigure(metric string, params []string, s1, st []sensitivity.Index) (Figure, error) {
	return sobolFigure(metric, metricStem(metric), params, s1, st)
}

func sobolFigure(metric, stem string, params []string, s1, st []sensitivity.Index) (Figure, error) {
	k := len(params)
	if len(s1) != k || len(st) != k {
		return Figure{}, fmt.Errorf("plots: Sobol figure of %s: %d parameters, %d first-order and %d total indices", metric, k, len(s1), len(st))
	}
	if !slices.ContainsFunc(st, func(x sensitivity.Index) bool { return finite(x.Value) }) {
		return Figure{}, ErrNothingToDraw
	}
	p := sensitivityPlot(metric+": Sobol indices",
		"index: first order S1 (dark), total ST (light); lines: 95% bootstrap intervals", "", 1)
	// Parameter i is drawn at row k-1-i, so the first is at the top.
	names := make([]string, k)
	rowOf := make([]float64, k)
	for i, name := range params {
		names[k-1-i] = name
		rowOf[i] = float64(k - 1 - i)
	}
	const h = 0.36
	up := make([]float64, k)
	down := make([]float64, k)
	for i := range rowOf {
		up[i], down[i] = rowOf[i]+h/2, rowOf[i]-h/2
	}
	p.Add(&indexBars{vals: s1, ys: up, h: h, fill: colourS1}, &indexBars{vals: st, ys: down, h: h, fill: colourST})
	p.NominalY(names...)
	p.X.Min = math.Min(p.X.Min, 0)
	p.X.Max = math.Max(p.X.Max, 1)
	top := -1
	for i, x := range st {
		if finite(x.Value) && (top < 0 || x.Value > st[top].Value) {
			top = i
		}
	}
	reading := fmt.Sprintf("By its total Sobol index, %s is most sensitive to %s (ST = %s, first order S1 = %s).",
		metric, params[top], results.Human(st[top].Value), results.Human(s1[top].Value))
	return Figure{
		Name: "sobol-" + stem, Title: p.Title.Text, Reading: reading, Plot: p,
		Width: 7.5 * vg.Inch, Height: vg.Length(1.4+0.4*float64(k)) * vg.Inch,
	}, nil
}

// MorrisFigure draws a metric's Morris screening: each of params at its
// mean absolute elementary effect μ* (muStar, x) and the standard
// deviation σ of its effects (sigma, y), labelled, with the line σ = μ*.
// It is named "morris-METRIC". It returns ErrNothingToDraw when no
// parameter has both defined, and an error when muStar, sigma and params
// differ in length.
func MorrisFigure(metric string, params []string, muStar, sigma []float64) (Figure, error) {
	return morrisFigure(metric, metricStem(metric), params, muStar, sigma)
}

func morrisFigure(metric, stem string, params []string, muStar, sigma []float64) (Figure, error) {
	if len(muStar) != len(params) || len(sigma) != len(params) {
		return Figure{}, fmt.Errorf("plots: Morris figure of %s: %d parameters, %d values of mu* and %d of sigma", metric, len(params), len(muStar), len(sigma))
	}
	var xys plotter.XYs
	var labels []string
	top := 0.0
	largest := -1
	for i, name := range params {
		if finite(muStar[i]) && finite(sigma[i]) {
			xys = append(xys, plotter.XY{X: muStar[i], Y: sigma[i]})
			labels = append(labels, name)
			top = math.Max(top, math.Max(muStar[i], sigma[i]))
			if largest < 0 || muStar[i] > muStar[largest] {
				largest = i
			}
		}
	}
	if len(xys) == 0 {
		return Figure{}, ErrNothingToDraw
	}
	if top == 0 {
		top = 1
	}
	p := sensitivityPlot(metric+": Morris screening",
		"μ* (mean |elementary effect|, unit scale)", "σ (sd of elementary effects)", 1)
	guide, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: top * 1.05, Y: top * 1.05}})
	if err != nil {
		return Figure{}, err
	}
	guide.Color = colourGuide
	guide.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	sc, err := plotter.NewScatter(xys)
	if err != nil {
		return Figure{}, err
	}
	sc.GlyphStyle.Color = colourPoint
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	sc.GlyphStyle.Radius = vg.Points(3)
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return Figure{}, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font = font.From(sansFont, 8.5)
	}
	lb.Offset = vg.Point{X: vg.Points(5), Y: vg.Points(2)}
	p.Add(guide, sc, lb)
	p.Legend.Add("σ = μ*", guide)
	p.Legend.Top, p.Legend.Left = true, true
	p.X.Min, p.Y.Min = 0, 0
	reading := fmt.Sprintf("Of the parameters, %s has the largest mean absolute effect on %s (μ* = %s, σ = %s, unit scale).",
		params[largest], metric, results.Human(muStar[largest]), results.Human(sigma[largest]))
	return Figure{
		Name: "morris-" + stem, Title: p.Title.Text, Reading: reading, Plot: p,
		Width: 7.5 * vg.Inch, Height: 5 * vg.Inch,
	}, nil
}

// ResponseFigure tiles, three to a row, one scatter per parameter of the
// sweep of a metric's design-point means (means[point]) against the
// parameter's values. It is named "response-METRIC". It returns
// ErrNothingToDraw when no mean is defined, and an error when means,
// sw.Points, sw.Params and sw.Dists (unless nil) do not match.
func ResponseFigure(metric string, sw Sweep, means []float64) (Figure, error) {
	return responseFigure(metric, metricStem(metric), sw, means)
}

func responseFigure(metric, stem string, sw Sweep, means []float64) (Figure, error) {
	k := len(sw.Params)
	switch {
	case k == 0:
		return Figure{}, fmt.Errorf("plots: response figure of %s: no parameters", metric)
	case len(means) != len(sw.Points):
		return Figure{}, fmt.Errorf("plots: response figure of %s: %d means for %d design points", metric, len(means), len(sw.Points))
	case sw.Dists != nil && len(sw.Dists) != k:
		return Figure{}, fmt.Errorf("plots: response figure of %s: %d distributions for %d parameters", metric, len(sw.Dists), k)
	case sw.Scale != nil && len(sw.Scale) != k:
		return Figure{}, fmt.Errorf("plots: response figure of %s: %d scale flags for %d parameters", metric, len(sw.Scale), k)
	}
	for pt, vals := range sw.Points {
		if len(vals) != k {
			return Figure{}, fmt.Errorf("plots: response figure of %s: design point %d has %d values for %d parameters", metric, pt, len(vals), k)
		}
	}
	cols := min(k, 3)
	rows := (k + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	drawn := false
	for i := range sw.Params {
		var xys plotter.XYs
		for pt, vals := range sw.Points {
			if y := means[pt]; finite(y) {
				xys = append(xys, plotter.XY{X: vals[i], Y: y})
			}
		}
		yLabel := ""
		if i%cols == 0 {
			yLabel = metric
		}
		sub := sensitivityPlot("", sw.paramLabel(i), yLabel, 0.85)
		if sw.Dists != nil && sw.Dists[i].Kind == sensitivity.KindLogUniform {
			sub.X.Scale = plot.LogScale{}
			sub.X.Tick.Marker = plot.LogTicks{Prec: -1}
		}
		if len(xys) > 0 {
			drawn = true
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return Figure{}, err
			}
			sc.GlyphStyle.Color = fade(colourPoint, 0.6)
			sc.GlyphStyle.Shape = draw.CircleGlyph{}
			sc.GlyphStyle.Radius = vg.Points(1.5)
			sub.Add(sc)
		}
		if _, isLog := sub.X.Scale.(plot.LogScale); isLog && !(sub.X.Min > 0 && sub.X.Min < sub.X.Max) {
			// One x value (or none) leaves no range; gonum would widen it
			// below zero, which a log axis cannot show. Use the parameter's
			// own bounds (positive for a log-uniform distribution).
			sub.X.Min, sub.X.Max = sw.Dists[i].Min, sw.Dists[i].Max
		}
		grid[i/cols][i%cols] = sub
	}
	if !drawn {
		return Figure{}, ErrNothingToDraw
	}
	p := plot.New()
	p.HideAxes()
	setTitle(p, metric+" by parameter: mean over replications at each design point", 1)
	p.Add(tiledPlots{plots: grid, tiles: draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(10), PadY: vg.Points(10), PadTop: vg.Points(4)}})
	lo, hi, n := math.Inf(1), math.Inf(-1), 0
	for _, y := range means {
		if finite(y) {
			lo, hi, n = math.Min(lo, y), math.Max(hi, y), n+1
		}
	}
	reading := fmt.Sprintf("Over the %d design points with %s defined (of %d), its mean over replications goes from %s to %s.",
		n, metric, len(means), results.Human(lo), results.Human(hi))
	return Figure{
		Name: "response-" + stem, Title: p.Title.Text, Reading: reading, Plot: p,
		Width: 7.5 * vg.Inch, Height: vg.Length(0.4+2.3*float64(rows)) * vg.Inch,
	}, nil
}

// indexBars draws horizontal bars of index values from zero, each with a
// whisker over its 95% interval, at rows ys (data units), h thick.
type indexBars struct {
	vals []sensitivity.Index
	ys   []float64
	h    float64
	fill color.Color
}

// Plot implements plot.Plotter.
func (b *indexBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	whisker := draw.LineStyle{Color: colourWhisker, Width: vg.Points(1)}
	for i, v := range b.vals {
		if !finite(v.Value) {
			continue
		}
		x0, x1 := trX(0), trX(v.Value)
		y0, y1 := trY(b.ys[i]-b.h/2), trY(b.ys[i]+b.h/2)
		c.FillPolygon(b.fill, c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}}))
		if !finite(v.Lo95) || !finite(v.Hi95) {
			continue
		}
		ym, tick := trY(b.ys[i]), (y1-y0)/4
		lo, hi := trX(v.Lo95), trX(v.Hi95)
		c.StrokeLines(whisker, c.ClipLinesXY(
			[]vg.Point{{X: lo, Y: ym}, {X: hi, Y: ym}},
			[]vg.Point{{X: lo, Y: ym - tick}, {X: lo, Y: ym + tick}},
			[]vg.Point{{X: hi, Y: ym - tick}, {X: hi, Y: ym + tick}},
		)...)
	}
}

// DataRange implements plot.DataRanger.
func (b *indexBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for i, v := range b.vals {
		for _, x := range []float64{v.Value, v.Lo95, v.Hi95} {
			if finite(x) {
				xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			}
		}
		ymin, ymax = math.Min(ymin, b.ys[i]-b.h/2), math.Max(ymax, b.ys[i]+b.h/2)
	}
	return xmin, xmax, ymin, ymax
}

// tiledPlots draws plots in a grid of tiles over the whole data area of
// the plot it is added to (whose axes are hidden).
type tiledPlots struct {
	plots [][]*plot.Plot
	tiles draw.Tiles
}

// Plot implements plot.Plotter.
func (t tiledPlots) Plot(c draw.Canvas, _ *plot.Plot) {
	canvases := plot.Align(t.plots, t.tiles, c)
	for j, row := range t.plots {
		for i, p := range row {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
}
