package calibrate_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

func TestDeviation(t *testing.T) {
	point := calibrate.Target{Name: "p", Observed: 10, Tolerance: 2, Weight: 1}
	rng := calibrate.Target{Name: "r", Range: true, Min: 4, Max: 8, Weight: 1}
	for _, tc := range []struct {
		t    calibrate.Target
		x    float64
		want float64
	}{
		{point, 10, 0}, {point, 13, 1.5}, {point, 7, 1.5},
		{rng, 4, 0}, {rng, 6, 0}, {rng, 8, 0}, {rng, 3, 0.5}, {rng, 12, 2},
		{point, math.NaN(), math.Inf(1)}, {rng, math.Inf(-1), math.Inf(1)},
	} {
		if got := tc.t.Deviation(tc.x); got != tc.want {
			t.Errorf("%s.Deviation(%v) = %v; want %v", tc.t.Name, tc.x, got, tc.want)
		}
	}
	if !point.Inside(12) || point.Inside(12.1) || !rng.Inside(8) || rng.Inside(8.01) {
		t.Error("Inside: want within tolerance for a point target and within [min, max] for a range")
	}
}

func TestDistance(t *testing.T) {
	ts := []calibrate.Target{
		{Name: "a", Observed: 0, Tolerance: 1, Weight: 1},
		{Name: "b", Range: true, Min: 0, Max: 2, Weight: 3},
	}
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{0, 1}, 0},
		{[]float64{2, 1}, 1},             // sqrt((1·4 + 3·0)/4)
		{[]float64{0, 4}, math.Sqrt(3)},  // b: (4−2)/1 = 2; sqrt(3·4/4)
		{[]float64{2, -2}, math.Sqrt(4)}, // sqrt((4 + 3·4)/4)
		{[]float64{0, math.NaN()}, math.Inf(1)},
	} {
		if got := calibrate.Distance(ts, tc.xs); math.Abs(got-tc.want) > 1e-15 && got != tc.want {
			t.Errorf("Distance(%v) = %v; want %v", tc.xs, got, tc.want)
		}
	}
}

func TestWeightedQuantile(t *testing.T) {
	for _, tc := range []struct {
		xs, ws []float64
		q      float64
		want   float64
	}{
		{[]float64{4, 1, 3, 2}, []float64{1, 1, 1, 1}, 0.5, 2.5}, // Hazen: midpoints 1/8, 3/8, 5/8, 7/8
		{[]float64{4, 1, 3, 2}, []float64{1, 1, 1, 1}, 0.125, 1},
		{[]float64{4, 1, 3, 2}, []float64{1, 1, 1, 1}, 0.05, 1},
		{[]float64{4, 1, 3, 2}, []float64{1, 1, 1, 1}, 0.95, 4},
		{[]float64{4, 1, 3, 2}, []float64{1, 1, 1, 1}, 0.25, 1.5},
		{[]float64{0, 10}, []float64{3, 1}, 0.5, 2.5}, // midpoints 0.375, 0.875
		{[]float64{0, 10, 5}, []float64{1, 1, 0}, 0.5, 5},
		{[]float64{7}, []float64{2}, 0.3, 7},
	} {
		if got := calibrate.WeightedQuantile(tc.xs, tc.ws, tc.q); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("WeightedQuantile(%v, %v, %v) = %v; want %v", tc.xs, tc.ws, tc.q, got, tc.want)
		}
	}
}

func TestESS(t *testing.T) {
	for _, tc := range []struct {
		w    []float64
		want float64
	}{
		{[]float64{1, 1, 1, 1}, 4}, {[]float64{0.2, 0.2}, 2}, {[]float64{5, 0, 0}, 1}, {[]float64{3, 1}, 1.6},
	} {
		if got := calibrate.ESS(tc.w); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("ESS(%v) = %v; want %v", tc.w, got, tc.want)
		}
	}
}

func TestSpecValidate(t *testing.T) {
	u := sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0, Max: 1}
	spec := calibrate.Spec{
		Parameters: []calibrate.Parameter{{Name: "a", Prior: u}, {Name: "a", Prior: u}, {Prior: sensitivity.Dist{Kind: "uniform", Min: 1, Max: 0}}},
		Targets: []calibrate.Target{
			{Name: "x", Observed: 1, Tolerance: 0, Weight: 1},
			{Name: "y", Range: true, Min: 2, Max: 2, Weight: 1},
			{Name: "z", Observed: math.NaN(), Tolerance: 1},
		},
	}
	err := spec.Validate()
	if err == nil {
		t.Fatal("Validate() = nil; want errors")
	}
	want := []string{
		`parameters[1]: duplicate name "a"`,
		`parameters[2]: missing name`,
		`parameter "": prior: uniform: max must be > min (got min 1, max 0)`,
		`target "x": tolerance must be > 0 (got 0)`,
		`target "y": max must be > min (got min 2, max 2)`,
		`target "z": observed must be finite (got NaN)`,
		`target "z": weight must be > 0 (got 0)`,
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Validate() =\n%s\nwant\n%s", err, strings.Join(want, "\n"))
	}
	if err := (calibrate.Spec{}).Validate(); err == nil || err.Error() != "no parameters to calibrate\nno targets" {
		t.Errorf("empty spec: Validate() = %v; want no parameters, no targets", err)
	}
}

// TestPredictiveCheck calibrates the known-answer model, simulates the
// posterior predictive distribution and checks it: the observed figure is
// reproduced, sits near the middle of the distribution, whose spread is
// the predictive sd √(posterior var + se²); a range the model cannot reach
// is not reproduced.
func TestPredictiveCheck(t *testing.T) {
	m := knownAnswer
	pop, _ := smcKnownAnswer(t, 5, 0)
	draws := calibrate.Predictive(pop, 4000, 9)
	sums, err := calibrate.Pointwise(m.simulate, 0).Evaluate(context.Background(), draws)
	if err != nil {
		t.Fatal(err)
	}
	far := calibrate.Target{Name: "far", Range: true, Min: 20, Max: 30, Weight: 1}
	for i := range sums {
		sums[i] = append(sums[i], sums[i][0])
	}
	checks := calibrate.Check(append(m.spec().Targets, far), sums)
	c := checks[0]
	_, ps := m.posterior()
	sd := math.Sqrt(ps*ps + m.se*m.se)
	if !c.Reproduced || c.N != 4000 || c.Defined != 4000 {
		t.Errorf("check %+v; want reproduced with 4000 defined values", c)
	}
	// The predictive distribution is normal(posterior mean, sd): its 5-95%
	// width is 2·1.645 sd; quantiles of 4000 draws are good to a few %.
	if w := c.Upper - c.Lower; math.Abs(w-2*1.645*sd) > 0.05*2*1.645*sd {
		t.Errorf("predictive 90%% width = %.3f; want %.3f within 5%%", w, 2*1.645*sd)
	}
	// ȳ sits at Φ((ȳ − posterior mean)/sd) of the predictive distribution,
	// within 4 binomial sd of 4000 draws plus 0.01 for the error of the
	// posterior itself (ε and Monte Carlo).
	pm, _ := m.posterior()
	if want := normCDF((m.ybar - pm) / sd); math.Abs(c.Percentile-want) > 4*math.Sqrt(want*(1-want)/4000)+0.01 {
		t.Errorf("percentile = %.3f; want %.3f", c.Percentile, want)
	}
	if f := checks[1]; f.Reproduced || f.Inside != 0 || !math.IsNaN(f.Percentile) {
		t.Errorf("far range: %+v; want not reproduced, none inside, no percentile", f)
	}
	// Predictive draws are a pure function of the seed and come from the
	// posterior's particles.
	again := calibrate.Predictive(pop, 4000, 9)
	for i := range draws {
		if draws[i].Seed != again[i].Seed || draws[i].Values[0] != again[i].Values[0] {
			t.Fatalf("predictive draw %d differs between calls", i)
		}
	}
}
