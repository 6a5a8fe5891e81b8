package calibrate

import (
	"math"
	"slices"
)

// CredibleMass is the mass of the reported credible intervals: 90%, from the
// 5% to the 95% weighted quantile.
const CredibleMass = 0.90

// Summary describes one parameter's posterior.
type Summary struct {
	Name string `json:"name"`
	// Mean and SD are the weighted mean and standard deviation.
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// Median is the weighted 50% quantile; Lower and Upper the 5% and 95%
	// quantiles, bounding the 90% equal-tailed credible interval.
	Median float64 `json:"median"`
	Lower  float64 `json:"lower"`
	Upper  float64 `json:"upper"`
}

// normalisedWeights returns the particles' weights, summing to 1.
func normalisedWeights(parts []Particle) []float64 {
	top := math.Inf(-1)
	for _, p := range parts {
		top = math.Max(top, p.LogWeight)
	}
	w := make([]float64, len(parts))
	var sum float64
	for i, p := range parts {
		w[i] = math.Exp(p.LogWeight - top)
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// ESS returns Kish's effective sample size (Σw)²/Σw² of weights w (>= 0,
// not all zero): n for equal weights, 1 when one weight holds everything.
func ESS(w []float64) float64 {
	var s, s2 float64
	for _, x := range w {
		s += x
		s2 += x * x
	}
	return s * s / s2
}

// WeightedQuantile returns the q-quantile (0 <= q <= 1) of values xs with
// weights ws (>= 0, not all zero; same length, non-empty). Each value is
// placed at the midpoint of its share of the cumulative weight,
// c_i = (Σ_{j<i} w_j + w_i/2)/Σw in sorted order, and the quantile is
// interpolated linearly between those points and clamped to the smallest
// and largest value outside them; with equal weights it is Hazen's
// definition (Hyndman and Fan 1996, type 5).
func WeightedQuantile(xs, ws []float64, q float64) float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	var total float64
	for _, w := range ws {
		total += w
	}
	var below float64
	prevC, prevX := math.Inf(-1), xs[idx[0]]
	for _, i := range idx {
		c := (below + ws[i]/2) / total
		below += ws[i]
		if q <= c {
			if math.IsInf(prevC, -1) || c == prevC {
				return xs[i]
			}
			return prevX + (xs[i]-prevX)*(q-prevC)/(c-prevC)
		}
		prevC, prevX = c, xs[i]
	}
	return prevX
}

// Summarise returns the posterior summary of each parameter of spec from
// the weighted particles of pop.
func Summarise(spec Spec, pop *Population) []Summary {
	w := normalisedWeights(pop.Particles)
	out := make([]Summary, len(spec.Parameters))
	xs := make([]float64, len(pop.Particles))
	lo := (1 - CredibleMass) / 2
	for k, prm := range spec.Parameters {
		var mean float64
		for i, p := range pop.Particles {
			xs[i] = p.Values[k]
			mean += w[i] * xs[i]
		}
		var v float64
		for i, x := range xs {
			v += w[i] * (x - mean) * (x - mean)
		}
		out[k] = Summary{
			Name: prm.Name, Mean: mean, SD: math.Sqrt(v),
			Median: WeightedQuantile(xs, w, 0.5),
			Lower:  WeightedQuantile(xs, w, lo),
			Upper:  WeightedQuantile(xs, w, 1-lo),
		}
	}
	return out
}
