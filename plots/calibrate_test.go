package plots

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/calibrate"
)

func TestPosteriorPairsFigure(t *testing.T) {
	post := Posterior{
		Params:    []string{"referrals.refusal_prob", "wellbeing.healthy_level", "providers[*].culture"},
		Summaries: []calibrate.Summary{{Name: "referrals.refusal_prob", Median: 0.2, Lower: 0.1, Upper: 0.3}, {Name: "wellbeing.healthy_level", Median: 5, Lower: 4.5, Upper: 5.5}, {Name: "providers[*].culture", Median: 0.5, Lower: 0.4, Upper: 0.6}},
	}
	for i := range 50 {
		x := float64(i) / 49
		post.Values = append(post.Values, []float64{0.1 + 0.2*x, 4.5 + x, 0.4 + 0.2*x*x})
		post.Weights = append(post.Weights, 1+x)
	}
	f, err := PosteriorPairsFigure(post)
	if err != nil {
		t.Fatalf("PosteriorPairsFigure = %v", err)
	}
	if want := "referrals.refusal_prob 0.2000 [0.1000, 0.3000]"; !strings.Contains(f.Reading, want) {
		t.Errorf("reading %q; want it to contain %q", f.Reading, want)
	}
	svg, err := Render(f, "svg")
	if err != nil || !bytes.HasPrefix(bytes.TrimSpace(svg), []byte("<?xml")) {
		t.Fatalf("Render = %d bytes, %v; want an SVG", len(svg), err)
	}
	post.Weights = post.Weights[:3]
	if _, err := PosteriorPairsFigure(post); err == nil {
		t.Error("PosteriorPairsFigure with fewer weights than particles: no error")
	}
}

func TestCheckFigure(t *testing.T) {
	checks := []calibrate.TargetCheck{
		{Target: calibrate.Target{Name: "engaged_share", Observed: 0.78, Tolerance: 0.02}, Lower: 0.76, Median: 0.78, Upper: 0.8, Reproduced: true},
		{Target: calibrate.Target{Name: "referrals_per_year", Range: true, Min: 1300, Max: 1700}, Lower: 1800, Median: 1900, Upper: 2000},
		{Target: calibrate.Target{Name: "investor_irr", Observed: 0.05, Tolerance: 0.01}, Lower: math.NaN(), Median: math.NaN(), Upper: math.NaN()},
	}
	pred := [][]float64{{0.77, 1850, math.NaN()}, {0.79, 1950, math.NaN()}}
	f, err := CheckFigure(checks, pred)
	if err != nil {
		t.Fatalf("CheckFigure = %v", err)
	}
	if want := "for 1 of 3 targets"; !strings.Contains(f.Reading, want) {
		t.Errorf("reading %q; want it to contain %q", f.Reading, want)
	}
	if _, err := Render(f, "svg"); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckFigure(checks[2:], [][]float64{{math.NaN()}}); err != ErrNothingToDraw {
		t.Errorf("CheckFigure with nothing defined = %v; want ErrNothingToDraw", err)
	}
}
