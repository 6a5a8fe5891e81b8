package sensitivity

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// Dist kinds.
const (
	KindUniform    = "uniform"    // uniform on [Min, Max]
	KindLogUniform = "loguniform" // log-uniform on [Min, Max], 0 < Min
	KindLevels     = "levels"     // one of Levels, each equally likely
	KindNormal     = "normal"     // normal(Mean, SD) truncated to [Min, Max]
)

// DistKinds lists the kinds of Dist, in documentation order.
func DistKinds() []string { return []string{KindUniform, KindLogUniform, KindLevels, KindNormal} }

// Dist maps a unit-interval coordinate to a parameter value: Value is the
// quantile function (inverse CDF) of the distribution, so a coordinate
// uniform on [0, 1) gives a value with the distribution. The JSON field
// names are those of a sweep manifest.
type Dist struct {
	// Kind is one of "uniform", "loguniform", "levels", "normal".
	Kind string `json:"kind"`
	// Min and Max bound uniform and loguniform (Min > 0) and truncate normal.
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	// Levels are the discrete values of a levels distribution, in the order
	// coordinates map to them: u chooses Levels[floor(u*len(Levels))].
	Levels []float64 `json:"levels"`
	// Mean and SD are those of the normal before truncation.
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// maxTailSD bounds how far a normal's truncation interval may lie from its
// mean, in standard deviations: beyond about 37 the probability mass of the
// interval underflows.
const maxTailSD = 37

// Validate returns every problem with d, joined, or nil.
func (d Dist) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	finite := func(name string, x float64) bool {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			bad("%s: %s must be finite (got %v)", d.Kind, name, x)
			return false
		}
		return true
	}
	bounds := func() {
		if finite("min", d.Min) && finite("max", d.Max) && !(d.Min < d.Max) {
			bad("%s: max must be > min (got min %v, max %v)", d.Kind, d.Min, d.Max)
		}
	}
	switch d.Kind {
	case KindUniform:
		bounds()
	case KindLogUniform:
		bounds()
		if !(d.Min > 0) {
			bad("%s: min must be > 0 (got %v)", d.Kind, d.Min)
		}
	case KindLevels:
		if len(d.Levels) == 0 {
			bad("%s: need at least one level", d.Kind)
		}
		for i, x := range d.Levels {
			finite(fmt.Sprintf("levels[%d]", i), x)
		}
	case KindNormal:
		bounds()
		okMean, okSD := finite("mean", d.Mean), finite("sd", d.SD)
		if okSD && !(d.SD > 0) {
			bad("%s: sd must be > 0 (got %v)", d.Kind, d.SD)
			okSD = false
		}
		if okMean && okSD && d.Min < d.Max {
			a, b := (d.Min-d.Mean)/d.SD, (d.Max-d.Mean)/d.SD
			if a > maxTailSD || b < -maxTailSD {
				bad("%s: [min, max] = [%v, %v] lies more than %d sd from the mean %v", d.Kind, d.Min, d.Max, maxTailSD, d.Mean)
			}
		}
	case "":
		bad("missing kind; want one of %q", DistKinds())
	default:
		bad("unknown kind %q; want one of %q", d.Kind, DistKinds())
	}
	return errors.Join(errs...)
}

// Value returns the parameter value at unit coordinate u: the u-quantile of
// the distribution. u is meant to lie in [0, 1); Value(1) is the top of the
// range (Max, or the last level), and u outside [0, 1] is clamped. A
// levels distribution returns Levels[floor(u*len(Levels))]. d must be valid.
func (d Dist) Value(u float64) float64 {
	u = math.Max(0, math.Min(1, u))
	switch d.Kind {
	case KindUniform:
		return math.Min(d.Max, d.Min+u*(d.Max-d.Min))
	case KindLogUniform:
		lo, hi := math.Log(d.Min), math.Log(d.Max)
		return math.Max(d.Min, math.Min(d.Max, math.Exp(lo+u*(hi-lo))))
	case KindLevels:
		if len(d.Levels) == 0 {
			return math.NaN()
		}
		i := int(u * float64(len(d.Levels)))
		return d.Levels[min(i, len(d.Levels)-1)]
	case KindNormal:
		z := truncNormQuantile((d.Min-d.Mean)/d.SD, (d.Max-d.Mean)/d.SD, u)
		return math.Max(d.Min, math.Min(d.Max, d.Mean+d.SD*z))
	}
	return math.NaN()
}

// Unit returns the unit coordinate of value x: the CDF of the distribution
// at x, the inverse of Value. For a levels distribution it is the middle of
// the coordinates that give the level equal to x (the first such level), or
// NaN if x is not a level. Values outside the range are clamped.
func (d Dist) Unit(x float64) float64 {
	switch d.Kind {
	case KindUniform:
		return clamp01((x - d.Min) / (d.Max - d.Min))
	case KindLogUniform:
		if !(x > 0) {
			return 0
		}
		return clamp01(math.Log(x/d.Min) / math.Log(d.Max/d.Min))
	case KindLevels:
		i := slices.Index(d.Levels, x)
		if i < 0 {
			return math.NaN()
		}
		return (float64(i) + 0.5) / float64(len(d.Levels))
	case KindNormal:
		a, b := (d.Min-d.Mean)/d.SD, (d.Max-d.Mean)/d.SD
		z := (math.Max(d.Min, math.Min(d.Max, x)) - d.Mean) / d.SD
		if a > 0 { // upper tail: work in the mirror image for accuracy
			return clamp01(1 - truncNormCDF(-b, -a, -z))
		}
		return clamp01(truncNormCDF(a, b, z))
	}
	return math.NaN()
}

func clamp01(u float64) float64 { return math.Max(0, math.Min(1, u)) }

// phi is the standard normal CDF.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// phiInv is the standard normal quantile function, accurate in the tails
// (Wichura's AS 241; math.Erfcinv loses the lower tail, computing 1-x).
func phiInv(p float64) float64 { return mathext.NormalQuantile(p) }

// truncNormCDF is the CDF at z of the standard normal truncated to [a, b].
func truncNormCDF(a, b, z float64) float64 {
	pa := phi(a)
	return (phi(z) - pa) / (phi(b) - pa)
}

// truncNormQuantile is the u-quantile of the standard normal truncated to
// [a, b], computed in the lower tail (mirroring when a > 0) where phi keeps
// its relative accuracy.
func truncNormQuantile(a, b, u float64) float64 {
	if a > 0 {
		return -truncNormQuantile(-b, -a, 1-u)
	}
	pa, pb := phi(a), phi(b)
	z := phiInv(pa + u*(pb-pa))
	return math.Max(a, math.Min(b, z))
}
