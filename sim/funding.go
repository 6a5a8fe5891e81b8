// ODD 7.7.2 Funding rules (see 4.12): evidence, prices, and the rules that pay and price.

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
	// ActiveClients is the payee's engaged clients at the end of this week.
	ActiveClients int
	// Referrals is referrals accepted this week (referred and not declined).
	Referrals int
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

// Cohort is a quarterly referral cohort's secondary-care record: clients who
// engaged, and costs by quarter since referral (index q holds weeks
// [13q, 13q+13) after referral), with and without the intervention.
type Cohort struct {
	Clients           int
	ActualGBP         []float64
	CounterfactualGBP []float64
}

// costs sums the cohort's costs over the first quarters quarters after referral.
func (c *Cohort) costs(quarters int) (actual, cf float64) {
	for q := 0; q < quarters && q < len(c.ActualGBP); q++ {
		actual += c.ActualGBP[q]
		cf += c.CounterfactualGBP[q]
	}
	return actual, cf
}

func (e *Evidence) resetWeek() {
	e.Assessments = [maxSeq]int{}
	e.FollowUpGains = e.FollowUpGains[:0]
	e.Referrals = 0
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
	// Referral is paid per accepted referral.
	Referral float64
	// ClientWeek is paid per engaged client per week.
	ClientWeek float64
}

func (p *Prices) add(q *Prices, w float64) {
	for k := range p.Assessment {
		p.Assessment[k] += w * q.Assessment[k]
	}
	p.StarPoint += w * q.StarPoint
	p.SavingGBP += w * q.SavingGBP
	p.Referral += w * q.Referral
	p.ClientWeek += w * q.ClientWeek
}

// Rule is one funding rule, bound to one payee. Rules may keep state (for
// example a settlement period); a fresh Rule is built for every payee and run.
type Rule interface {
	// Pay returns the amount due (GBP) for this week, given the payee's evidence.
	Pay(week int, ev *Evidence) float64
	// Price sets the marginal payment per unit of each event in p.
	Price(week int, ev *Evidence, p *Prices)
}

// Settler is a rule that holds evidence open across weeks (a batch or a
// cohort not yet evidenced). At the horizon the model asks it once, after
// Pay, to settle what that open evidence has earned (ODD 7.7.2, final
// settlement); end is the number of weeks simulated (the last week is end-1).
// Rules that pay as they go do not implement it.
type Settler interface {
	Settle(end int, ev *Evidence) float64
}

// settle returns what a rule owes at the horizon for open evidence (0 for a
// rule that pays as it goes).
func settle(r Rule, end int, ev *Evidence) float64 {
	if s, ok := r.(Settler); ok {
		return s.Settle(end, ev)
	}
	return 0
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
// trackWeeks bounds secondary-care measurement windows.
func buildPhases(specs []scenario.Phase, payers []scenario.Payer, trackWeeks int) ([]phase, error) {
	out := make([]phase, len(specs))
	for i, sp := range specs {
		ph := phase{from: sp.FromWeek, until: sp.UntilWeek}
		if ph.until == 0 {
			ph.until = math.MaxInt
		}
		for j, rs := range sp.Rules {
			r, err := buildRule(rs, trackWeeks)
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
func buildRule(rs scenario.Rule, trackWeeks int) (Rule, error) {
	switch {
	case rs.BlockGrant != nil:
		return &blockGrant{perWeek: rs.BlockGrant.GBPPerYear / 52}, nil
	case rs.Capitation != nil:
		return &capitation{perWeek: rs.Capitation.GBPPerClientMonth * 12 / 52}, nil
	case rs.PerReferral != nil:
		return &perReferral{amount: rs.PerReferral.GBPPerReferral}, nil
	case rs.PerAssessment != nil:
		return newPerAssessment(rs.PerAssessment), nil
	case rs.Tranche != nil:
		return &tranche{amount: rs.Tranche.AmountGBP, every: rs.Tranche.EveryWeeks}, nil
	case rs.WellbeingOutcome != nil:
		r := &wellbeingOutcome{spec: *rs.WellbeingOutcome, curve: 1, lastMean: math.NaN()}
		if rs.WellbeingOutcome.Curve != nil {
			r.curve = *rs.WellbeingOutcome.Curve
		}
		return r, nil
	case rs.SecondaryCareOutcome != nil:
		window := trackWeeks
		if w := rs.SecondaryCareOutcome.WindowWeeks; w != nil && *w < window {
			window = *w
		}
		return &secondaryCareOutcome{spec: *rs.SecondaryCareOutcome, quarters: (window + cohortWeeks - 1) / cohortWeeks}, nil
	}
	return nil, fmt.Errorf("rule sets no rule type")
}

// blockGrant pays a fixed weekly instalment, split by post share.
type blockGrant struct{ perWeek float64 }

func (b *blockGrant) Pay(_ int, ev *Evidence) float64 { return b.perWeek * ev.PostShare }
func (b *blockGrant) Price(int, *Evidence, *Prices)   {}

// capitation pays per engaged client per week (the monthly rate times 12/52).
type capitation struct{ perWeek float64 }

func (c *capitation) Pay(_ int, ev *Evidence) float64     { return c.perWeek * float64(ev.ActiveClients) }
func (c *capitation) Price(_ int, _ *Evidence, p *Prices) { p.ClientWeek = c.perWeek }

// perReferral pays per accepted referral.
type perReferral struct{ amount float64 }

func (r *perReferral) Pay(_ int, ev *Evidence) float64     { return r.amount * float64(ev.Referrals) }
func (r *perReferral) Price(_ int, _ *Evidence, p *Prices) { p.Referral = r.amount }

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

// slidingFraction is the Ways to Wellness scale: 0 at or below floor, 1 at
// or above full, and ((gain-floor)/(full-floor))^curve between.
func slidingFraction(gain, floor, full, curve float64) float64 {
	x := clamp((gain-floor)/(full-floor), 0, 1)
	if curve == 1 || x == 0 || x == 1 {
		return x
	}
	return math.Pow(x, curve)
}

// wellbeingOutcome settles every PeriodWeeks: the batch of clients whose
// second reading fell in the period earns PerClientGBP each, times the
// sliding fraction of the batch's mean recorded gain.
type wellbeingOutcome struct {
	spec     scenario.WellbeingOutcome
	curve    float64
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
	pay := r.spec.PerClientGBP * float64(r.n) * slidingFraction(mean, r.spec.FloorPoints, r.spec.FullPoints, r.curve)
	r.lastMean, r.n, r.sum = mean, 0, 0
	return pay
}

// Settle pays the open batch at the horizon as if its period had ended:
// PerClientGBP times the batch size times the scale's fraction at its mean.
func (r *wellbeingOutcome) Settle(_ int, _ *Evidence) float64 {
	if r.n == 0 {
		return 0
	}
	mean := r.sum / float64(r.n)
	pay := r.spec.PerClientGBP * float64(r.n) * slidingFraction(mean, r.spec.FloorPoints, r.spec.FullPoints, r.curve)
	r.lastMean, r.n, r.sum = mean, 0, 0
	return pay
}

// Price: a second reading adds a client to the batch, worth PerClientGBP
// times the scale's fraction at the batch mean; one more recorded point for
// one client moves the mean by 1/n, worth PerClientGBP times the slope of
// the scale there (for a linear scale PerClientGBP/(full-floor) between
// floor and full, 0 outside). Before any batch, the middle of the scale.
func (r *wellbeingOutcome) Price(_ int, _ *Evidence, p *Prices) {
	mean := r.lastMean
	if r.n > 0 {
		mean = r.sum / float64(r.n)
	}
	span := r.spec.FullPoints - r.spec.FloorPoints
	x := 0.5
	if !math.IsNaN(mean) {
		x = clamp((mean-r.spec.FloorPoints)/span, 0, 1)
	}
	p.Assessment[1] = r.spec.PerClientGBP * math.Pow(x, r.curve)
	if x > 0 && x < 1 {
		p.StarPoint = r.spec.PerClientGBP * r.curve * math.Pow(x, r.curve-1) / span
	}
}

// secondaryCareOutcome pays for each quarterly referral cohort once
// EvidenceWeeks have passed since the cohort closed.
type secondaryCareOutcome struct {
	spec     scenario.SecondaryCareOutcome
	quarters int // measurement window, in quarters after referral
	settled  int // cohorts settled so far
	// cfPerClient is the latest settled cohort's counterfactual cost per client.
	cfPerClient float64
}

func (r *secondaryCareOutcome) Pay(week int, ev *Evidence) float64 {
	pay := 0.0
	for r.settled < len(ev.Cohorts) && week >= (r.settled+1)*cohortWeeks+r.spec.EvidenceWeeks {
		c := &ev.Cohorts[r.settled]
		r.settled++
		actual, cf := c.costs(r.quarters)
		if c.Clients == 0 || cf <= 0 {
			continue
		}
		red := 1 - actual/cf
		pay += r.spec.PerClientGBP * float64(c.Clients) * clamp(red/r.spec.TargetReduction, 0, 1)
		r.cfPerClient = cf / float64(c.Clients)
	}
	return pay
}

// Settle evidences, at the horizon, every cohort not yet settled with what
// it has: its reduction over the quarters recorded so far, and a share of
// the full amount pro rata to the part of the measurement window its
// clients have been observed, counted from the middle of the cohort's
// quarter: f = clamp((end - 13q - 6.5) / (13 quarters), 0, 1).
func (r *secondaryCareOutcome) Settle(end int, ev *Evidence) float64 {
	pay := 0.0
	window := float64(r.quarters * cohortWeeks)
	for ; r.settled < len(ev.Cohorts); r.settled++ {
		q := r.settled
		c := &ev.Cohorts[q]
		actual, cf := c.costs(r.quarters)
		if c.Clients == 0 || cf <= 0 {
			continue
		}
		f := clamp((float64(end)-float64(q*cohortWeeks)-cohortWeeks/2.0)/window, 0, 1)
		red := 1 - actual/cf
		pay += r.spec.PerClientGBP * float64(c.Clients) * clamp(red/r.spec.TargetReduction, 0, 1) * f
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
		for i := range ev.Cohorts {
			n += ev.Cohorts[i].Clients
			_, f := ev.Cohorts[i].costs(r.quarters)
			c += f
		}
		if n == 0 || c <= 0 {
			return
		}
		cf = c / float64(n)
	}
	p.SavingGBP = r.spec.PerClientGBP / (r.spec.TargetReduction * cf)
}
