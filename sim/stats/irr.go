package stats

import "math"

// IRR returns the annual internal rate of return of a series of equally
// spaced cash flows, flows[t] at period t (flows[0] now), with
// periodsPerYear periods in a year (52 for weekly flows). The rate r solves
//
//	sum_t flows[t] / (1 + r)^(t / periodsPerYear) = 0.
//
// IRR brackets a root by scanning ln(1 + r) outward from 0 in steps of
// 0.01 (r from about -99.99% to about +1,000,000% a year) and then bisects
// the bracket to machine precision. When the cash flows change sign more than
// once and the net present value has several roots, it returns the one
// nearest 0% (two roots closer together than one step may be missed). It returns ok =
// false when no root is found: when fewer than two flows are non-zero, all
// non-zero flows have the same sign, the net present value never changes
// sign in the scanned range, a flow is not finite, or periodsPerYear is not
// positive.
func IRR(flows []float64, periodsPerYear float64) (annual float64, ok bool) {
	if !(periodsPerYear > 0) || math.IsInf(periodsPerYear, 0) {
		return math.NaN(), false
	}
	var pos, neg bool
	for _, f := range flows {
		switch {
		case !finite(f):
			return math.NaN(), false
		case f > 0:
			pos = true
		case f < 0:
			neg = true
		}
	}
	if !pos || !neg {
		return math.NaN(), false
	}
	// Work in the annual log rate g = ln(1 + r): the discount factor of
	// period t is exp(-g t / periodsPerYear), smooth and defined for every g.
	sign := func(g float64) int { return npvSign(flows, g/periodsPerYear) }
	const (
		step = 0.01  // grid step in g
		gMax = 9.22  // exp(9.22) - 1 ~ +1e4 = +1,000,000% a year
		gMin = -9.22 // exp(-9.22) - 1 ~ -99.99% a year
	)
	s0 := sign(0)
	if s0 == 0 {
		return 0, true
	}
	// Scan outward from g = 0 in both directions and keep the first bracket
	// found, which holds the root nearest 0.
	for k := 1; ; k++ {
		up, down := float64(k)*step, -float64(k)*step
		inUp, inDown := up <= gMax, down >= gMin
		if !inUp && !inDown {
			return math.NaN(), false
		}
		if inUp {
			if s := sign(up); s == 0 {
				return math.Expm1(up), true
			} else if s != s0 {
				return math.Expm1(bisect(sign, up-step, up, s0)), true
			}
		}
		if inDown {
			if s := sign(down); s == 0 {
				return math.Expm1(down), true
			} else if s != s0 {
				return math.Expm1(bisect(sign, down+step, down, s0)), true
			}
		}
	}
}

// bisect narrows [a, b], with sign(a) = sa != sign(b), to a root of sign.
func bisect(sign func(float64) int, a, b float64, sa int) float64 {
	for i := 0; i < 200; i++ {
		m := a + (b-a)/2
		if m == a || m == b {
			break
		}
		s := sign(m)
		if s == 0 {
			return m
		}
		if s == sa {
			a = m
		} else {
			b = m
		}
	}
	return a + (b-a)/2
}

// npvSign returns the sign of sum_t flows[t] exp(-c t). The terms are scaled
// by exp(c tmax) or similar so that the largest exponent is 0 and no term
// overflows, which leaves the sign unchanged.
func npvSign(flows []float64, c float64) int {
	maxExp := math.Inf(-1)
	for t, f := range flows {
		if f != 0 {
			maxExp = math.Max(maxExp, -c*float64(t))
		}
	}
	sum := 0.0
	for t, f := range flows {
		if f != 0 {
			sum += f * math.Exp(-c*float64(t)-maxExp)
		}
	}
	switch {
	case sum > 0:
		return 1
	case sum < 0:
		return -1
	}
	return 0
}
