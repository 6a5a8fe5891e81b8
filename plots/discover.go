package plots

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sibsim/sibsim/sim/discover"
	"github.com/sibsim/sibsim/sim/results"
)

// This file draws the figures of scenario discovery (sibsim discover): a
// PRIM peeling trajectory's trade-off between coverage and density, and
// the limits of the boxes found.

// TradeoffFigure draws a PRIM peeling trajectory (traj, from
// discover.Peel or a discover.PRIMBox; box 0 is the whole space) as the
// trade-off between coverage (x) and density (y): one point per box,
// coloured by the number of dimensions it restricts in sp, with the
// selected box ringed. outcome describes the outcome of interest (e.g.
// "care_share > 0.5"). It is named "tradeoff-OUTCOME", OUTCOME in lower
// case with each run of characters other than letters, digits, '.', '_'
// and '-' made one '-' ("care_share-0.5"). It returns ErrNothingToDraw when no box has both
// coverage and density defined, and an error when a box's limits do not
// match sp or selected is not an index of traj.
func TradeoffFigure(outcome string, sp discover.Space, traj []discover.Box, selected int) (Figure, error) {
	if selected < 0 || selected >= len(traj) {
		return Figure{}, fmt.Errorf("plots: trade-off figure of %s: selected box %d of a trajectory of %d", outcome, selected, len(traj))
	}
	if err := checkBoxes(outcome, sp, traj); err != nil {
		return Figure{}, err
	}
	// One scatter per number of restricted dimensions, in order.
	byCount := map[int]plotter.XYs{}
	most := 0
	for _, b := range traj {
		if !finite(b.Coverage) || !finite(b.Density) {
			continue
		}
		n := len(sp.Restricted(b))
		byCount[n] = append(byCount[n], plotter.XY{X: b.Coverage, Y: b.Density})
		most = max(most, n)
	}
	if len(byCount) == 0 {
		return Figure{}, ErrNothingToDraw
	}
	p, l := newPlot(outcome+": PRIM peeling trajectory",
		"coverage (share of the cases of interest inside the box)", "density (share of the box's cases of interest)")
	addGrid(p)
	l.addHeading("dimensions restricted")
	for n := 0; n <= most; n++ {
		xys, ok := byCount[n]
		if !ok {
			continue
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return Figure{}, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: Colour(n), Shape: draw.CircleGlyph{}, Radius: vg.Points(3)}
		p.Add(sc)
		l.add(fmt.Sprint(n), sc)
	}
	sel := traj[selected]
	if finite(sel.Coverage) && finite(sel.Density) {
		ring, err := plotter.NewScatter(plotter.XYs{{X: sel.Coverage, Y: sel.Density}})
		if err != nil {
			return Figure{}, err
		}
		ring.GlyphStyle = draw.GlyphStyle{Color: colourWhisker, Shape: draw.RingGlyph{}, Radius: vg.Points(6)}
		p.Add(ring)
		l.add(fmt.Sprintf("selected (box %d)", selected), ring)
	}
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min, p.Y.Max = 0, 1
	reading := fmt.Sprintf("Peeling for %s went from density %s at full coverage to density %s at coverage %s over %d boxes; the selected box %d has coverage %s and density %s and restricts %d dimensions.",
		outcome, results.Human(traj[0].Density), results.Human(traj[len(traj)-1].Density), results.Human(traj[len(traj)-1].Coverage),
		len(traj), selected, results.Human(sel.Coverage), results.Human(sel.Density), len(sp.Restricted(sel)))
	return Figure{
		Name: "tradeoff-" + fileStem(outcome), Title: p.Title.Text, Reading: reading, Plot: finish(p, l),
		Width: width, Height: 5 * vg.Inch,
	}, nil
}

// BoxLimitsFigure draws the limits of boxes (from discover.PRIM or
// discover.CART) on each dimension they restrict in sp, one row per box
// and restricted dimension, boxes in order: a bar from the lower to the
// upper limit, each scaled to the dimension's range in sp (0 its minimum,
// 1 its maximum), over a light bar of the whole range, the limits written
// at the ends and the row labelled with the dimension and, where defined,
// the restriction's quasi-p-value. Box i (from 0) has colour Colour(i).
// It is named "box-limits-OUTCOME", OUTCOME as for TradeoffFigure. It returns ErrNothingToDraw when no box
// restricts a dimension, and an error when a box's limits do not match sp.
func BoxLimitsFigure(outcome string, sp discover.Space, boxes []discover.Box) (Figure, error) {
	if err := checkBoxes(outcome, sp, boxes); err != nil {
		return Figure{}, err
	}
	type row struct {
		box, dim int
		lo, hi   float64 // scaled to [0, 1]
	}
	var rows []row
	for i, b := range boxes {
		for _, j := range sp.Restricted(b) {
			rows = append(rows, row{box: i, dim: j, lo: scaled(sp, j, b.Lo[j]), hi: scaled(sp, j, b.Hi[j])})
		}
	}
	if len(rows) == 0 {
		return Figure{}, ErrNothingToDraw
	}
	p := sensitivityPlot(outcome+": limits of the boxes",
		"limit, as a share of the dimension's range (0: its minimum, 1: its maximum)", "", 1)
	k := len(rows)
	names := make([]string, k)
	var ends plotter.XYs
	var endLabels []string
	const h = 0.5
	for r, rw := range rows {
		y := float64(k - 1 - r) // first row at the top
		b := boxes[rw.box]
		label := sp.Names[rw.dim]
		if len(boxes) > 1 {
			label = fmt.Sprintf("box %d: %s", rw.box+1, label)
		}
		if b.QuasiP != nil && finite(b.QuasiP[rw.dim]) {
			label += " (p " + results.Human(b.QuasiP[rw.dim]) + ")"
		}
		names[k-1-r] = label
		p.Add(rect(0, 1, y-h/2, y+h/2, fade(colourGuide, 0.25)))
		p.Add(rect(rw.lo, rw.hi, y-h/2, y+h/2, fade(Colour(rw.box), 0.8)))
		ends = append(ends, plotter.XY{X: rw.lo, Y: y}, plotter.XY{X: rw.hi, Y: y})
		endLabels = append(endLabels, results.Human(b.Lo[rw.dim]), results.Human(b.Hi[rw.dim]))
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: ends, Labels: endLabels})
	if err != nil {
		return Figure{}, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font = font.From(sansFont, 8.5)
		lb.TextStyle[i].YAlign = draw.YTop
		lb.TextStyle[i].XAlign = draw.XCenter
	}
	lb.Offset = vg.Point{Y: -vg.Points(6)}
	p.Add(lb)
	p.NominalY(names...)
	p.X.Min, p.X.Max = -0.05, 1.05
	p.Y.Min, p.Y.Max = -0.9, float64(k)-0.5
	var parts []string
	for _, rw := range rows {
		if rw.box != 0 {
			break
		}
		b := boxes[0]
		parts = append(parts, fmt.Sprintf("%s to %s–%s", sp.Names[rw.dim], results.Human(b.Lo[rw.dim]), results.Human(b.Hi[rw.dim])))
	}
	reading := fmt.Sprintf("Where %s, the first box restricts %s (coverage %s, density %s).",
		outcome, strings.Join(parts, ", "), results.Human(boxes[0].Coverage), results.Human(boxes[0].Density))
	if rows[0].box != 0 {
		reading = fmt.Sprintf("Where %s, the first box restricts no dimension; %d later rows show the other boxes.", outcome, len(rows))
	}
	return Figure{
		Name: "box-limits-" + fileStem(outcome), Title: p.Title.Text, Reading: reading, Plot: p,
		Width: width, Height: vg.Length(1.3+0.45*float64(k)) * vg.Inch,
	}, nil
}

// scaled returns x as a share of dimension j's range in sp (0.5 for a
// dimension with no range).
func scaled(sp discover.Space, j int, x float64) float64 {
	if sp.Max[j] == sp.Min[j] {
		return 0.5
	}
	return (x - sp.Min[j]) / (sp.Max[j] - sp.Min[j])
}

// checkBoxes returns an error if sp's names and ranges, or a box's limits
// and quasi-p-values, do not have one value per dimension.
func checkBoxes(outcome string, sp discover.Space, boxes []discover.Box) error {
	d := len(sp.Names)
	if len(sp.Min) != d || len(sp.Max) != d {
		return fmt.Errorf("plots: figure of %s: %d dimensions, %d minima and %d maxima", outcome, d, len(sp.Min), len(sp.Max))
	}
	for i, b := range boxes {
		if len(b.Lo) != d || len(b.Hi) != d || b.QuasiP != nil && len(b.QuasiP) != d {
			return fmt.Errorf("plots: figure of %s: box %d has %d lower, %d upper limits and %d quasi-p-values for %d dimensions",
				outcome, i, len(b.Lo), len(b.Hi), len(b.QuasiP), d)
		}
	}
	return nil
}
