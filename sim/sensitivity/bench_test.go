package sensitivity

import (
	"math"
	"testing"
)

// benchOutputs builds a sobol design of k uniform parameters and the output
// of a smooth function with interactions at its points.
func benchOutputs(b *testing.B, k, n int) (*Design, []float64) {
	b.Helper()
	d, err := NewDesign(DesignSpec{Kind: DesignSobol, N: n}, uniforms(k), 1)
	if err != nil {
		b.Fatal(err)
	}
	y := make([]float64, len(d.Points))
	for p, x := range d.Points {
		s := 0.0
		for i, u := range x {
			s += float64(i+1) * math.Sin(2*math.Pi*u) * (1 + x[(i+1)%k])
		}
		y[p] = s
	}
	return d, y
}

// BenchmarkSobolDesign builds the Saltelli design for k = 8, N = 256
// (2,560 points).
func BenchmarkSobolDesign(b *testing.B) {
	dists := uniforms(8)
	for b.Loop() {
		if _, err := NewDesign(DesignSpec{Kind: DesignSobol, N: 256}, dists, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSobolEstimate estimates first-order and total indices for
// k = 8, N = 256 with 1,000 bootstrap resamples.
func BenchmarkSobolEstimate(b *testing.B) {
	d, y := benchOutputs(b, 8, 256)
	for b.Loop() {
		if _, err := Sobol(d, y, 1000, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSobolDesignAndEstimate is the two together, as in a sweep
// analysis.
func BenchmarkSobolDesignAndEstimate(b *testing.B) {
	_, y := benchOutputs(b, 8, 256)
	dists := uniforms(8)
	for b.Loop() {
		d, err := NewDesign(DesignSpec{Kind: DesignSobol, N: 256}, dists, 1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Sobol(d, y, 1000, 1); err != nil {
			b.Fatal(err)
		}
	}
}
