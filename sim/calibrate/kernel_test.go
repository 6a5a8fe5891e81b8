package calibrate

import (
	"math"
	"testing"
)

// TestKernelDensity checks that the truncated kernel mixture is a density
// on the unit square (integrates to 1, by the midpoint rule) and that its
// samples stay in the square and follow it: the share of samples in the
// lower-left quarter matches the density's mass there within 4 binomial
// standard deviations.
func TestKernelDensity(t *testing.T) {
	parts := []Particle{
		{Unit: []float64{0.02, 0.5}, LogWeight: 0},
		{Unit: []float64{0.4, 0.98}, LogWeight: math.Log(3)},
		{Unit: []float64{0.7, 0.1}, LogWeight: math.Log(0.5)},
		{Unit: []float64{0.05, 0.2}, LogWeight: math.Log(2)},
	}
	kn := newKernel(parts)
	const n = 400
	var total, quarter float64
	for i := range n {
		for j := range n {
			x := []float64{(float64(i) + 0.5) / n, (float64(j) + 0.5) / n}
			q := math.Exp(kn.logDensity(x)) / (n * n)
			total += q
			if i < n/2 && j < n/2 {
				quarter += q
			}
		}
	}
	if math.Abs(total-1) > 1e-3 {
		t.Errorf("kernel density integrates to %.5f over the unit square; want 1", total)
	}
	const draws = 20000
	var in int
	for i := range draws {
		x := kn.sample(newRand(1, "test", 0, i))
		if x[0] < 0 || x[0] > 1 || x[1] < 0 || x[1] > 1 {
			t.Fatalf("sample %v outside the unit square", x)
		}
		if x[0] < 0.5 && x[1] < 0.5 {
			in++
		}
	}
	got, sd := float64(in)/draws, math.Sqrt(quarter*(1-quarter)/draws)
	if math.Abs(got-quarter) > 4*sd {
		t.Errorf("share of samples in [0, 0.5)² = %.4f; want %.4f ± %.4f (4 sd)", got, quarter, 4*sd)
	}
}

// TestTruncMass checks the truncation mass against Φ differences.
func TestTruncMass(t *testing.T) {
	phi := func(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
	for _, tc := range []struct{ m, sd float64 }{{0.5, 0.1}, {0, 0.3}, {1, 0.01}, {0.2, 2}} {
		want := phi((1-tc.m)/tc.sd) - phi(-tc.m/tc.sd)
		if got := truncMass(tc.m, tc.sd); math.Abs(got-want) > 1e-14 {
			t.Errorf("truncMass(%v, %v) = %v; want %v", tc.m, tc.sd, got, want)
		}
	}
}
