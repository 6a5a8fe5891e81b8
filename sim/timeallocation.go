// ODD 7.4 Link-worker time allocation: demand, utilities, hour values and the capped softmax.

package sim

import (
	"math"
	"math/bits"
)

// planTime is the weekly time allocation of every link worker (ODD 7.4).
//
// Pass 1 over the caseload gathers what clients need this week (beginTally
// and tally, run in allocation's pass over the clients). Each worker
// then splits discretionary hours across the eight activities with a
// softmax of utilities capped by demand: utility = orientation term (care
// activities attract care-oriented workers) + money term (a bounded,
// saturating function of marginal revenue per hour under the rules in
// force, weighted up by managerial pressure) + target term (pressure times
// the worker's shortfall against the provider's reading target, on the
// counted activities) + duty term (contractually due readings). The split
// with the worker's own orientation and neither money nor targets is the
// "preferred" split that distress and socialisation compare against.
// Per-client rates follow from the split.
func (m *Model) planTime() {
	if len(m.perCx) != len(m.workers) {
		m.perCx = make([][numNeeds + 2]perCx, len(m.workers))
	}
	if len(m.provVals) != len(m.providers) {
		m.provVals = make([]provValues, len(m.providers))
	}
	for i := range m.providers {
		m.provVals[i] = m.providerValues(&m.providers[i])
	}
	for wi := range m.workers {
		w := &m.workers[wi]
		m.allocateHours(w, &m.provVals[w.provider])
		m.setPerCx(&m.perCx[wi], w, w.inPost)
	}
	m.setPerCx(&m.noWorker, nil, false)
}

// perCx holds what a week of support gives a client of one complexity
// score from one worker (ODD 7.5.4-7.5.10): every quantity of the client
// step that depends only on the worker's rates this week and the client's
// complexity cx at the start of the week. setPerCx computes each with the
// same expression, in the same order, as the step would for each client.
type perCx struct {
	acc     float64    // accompanied-care hours (7.5.4): care_rate × care_hours_per_complexity_week × cx × cream[cx]
	pAcc    float64    // chance a linkable client is accompanied (7.5.6): min(1, acc / hours_per_accompany); 0 when remote
	care32  float32    // care hours received, acc + informal, in float32
	coach32 float32    // coaching hours received, in float32
	h0      float64    // hazard of each unmet need without a linked place (7.5.7)
	h1      float64    // ... and with one
	dsm     [3]float64 // self-management gain (7.5.8): from coaching, plus self_management_linked_per_week for each of 0, 1 or 2 lifestyle places held
	lift    float64    // the Star lift of support (7.5.8)
	hFit    float64    // the leaving hazard before the contact, mode, early and continuity factors (7.5.10)
}

// setPerCx fills t for worker w (nil, or not in post: no hours).
func (m *Model) setPerCx(t *[numNeeds + 2]perCx, w *worker, inPost bool) {
	sc := m.sc
	wb, r := &sc.Wellbeing, &sc.Response
	for ci := range t {
		cx := float64(ci)
		need := sc.Practice.CareHoursPerComplexityWeek * cx
		var acc, informal, coach float64
		if inPost {
			acc = w.careRate * need * m.providers[w.provider].cream[ci]
			informal, coach = w.informalPer, w.coachPer
		}
		e := &t[ci]
		e.acc = acc
		e.pAcc = 0
		if !m.remote {
			e.pAcc = min(1, acc/sc.Linking.HoursPerAccompany)
		}
		e.care32 = float32(acc + informal)
		e.coach32 = float32(coach)
		e.h0 = wb.NeedResolveNaturalPerWeek + wb.NeedResolvePerCareHour*acc
		e.h1 = e.h0 + wb.NeedResolveLinkedPerWeek
		e.dsm[0] = wb.SelfManagementPerCoachingHour * coach / (1 + cx)
		e.dsm[1] = e.dsm[0] + wb.SelfManagementLinkedPerWeek
		e.dsm[2] = e.dsm[1] + wb.SelfManagementLinkedPerWeek
		e.lift = min(2, wb.SupportLiftPerCareHour*(acc+informal)+wb.SupportLiftPerCoachingHour*coach/(1+cx))
		fit := 1.0
		if need > 0 {
			fit = min(1, (acc+informal)/need)
		}
		e.hFit = r.DisengageBasePerWeek * (1 + r.MisfitHazardPerComplexity*cx*(1-fit))
	}
}

// beginTally clears each worker's demand tallies and sets the week's
// creaming steepness, before the pass over the clients (tally).
func (m *Model) beginTally() {
	sc := m.sc
	// Creaming and parking: under outcome prices that reward picking
	// clients (Star points, avoided secondary-care cost) and pressure, care
	// hours lean to clients with fewer needs (likely improvers) and away
	// from hard cases. The steepness is creaming_strength times the money
	// scale of a care hour's outcome value; it depends on the provider
	// alone, so each provider's weights are computed once a week.
	for i := range m.providers {
		p := &m.providers[i]
		p.creamK = sc.Practice.CreamingStrength * m.moneyScale(m.moneyWeight(p)*m.careOutcomeValue(p)/p.wageHour)
		for cx := range p.cream {
			p.cream[cx] = creamWeight(p.creamK, float64(cx))
		}
	}
	for wi := range m.workers {
		w := &m.workers[wi]
		w.nAwaiting, w.nDue, w.nEngaged, w.nLinkable = 0, 0, 0, 0
		w.careNeed, w.careNeedW, w.duePrice, w.complexitySum, w.needSum = 0, 0, 0, 0, 0
	}
}

// tally adds client c, who has a worker, to that worker's demand this
// week; clients are tallied in ID order.
func (m *Model) tally(c *client) {
	w := &m.workers[c.worker]
	switch c.state {
	case stReferred:
		w.nAwaiting++
	case stEngaged:
		w.nEngaged++
		cx := float64(c.complexity())
		w.complexitySum += cx
		w.needSum += float64(bits.OnesCount8(c.needs))
		if m.week >= int(c.nextDue) {
			w.nDue++
			w.duePrice += m.providers[w.provider].prices.Assessment[seqIndex(int(c.nAssess)+1)]
		}
		need := m.sc.Practice.CareHoursPerComplexityWeek * cx
		w.careNeed += need
		w.careNeedW += need * m.providers[w.provider].cream[c.cx]
		if m.linkService(c) != svcNone {
			w.nLinkable++
		}
	}
}

func seqIndex(seq int) int {
	if seq > maxSeq {
		seq = maxSeq
	}
	return seq - 1
}

// creamWeight is the relative share of care hours a client of complexity cx
// gets: 1 when need-led (k = 0), falling with complexity as k grows.
func creamWeight(k, cx float64) float64 {
	if k == 0 {
		return 1
	}
	return math.Exp(-k * (cx - 1))
}

// moneyWeight is λ, the bound of the money term of workers of provider p:
// money_weight_base + money_weight_pressure × pressure (ODD 7.4.2).
func (m *Model) moneyWeight(p *provider) float64 {
	return m.sc.Practice.MoneyWeightBase + m.sc.Practice.MoneyWeightPressure*p.pressure
}

// moneyScale maps x >= 0, an hourly revenue in multiples of the hourly wage
// cost, to x/(x + money_half_value) in [0, 1): zero at zero, half at the
// half value, rising at every price and bounded (ODD 7.4.2).
func (m *Model) moneyScale(x float64) float64 {
	if !(x > 0) {
		return 0
	}
	if math.IsInf(x, 1) {
		return 1
	}
	return x / (x + m.sc.Practice.MoneyHalfValue)
}

// careOutcomeValue is the outcome revenue (GBP) of an hour of care for a
// client who improves: the Star points it lifts at the Star-point price,
// plus the secondary-care saving of those points (wellbeing effect) over
// half the valuation horizon at the saving price (ODD 7.4.1).
func (m *Model) careOutcomeValue(p *provider) float64 {
	sc := m.sc
	lift := sc.Wellbeing.SupportLiftPerCareHour
	saving := sc.Health.WellbeingEffectPerPoint * m.meanCFCostPerWeek() * sc.Practice.ValueHorizonWeeks / 2
	return p.prices.StarPoint*lift + p.prices.SavingGBP*lift*saving
}

// targetGap is the share of the provider's weekly reading target per worker
// that the worker's smoothed readings leave unmet: 1 when the target is
// unbounded (costs but no reading tariff), 0 when there is none.
func targetGap(target, readings float64) float64 {
	if !(target > 0) {
		return 0
	}
	if math.IsInf(target, 1) {
		return 1
	}
	return clamp(1-readings/target, 0, 1)
}

// allocateHours splits a worker's week and sets the per-client rates; pv
// is the worker's provider's share of the hour values this week
// (providerValues).
func (m *Model) allocateHours(w *worker, pv *provValues) {
	sc := &m.sc.Practice
	w.hours = [numActs]float64{}
	w.admin = 0
	if !w.inPost {
		// A vacant post: credits reset (not frozen), no rates.
		w.initCredit, w.fuCredit = 0, 0
		w.careRate, w.informalPer, w.coachPer, w.signpostProb = 0, 0, 0, 0
		w.targetGap = 0
		return
	}
	p := &m.providers[w.provider]
	H := sc.ContractedHoursPerWeek
	w.admin = H * w.adminShare
	D := H - w.admin

	travel := sc.TravelHoursPerVisitHour
	var caps [numActs]float64
	caps[actOutreach] = m.outreachCap(w)
	caps[actInitialAssessment] = float64(w.nAwaiting) * sc.InitialAssessmentHours
	caps[actFollowUpAssessment] = float64(w.nDue) * sc.FollowUpAssessmentHours
	caps[actCoaching] = float64(w.nEngaged) * sc.CoachingHoursPerClientWeek
	caps[actSignposting] = float64(w.nLinkable) * m.sc.Linking.HoursPerSignpost
	caps[actInformal] = float64(w.nEngaged) * sc.InformalHoursPerClientWeek
	if !m.remote {
		caps[actAccompanied] = w.careNeed * (1 + travel) // time including travel
		if w.nEngaged > 0 {
			caps[actCommunityGroups] = sc.CommunityGroupMaxHoursPerWeek
		}
	} else {
		// Remote only: no accompaniment; care becomes phone contact.
		caps[actInformal] += w.careNeed
	}

	vals := m.hourValues(w, p, pv)
	var uAct, uPref [numActs]float64
	omegaEff := (1-sc.OrganisationWeight)*w.orientation + sc.OrganisationWeight*p.culture
	lam := m.moneyWeight(p)
	w.targetGap = targetGap(p.targetWeek, w.readings)
	target := sc.TargetWeight * p.pressure * w.targetGap
	for k := 0; k < numActs; k++ {
		duty, tgt := 0.0, 0.0
		switch k {
		case actInitialAssessment, actFollowUpAssessment:
			duty, tgt = sc.DutyWeight, target
		case actOutreach:
			tgt = target
		}
		uAct[k] = sc.OrientationWeight*(2*omegaEff-1)*actLogic[k] + lam*m.moneyScale(vals[k]/p.wageHour) + tgt + duty
		uPref[k] = sc.OrientationWeight*(2*w.orientation-1)*actLogic[k] + duty
	}
	var pref [numActs]float64
	w.hours = softmaxFill(D, caps, uAct, sc.Temperature)
	pref = softmaxFill(D, caps, uPref, sc.Temperature)

	// Travel is neither care nor choice.
	acc := w.hours[actAccompanied] / (1 + travel)
	w.admin += w.hours[actAccompanied] - acc
	w.hours[actAccompanied] = acc
	used := w.admin
	for _, h := range w.hours {
		used += h
	}
	// Idle: H minus admin share, travel and every activity hour; counted as admin.
	w.admin += H - used

	w.initCredit = math.Min(w.initCredit, 1) + w.hours[actInitialAssessment]/sc.InitialAssessmentHours
	w.fuCredit = math.Min(w.fuCredit, 1) + w.hours[actFollowUpAssessment]/sc.FollowUpAssessmentHours
	// Readings worked this week, smoothed: what the target is read against.
	done := w.hours[actInitialAssessment]/sc.InitialAssessmentHours + w.hours[actFollowUpAssessment]/sc.FollowUpAssessmentHours
	w.readings += (done - w.readings) / m.sc.Workforce.EnactedSmoothingWeeks
	w.careRate, w.informalPer, w.coachPer, w.signpostProb = 0, 0, 0, 0
	if w.careNeedW > 0 {
		w.careRate = acc / w.careNeedW
	}
	if w.nEngaged > 0 {
		w.informalPer = w.hours[actInformal] / float64(w.nEngaged)
		w.coachPer = w.hours[actCoaching] / float64(w.nEngaged)
	}
	if w.nLinkable > 0 {
		w.signpostProb = math.Min(1, w.hours[actSignposting]/m.sc.Linking.HoursPerSignpost/float64(w.nLinkable))
	}

	// Enacted and preferred care shares, smoothed.
	alpha := 1 / m.sc.Workforce.EnactedSmoothingWeeks
	if cs, ok := careShare(&w.hours); ok {
		w.enacted += alpha * (cs - w.enacted)
	}
	pref[actAccompanied] /= 1 + travel
	if cs, ok := careShare(&pref); ok {
		w.preferred += alpha * (cs - w.preferred)
	}
}

// careShare returns care / (care + choice) hours.
func careShare(h *[numActs]float64) (float64, bool) {
	var care, choice float64
	for k, x := range h {
		if k < numChoiceActs {
			choice += x
		} else {
			care += x
		}
	}
	if care+choice <= 0 {
		return 0, false
	}
	return care / (care + choice), true
}

// outreachCap is the outreach a worker would do: up to the maximum, scaled by
// the gap between the caseload and the provider's target, and by how much of
// the eligible pool remains at the practices served.
func (m *Model) outreachCap(w *worker) float64 {
	sc := m.sc
	target := m.caseloadTarget(&m.providers[w.provider])
	gap := clamp(2*(target-float64(w.caseload))/target, 0, 1)
	if gap == 0 || len(w.practices) == 0 {
		return 0
	}
	return sc.Practice.OutreachMaxHoursPerWeek * gap * m.poolFraction(w)
}

// caseloadTarget is the caseload provider p asks of each worker: the
// scenario's target, raised toward the maximum as pressure grows.
func (m *Model) caseloadTarget(p *provider) float64 {
	a := &m.sc.Allocation
	return float64(a.CaseloadTarget) + m.sc.Management.TargetPressureGain*p.pressure*float64(a.CaseloadMax-a.CaseloadTarget)
}

func (m *Model) poolFraction(w *worker) float64 {
	var pool, pool0 float64
	for _, pi := range w.practices {
		pool += math.Max(0, m.practices[pi].pool)
		pool0 += m.practices[pi].pool0
	}
	if pool0 <= 0 {
		return 0
	}
	return pool / pool0
}

// provValues holds the parts of the hour values (ODD 7.4.3) that depend on
// the provider's prices in force and the scenario alone, not on the worker:
// providerValues computes them once per provider per week, for all its
// workers. Amounts are GBP (per hour where noted).
type provValues struct {
	initial       float64 // hour value of initial readings (GBP/hour)
	newClient     float64 // revenue of a new client within the valuation horizon (GBP)
	point         float64 // a recorded Star point: its price plus the saving it brings (GBP)
	savingPerSM   float64 // secondary-care saving of a unit of self-management over half the horizon (GBP)
	savingPerNeed float64 // ... of one resolved need (GBP)
	informal      float64 // hour value of informal contact (GBP/hour)
	signposting   float64 // hour value of signposting (GBP/hour)
}

// providerValues computes p's provValues from the prices in force this week.
func (m *Model) providerValues(p *provider) provValues {
	sc := m.sc
	pr := &p.prices
	var pv provValues
	// Future readings of an engaged client within the valuation horizon,
	// discounted by the chance the client is still engaged.
	surv := 1 - sc.Response.DisengageBasePerWeek
	fut := 0.0
	F := sc.Assessment.FollowUpEveryWeeks
	for k := 1; k*F <= int(sc.Practice.ValueHorizonWeeks) && k < maxSeq; k++ {
		fut += pr.Assessment[k] * math.Pow(surv, float64(k*F))
	}
	// Expected engaged weeks within the horizon, for per-client-week prices.
	H := sc.Practice.ValueHorizonWeeks
	weeksHeld := H
	if surv < 1 {
		weeksHeld = (1 - math.Pow(surv, H)) / (1 - surv)
	}
	engaged := pr.Assessment[0] + fut + pr.ClientWeek*weeksHeld
	pv.newClient = pr.Referral + engaged
	pv.initial = engaged / sc.Practice.InitialAssessmentHours
	wb := &sc.Wellbeing
	horizon := sc.Practice.ValueHorizonWeeks
	// Savings channels (ODD 7.4.3): self-management, Star points (the
	// wellbeing effect) and resolved needs each lower a typical client's
	// secondary-care cost over half the horizon.
	cfWeek := m.meanCFCostPerWeek()
	pv.savingPerSM = sc.Health.SelfManagementEffect * cfWeek * horizon / 2
	savingPerPoint := sc.Health.WellbeingEffectPerPoint * cfWeek * horizon / 2
	pv.savingPerNeed = m.meanNeedRateEffect() * cfWeek * horizon / 2
	// A Star point is worth its price plus the saving it brings.
	pv.point = pr.StarPoint + pr.SavingGBP*savingPerPoint
	// Care keeps clients engaged: a weekly care hour cuts the disengagement
	// hazard of a client with unmet care need by base*misfit/care_hours_per_complexity,
	// which keeps them about that times min(horizon, 1/base) weeks longer.
	r := &sc.Response
	retained := 0.0
	if sc.Practice.CareHoursPerComplexityWeek > 0 && r.DisengageBasePerWeek > 0 {
		retained = r.DisengageBasePerWeek * r.MisfitHazardPerComplexity / sc.Practice.CareHoursPerComplexityWeek * min(horizon, 1/r.DisengageBasePerWeek)
	}
	pv.informal = pv.point*wb.SupportLiftPerCareHour + pr.ClientWeek*retained
	// A link resolves a need with probability 1-(1-r)^weeks; a resolved need
	// lifts about need_penalty points and saves as above.
	pLinkResolves := 1 - math.Pow(1-wb.NeedResolveLinkedPerWeek, float64(sc.Linking.LinkWeeks))
	pv.signposting = (pv.point*wb.NeedPenalty + pr.SavingGBP*pv.savingPerNeed) * pLinkResolves / sc.Linking.HoursPerSignpost
	return pv
}

// hourValues is the provider's estimate of the marginal revenue (GBP) an
// hour of each activity of worker w earns under the prices in force (ODD
// 7.4.3), from the provider's share pv (providerValues) and the worker's
// caseload this week.
func (m *Model) hourValues(w *worker, p *provider, pv *provValues) [numActs]float64 {
	sc := m.sc
	pr := &p.prices
	var v [numActs]float64
	v[actInitialAssessment] = pv.initial
	if w.nDue > 0 {
		v[actFollowUpAssessment] = w.duePrice / float64(w.nDue) / sc.Practice.FollowUpAssessmentHours
	}
	if len(w.practices) > 0 {
		var so float64
		for _, pi := range w.practices {
			so += m.practices[pi].signOffProb
		}
		so /= float64(len(w.practices))
		perHour := sc.Referrals.OutreachCandidatesPerHour * m.poolFraction(w) * so * (1 - sc.Referrals.RefusalProb)
		v[actOutreach] = perHour * pv.newClient
	}
	// Outcome prices: recorded Star points and avoided secondary-care cost.
	avgCx := 1.0
	if w.nEngaged > 0 {
		avgCx = w.complexitySum / float64(w.nEngaged)
	}
	wb := &sc.Wellbeing
	v[actCoaching] = pv.point*wb.SupportLiftPerCoachingHour/(1+avgCx) + pr.SavingGBP*wb.SelfManagementPerCoachingHour/(1+avgCx)*pv.savingPerSM
	v[actInformal] = pv.informal
	// A weekly hour of accompanied support also raises the resolution hazard
	// of each of a client's unmet needs.
	avgNeeds := 0.0
	if w.nEngaged > 0 {
		avgNeeds = w.needSum / float64(w.nEngaged)
	}
	v[actAccompanied] = v[actInformal] + pr.SavingGBP*wb.NeedResolvePerCareHour*avgNeeds*pv.savingPerNeed
	v[actSignposting] = pv.signposting
	return v
}

// meanCFCostPerWeek is the counterfactual secondary-care cost of a typical
// client per week, from the health parameters.
func (m *Model) meanCFCostPerWeek() float64 {
	h := &m.sc.Health
	perEvent := h.AdmissionShare*h.AdmissionCostGBP + h.AEShare*h.AECostGBP + h.OutpatientShare*h.OutpatientCostGBP
	return h.BaseEventsPerYear / 52 * perEvent
}

// meanNeedRateEffect is the relative secondary-care rate change of one
// unmet need, averaged over the six needs (five carry unmet_need_rate_effect,
// anxiety/low confidence anxiety_rate_effect).
func (m *Model) meanNeedRateEffect() float64 {
	h := &m.sc.Health
	return (float64(numNeeds-1)*h.UnmetNeedRateEffect + h.AnxietyRateEffect) / numNeeds
}

// softmaxFill splits D hours over activities in proportion to
// cap_k * exp(u_k/T): with equal utilities hours follow demand, and utility
// tilts them. No activity gets more than its cap (its demand); hours an
// activity cannot use go to the others in the same proportions
// (water-filling). Hours left when every activity is capped are returned
// unallocated.
func softmaxFill(D float64, caps, u [numActs]float64, T float64) [numActs]float64 {
	var h [numActs]float64
	var e [numActs]float64
	umax := math.Inf(-1)
	for k := range u {
		if caps[k] > 0 && u[k] > umax {
			umax = u[k]
		}
	}
	for k := range u {
		if caps[k] > 0 {
			e[k] = caps[k] * math.Exp((u[k]-umax)/T)
		}
	}
	left := D
	for left > 1e-12 {
		var sum float64
		for k := range e {
			sum += e[k]
		}
		if sum == 0 {
			break
		}
		// Activities whose proportional share would exceed their cap are
		// filled to the cap and leave the pool; then repeat.
		capped := false
		for k := range e {
			if e[k] > 0 && left*e[k]/sum >= caps[k] {
				capped = true
				h[k] = caps[k]
				e[k] = 0
			}
		}
		if !capped {
			for k := range e {
				h[k] += left * e[k] / sum
			}
			break
		}
		left = D
		for k := range h {
			if e[k] == 0 {
				left -= h[k]
			}
		}
	}
	return h
}
