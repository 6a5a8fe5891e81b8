// Package stats provides the few summary statistics sibsim reports: the
// mean, sample standard deviation and Student-t interval of a set of
// replications, and the internal rate of return of a cash-flow series.
//
// Every function ignores values that are not finite (NaN, +Inf, -Inf): a
// replication in which a metric is undefined reports NaN, and the statistics
// describe the replications in which it is defined. Counts (N) count only
// finite values. Results that are undefined are NaN.
package stats

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Summary describes the finite values of a sample.
type Summary struct {
	// N is the number of finite values.
	N int
	// Mean is their mean; NaN when N = 0.
	Mean float64
	// SD is their sample standard deviation (n-1 denominator); NaN when N < 2.
	SD float64
	// Lo95 and Hi95 bound the 95% Student-t confidence interval for the
	// mean; NaN when N < 2.
	Lo95, Hi95 float64
}

// Describe summarises the finite values of xs.
func Describe(xs []float64) Summary {
	n, mean, sd := moments(xs)
	lo, hi := interval(n, mean, sd, 0.95)
	return Summary{N: n, Mean: mean, SD: sd, Lo95: lo, Hi95: hi}
}

// Count returns the number of finite values in xs.
func Count(xs []float64) int {
	n := 0
	for _, x := range xs {
		if finite(x) {
			n++
		}
	}
	return n
}

// Mean returns the mean of the finite values in xs, or NaN if there are none.
func Mean(xs []float64) float64 {
	_, mean, _ := moments(xs)
	return mean
}

// SD returns the sample standard deviation (n-1 denominator) of the finite
// values in xs, or NaN if there are fewer than two.
func SD(xs []float64) float64 {
	_, _, sd := moments(xs)
	return sd
}

// MeanCI returns the two-sided Student-t confidence interval for the mean of
// the finite values in xs at the given level (0.95 for 95%). It returns NaN,
// NaN when there are fewer than two finite values or level is not in (0, 1).
func MeanCI(xs []float64, level float64) (lo, hi float64) {
	n, mean, sd := moments(xs)
	return interval(n, mean, sd, level)
}

// TQuantile returns the p-quantile of Student's t distribution with nu
// degrees of freedom, or NaN when p is not in [0, 1] or nu is not positive.
func TQuantile(p, nu float64) float64 {
	if !(p >= 0 && p <= 1) || !(nu > 0) || math.IsInf(nu, 0) {
		return math.NaN()
	}
	// Quantile draws no random numbers, but a distuv distribution must never
	// have a nil Src (it would fall back to the global source), so give it a
	// fixed one.
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu, Src: rand.NewPCG(0, 0)}
	return t.Quantile(p)
}

func interval(n int, mean, sd, level float64) (lo, hi float64) {
	if n < 2 || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN()
	}
	half := TQuantile(1-(1-level)/2, float64(n-1)) * sd / math.Sqrt(float64(n))
	return mean - half, mean + half
}

// moments returns the count, mean and sample standard deviation of the
// finite values of xs, by two passes for accuracy.
func moments(xs []float64) (n int, mean, sd float64) {
	sum := 0.0
	for _, x := range xs {
		if finite(x) {
			n++
			sum += x
		}
	}
	if n == 0 {
		return 0, math.NaN(), math.NaN()
	}
	mean = sum / float64(n)
	if n < 2 {
		return n, mean, math.NaN()
	}
	ss, comp := 0.0, 0.0
	for _, x := range xs {
		if finite(x) {
			d := x - mean
			ss += d * d
			comp += d
		}
	}
	// Corrected two-pass algorithm (Chan, Golub & LeVeque 1983).
	v := (ss - comp*comp/float64(n)) / float64(n-1)
	if v < 0 {
		v = 0
	}
	return n, mean, math.Sqrt(v)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
