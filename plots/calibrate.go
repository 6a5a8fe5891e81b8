package plots

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/results"
)

// This file draws the figures of a calibration (sibsim calibrate): the
// posterior's pairs and the posterior predictive check.

// Posterior is a weighted posterior sample as its figures show it.
type Posterior struct {
	// Params are the parameters' names, Values[particle][parameter] their
	// values and Weights the particles' weights (>= 0, not all 0).
	Params  []string
	Values  [][]float64
	Weights []float64
	// Summaries are the parameters' posterior summaries, in Params order.
	Summaries []calibrate.Summary
}

// maxPairs bounds the parameters drawn in the pairs figure.
const maxPairs = 8

// PosteriorPairsFigure draws the posterior of each parameter (diagonal: a
// weighted histogram, the median and the 90% credible interval marked) and
// of each pair (below the diagonal: the particles, shaded by weight), for
// at most the first six parameters.
func PosteriorPairsFigure(post Posterior) (Figure, error) {
	k := min(len(post.Params), maxPairs)
	switch {
	case k == 0:
		return Figure{}, fmt.Errorf("plots: posterior pairs: no parameters")
	case len(post.Values) == 0 || len(post.Values) != len(post.Weights):
		return Figure{}, fmt.Errorf("plots: posterior pairs: %d particles with %d weights", len(post.Values), len(post.Weights))
	case len(post.Summaries) < k:
		return Figure{}, fmt.Errorf("plots: posterior pairs: %d summaries for %d parameters", len(post.Summaries), k)
	}
	top := slices.Max(post.Weights)
	if !(top > 0) {
		return Figure{}, fmt.Errorf("plots: posterior pairs: no positive weight")
	}
	for i, v := range post.Values {
		if len(v) < k {
			return Figure{}, fmt.Errorf("plots: posterior pairs: particle %d has %d values for %d parameters", i, len(v), k)
		}
	}
	scale := 0.85
	if k > 3 {
		scale = 0.7
	}
	grid := make([][]*plot.Plot, k)
	for r := range k {
		grid[r] = make([]*plot.Plot, k)
		for c := 0; c <= r; c++ {
			xl, yl := "", ""
			if r == k-1 {
				xl = shortParam(post.Params[c])
			}
			if c == 0 && r > 0 {
				yl = shortParam(post.Params[r])
			}
			sub := sensitivityPlot("", xl, yl, scale)
			if r == c {
				if err := addMarginal(sub, post, c); err != nil {
					return Figure{}, err
				}
				if c == 0 {
					sub.Y.Label.Text = "weight"
				}
			} else {
				addPairs(sub, post, c, r, top)
			}
			grid[r][c] = sub
		}
	}
	p := plot.New()
	p.HideAxes()
	title := "Posterior: each parameter (diagonal) and each pair of parameters"
	if len(post.Params) > k {
		title += fmt.Sprintf(" (the first %d of %d)", k, len(post.Params))
	}
	setTitle(p, title, 1)
	p.Add(tiledFree{plots: grid, tiles: draw.Tiles{Rows: k, Cols: k, PadX: vg.Points(8), PadY: vg.Points(8), PadTop: vg.Points(4)}})
	var parts []string
	for i := range k {
		s := post.Summaries[i]
		parts = append(parts, fmt.Sprintf("%s %s [%s, %s]", s.Name, results.Human(s.Median), results.Human(s.Lower), results.Human(s.Upper)))
	}
	reading := fmt.Sprintf("Posterior medians and 90%% credible intervals from %d weighted particles: %s.", len(post.Values), strings.Join(parts, "; "))
	side := vg.Length(math.Max(4, 1.9*float64(k))) * vg.Inch
	return Figure{Name: "posterior-pairs", Title: p.Title.Text, Reading: reading, Plot: p, Width: side, Height: side + 0.4*vg.Inch}, nil
}

// shortParam shortens a parameter path to a tile label: its last two
// fields, or its last one if that is still long, cut to 24 characters.
func shortParam(name string) string {
	parts := strings.Split(name, ".")
	label := name
	if len(parts) > 2 {
		label = strings.Join(parts[len(parts)-2:], ".")
	}
	if len(label) > 24 {
		label = parts[len(parts)-1]
	}
	if r := []rune(label); len(r) > 24 {
		label = string(r[:23]) + "…"
	}
	return label
}

// addMarginal draws a weighted histogram of parameter j with its median
// and 90% interval.
func addMarginal(p *plot.Plot, post Posterior, j int) error {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range post.Values {
		lo, hi = math.Min(lo, v[j]), math.Max(hi, v[j])
	}
	bins := 20
	if hi <= lo {
		lo, hi = lo-0.5*math.Max(math.Abs(lo), 1e-9), hi+0.5*math.Max(math.Abs(hi), 1e-9)
	}
	width := (hi - lo) / float64(bins)
	mass := make([]float64, bins)
	var total float64
	for i, v := range post.Values {
		b := min(bins-1, int((v[j]-lo)/width))
		mass[b] += post.Weights[i]
		total += post.Weights[i]
	}
	top := 0.0
	for b := range mass {
		mass[b] /= total
		top = math.Max(top, mass[b])
		if mass[b] == 0 {
			continue
		}
		x0 := lo + float64(b)*width
		p.Add(rect(x0, x0+width, 0, mass[b], fade(colourPoint, 0.55)))
	}
	s := post.Summaries[j]
	band := rect(s.Lower, s.Upper, 0, top*1.05, fade(colourPoint, 0.12))
	band.LineStyle.Width = 0
	p.Add(band)
	med, err := plotter.NewLine(plotter.XYs{{X: s.Median, Y: 0}, {X: s.Median, Y: top * 1.05}})
	if err != nil {
		return err
	}
	med.LineStyle = lineStyle(colourWhisker, nil)
	med.LineStyle.Width = vg.Points(1.5)
	p.Add(med)
	p.Y.Min = 0
	return nil
}

// addPairs draws the particles at (parameter cx, parameter cy), darker
// for more weight.
func addPairs(p *plot.Plot, post Posterior, cx, cy int, top float64) {
	// Light particles first, so the heavy ones are on top.
	idx := make([]int, len(post.Values))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch wa, wb := post.Weights[a], post.Weights[b]; {
		case wa < wb:
			return -1
		case wa > wb:
			return 1
		}
		return 0
	})
	for _, i := range idx {
		v := post.Values[i]
		sc, err := plotter.NewScatter(plotter.XYs{{X: v[cx], Y: v[cy]}})
		if err != nil {
			continue // a value that is not finite
		}
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Radius = vg.Points(1.6)
		sc.GlyphStyle.Color = fade(colourPoint, 0.15+0.75*post.Weights[i]/top)
		p.Add(sc)
	}
}

// CheckFigure draws the posterior predictive check: for each target, the
// distribution its simulations under the calibrated model give (median
// and 5-95% range), against the observed figure. Every target is drawn in
// units of its own tolerance, (x − observed)/tolerance, or for a range
// (x − middle)/half-width, so that the observed figure's band is [−1, 1]
// for every target. predictive holds one row per simulation, one value
// per target (NaN where undefined).
func CheckFigure(checks []calibrate.TargetCheck, predictive [][]float64) (Figure, error) {
	n := len(checks)
	if n == 0 {
		return Figure{}, fmt.Errorf("plots: check figure: no targets")
	}
	p := sensitivityPlot("Posterior predictive check: each target's simulated distribution against the observed figure",
		"deviation from the observed figure, in tolerances (ranges: half-widths); the band is the observed figure", "", 1)
	band := rect(-1, 1, -0.6, float64(n)-0.4, fade(Colour(1), 0.18))
	band.LineStyle.Width = 0
	p.Add(band)
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.6}, {X: 0, Y: float64(n) - 0.4}})
	if err != nil {
		return Figure{}, err
	}
	zero.LineStyle = lineStyle(Colour(1), []vg.Length{vg.Points(3), vg.Points(2)})
	p.Add(zero)
	scaled := func(t calibrate.Target, x float64) float64 {
		if t.Range {
			return (x - (t.Min+t.Max)/2) / ((t.Max - t.Min) / 2)
		}
		return (x - t.Observed) / t.Tolerance
	}
	var names []string
	reproduced, drawn := 0, false
	for i, k := range checks {
		y := float64(n - 1 - i)
		names = append(names, k.Target.Name)
		if k.Reproduced {
			reproduced++
		}
		var pts plotter.XYs
		for _, row := range predictive {
			if i < len(row) && finite(row[i]) {
				pts = append(pts, plotter.XY{X: scaled(k.Target, row[i]), Y: y + 0.25})
			}
		}
		if len(pts) > 0 {
			drawn = true
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return Figure{}, err
			}
			sc.GlyphStyle.Shape = draw.CircleGlyph{}
			sc.GlyphStyle.Radius = vg.Points(1.3)
			sc.GlyphStyle.Color = fade(colourPoint, 0.35)
			p.Add(sc)
		}
		if !finite(k.Median) {
			continue
		}
		lo, hi, med := scaled(k.Target, k.Lower), scaled(k.Target, k.Upper), scaled(k.Target, k.Median)
		bar := rect(lo, hi, y-0.12, y+0.12, fade(colourPoint, 0.8))
		bar.LineStyle.Width = 0
		p.Add(bar)
		m, err := plotter.NewScatter(plotter.XYs{{X: med, Y: y}})
		if err != nil {
			return Figure{}, err
		}
		m.GlyphStyle.Shape = draw.CircleGlyph{}
		m.GlyphStyle.Radius = vg.Points(3.5)
		m.GlyphStyle.Color = colourWhisker
		p.Add(m)
	}
	if !drawn {
		return Figure{}, ErrNothingToDraw
	}
	slices.Reverse(names)
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	reading := fmt.Sprintf("The calibrated model's 90%% predictive range holds the observed figure for %d of %d targets.", reproduced, n)
	return Figure{Name: "predictive-check", Title: p.Title.Text, Reading: reading, Plot: p,
		Width: 7.5 * vg.Inch, Height: vg.Length(1.4+0.45*float64(n)) * vg.Inch}, nil
}

// tiledFree draws plots in a grid of equal tiles, each plot laid out in its
// own tile. Unlike tiledPlots it does not align the data areas across
// tiles (plot.Align gives every tile the widest axes of any, which leaves
// a triangle of tiles half empty).
type tiledFree struct {
	plots [][]*plot.Plot
	tiles draw.Tiles
}

// Plot implements plot.Plotter.
func (t tiledFree) Plot(c draw.Canvas, _ *plot.Plot) {
	for j, row := range t.plots {
		for i, p := range row {
			if p != nil {
				p.Draw(t.tiles.At(c, i, j))
			}
		}
	}
}
