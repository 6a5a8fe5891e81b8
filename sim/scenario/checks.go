package scenario

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Reporter records one problem. field is a YAML path relative to the value
// being checked ("" for the value itself, "practice_share", "rules[0]"); the
// validator prefixes the value's own path and adds file, line and column.
type Reporter func(field, format string, args ...any)

// checker is implemented by types with rules that span several fields. The
// validator calls Check on every value that implements it, after the
// per-field `check` tags.
type checker interface {
	Check(report Reporter)
}

const shareTol = 1e-6

// Scale limits that span fields. With every field within its own range,
// these keep the model's memory and time per simulated week bounded: the
// number of workers, and the most people the scenario can refer in a week
// (each referral becomes an agent that lives until it leaves support).
// docs/cli.md lists them with the field maxima.
const (
	// MaxWeeks is the longest horizon, in weeks (the maximum of weeks).
	MaxWeeks = 2600
	// MaxLinkWorkers is the most funded posts summed over providers.
	MaxLinkWorkers = 100000
	// MaxReferralsPerWeek bounds the weekly referral capacity:
	// practices * gp_max_per_practice_week (GP referrals at full engagement)
	// plus posts * outreach_max_hours_per_week * outreach_candidates_per_hour
	// (outreach candidates at full effort).
	MaxReferralsPerWeek = 100000
)

func sumNear1(xs ...float64) bool {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return math.Abs(s-1) <= shareTol
}

// Check enforces rules that span fields of the whole scenario.
func (s *Scenario) Check(report Reporter) {
	s.checkScale(report)
	shares := make([]float64, len(s.Neighbourhoods))
	for i, n := range s.Neighbourhoods {
		shares[i] = n.PracticeShare
	}
	if len(shares) > 0 && !sumNear1(shares...) {
		report("neighbourhoods", "practice_share values must sum to 1 (got %s)", fmtSum(shares))
	}
	shares = shares[:0]
	for _, p := range s.Providers {
		shares = append(shares, p.PracticeShare)
	}
	if len(shares) > 0 && !sumNear1(shares...) {
		report("providers", "practice_share values must sum to 1 (got %s)", fmtSum(shares))
	}
	seen := map[string]bool{}
	for i, p := range s.Providers {
		if seen[p.Name] {
			report(fmt.Sprintf("providers[%d].name", i), "duplicate provider name %q", p.Name)
		}
		seen[p.Name] = true
	}
	seen = map[string]bool{}
	for i, n := range s.Neighbourhoods {
		if seen[n.Name] {
			report(fmt.Sprintf("neighbourhoods[%d].name", i), "duplicate neighbourhood name %q", n.Name)
		}
		seen[n.Name] = true
	}
	for _, ph := range []struct {
		name   string
		phases []Phase
	}{{"provider_payments", s.Contract.ProviderPayments}, {"outcome_payments", s.Contract.OutcomePayments}} {
		for i, p := range ph.phases {
			for j, r := range p.Rules {
				if sc := r.SecondaryCareOutcome; sc != nil && sc.WindowWeeks != nil && *sc.WindowWeeks > s.Health.TrackWeeks {
					report(fmt.Sprintf("contract.%s[%d].rules[%d].secondary_care_outcome.window_weeks", ph.name, i, j),
						"must be <= health.track_weeks (%d): costs are tracked no longer (got %d)", s.Health.TrackWeeks, *sc.WindowWeeks)
				}
			}
		}
	}
	for i, sh := range s.Shocks {
		if sh.EndWeek <= sh.StartWeek {
			report(fmt.Sprintf("shocks[%d].end_week", i), "must be > start_week (%d) (got %d)", sh.StartWeek, sh.EndWeek)
		}
	}
}

// checkScale enforces MaxLinkWorkers and MaxReferralsPerWeek.
func (s *Scenario) checkScale(report Reporter) {
	posts := 0.0
	for _, p := range s.Providers {
		posts += float64(max(p.LinkWorkers, 0))
	}
	if posts > MaxLinkWorkers {
		report("providers", "link_workers must sum to at most %d (got %.0f)", MaxLinkWorkers, posts)
	}
	gp := float64(s.Population.Practices) * s.Referrals.GPMaxPerPracticeWeek
	outreach := posts * s.Practice.OutreachMaxHoursPerWeek * s.Referrals.OutreachCandidatesPerHour
	if gp+outreach > MaxReferralsPerWeek {
		report("referrals", "the scenario could refer %.0f people a week, more than the limit of %d: "+
			"population.practices * gp_max_per_practice_week (%.0f) + link workers * practice.outreach_max_hours_per_week * outreach_candidates_per_hour (%.0f)",
			gp+outreach, MaxReferralsPerWeek, gp, outreach)
	}
}

// Check enforces rules that span population fields.
func (p *Population) Check(report Reporter) {
	if p.AgeMax < p.AgeMin {
		report("age_max", "must be >= age_min (%d) (got %d)", p.AgeMin, p.AgeMax)
	}
}

// Check enforces rules that span client fields.
func (c *Clients) Check(report Reporter) {
	if c.SimpleMax >= c.ComplexThreshold {
		report("simple_max", "must be < complex_threshold (%d) (got %d)", c.ComplexThreshold, c.SimpleMax)
	}
}

// Check enforces rules that span referral fields.
func (r *Referrals) Check(report Reporter) {
	if r.GPEngagementSD > 0 {
		m := r.GPEngagementMean
		if m <= 0 || m >= 1 || r.GPEngagementSD*r.GPEngagementSD >= m*(1-m) {
			report("gp_engagement_sd", "too large for a Beta distribution with mean %g: need sd^2 < mean*(1-mean) = %g (got %g)", m, m*(1-m), r.GPEngagementSD)
		}
	}
}

// Check enforces rules that span allocation fields.
func (a *Allocation) Check(report Reporter) {
	if a.CaseloadTarget > a.CaseloadMax {
		report("caseload_target", "must be <= caseload_max (%d) (got %d)", a.CaseloadMax, a.CaseloadTarget)
	}
}

// Check enforces rules that span health fields.
func (h *Health) Check(report Reporter) {
	if !sumNear1(h.AdmissionShare, h.AEShare, h.OutpatientShare) {
		report("", "admission_share, ae_share and outpatient_share must sum to 1 (got %s)", fmtSum([]float64{h.AdmissionShare, h.AEShare, h.OutpatientShare}))
	}
}

// Check enforces rules that span the contract.
func (c *Contract) Check(report Reporter) {
	payers := map[string]bool{}
	for i, p := range c.Payers {
		if payers[p.Name] {
			report(fmt.Sprintf("payers[%d].name", i), "duplicate payer name %q", p.Name)
		}
		payers[p.Name] = true
	}
	if len(c.OutcomePayments) > 0 && len(c.Payers) == 0 {
		report("payers", "outcome_payments need at least one payer")
	}
	if len(c.ProviderPayments) == 0 {
		report("provider_payments", "must not be empty: providers need a payment rule (use block_grant with gbp_per_year: 0 for none)")
	}
	for i, ph := range c.OutcomePayments {
		if len(ph.PayerShares) == 0 {
			continue
		}
		var sum []float64
		for _, name := range sortedKeys(ph.PayerShares) {
			v := ph.PayerShares[name]
			if !payers[name] {
				report(fmt.Sprintf("outcome_payments[%d].payer_shares.%s", i, name), "unknown payer %q", name)
			}
			if v < 0 || v > 1 {
				report(fmt.Sprintf("outcome_payments[%d].payer_shares.%s", i, name), "must be between 0 and 1 (got %g)", v)
			}
			sum = append(sum, v)
		}
		if !sumNear1(sum...) {
			report(fmt.Sprintf("outcome_payments[%d].payer_shares", i), "shares must sum to 1 (got %s)", fmtSum(sum))
		}
	}
	for i, ph := range c.ProviderPayments {
		if len(ph.PayerShares) > 0 {
			report(fmt.Sprintf("provider_payments[%d].payer_shares", i), "only outcome_payments phases have payer shares")
		}
	}
}

// Check enforces rules that span a phase.
func (p *Phase) Check(report Reporter) {
	if p.UntilWeek != 0 && p.UntilWeek <= p.FromWeek {
		report("until_week", "must be > from_week (%d) or 0 for open-ended (got %d)", p.FromWeek, p.UntilWeek)
	}
}

// Check requires exactly one rule type per rule.
func (r *Rule) Check(report Reporter) {
	n := 0
	for _, set := range []bool{r.BlockGrant != nil, r.Capitation != nil, r.PerReferral != nil, r.PerAssessment != nil, r.Tranche != nil, r.WellbeingOutcome != nil, r.SecondaryCareOutcome != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		report("", "must set exactly one rule type (block_grant, capitation, per_referral, per_assessment, tranche, wellbeing_outcome, secondary_care_outcome); got %d", n)
	}
}

// Check enforces the sliding-scale order.
func (w *WellbeingOutcome) Check(report Reporter) {
	if w.FullPoints <= w.FloorPoints {
		report("full_points", "must be > floor_points (%g) (got %g)", w.FloorPoints, w.FullPoints)
	}
}

func fmtSum(xs []float64) string {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return fmt.Sprintf("%g", s)
}

// CheckText reports whether s is safe to print as plain text in a
// terminal, a CSV cell, SVG or HTML: valid UTF-8 with no C0 control
// characters (tab and newline included), no DEL, no C1 control characters,
// no Unicode line or paragraph separators, no bidirectional embeddings,
// overrides or isolates (U+202A-U+202E, U+2066-U+2069) and no
// noncharacters U+FFFE and U+FFFF, which XML forbids. Such characters in a
// name can rewrite the user's terminal or make a figure ill-formed XML.
// The error names the first offending character and its 1-based position.
func CheckText(s string) error {
	i := 0
	for off, r := range s {
		i++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[off:]); size <= 1 {
				return fmt.Errorf("must be valid UTF-8 text (invalid byte at character %d)", i)
			}
		}
		if bad, what := unsafeRune(r); bad {
			return fmt.Errorf("must not contain %s (found U+%04X at character %d)", what, r, i)
		}
	}
	return nil
}

// CheckName returns an error if s cannot serve as a name shown beside
// other names and written into CSV files: a space at either end would make
// two names look alike in tables and reports, and a first character of =,
// +, - or @ makes spreadsheets read the cell as a formula (CSV injection).
func CheckName(s string) error {
	switch {
	case strings.TrimSpace(s) != s:
		return fmt.Errorf("must not begin or end with spaces (got %q)", s)
	case s != "" && strings.ContainsRune("=+-@", rune(s[0])):
		return fmt.Errorf("must not begin with %q, which spreadsheets read as the start of a formula (got %q)", s[0], s)
	}
	return nil
}

func unsafeRune(r rune) (bool, string) {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true, "control characters"
	case r == 0x2028 || r == 0x2029:
		return true, "line or paragraph separators"
	case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		return true, "bidirectional control characters"
	case r == 0xfffe || r == 0xffff:
		return true, "Unicode noncharacters"
	}
	return false, ""
}
