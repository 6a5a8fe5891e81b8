package stats

import (
	"errors"
	"fmt"
	"math"
)

// MaxReplications bounds the replications ReplicationsFor reports; more
// than this is reported as not reachable.
const MaxReplications = 10_000_000

// HalfWidth is a target half-width of a 95% confidence interval for a
// mean: Value in the metric's units or, with Relative, as a fraction of
// the absolute mean (0.05 for 5%).
type HalfWidth struct {
	Value    float64
	Relative bool
}

func (h HalfWidth) String() string {
	if h.Relative {
		return fmt.Sprintf("%g%%", 100*h.Value)
	}
	return fmt.Sprintf("%g", h.Value)
}

// Need is how many replications a 95% interval of a target half-width
// needs, estimated from n replications with sample sd SD and mean Mean.
type Need struct {
	// N, Mean and SD describe the replications the estimate rests on
	// (with a pooled SD, N is the replications of one point).
	N        int
	Mean, SD float64
	// HalfWidth is the half-width of the 95% interval now, t·SD/√N; Target
	// the half-width wanted, in the metric's units.
	HalfWidth, Target float64
	// Replications is the estimated number needed; 0 when it cannot be
	// estimated (Reason says why) or is more than MaxReplications.
	Replications int
	// Reason is empty when Replications is set.
	Reason string
}

// ErrHalfWidth is returned by ReplicationsFor for a target that is not a
// positive finite number (or a relative one of 1 or more).
var ErrHalfWidth = errors.New("half-width must be a positive number (a relative one below 100%)")

// ReplicationsFor estimates the replications a 95% Student t interval for
// the mean needs to have half-width at most h, from n replications of
// mean and sample sd (n−1 denominator), by the sequential procedure of Law
// and Kelton (Simulation Modeling and Analysis, 5th ed., 2015, §9.4.1):
// with S fixed at its estimate, the number is the smallest i ≥ n with
//
//	t(0.975, i−1) · S / √i ≤ β,
//
// the first guess ⌈(t(0.975, n−1) S / β)²⌉ refined as t falls with i. For a relative
// target γ, β = γ′|mean| with γ′ = γ/(1+γ), Law and Kelton's adjustment so
// that the realised relative error is at most γ. The estimate is only as
// good as S: rerun with the number found and check again (their
// sequential procedure). Reasons for no estimate: fewer than 2
// replications, an undefined mean or sd, a relative target with mean 0, or
// more than MaxReplications needed. A zero SD needs no more than n.
func ReplicationsFor(n int, mean, sd float64, h HalfWidth) (Need, error) {
	if !(h.Value > 0) || math.IsInf(h.Value, 0) || h.Relative && h.Value >= 1 {
		return Need{}, ErrHalfWidth
	}
	need := Need{N: n, Mean: mean, SD: sd, HalfWidth: math.NaN(), Target: h.Value}
	if h.Relative {
		need.Target = h.Value / (1 + h.Value) * math.Abs(mean)
	}
	switch {
	case n < 2:
		need.Reason = "fewer than 2 replications: no spread to estimate from"
		return need, nil
	case !finite(mean) || !finite(sd):
		need.Reason = "undefined in too many replications"
		return need, nil
	case !(need.Target > 0):
		need.Reason = "mean 0: a relative half-width is undefined"
		return need, nil
	}
	t := func(i int) float64 { return TQuantile(0.975, float64(i-1)) }
	need.HalfWidth = t(n) * sd / math.Sqrt(float64(n))
	if need.HalfWidth <= need.Target {
		need.Replications = n
		return need, nil
	}
	// t(i)/√i falls as i grows, so the i that meet the target are all
	// those from some point on: search between n, which does not, and the
	// first guess ⌈(t(0.975, n−1) S/β)²⌉, which does (its t is larger than
	// any later one), by bisection.
	ok := func(i int) bool { return t(i)*sd/math.Sqrt(float64(i)) <= need.Target }
	guess := t(n) * sd / need.Target
	hi := MaxReplications
	if guess*guess < MaxReplications {
		hi = max(n+1, int(math.Ceil(guess*guess)))
	}
	if !ok(hi) {
		need.Reason = fmt.Sprintf("more than %d replications", MaxReplications)
		return need, nil
	}
	lo := n // !ok(lo), ok(hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	i := hi
	need.Replications = i
	return need, nil
}

// Targets are the half-widths wanted, per metric: ByMetric's entry for a
// metric, else Default when it is set.
type Targets struct {
	Default  *HalfWidth
	ByMetric map[string]HalfWidth
}

// For returns the target for metric, and whether there is one.
func (t Targets) For(metric string) (HalfWidth, bool) {
	if h, ok := t.ByMetric[metric]; ok {
		return h, true
	}
	if t.Default != nil {
		return *t.Default, true
	}
	return HalfWidth{}, false
}

// Empty reports whether t sets no target.
func (t Targets) Empty() bool { return t.Default == nil && len(t.ByMetric) == 0 }
