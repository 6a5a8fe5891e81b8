package plots

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/stats"
)

var tariffFigure = flag.Bool("tariff-figure", false, "regenerate docs/figures/tariff-response.svg and .csv (ODD 7.4.6)")

// tariffScales are the multiples of the default second-phase tariffs swept.
var tariffScales = []float64{0, 0.5, 1, 2, 5, 10}

// TestTariffResponseFigure regenerates the figure of ODD 7.4.6: the
// last-year care share of the default scenario against the second-phase
// reading tariffs (a multiple of the default), with the total response
// split into its two channels. Run with
//
//	go test ./plots -run TestTariffResponseFigure -tariff-figure
//
// Total: the default model. Price channel: pressure does not respond to the
// finances (management.pressure_steepness 0, so pressure settles at 0.5
// whatever the tariff). Pressure channel: no money term
// (practice.money_weight_base and money_weight_pressure 0), so the tariff
// acts only through the deficit, via targets and caseload targets.
func TestTariffResponseFigure(t *testing.T) {
	if !*tariffFigure {
		t.Skip("run with -tariff-figure to regenerate docs/figures/tariff-response.svg")
	}
	const reps, seed = 8, 20231
	r, err := scenario.Loader{Shipped: scenarios.FS}.Load("ways-to-wellness")
	if err != nil {
		t.Fatal(err)
	}
	variants := []struct {
		name string
		set  map[string]float64
	}{
		{"total (pressure responds to the deficit)", nil},
		{"price channel (pressure fixed at 0.5)", map[string]float64{"management.pressure_steepness": 0}},
		{"pressure channel (no money term)", map[string]float64{"practice.money_weight_base": 0, "practice.money_weight_pressure": 0}},
	}
	metric := -1
	for i, c := range sim.Metrics() {
		if c.Name == "care_share_last_year" {
			metric = i
		}
	}
	var csv strings.Builder
	csv.WriteString("variant,tariff_scale,care_share_last_year,lo95,hi95\n")
	p, l := newPlot("Care share in the last year against the per-reading tariff",
		"Second-phase reading tariffs (multiple of the default: 350, 250, 150 GBP)", "Care share, last year")
	addGrid(p)
	for vi, v := range variants {
		var xys plotter.XYs
		var lo, hi plotter.XYs
		for xi, f := range tariffScales {
			sc := r.Scenario.Clone()
			if err := scenario.ScalePath(sc, "contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*]", f); err != nil {
				t.Fatal(err)
			}
			for path, x := range v.set {
				if err := scenario.SetPath(sc, path, x); err != nil {
					t.Fatal(err)
				}
			}
			b, err := sim.RunBatch(context.Background(), sc, sim.Options{Replications: reps, Seed: seed, NoWeekly: true})
			if err != nil {
				t.Fatal(err)
			}
			ys := make([]float64, reps)
			for i, res := range b.Results {
				ys[i] = res.Metrics[metric]
			}
			s := stats.Describe(ys)
			t.Logf("%-42s tariff x%-4g care share %.3f [%.3f, %.3f]", v.name, f, s.Mean, s.Lo95, s.Hi95)
			fmt.Fprintf(&csv, "%s,%g,%.4f,%.4f,%.4f\n", strings.Fields(v.name)[0], f, s.Mean, s.Lo95, s.Hi95)
			xys = append(xys, plotter.XY{X: float64(xi), Y: s.Mean})
			lo = append(lo, plotter.XY{X: float64(xi), Y: s.Lo95})
			hi = append(hi, plotter.XY{X: float64(xi), Y: s.Hi95})
		}
		sty := lineStyle(Colour(vi), [][]vg.Length{solid, dashed, dotted}[vi])
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			t.Fatal(err)
		}
		line.LineStyle = sty
		points.Shape = draw.CircleGlyph{}
		points.Color = Colour(vi)
		bars, err := plotter.NewYErrorBars(errorBars{xys, lo, hi})
		if err != nil {
			t.Fatal(err)
		}
		bars.LineStyle = lineStyle(Colour(vi), solid)
		bars.LineStyle.Width = vg.Points(0.8)
		p.Add(bars, line, points)
		l.add(v.name, thumbLine(sty))
	}
	p.X.Tick.Marker = scaleTicks{}
	p.X.Min, p.X.Max = -0.3, float64(len(tariffScales))-0.7
	f := Figure{Name: "tariff-response", Title: p.Title.Text, Plot: finish(p, l), Width: 9 * vg.Inch, Height: 4.5 * vg.Inch}
	svg, err := Render(f, "svg")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "docs", "figures")
	if err := os.WriteFile(filepath.Join(dir, "tariff-response.svg"), svg, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tariff-response.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// errorBars are 95% intervals around means at ordinal x positions.
type errorBars struct{ mid, lo, hi plotter.XYs }

func (e errorBars) Len() int                    { return len(e.mid) }
func (e errorBars) XY(i int) (float64, float64) { return e.mid[i].X, e.mid[i].Y }
func (e errorBars) YError(i int) (float64, float64) {
	return e.mid[i].Y - e.lo[i].Y, e.hi[i].Y - e.mid[i].Y
}

// scaleTicks labels the ordinal x positions with the tariff multiples.
type scaleTicks struct{}

func (scaleTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for i, f := range tariffScales {
		out = append(out, plot.Tick{Value: float64(i), Label: fmt.Sprintf("x%g", f)})
	}
	return out
}
