package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

var nan = math.NaN()

// near reports whether got is within tol of want, treating two NaNs as equal.
func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

func TestDescribe(t *testing.T) {
	const tol = 1e-9
	tests := []struct {
		name string
		xs   []float64
		want Summary
	}{
		{"empty", nil, Summary{N: 0, Mean: nan, SD: nan, Lo95: nan, Hi95: nan}},
		{"only NaN", []float64{nan, nan}, Summary{N: 0, Mean: nan, SD: nan, Lo95: nan, Hi95: nan}},
		{"one value", []float64{5}, Summary{N: 1, Mean: 5, SD: nan, Lo95: nan, Hi95: nan}},
		{"one finite among NaN", []float64{nan, 5, math.Inf(1)}, Summary{N: 1, Mean: 5, SD: nan, Lo95: nan, Hi95: nan}},
		{"constant", []float64{2, 2, 2}, Summary{N: 3, Mean: 2, SD: 0, Lo95: 2, Hi95: 2}},
		// mean 2.5, variance (2.25+0.25+0.25+2.25)/3 = 5/3,
		// half width t(0.975, 3) sqrt(5/3) / 2 = 3.182446305 * 1.290994449 / 2.
		{"four values", []float64{1, 2, 3, 4}, Summary{N: 4, Mean: 2.5, SD: math.Sqrt(5.0 / 3),
			Lo95: 2.5 - 2.054260256760879, Hi95: 2.5 + 2.054260256760879}},
		// NaN and infinities are dropped: {1, 3}, mean 2, sd sqrt(2),
		// half width t(0.975, 1) sqrt(2) / sqrt(2) = 12.706204736.
		{"non-finite excluded", []float64{1, nan, 3, math.Inf(-1), math.Inf(1)}, Summary{N: 2, Mean: 2, SD: math.Sqrt2,
			Lo95: 2 - 12.706204736174707, Hi95: 2 + 12.706204736174707}},
		{"large offset", []float64{1e9 + 1, 1e9 + 2, 1e9 + 3}, Summary{N: 3, Mean: 1e9 + 2, SD: 1,
			Lo95: 1e9 + 2 - 4.302652729911275/math.Sqrt(3), Hi95: 1e9 + 2 + 4.302652729911275/math.Sqrt(3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Describe(tt.xs)
			if got.N != tt.want.N || !near(got.Mean, tt.want.Mean, tol) || !near(got.SD, tt.want.SD, tol) ||
				!near(got.Lo95, tt.want.Lo95, 1e-6) || !near(got.Hi95, tt.want.Hi95, 1e-6) {
				t.Errorf("Describe(%v) = %+v; want %+v", tt.xs, got, tt.want)
			}
			if n := Count(tt.xs); n != tt.want.N {
				t.Errorf("Count(%v) = %d; want %d", tt.xs, n, tt.want.N)
			}
			if m := Mean(tt.xs); !near(m, tt.want.Mean, tol) {
				t.Errorf("Mean(%v) = %v; want %v", tt.xs, m, tt.want.Mean)
			}
			if s := SD(tt.xs); !near(s, tt.want.SD, tol) {
				t.Errorf("SD(%v) = %v; want %v", tt.xs, s, tt.want.SD)
			}
			if lo, hi := MeanCI(tt.xs, 0.95); !near(lo, tt.want.Lo95, 1e-6) || !near(hi, tt.want.Hi95, 1e-6) {
				t.Errorf("MeanCI(%v, 0.95) = %v, %v; want %v, %v", tt.xs, lo, hi, tt.want.Lo95, tt.want.Hi95)
			}
		})
	}
}

func TestMeanCIBadLevel(t *testing.T) {
	for _, level := range []float64{0, 1, -0.5, 2, nan} {
		if lo, hi := MeanCI([]float64{1, 2, 3}, level); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("MeanCI({1,2,3}, %v) = %v, %v; want NaN, NaN", level, lo, hi)
		}
	}
}

func TestTQuantile(t *testing.T) {
	// Published two-sided critical values of Student's t.
	tests := []struct {
		p, nu, want float64
	}{
		{0.975, 1, 12.706204736},
		{0.975, 2, 4.302652730},
		{0.975, 3, 3.182446305},
		{0.975, 9, 2.262157163},
		{0.975, 29, 2.045229642},
		{0.95, 10, 1.812461123},
		{0.025, 9, -2.262157163},
		{0.5, 5, 0},
		{0.975, 1e7, 1.959964},
		{1.5, 3, nan},
		{-0.1, 3, nan},
		{0.975, 0, nan},
		{0.975, -1, nan},
		{nan, 3, nan},
	}
	for _, tt := range tests {
		got := TQuantile(tt.p, tt.nu)
		if !near(got, tt.want, 1e-6) {
			t.Errorf("TQuantile(%v, %v) = %v; want %v", tt.p, tt.nu, got, tt.want)
		}
	}
}

// TestTQuantileMatchesDistuv cross-checks against gonum's distribution,
// given an explicit source as house style requires.
func TestTQuantileMatchesDistuv(t *testing.T) {
	for nu := 1.0; nu <= 200; nu *= 1.7 {
		d := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu, Src: rand.NewPCG(1, 2)}
		for _, p := range []float64{0.01, 0.2, 0.9, 0.975} {
			if got, want := TQuantile(p, nu), d.Quantile(p); !near(got, want, 1e-12) {
				t.Errorf("TQuantile(%v, %v) = %v; want %v", p, nu, got, want)
			}
			if got := d.CDF(TQuantile(p, nu)); !near(got, p, 1e-9) {
				t.Errorf("CDF(TQuantile(%v, %v)) = %v; want %v", p, nu, got, p)
			}
		}
	}
}

// TestIntervalCoverage checks that about 95% of intervals from small normal
// samples cover the true mean (a seeded statistical test).
func TestIntervalCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 7))
	const trials, n, mu = 4000, 5, 3.0
	covered := 0
	xs := make([]float64, n)
	for i := 0; i < trials; i++ {
		for j := range xs {
			xs[j] = mu + 2*rng.NormFloat64()
		}
		if lo, hi := MeanCI(xs, 0.95); lo <= mu && mu <= hi {
			covered++
		}
	}
	// Binomial sd of the share is sqrt(0.95*0.05/4000) ~ 0.0034; allow 4 sd.
	if share := float64(covered) / trials; math.Abs(share-0.95) > 0.014 {
		t.Errorf("coverage of MeanCI(n=%d, 0.95) = %.4f; want 0.95 +- 0.014", n, share)
	}
}
