package plots

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/sensitivity"
)

// testSweep is a sweep of two parameters, the second log-uniform, over
// four design points.
var testSweep = Sweep{
	Params: []string{"referrals.gp_engagement_mean", "workforce.quit_base_per_year"},
	Dists: []sensitivity.Dist{
		{Kind: sensitivity.KindUniform, Min: 0.2, Max: 0.6},
		{Kind: sensitivity.KindLogUniform, Min: 0.05, Max: 0.25},
	},
	Points: [][]float64{{0.2, 0.05}, {0.6, 0.05}, {0.2, 0.25}, {0.6, 0.25}},
}

var nan = math.NaN()

// checkFigure checks that f is named name, has a title and a plot, that its
// reading names metric, and that it renders as SVG.
func checkFigure(t *testing.T, f Figure, name, metric string) {
	t.Helper()
	if f.Name != name {
		t.Errorf("Name = %q; want %q", f.Name, name)
	}
	if f.Plot == nil || f.Title == "" || f.Width <= 0 || f.Height <= 0 {
		t.Errorf("%s: Plot = %p, Title = %q, size %v × %v; want a plot, a title and a size", f.Name, f.Plot, f.Title, f.Width, f.Height)
		return
	}
	if !strings.Contains(f.Reading, metric) || !strings.HasSuffix(f.Reading, ".") {
		t.Errorf("%s: Reading = %q; want a sentence naming %s", f.Name, f.Reading, metric)
	}
	svg, err := Render(f, "svg")
	if err != nil {
		t.Fatalf("Render(%s, svg) error: %v", f.Name, err)
	}
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte(metric)) {
		t.Errorf("Render(%s, svg) = %d bytes; want an SVG naming %s", f.Name, len(svg), metric)
	}
}

func TestSobolFigure(t *testing.T) {
	params := testSweep.Params
	s1 := []sensitivity.Index{{Value: 0.6, Lo95: 0.4, Hi95: 0.8}, {Value: 0.1, Lo95: -0.05, Hi95: 0.2}}
	st := []sensitivity.Index{{Value: 0.8, Lo95: 0.6, Hi95: 1.1}, {Value: 0.2, Lo95: nan, Hi95: nan}}
	f, err := SobolFigure("care_share", params, s1, st)
	if err != nil {
		t.Fatalf("SobolFigure error: %v", err)
	}
	checkFigure(t, f, "sobol-care_share", "care_share")
	if !strings.Contains(f.Reading, params[0]) {
		t.Errorf("Reading = %q; want it to name %s, the largest ST", f.Reading, params[0])
	}

	undefined := []sensitivity.Index{{Value: nan, Lo95: nan, Hi95: nan}, {Value: nan, Lo95: nan, Hi95: nan}}
	for _, tt := range []struct {
		name   string
		params []string
		s1, st []sensitivity.Index
		want   error // nil: any error but ErrNothingToDraw
	}{
		{"short s1", params, s1[:1], st, nil},
		{"short st", params, s1, st[:1], nil},
		{"extra parameter", append(slices.Clone(params), "x"), s1, st, nil},
		{"no total index defined", params, s1, undefined, ErrNothingToDraw},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SobolFigure("m", tt.params, tt.s1, tt.st)
			checkErr(t, "SobolFigure", err, tt.want)
		})
	}
}

func TestMorrisFigure(t *testing.T) {
	params := testSweep.Params
	f, err := MorrisFigure("investor_irr", params, []float64{0.02, 0.3}, []float64{0.01, 0.4})
	if err != nil {
		t.Fatalf("MorrisFigure error: %v", err)
	}
	checkFigure(t, f, "morris-investor_irr", "investor_irr")
	if !strings.Contains(f.Reading, params[1]) {
		t.Errorf("Reading = %q; want it to name %s, the largest μ*", f.Reading, params[1])
	}

	for _, tt := range []struct {
		name          string
		muStar, sigma []float64
		want          error
	}{
		{"short mu*", []float64{1}, []float64{1, 2}, nil},
		{"short sigma", []float64{1, 2}, []float64{1}, nil},
		{"nothing defined", []float64{nan, 1}, []float64{1, nan}, ErrNothingToDraw},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MorrisFigure("m", params, tt.muStar, tt.sigma)
			checkErr(t, "MorrisFigure", err, tt.want)
		})
	}
}

func TestResponseFigure(t *testing.T) {
	means := []float64{0.3, nan, 0.5, 0.45}
	f, err := ResponseFigure("care_share_last_year", testSweep, means)
	if err != nil {
		t.Fatalf("ResponseFigure error: %v", err)
	}
	checkFigure(t, f, "response-care_share_last_year", "care_share_last_year")
	if want := "Over the 3 design points with care_share_last_year defined (of 4)"; !strings.HasPrefix(f.Reading, want) {
		t.Errorf("Reading = %q; want it to begin %q", f.Reading, want)
	}
	linear := testSweep
	linear.Dists = nil
	if _, err := ResponseFigure("m", linear, means); err != nil {
		t.Errorf("ResponseFigure with nil Dists error: %v", err)
	}

	ragged := testSweep
	ragged.Points = [][]float64{{0.2, 0.05}, {0.6}, {0.2, 0.25}, {0.6, 0.25}}
	oneDist := testSweep
	oneDist.Dists = testSweep.Dists[:1]
	none := testSweep
	none.Params = nil
	for _, tt := range []struct {
		name  string
		sw    Sweep
		means []float64
		want  error
	}{
		{"fewer means than points", testSweep, means[:3], nil},
		{"point without every value", ragged, means, nil},
		{"fewer distributions than parameters", oneDist, means, nil},
		{"no parameters", none, means, nil},
		{"no mean defined", testSweep, []float64{nan, nan, nan, nan}, ErrNothingToDraw},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ResponseFigure("m", tt.sw, tt.means)
			checkErr(t, "ResponseFigure", err, tt.want)
		})
	}
}

// checkErr checks that err is want, or, with want nil, an error other than
// ErrNothingToDraw.
func checkErr(t *testing.T, fn string, err, want error) {
	t.Helper()
	switch {
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s error = %v; want %v", fn, err, want)
	case want == nil && (err == nil || errors.Is(err, ErrNothingToDraw)):
		t.Errorf("%s error = %v; want an error about the lengths", fn, err)
	}
}

func TestSensitivityFigures(t *testing.T) {
	sobol := &sensitivity.SobolResult{
		S1: []sensitivity.Index{{Value: 0.5, Lo95: 0.3, Hi95: 0.7}, {Value: 0.2, Lo95: 0.1, Hi95: 0.3}},
		ST: []sensitivity.Index{{Value: 0.7, Lo95: 0.5, Hi95: 0.9}, {Value: 0.3, Lo95: 0.2, Hi95: 0.4}},
	}
	morris := &sensitivity.MorrisResult{MuStar: []float64{0.1, 0.2}, Sigma: []float64{0.05, 0.1}}
	undefinedSobol := &sensitivity.SobolResult{
		S1: []sensitivity.Index{{Value: nan}, {Value: nan}},
		ST: []sensitivity.Index{{Value: nan}, {Value: nan}},
	}
	means := []float64{1, 2, 3, 4}
	figs, err := SensitivityFigures(testSweep, []SweepMetric{
		{Name: "a b", Means: means, Sobol: sobol},
		{Name: "a-b", Means: means, Morris: morris},
		{Name: "Care Share", Means: means},
		{Name: ".hidden.", Means: means},
		{Name: "...", Means: means},
		{Name: "never", Means: []float64{nan, nan, nan, nan}, Sobol: undefinedSobol},
	})
	if err != nil {
		t.Fatalf("SensitivityFigures error: %v", err)
	}
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
	}
	want := []string{"sobol-a-b", "response-a-b", "morris-a-b-2", "response-a-b-2",
		"response-Care-Share", "response-hidden", "response-metric"}
	if !slices.Equal(names, want) {
		t.Errorf("SensitivityFigures names = %q; want %q", names, want)
	}

	_, err = SensitivityFigures(testSweep, []SweepMetric{{Name: "short", Means: means[:2]}})
	if err == nil || !strings.HasPrefix(err.Error(), "short: ") {
		t.Errorf("SensitivityFigures with too few means error = %v; want an error beginning with the metric", err)
	}
}

// TestResponseFigureLogAxisOnePoint: a log-uniform parameter with a metric
// defined at only one design point used to panic when rendered (the axis
// was widened below zero).
func TestResponseFigureLogAxisOnePoint(t *testing.T) {
	sw := Sweep{
		Params: []string{"a", "b"},
		Dists:  []sensitivity.Dist{{Kind: sensitivity.KindLogUniform, Min: 0.1, Max: 10}, {Kind: sensitivity.KindUniform, Min: 0, Max: 1}},
		Points: [][]float64{{0.5, 0.2}, {2, 0.7}, {5, 0.9}},
	}
	// The one defined point has x = 0.5: widened by ±1 it would reach -0.5.
	f, err := ResponseFigure("m", sw, []float64{3, math.NaN(), math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"svg", "png"} {
		if b, err := Render(f, format); err != nil || len(b) == 0 {
			t.Errorf("Render(%s) = %d bytes, %v; want a figure", format, len(b), err)
		}
	}
}
