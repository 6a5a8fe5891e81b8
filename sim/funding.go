package sim

import (
	"fmt"
	"math"

	"github.com/sibsim/sibsim/sim/scenario"
)

// maxSeq is the highest assessment sequence number counted separately;
// later readings are counted at maxSeq.
const maxSeq = 16

// cohortWeeks is the length of a referral cohort for secondary-care evidence.
const cohortWeeks = 13

// Evidence is what a payee (one provider, or the whole system for outcome
// payments) did, as a payment rule can see it. The model fills it every week.
type Evidence struct {
	// PostShare is the payee's share of funded posts (1 for the system).
	PostShare float64
	// Assessments[k] is readings with sequence number k+1 completed this week
	// (the last slot counts maxSeq and later).
	Assessments [maxSeq]int
	// FollowUpGains are recorded gains (second reading minus baseline, Star
	// points) of clients whose second reading was completed this week.
	FollowUpGains []float64
	// Cohorts[q] accumulates secondary-care cost of clients referred in weeks
	// [q*cohortWeeks, (q+1)*cohortWeeks): Clients, ActualGBP, CounterfactualGBP.
	Cohorts []Cohort
}

// Cohort is a quarterly referral cohort's secondary-care record.
type Cohort struct {
	Clients           int
	ActualGBP         float64
	CounterfactualGBP float64
}

func (e *Evidence) resetWeek() {
	e.Assessments = [maxSeq]int{}
	e.FollowUpGains = e.FollowUpGains[:0]
}

// Prices are marginal payments (GBP) per unit of each countable event under
// the rules in force. Link workers and managers respond to prices, never to
// rule names.
type Prices struct {
	// Assessment[k] is paid per reading with sequence number k+1.
	Assessment [maxSeq]float64
	// StarPoint is paid per recorded Star point of follow-up gain.
	StarPoint float64
	// SavingGBP is paid per GBP of secondary-care cost avoided.
	SavingGBP float64
}

func (p *Prices) add(q *Prices, w float64) {
	for k := range p.Assessment {
		p.Assessment[k] += w * q.Assessment[k]
	}
	p.StarPoint += w * q.StarPoint
	p.SavingGBP += w * q.SavingGBP
}

// Rule is one funding rule, bound to one payee. Rules may keep state (for
// example a settlement period); a fresh Rule is built for every payee and run.
type Rule interface {
	// Pay returns the amount due (GBP) for this week, given the payee's evidence.
	Pay(week int, ev *Evidence) float64
	// Price sets the marginal payment per unit of each event in p.
	Price(week int, ev *Evidence, p *Prices)
}

// weighted scales a rule's payments and prices for blends.
type weighted struct {
	w    float64
	rule Rule
}

// phase is a set of rules in force for weeks [from, until).
type phase struct {
	from, until int // until = math.MaxInt for open-ended
	rules       []weighted
	payerShares []float64 // outcome phases: per payer, aligned with contract payers
}

func (ph *phase) active(week int) bool { return week >= ph.from && week < ph.until }

// buildPhases turns scenario phases into rule instances for one payee.
func buildPhases(specs []scenario.Phase, payers []scenario.Payer) ([]phase, error) {
	out := make([]phase, len(specs))
	for i, sp := range specs {
		ph := phase{from: sp.FromWeek, until: sp.UntilWeek}
		if ph.until == 0 {
			ph.until = math.MaxInt
		}
		for j, rs := range sp.Rules {
			r, err := buildRule(rs)
			if err != nil {
				return nil, fmt.Errorf("phase %d rule %d: %w", i, j, err)
			}
			w := 1.0
			if rs.Weight != nil {
				w = *rs.Weight
			}
			ph.rules = append(ph.rules, weighted{w, r})
		}
		if len(payers) > 0 {
			ph.payerShares = make([]float64, len(payers))
			for k, p := range payers {
				if len(sp.PayerShares) == 0 {
					ph.payerShares[k] = 1 / float64(len(payers))
				} else {
					ph.payerShares[k] = sp.PayerShares[p.Name]
				}
			}
		}
		out[i] = ph
	}
	return out, nil
}

// buildRule maps a scenario rule to its implementation. Adding a rule type
// means adding a field to scenario.Rule and a case here.
func buildRule(rs scenario.Rule) (Rule, error) {
	switch {
	case rs.BlockGrant != nil:
		return &blockGrant{perWeek: rs.BlockGrant.GBPPerYear / 52}, nil
	case rs.PerAssessment != nil:
		return newPerAssessment(rs.PerAssessment), nil
	case rs.Tranche != nil:
		return &tranche{amount: rs.Tranche.AmountGBP, every: rs.Tranche.EveryWeeks}, nil
	case rs.WellbeingOutcome != nil:
		return &wellbeingOutcome{spec: *rs.WellbeingOutcome, lastMean: math.NaN()}, nil
	case rs.SecondaryCareOutcome != nil:
		return &secondaryCareOutcome{spec: *rs.SecondaryCareOutcome}, nil
	}
	return nil, fmt.Errorf("rule sets no rule type")
}

// blockGrant pays a fixed weekly instalment, split by post share.
type blockGrant struct{ perWeek float64 }

func (b *blockGrant) Pay(_ int, ev *Evidence) float64 { return b.perWeek * ev.PostShare }
func (b *blockGrant) Price(int, *Evidence, *Prices)   {}

// tranche pays a fixed amount every `every` weeks of its phase, split by post
// share. The first payment falls in the first week the rule is asked.
type tranche struct {
	amount float64
	every  int
	n      int // weeks asked so far
}

func (t *tranche) Pay(_ int, ev *Evidence) float64 {
	pay := 0.0
	if t.n%t.every == 0 {
		pay = t.amount * ev.PostShare
	}
	t.n++
	return pay
}
func (t *tranche) Price(int, *Evidence, *Prices) {}

// perAssessment pays a tariff per reading by sequence number, up to a cap.
type perAssessment struct {
	tariff [maxSeq]float64
}

func newPerAssessment(s *scenario.PerAssessment) *perAssessment {
	r := &perAssessment{}
	for k := 0; k < maxSeq; k++ {
		if s.MaxPerClient > 0 && k >= s.MaxPerClient {
			break
		}
		i := k
		if i >= len(s.TariffsGBP) {
			i = len(s.TariffsGBP) - 1
		}
		r.tariff[k] = s.TariffsGBP[i]
	}
	return r
}

func (r *perAssessment) Pay(_ int, ev *Evidence) float64 {
	pay := 0.0
	for k, n := range ev.Assessments {
		pay += float64(n) * r.tariff[k]
	}
	return pay
}

func (r *perAssessment) Price(_ int, _ *Evidence, p *Prices) {
	p.Assessment = r.tariff
}

// slidingFraction is the Ways to Wellness scale: 0 below floor, 1 at or above
// full, linear between.
func slidingFraction(gain, floor, full float64) float64 {
	return clamp((gain-floor)/(full-floor), 0, 1)
}

// wellbeingOutcome settles every PeriodWeeks: the batch of clients whose
// second reading fell in the period earns PerClientGBP each, times the
// sliding fraction of the batch's mean recorded gain.
type wellbeingOutcome struct {
	spec     scenario.WellbeingOutcome
	n        int
	sum      float64
	weeks    int
	lastMean float64
}

func (r *wellbeingOutcome) Pay(_ int, ev *Evidence) float64 {
	for _, g := range ev.FollowUpGains {
		r.sum += g
		r.n++
	}
	r.weeks++
	if r.weeks%r.spec.PeriodWeeks != 0 || r.n == 0 {
		return 0
	}
	mean := r.sum / float64(r.n)
	pay := r.spec.PerClientGBP * float64(r.n) * slidingFraction(mean, r.spec.FloorPoints, r.spec.FullPoints)
	r.lastMean, r.n, r.sum = mean, 0, 0
	return pay
}

// Price: one more recorded point for one client moves the batch mean by 1/n,
// worth PerClientGBP/(full-floor) per point on the sloping part of the scale.
func (r *wellbeingOutcome) Price(_ int, _ *Evidence, p *Prices) {
	mean := r.lastMean
	if r.n > 0 {
		mean = r.sum / float64(r.n)
	}
	if math.IsNaN(mean) || (mean > r.spec.FloorPoints && mean < r.spec.FullPoints) {
		p.StarPoint = r.spec.PerClientGBP / (r.spec.FullPoints - r.spec.FloorPoints)
	}
}

// secondaryCareOutcome pays for each quarterly referral cohort once
// EvidenceWeeks have passed since the cohort closed.
type secondaryCareOutcome struct {
	spec    scenario.SecondaryCareOutcome
	settled int // cohorts settled so far
	// cfPerClient is the latest settled cohort's counterfactual cost per client.
	cfPerClient float64
}

func (r *secondaryCareOutcome) Pay(week int, ev *Evidence) float64 {
	pay := 0.0
	for r.settled < len(ev.Cohorts) && week >= (r.settled+1)*cohortWeeks+r.spec.EvidenceWeeks {
		c := ev.Cohorts[r.settled]
		r.settled++
		if c.Clients == 0 || c.CounterfactualGBP <= 0 {
			continue
		}
		red := 1 - c.ActualGBP/c.CounterfactualGBP
		pay += r.spec.PerClientGBP * float64(c.Clients) * clamp(red/r.spec.TargetReduction, 0, 1)
		r.cfPerClient = c.CounterfactualGBP / float64(c.Clients)
	}
	return pay
}

// Price: below the target, one GBP saved for a cohort of n clients with
// counterfactual cost C earns PerClientGBP*n/(target*C) = PerClientGBP/(target*cf per client).
func (r *secondaryCareOutcome) Price(_ int, ev *Evidence, p *Prices) {
	cf := r.cfPerClient
	if cf <= 0 {
		// Before any cohort settles, estimate from cohorts still accruing.
		var n int
		var c float64
		for _, co := range ev.Cohorts {
			n += co.Clients
			c += co.CounterfactualGBP
		}
		if n == 0 || c <= 0 {
			return
		}
		cf = c / float64(n)
	}
	p.SavingGBP = r.spec.PerClientGBP / (r.spec.TargetReduction * cf)
}
