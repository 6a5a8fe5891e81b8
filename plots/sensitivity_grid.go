package plots

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// This file draws the figures of a grid (full-factorial) sweep: main
// effects and two-way interactions of a metric, with ticks at the design's
// levels.

// maxLevelLabels bounds the labelled ticks on a levels axis; with more
// levels, every level keeps its tick but only evenly spaced ones a label.
const maxLevelLabels = 12

// paramLabel is the axis label of parameter i of sw: its path and whether
// its values are multipliers of the base scenario's value or values.
func (sw Sweep) paramLabel(i int) string {
	if sw.Scale == nil {
		return sw.Params[i]
	}
	if sw.Scale[i] {
		return sw.Params[i] + "\n(multiplier of the base value)"
	}
	return sw.Params[i] + "\n(value)"
}

// levelLabel formats a design level for a tick or legend: four significant
// digits, with × for a multiplier.
func levelLabel(v float64, multiplier bool) string {
	s := strconv.FormatFloat(v, 'g', 4, 64)
	if multiplier {
		return "×" + s
	}
	return s
}

// levelTicks are ticks at each level, labelled (at most maxLevelLabels).
type levelTicks struct {
	levels     []float64
	multiplier bool
}

// Ticks implements plot.Ticker.
func (t levelTicks) Ticks(_, _ float64) []plot.Tick {
	every := (len(t.levels) + maxLevelLabels - 1) / maxLevelLabels
	ticks := make([]plot.Tick, len(t.levels))
	for a, v := range t.levels {
		ticks[a].Value = v
		if a%every == 0 {
			ticks[a].Label = levelLabel(v, t.multiplier)
		}
	}
	return ticks
}

// levelAxis puts parameter i's levels on p's x axis, on a log scale for a
// log-uniform parameter, with a margin of a twentieth of the range.
func (sw Sweep) levelAxis(p *plot.Plot, i int, levels []float64) {
	mult := sw.Scale != nil && sw.Scale[i]
	p.X.Tick.Marker = levelTicks{levels: levels, multiplier: mult}
	lo, hi := levels[0], levels[len(levels)-1]
	if sw.Dists != nil && sw.Dists[i].Kind == sensitivity.KindLogUniform && lo > 0 {
		p.X.Scale = plot.LogScale{}
		f := math.Pow(hi/lo, 0.05)
		p.X.Min, p.X.Max = lo/f, hi*f
		return
	}
	pad := (hi - lo) / 20
	if pad == 0 {
		pad = math.Max(math.Abs(lo)/20, 0.5)
	}
	p.X.Min, p.X.Max = lo-pad, hi+pad
}

// lineXYs are the points (levels[a], ys[a]) with ys[a] finite.
func lineXYs(levels, ys []float64) plotter.XYs {
	var xys plotter.XYs
	for a, y := range ys {
		if finite(y) {
			xys = append(xys, plotter.XY{X: levels[a], Y: y})
		}
	}
	return xys
}

// addLevelLine adds a line with markers through xys in colour c.
func addLevelLine(p *plot.Plot, xys plotter.XYs, c interface{ RGBA() (r, g, b, a uint32) }) (*plotter.Line, error) {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width = c, vg.Points(1.5)
	s.Color, s.Shape, s.Radius = c, draw.CircleGlyph{}, vg.Points(2.5)
	p.Add(l, s)
	return l, nil
}

// checkGrid checks that g fits sw.
func checkGrid(metric string, sw Sweep, g *sensitivity.GridEffects) error {
	k := len(sw.Params)
	switch {
	case k == 0:
		return fmt.Errorf("plots: grid figures of %s: no parameters", metric)
	case len(g.Levels) != k || len(g.Main) != k || len(g.Pair) != k:
		return fmt.Errorf("plots: grid figures of %s: effects of %d parameters for %d", metric, len(g.Levels), k)
	case sw.Scale != nil && len(sw.Scale) != k, sw.Dists != nil && len(sw.Dists) != k:
		return fmt.Errorf("plots: grid figures of %s: %d scale flags and %d distributions for %d parameters", metric, len(sw.Scale), len(sw.Dists), k)
	}
	for i := range k {
		if len(g.Levels[i]) == 0 || len(g.Main[i]) != len(g.Levels[i]) {
			return fmt.Errorf("plots: grid figures of %s: parameter %d has %d levels and %d means", metric, i+1, len(g.Levels[i]), len(g.Main[i]))
		}
	}
	return nil
}

// MainEffectsFigure tiles, three to a row, one panel per parameter of the
// grid sweep sw: the metric's main effect, its mean at each of the
// parameter's levels over every other parameter's levels (g.Main), against
// the levels, with a tick at each and a dashed line at the overall mean,
// on one y range for every panel.
// Axis labels say whether a parameter was varied as a multiplier or a
// value (sw.Scale). It is named "main-effects-METRIC". It returns
// ErrNothingToDraw when no mean is defined, and an error when g does not
// fit sw.
func MainEffectsFigure(metric string, sw Sweep, g *sensitivity.GridEffects) (Figure, error) {
	return mainEffectsFigure(metric, metricStem(metric), sw, g)
}

func mainEffectsFigure(metric, stem string, sw Sweep, g *sensitivity.GridEffects) (Figure, error) {
	if err := checkGrid(metric, sw, g); err != nil {
		return Figure{}, err
	}
	k := len(sw.Params)
	// The overall mean: in a full factorial, the mean of any parameter's
	// level means weighted by their counts.
	sum, n := 0.0, 0
	for a, m := range g.Main[0] {
		if finite(m) {
			sum += m * float64(g.N[0][a])
			n += g.N[0][a]
		}
	}
	if n == 0 {
		return Figure{}, ErrNothingToDraw
	}
	grand := sum / float64(n)
	cols := min(k, 3)
	rows := (k + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	top, span := -1, 0.0
	for i := range k {
		yLabel := ""
		if i%cols == 0 {
			yLabel = metric
		}
		sub := sensitivityPlot("", sw.paramLabel(i), yLabel, 0.85)
		sw.levelAxis(sub, i, g.Levels[i])
		guide, err := plotter.NewLine(plotter.XYs{{X: sub.X.Min, Y: grand}, {X: sub.X.Max, Y: grand}})
		if err != nil {
			return Figure{}, err
		}
		guide.Color, guide.Dashes = colourGuide, []vg.Length{vg.Points(4), vg.Points(3)}
		sub.Add(guide)
		if xys := lineXYs(g.Levels[i], g.Main[i]); len(xys) > 0 {
			if _, err := addLevelLine(sub, xys, colourPoint); err != nil {
				return Figure{}, err
			}
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, xy := range xys {
				lo, hi = math.Min(lo, xy.Y), math.Max(hi, xy.Y)
			}
			if hi-lo > span || top < 0 {
				top, span = i, hi-lo
			}
		}
		grid[i/cols][i%cols] = sub
	}
	// One y range for every panel, so that effects compare across them.
	ylo, yhi := grand, grand
	for i := range k {
		for _, m := range g.Main[i] {
			if finite(m) {
				ylo, yhi = math.Min(ylo, m), math.Max(yhi, m)
			}
		}
	}
	pad := (yhi - ylo) / 20
	if pad == 0 {
		pad = math.Max(math.Abs(ylo)/20, 0.5)
	}
	for _, row := range grid {
		for _, sub := range row {
			if sub != nil {
				sub.Y.Min, sub.Y.Max = ylo-pad, yhi+pad
			}
		}
	}
	p := plot.New()
	p.HideAxes()
	setTitle(p, metric+": main effects, the mean at each level of a parameter over every level of the others (dashed: overall mean)", 1)
	p.Add(tiledPlots{plots: grid, tiles: draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(10), PadY: vg.Points(10), PadTop: vg.Points(4)}})
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range g.Main[top] {
		if finite(m) {
			lo, hi = math.Min(lo, m), math.Max(hi, m)
		}
	}
	reading := fmt.Sprintf("Of the parameters, %s moves %s most: its mean over the other parameters goes from %s to %s across its %d levels (overall mean %s).",
		sw.Params[top], metric, results.Human(lo), results.Human(hi), len(g.Levels[top]), results.Human(grand))
	return Figure{
		Name: "main-effects-" + stem, Title: p.Title.Text, Reading: reading, Plot: p,
		Width: 7.5 * vg.Inch, Height: vg.Length(0.6+2.3*float64(rows)) * vg.Inch,
	}, nil
}

// InteractionsFigure tiles, two to a row, one panel per pair of parameters
// i < j of the grid sweep sw: the metric's mean at each pair of their
// levels over every other parameter's levels (g.Pair), against i's levels,
// one line per level of j. Parallel lines mean no interaction: the effect
// of i is the same whatever j. The reading names the pair that departs
// most from the additive model m_ab − m_a. − m_.b + m_.. (Montgomery,
// Design and Analysis of Experiments, ch. 5). It is named
// "interactions-METRIC". It returns ErrNothingToDraw for fewer than two
// parameters or no defined mean, and an error when g does not fit sw.
func InteractionsFigure(metric string, sw Sweep, g *sensitivity.GridEffects) (Figure, error) {
	return interactionsFigure(metric, metricStem(metric), sw, g)
}

func interactionsFigure(metric, stem string, sw Sweep, g *sensitivity.GridEffects) (Figure, error) {
	if err := checkGrid(metric, sw, g); err != nil {
		return Figure{}, err
	}
	k := len(sw.Params)
	type pair struct{ i, j int }
	var pairs []pair
	for i := range k {
		for j := i + 1; j < k; j++ {
			if len(g.Pair[i][j]) != len(g.Levels[i]) {
				return Figure{}, fmt.Errorf("plots: grid figures of %s: parameters %d and %d have %d rows of cell means for %d levels", metric, i+1, j+1, len(g.Pair[i][j]), len(g.Levels[i]))
			}
			pairs = append(pairs, pair{i, j})
		}
	}
	if len(pairs) == 0 {
		return Figure{}, ErrNothingToDraw
	}
	cols := min(len(pairs), 2)
	rows := (len(pairs) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	drawn := false
	best, bestDev := -1, 0.0
	for q, pr := range pairs {
		i, j := pr.i, pr.j
		yLabel := ""
		if q%cols == 0 {
			yLabel = metric
		}
		sub := sensitivityPlot("lines: "+strings.ReplaceAll(sw.paramLabel(j), "\n", " "), sw.paramLabel(i), yLabel, 0.8)
		sw.levelAxis(sub, i, g.Levels[i])
		multJ := sw.Scale != nil && sw.Scale[j]
		for b, v := range g.Levels[j] {
			col := make([]float64, len(g.Levels[i]))
			for a := range col {
				if len(g.Pair[i][j][a]) != len(g.Levels[j]) {
					return Figure{}, fmt.Errorf("plots: grid figures of %s: parameters %d and %d: a row of %d cell means for %d levels", metric, i+1, j+1, len(g.Pair[i][j][a]), len(g.Levels[j]))
				}
				col[a] = g.Pair[i][j][a][b]
			}
			xys := lineXYs(g.Levels[i], col)
			if len(xys) == 0 {
				continue
			}
			drawn = true
			l, err := addLevelLine(sub, xys, Colour(b))
			if err != nil {
				return Figure{}, err
			}
			sub.Legend.Add(levelLabel(v, multJ), l)
		}
		// The legend goes top left, above the lines: room is made for it.
		sub.Legend.Top, sub.Legend.Left = true, true
		sub.Legend.XOffs = vg.Points(4)
		if span := sub.Y.Max - sub.Y.Min; span > 0 {
			sub.Y.Max += span * (0.12 * float64(len(g.Levels[j])))
		}
		if dev := interactionSize(g.Pair[i][j]); finite(dev) && (best < 0 || dev > bestDev) {
			best, bestDev = q, dev
		}
		grid[q/cols][q%cols] = sub
	}
	if !drawn {
		return Figure{}, ErrNothingToDraw
	}
	p := plot.New()
	p.HideAxes()
	setTitle(p, metric+": two-way interactions, the mean at each pair of levels over every level of the others (parallel lines: no interaction)", 1)
	p.Add(tiledPlots{plots: grid, tiles: draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(12), PadY: vg.Points(12), PadTop: vg.Points(4)}})
	reading := fmt.Sprintf("Every cell mean of %s is undefined somewhere, so no interaction is ranked.", metric)
	if best >= 0 {
		reading = fmt.Sprintf("The effect on %s of one parameter depends most on another for %s and %s: their cell means depart from the additive model by up to %s.",
			metric, sw.Params[pairs[best].i], sw.Params[pairs[best].j], results.Human(bestDev))
	}
	return Figure{
		Name: "interactions-" + stem, Title: p.Title.Text, Reading: reading, Plot: p,
		Width: 7.5 * vg.Inch, Height: vg.Length(0.6+3*float64(rows)) * vg.Inch,
	}, nil
}

// interactionSize is the largest |m_ab − m_a. − m_.b + m_..| over the
// cells of a two-way table of means m[a][b] (row, column and overall
// means of the cells): zero when the two parameters' effects add up. NaN
// when a cell is undefined.
func interactionSize(m [][]float64) float64 {
	la, lb := len(m), len(m[0])
	row := make([]float64, la)
	col := make([]float64, lb)
	all := 0.0
	for a := range la {
		for b := range lb {
			v := m[a][b]
			if !finite(v) {
				return math.NaN()
			}
			row[a] += v / float64(lb)
			col[b] += v / float64(la)
			all += v / float64(la*lb)
		}
	}
	dev := 0.0
	for a := range la {
		for b := range lb {
			dev = math.Max(dev, math.Abs(m[a][b]-row[a]-col[b]+all))
		}
	}
	return dev
}
