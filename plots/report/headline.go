package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/stats"
)

// headline is one finding of the report's opening section: a short title
// and the sentences that state it, one per scenario or per comparison with
// the reference.
type headline struct {
	Title     string
	Sentences []string
}

// Metrics the headline reads. Shares are fractions (0-1), shown as
// percentages; their differences are percentage points.
const (
	mCareShare       = "care_share"
	mDisengComplex   = "disengaged_share_complex"
	mDisengSimple    = "disengaged_share_simple"
	mGainComplex     = "star_gain_complex"
	mGainSimple      = "star_gain_simple"
	mCostPerEngaged  = "commissioner_cost_per_engaged_gbp"
	mCostPerStar     = "commissioner_cost_per_star_point_gbp"
	mTurnoverPerYear = "turnover_per_year"
)

// kind is how a quantity is written.
type kind int

const (
	share  kind = iota // a fraction, written as a percentage; differences in percentage points
	points             // Well-being Star points
	money              // pounds
)

// estimate is a mean with its 95% interval (NaN when fewer than two
// values define it), over n values.
type estimate struct {
	mean, lo, hi float64
	n            int
}

func level(st compare.Stat) estimate { return estimate{st.Mean, st.Lo95, st.Hi95, st.N} }
func diff(st compare.Stat) estimate  { return estimate{st.Diff, st.DiffLo95, st.DiffHi95, st.NPaired} }
func describe(xs []float64) estimate {
	d := stats.Describe(xs)
	return estimate{d.Mean, d.Lo95, d.Hi95, d.N}
}

func (e estimate) defined() bool  { return e.n > 0 && finite(e.mean) }
func (e estimate) interval() bool { return e.n > 1 && finite(e.lo) && finite(e.hi) }

// clear reports whether e's interval is defined and excludes zero.
func (e estimate) clear() bool { return e.interval() && (e.lo > 0 || e.hi < 0) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// scale returns x in the units it is written in: percent for shares.
func (k kind) scale(x float64) float64 {
	if k == share {
		return 100 * x
	}
	return x
}

// decimals returns how many decimals tell e's bounds apart in kind k's
// units: none when the interval spans 2 units or more, one down to 0.2, two
// below. Without an interval (or with one of zero width) the mean's
// magnitude decides: none from 10, one from 1. Money has none from £10 up.
func (k kind) decimals(e estimate) int {
	const eps = 1e-9
	if k == money {
		if math.Abs(e.mean) >= 10 || !finite(e.mean) {
			return 0
		}
		return 2
	}
	if width := k.scale(e.hi) - k.scale(e.lo); e.interval() && width > eps {
		dec := 2
		switch {
		case width >= 2-eps:
			dec = 0
		case width >= 0.2-eps:
			dec = 1
		}
		// A bound that is not zero must not read as zero.
		for _, b := range []float64{e.lo, e.hi} {
			for dec < 2 && b != 0 && strings.Trim(number(k.scale(b), dec, false), "−0.") == "" {
				dec++
			}
		}
		return dec
	}
	return k.magnitudeDecimals(e.mean)
}

// magnitudeDecimals returns the decimals that x needs by its magnitude, in
// kind k's units: none from 10, one from 1, two below.
func (k kind) magnitudeDecimals(x float64) int {
	const eps = 1e-9
	if k == money {
		return k.decimals(estimate{mean: x})
	}
	switch m := math.Abs(k.scale(x)); {
	case m >= 10-eps:
		return 0
	case m >= 1-eps:
		return 1
	}
	return 2
}

// number writes x (in kind k's display units) with dec decimals, a minus
// sign (U+2212) when negative and a plus when signed and positive, and
// thousands separators for money.
func number(x float64, dec int, signed bool) string {
	s := strconv.FormatFloat(math.Abs(x), 'f', dec, 64)
	if strings.Trim(s, "0.") == "" {
		return s // no sign on zero
	}
	if i := strings.IndexByte(s, '.'); i < 0 && len(s) > 3 || i > 3 {
		whole, frac := s, ""
		if i >= 0 {
			whole, frac = s[:i], s[i:]
		}
		var b strings.Builder
		for j, r := range whole {
			if j > 0 && (len(whole)-j)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(r)
		}
		s = b.String() + frac
	}
	switch {
	case x < 0:
		return "−" + s
	case signed:
		return "+" + s
	}
	return s
}

// value writes a level of kind k: "52%", "4.1", "£1,230".
func (k kind) value(x float64, dec int, signed bool) string {
	if !finite(x) {
		return results.NA
	}
	n := k.amount(x, dec, signed)
	if k == share {
		return n + "%"
	}
	return n
}

// amount writes x without a percent sign, as differences are written:
// "+17", "−0.4", "£1,230", "−£315".
func (k kind) amount(x float64, dec int, signed bool) string {
	if !finite(x) {
		return results.NA
	}
	n := number(k.scale(x), dec, signed)
	if k == money {
		digits := strings.TrimLeft(n, "+−")
		return n[:len(n)-len(digits)] + "£" + digits
	}
	return n
}

// level writes a level with its interval: "52% [51%, 53%]", or without one
// when it is undefined.
func (k kind) level(e estimate) string {
	if !e.defined() {
		return "undefined (" + results.NA + " in every replication)"
	}
	dec := k.decimals(e)
	s := k.value(e.mean, dec, false)
	if e.interval() {
		s += " [" + k.value(e.lo, dec, false) + ", " + k.value(e.hi, dec, false) + "]"
	}
	return s
}

// bare writes a level without its interval, with the decimals its
// magnitude needs.
func (k kind) bare(e estimate) string {
	if !e.defined() {
		return "undefined"
	}
	return k.value(e.mean, k.magnitudeDecimals(e.mean), false)
}

// unit names the units of a difference of kind k.
func (k kind) unit(x float64, dec int) string {
	one := number(math.Abs(k.scale(x)), dec, false) == "1"
	switch k {
	case share:
		if one {
			return " percentage point"
		}
		return " percentage points"
	case points:
		if one {
			return " Star point"
		}
		return " Star points"
	}
	return ""
}

// difference writes a difference with its interval, claiming only what the
// interval supports: "+17 percentage points [16, 18]" when the interval
// excludes zero, "no clear difference (+0.6 percentage points [−0.4,
// 1.6])" when it includes zero, and says so when there is no interval.
func (k kind) difference(e estimate) string {
	if !e.defined() {
		return "the difference is undefined (" + results.NA + " in every replication)"
	}
	dec := k.decimals(e)
	s := k.amount(e.mean, dec, true) + k.unit(e.mean, dec)
	bounds := " [" + k.amount(e.lo, dec, false) + ", " + k.amount(e.hi, dec, false) + "]"
	switch {
	case !e.interval():
		return s + ", from a single replication: no interval, so no clear difference can be claimed"
	case !e.clear():
		return "no clear difference (" + s + bounds + ")"
	}
	return s + bounds
}

// headlines states the report's main findings from the comparison and the
// runs' replications: care share, who is lost (complex against simple
// disengagement), wellbeing gain by tier, the commissioner's cost per
// engaged client and per Star point, and staff turnover. Each scenario
// after the first is compared with the first, the reference; metrics the
// runs lack are left out.
func headlines(c *compare.Comparison, runs []*results.RunData) []headline {
	ref := c.Scenarios[0]
	stat := func(s int, m string) (compare.Stat, bool) { return c.Stat(s, m) }
	has := func(ms ...string) bool {
		for _, m := range ms {
			if _, ok := stat(0, m); !ok {
				return false
			}
		}
		return true
	}
	var out []headline

	if has(mCareShare) {
		h := headline{Title: "Care share"}
		for s, name := range c.Scenarios {
			st, _ := stat(s, mCareShare)
			if s == 0 && len(c.Scenarios) > 1 {
				continue
			}
			if s == 0 {
				h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, link workers spend %s of their care and choice hours on care.",
					name, share.level(level(st))))
				continue
			}
			r, _ := stat(0, mCareShare)
			h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, link workers spend %s of their care and choice hours on care against %s under %s: %s.",
				name, share.bare(level(st)), share.bare(level(r)), ref, share.difference(diff(st))))
		}
		out = append(out, h)
	}

	if has(mDisengComplex, mDisengSimple) {
		h := headline{Title: "Who is lost"}
		gaps := make([][]float64, len(runs))
		for s, d := range runs {
			gaps[s] = gap(d, mDisengComplex, mDisengSimple)
			cx, _ := stat(s, mDisengComplex)
			sm, _ := stat(s, mDisengSimple)
			g := describe(gaps[s])
			verdict := share.difference(g)
			h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, %s of engaged complex-tier clients disengage against %s of simple-tier clients; complex minus simple: %s.",
				c.Scenarios[s], share.bare(level(cx)), share.bare(level(sm)), verdict))
		}
		for s := 1; s < len(runs); s++ {
			h.Sentences = append(h.Sentences, fmt.Sprintf("The gap under %s minus the gap under %s: %s.",
				c.Scenarios[s], ref, share.difference(describe(pairedDiff(gaps[s], gaps[0])))))
		}
		out = append(out, h)
	}

	if has(mGainComplex, mGainSimple) {
		h := headline{Title: "Wellbeing gain by tier"}
		for s, name := range c.Scenarios {
			cx, _ := stat(s, mGainComplex)
			sm, _ := stat(s, mGainSimple)
			if len(c.Scenarios) == 1 {
				h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, complex-tier clients gain %s Star points on average and simple-tier clients %s.",
					name, points.level(level(cx)), points.level(level(sm))))
				continue
			}
			if s == 0 {
				continue
			}
			rc, _ := stat(0, mGainComplex)
			rs, _ := stat(0, mGainSimple)
			h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, complex-tier clients gain %s Star points on average and simple-tier clients %s, against %s and %s under %s: complex tier %s; simple tier %s.",
				name, points.bare(level(cx)), points.bare(level(sm)), points.bare(level(rc)), points.bare(level(rs)), ref,
				points.difference(diff(cx)), points.difference(diff(sm))))
		}
		out = append(out, h)
	}

	if has(mCostPerEngaged, mCostPerStar) {
		h := headline{Title: "The commissioner's cost"}
		for s, name := range c.Scenarios {
			pe, _ := stat(s, mCostPerEngaged)
			ps, _ := stat(s, mCostPerStar)
			if len(c.Scenarios) == 1 {
				h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, the commissioners pay %s per engaged client and %s per Star point gained.",
					name, money.level(level(pe)), money.level(level(ps))))
				continue
			}
			if s == 0 {
				continue
			}
			re, _ := stat(0, mCostPerEngaged)
			rs, _ := stat(0, mCostPerStar)
			h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, the commissioners pay %s per engaged client and %s per Star point gained, against %s and %s under %s: per engaged client %s; per Star point %s.",
				name, money.bare(level(pe)), money.bare(level(ps)), money.bare(level(re)), money.bare(level(rs)), ref,
				money.difference(diff(pe)), money.difference(diff(ps))))
		}
		out = append(out, h)
	}

	if has(mTurnoverPerYear) {
		h := headline{Title: "Staff turnover"}
		for s, name := range c.Scenarios {
			st, _ := stat(s, mTurnoverPerYear)
			if len(c.Scenarios) == 1 {
				h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, link workers leaving in a year number %s of the funded posts.",
					name, share.level(level(st))))
				continue
			}
			if s == 0 {
				continue
			}
			r, _ := stat(0, mTurnoverPerYear)
			h.Sentences = append(h.Sentences, fmt.Sprintf("Under %s, link workers leaving in a year number %s of the funded posts against %s under %s: %s.",
				name, share.bare(level(st)), share.bare(level(r)), ref, share.difference(diff(st))))
		}
		out = append(out, h)
	}
	return out
}

// gap returns metric a minus metric b of each replication of d (NaN where
// either is undefined).
func gap(d *results.RunData, a, b string) []float64 {
	xa, okA := d.Metric(a)
	xb, okB := d.Metric(b)
	if !okA || !okB {
		return nil
	}
	out := make([]float64, len(xa))
	for r := range xa {
		out[r] = xa[r] - xb[r]
	}
	return out
}

// pairedDiff returns x[r] - y[r] for the replications both have (the
// comparison has checked that row r is the same replication in every run).
func pairedDiff(x, y []float64) []float64 {
	out := make([]float64, min(len(x), len(y)))
	for r := range out {
		out[r] = x[r] - y[r]
	}
	return out
}
