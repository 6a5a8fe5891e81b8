package plots

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/sensitivity"
)

// gridSweep is a 3 × 2 grid sweep: a multiplier and a value.
func gridSweep(t *testing.T, f func(x []float64) float64) (Sweep, []float64, *sensitivity.GridEffects) {
	t.Helper()
	sw := Sweep{
		Params: []string{"contract.tariffs_gbp[*]", "referrals.gp_engagement_mean"},
		Dists: []sensitivity.Dist{
			{Kind: sensitivity.KindUniform, Min: 0.5, Max: 1.5},
			{Kind: sensitivity.KindLevels, Levels: []float64{0.2, 0.6}},
		},
		Scale: []bool{true, false},
	}
	var y []float64
	for _, a := range []float64{0.5, 1, 1.5} {
		for _, b := range []float64{0.2, 0.6} {
			sw.Points = append(sw.Points, []float64{a, b})
			y = append(y, f([]float64{a, b}))
		}
	}
	g, err := sensitivity.GridMeans(sw.Points, y)
	if err != nil {
		t.Fatal(err)
	}
	return sw, y, g
}

func TestMainEffectsFigure(t *testing.T) {
	// x1 moves the metric by 0.4 × 10 = 4, x0 by 1 × 1 = 1.
	sw, _, g := gridSweep(t, func(x []float64) float64 { return x[0] + 10*x[1] })
	f, err := MainEffectsFigure("care_share", sw, g)
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, f, "main-effects-care_share", "care_share")
	if !strings.Contains(f.Reading, "referrals.gp_engagement_mean moves care_share most") || !strings.Contains(f.Reading, "across its 2 levels") {
		t.Errorf("Reading = %q; want it to name the parameter with the largest effect", f.Reading)
	}
	svg, err := Render(f, "svg")
	if err != nil {
		t.Fatal(err)
	}
	// Ticks at the design's levels, the multiplier marked; labels say what
	// was varied.
	for _, want := range []string{"×0.5", "×1", "×1.5", ">0.2<", ">0.6<", "(multiplier of the base value)", "(value)"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("main effects SVG lacks %q", want)
		}
	}
	if bytes.Contains(svg, []byte(">0.4<")) {
		t.Error("main effects SVG has a tick at 0.4, which is not a level")
	}

	// Undefined means everywhere: nothing to draw.
	nan3 := *g
	nan3.Main = [][]float64{{nan, nan, nan}, {nan, nan}}
	if _, err := MainEffectsFigure("m", sw, &nan3); err != ErrNothingToDraw {
		t.Errorf("MainEffectsFigure(all NaN) = %v; want ErrNothingToDraw", err)
	}
	bad := *g
	bad.Main = g.Main[:1]
	_, err = MainEffectsFigure("m", sw, &bad)
	checkErr(t, "MainEffectsFigure", err, nil)
}

func TestInteractionsFigure(t *testing.T) {
	sw, _, g := gridSweep(t, func(x []float64) float64 { return x[0] * x[1] })
	f, err := InteractionsFigure("care_share", sw, g)
	if err != nil {
		t.Fatal(err)
	}
	checkFigure(t, f, "interactions-care_share", "care_share")
	// x0 x1 on {0.5, 1, 1.5} × {0.2, 0.6}: the cell (a, b) departs from
	// the additive model by (a − 1)(b − 0.4), at most 0.5 × 0.2 = 0.1.
	if !strings.Contains(f.Reading, "contract.tariffs_gbp[*] and referrals.gp_engagement_mean") || !strings.Contains(f.Reading, "by up to 0.1000") {
		t.Errorf("Reading = %q; want the pair and a departure of 0.1", f.Reading)
	}
	svg, _ := Render(f, "svg")
	for _, want := range []string{"lines: referrals.gp_engagement_mean (value)", ">0.2<", ">0.6<", "×1.5"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("interactions SVG lacks %q", want)
		}
	}

	// An additive metric departs by nothing.
	sw, _, g = gridSweep(t, func(x []float64) float64 { return x[0] + x[1] })
	if _, err := InteractionsFigure("m", sw, g); err != nil {
		t.Errorf("InteractionsFigure(additive) error: %v", err)
	}
	if d := interactionSize(g.Pair[0][1]); d > 1e-12 {
		t.Errorf("interaction size of an additive metric = %v; want 0", d)
	}

	// One parameter: no pair to draw.
	one := Sweep{Params: sw.Params[:1], Points: [][]float64{{0.5}, {1}}}
	g1, err := sensitivity.GridMeans(one.Points, []float64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := InteractionsFigure("m", one, g1); err != ErrNothingToDraw {
		t.Errorf("InteractionsFigure(one parameter) = %v; want ErrNothingToDraw", err)
	}
}

// TestSensitivityFiguresGrid: a metric with grid effects gets main-effects
// and interactions figures after its response.
func TestSensitivityFiguresGrid(t *testing.T) {
	sw, y, g := gridSweep(t, func(x []float64) float64 { return x[0] * x[1] })
	figs, err := SensitivityFigures(sw, []SweepMetric{{Name: "m", Means: y, Grid: g}, {Name: "n", Means: y}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
	}
	if want := []string{"response-m", "main-effects-m", "interactions-m", "response-n"}; !slices.Equal(names, want) {
		t.Errorf("figures %q; want %q", names, want)
	}
}
