package calibrate

import (
	"fmt"
	"math"
)

// Predictive returns n draws from the posterior pop for a posterior
// predictive check: draw i picks a particle in proportion to its weight,
// from its own stream (seed, i), and gets a fresh simulation seed, so that
// simulating the draws gives the distribution of the targets under the
// calibrated model. Draws have Generation -1.
func Predictive(pop *Population, n int, seed uint64) []Proposal {
	w := normalisedWeights(pop.Particles)
	cum := make([]float64, len(w))
	var c float64
	for i, x := range w {
		c += x
		cum[i] = c
	}
	cum[len(cum)-1] = 1
	out := make([]Proposal, n)
	for i := range out {
		u := unitFloat(newRand(seed, streamPredictive, -1, i))
		a := len(cum) - 1
		for j, x := range cum {
			if u < x {
				a = j
				break
			}
		}
		p := pop.Particles[a]
		out[i] = Proposal{Generation: -1, Index: i, Unit: p.Unit, Values: p.Values, Seed: simSeed(seed, streamPredictive, -1, i)}
	}
	return out
}

// TargetCheck compares one target with its posterior predictive
// distribution.
type TargetCheck struct {
	Target Target `json:"target"`
	// Defined counts the simulations that gave a value for the target, of
	// N.
	N       int `json:"n"`
	Defined int `json:"defined"`
	// Lower, Median and Upper are the 5%, 50% and 95% quantiles of the
	// defined simulated values (NaN if none).
	Lower  float64 `json:"lower"`
	Median float64 `json:"median"`
	Upper  float64 `json:"upper"`
	// Inside is the share of all simulations that reproduce the target
	// (Target.Inside).
	Inside float64 `json:"inside"`
	// Percentile is the share of defined simulated values below the
	// observed value, ties counted half (a posterior predictive p-value;
	// near 0 or 1 means the model misses the figure); NaN for a range
	// target.
	Percentile float64 `json:"percentile"`
	// Reproduced is true when the observed value (a point target) lies in
	// [Lower, Upper], or the observed range overlaps it.
	Reproduced bool `json:"reproduced"`
}

// Check compares targets with the summaries sums of a predictive batch
// (one row per simulation, one value per target). It panics if a row's
// length is not len(targets).
func Check(targets []Target, sums [][]float64) []TargetCheck {
	out := make([]TargetCheck, len(targets))
	lo := (1 - CredibleMass) / 2
	for k, t := range targets {
		c := TargetCheck{Target: t, N: len(sums), Lower: math.NaN(), Median: math.NaN(), Upper: math.NaN(), Percentile: math.NaN()}
		var xs, ws []float64
		var inside, below float64
		for i, row := range sums {
			if len(row) != len(targets) {
				panic(fmt.Sprintf("calibrate: Check row %d has %d values for %d targets", i, len(row), len(targets)))
			}
			x := row[k]
			if t.Inside(x) {
				inside++
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			xs, ws = append(xs, x), append(ws, 1)
			switch {
			case x < t.Observed:
				below++
			case x == t.Observed:
				below += 0.5
			}
		}
		c.Defined = len(xs)
		if len(sums) > 0 {
			c.Inside = inside / float64(len(sums))
		}
		if len(xs) > 0 {
			c.Lower, c.Median, c.Upper = WeightedQuantile(xs, ws, lo), WeightedQuantile(xs, ws, 0.5), WeightedQuantile(xs, ws, 1-lo)
			if t.Range {
				c.Reproduced = t.Min <= c.Upper && c.Lower <= t.Max
			} else {
				c.Percentile = below / float64(len(xs))
				c.Reproduced = c.Lower <= t.Observed && t.Observed <= c.Upper
			}
		}
		out[k] = c
	}
	return out
}
