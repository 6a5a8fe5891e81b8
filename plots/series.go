package plots

import (
	"math"

	"github.com/sibsim/sibsim/sim/stats"
)

// A series is a weekly value of every replication: s[rep][week].
type series [][]float64

// sum returns the element-wise sum of ss, which have the same shape.
func sum(ss ...series) series {
	out := make(series, len(ss[0]))
	for r := range out {
		out[r] = make([]float64, len(ss[0][r]))
		for _, s := range ss {
			for w, x := range s[r] {
				out[r][w] += x
			}
		}
	}
	return out
}

// apply returns f applied to each replication's weekly values.
func (s series) apply(f func([]float64) []float64) series {
	out := make(series, len(s))
	for r, xs := range s {
		out[r] = f(xs)
	}
	return out
}

// movingSum returns, for each week, the sum of xs over the k weeks ending
// with it; NaN for the first k-1 weeks, whose window is incomplete, and for
// a window holding a NaN.
func movingSum(xs []float64, k int) []float64 {
	out := make([]float64, len(xs))
	for w := range xs {
		if w < k-1 {
			out[w] = math.NaN()
			continue
		}
		s := 0.0
		for _, x := range xs[w-k+1 : w+1] {
			s += x
		}
		out[w] = s
	}
	return out
}

// movingMean is movingSum divided by k.
func movingMean(xs []float64, k int) []float64 {
	out := movingSum(xs, k)
	for w := range out {
		out[w] /= float64(k)
	}
	return out
}

// cumulative returns the running sum of xs.
func cumulative(xs []float64) []float64 {
	out := make([]float64, len(xs))
	s := 0.0
	for w, x := range xs {
		s += x
		out[w] = s
	}
	return out
}

// ratio returns a / (a + b) element-wise; NaN where a + b is 0.
func ratio(a, b series) series {
	out := make(series, len(a))
	for r := range a {
		out[r] = make([]float64, len(a[r]))
		for w := range a[r] {
			out[r][w] = math.NaN()
			if d := a[r][w] + b[r][w]; d != 0 {
				out[r][w] = a[r][w] / d
			}
		}
	}
	return out
}

// weeks returns the number of weeks of s (the longest replication).
func (s series) weeks() int {
	n := 0
	for _, xs := range s {
		n = max(n, len(xs))
	}
	return n
}

// band is the mean of a series over replications, week by week, with the
// bounds of its 95% Student-t interval (NaN where fewer than two
// replications have a value).
type band struct {
	mean, lo, hi []float64
}

func (s series) band() band {
	n := s.weeks()
	b := band{make([]float64, n), make([]float64, n), make([]float64, n)}
	xs := make([]float64, 0, len(s))
	for w := 0; w < n; w++ {
		xs = xs[:0]
		for _, rep := range s {
			if w < len(rep) {
				xs = append(xs, rep[w])
			}
		}
		d := stats.Describe(xs)
		b.mean[w], b.lo[w], b.hi[w] = d.Mean, d.Lo95, d.Hi95
	}
	return b
}

// mean returns the mean over replications, week by week.
func (s series) mean() []float64 { return s.band().mean }

// lastYearMean returns the mean of xs over its last 52 weeks (all of it if
// shorter), ignoring NaN.
func lastYearMean(xs []float64) float64 {
	return stats.Mean(xs[max(0, len(xs)-52):])
}

// last returns the last finite value of xs, or NaN.
func last(xs []float64) float64 {
	for i := len(xs) - 1; i >= 0; i-- {
		if !math.IsNaN(xs[i]) && !math.IsInf(xs[i], 0) {
			return xs[i]
		}
	}
	return math.NaN()
}

// total returns the sum of the finite values of xs.
func total(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			s += x
		}
	}
	return s
}

// year returns the x coordinate, in years, of week index w (from 0): the
// end of week w+1.
func year(w int) float64 { return float64(w+1) / 52 }
