package calibrate

import (
	"errors"
	"fmt"
	"math"
)

// Target is one observed figure the model is calibrated to: a point value
// with a tolerance, or (Range) an interval of plausible values.
type Target struct {
	// Name identifies the target (a metric name, say) in messages and
	// outputs.
	Name string
	// Observed is the observed value of a point target and Tolerance (> 0,
	// in the target's units) the deviation from it that counts as one unit
	// of distance.
	Observed, Tolerance float64
	// Range makes this a range target: any value in [Min, Max] (Min < Max)
	// fits exactly; Observed and Tolerance are then ignored.
	Range    bool
	Min, Max float64
	// Weight (> 0) is the target's weight in Distance.
	Weight float64
}

// Validate returns every problem with t, joined, or nil.
func (t Target) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("target %q: "+format, append([]any{t.Name}, args...)...))
	}
	finite := func(name string, x float64) bool {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			bad("%s must be finite (got %v)", name, x)
			return false
		}
		return true
	}
	if t.Range {
		if finite("min", t.Min) && finite("max", t.Max) && !(t.Min < t.Max) {
			bad("max must be > min (got min %v, max %v)", t.Min, t.Max)
		}
	} else {
		finite("observed", t.Observed)
		if finite("tolerance", t.Tolerance) && !(t.Tolerance > 0) {
			bad("tolerance must be > 0 (got %v)", t.Tolerance)
		}
	}
	if finite("weight", t.Weight) && !(t.Weight > 0) {
		bad("weight must be > 0 (got %v)", t.Weight)
	}
	return errors.Join(errs...)
}

// Deviation returns the scaled deviation d >= 0 of simulated value x from
// the target: |x − Observed| / Tolerance for a point target; for a range
// target 0 inside [Min, Max] and outside the distance to the nearer end
// divided by the half-width (Max − Min)/2. An undefined (NaN) or infinite
// x gives +Inf. t must be valid.
func (t Target) Deviation(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.Inf(1)
	}
	if !t.Range {
		return math.Abs(x-t.Observed) / t.Tolerance
	}
	half := (t.Max - t.Min) / 2
	switch {
	case x < t.Min:
		return (t.Min - x) / half
	case x > t.Max:
		return (x - t.Max) / half
	}
	return 0
}

// Inside reports whether simulated value x reproduces the target: within
// the tolerance of a point target (Deviation <= 1), or inside a range.
func (t Target) Inside(x float64) bool {
	d := t.Deviation(x)
	if t.Range {
		return d == 0
	}
	return d <= 1
}

// Distance returns the ABC distance of simulated summaries xs (one per
// target, in order) from the targets: the weighted root mean square of the
// scaled deviations,
//
//	ρ = sqrt( Σ_k w_k d_k² / Σ_k w_k ),  d_k = targets[k].Deviation(xs[k]),
//
// so ρ <= 1 means the targets are met within tolerance on (weighted)
// average, and ρ = 0 only when every point target is hit exactly and every
// range value lies inside its range. Any undefined summary gives +Inf.
// Targets must be valid; it panics if len(xs) != len(targets).
func Distance(targets []Target, xs []float64) float64 {
	if len(xs) != len(targets) {
		panic(fmt.Sprintf("calibrate: Distance with %d summaries for %d targets", len(xs), len(targets)))
	}
	var sum, wsum float64
	for k, t := range targets {
		d := t.Deviation(xs[k])
		if math.IsInf(d, 1) {
			return d
		}
		sum += t.Weight * d * d
		wsum += t.Weight
	}
	return math.Sqrt(sum / wsum)
}
