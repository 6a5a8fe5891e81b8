package scenario

import (
	"fmt"
	"math"
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

func sumNear1(xs ...float64) bool {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return math.Abs(s-1) <= shareTol
}

// Check enforces rules that span fields of the whole scenario.
func (s *Scenario) Check(report Reporter) {
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
