// ODD 7.2 Referrals: pool inflow, sign-off of outreach candidates, GP referrals, new clients.

package sim

import "math"

// referrals: outreach candidates due for GP sign-off, GP referrals, and the
// inflow to the eligible pool.
func (m *Model) referrals() {
	sc, r := m.sc, m.rs.referrals
	slot := m.week % queueLen
	for i := range m.practices {
		p := &m.practices[i]
		p.pool += m.poolInflow * p.pool0
		// Sign-off of link-worker generated candidates.
		if n := p.queue[slot]; n > 0 {
			p.queue[slot] = 0
			ok := r.binomial(n, p.signOffProb)
			p.pool += float64(n - ok) // not signed off: back to the pool
			m.row[wcReferralsOutreach] += float64(ok)
			for k := 0; k < ok; k++ {
				m.newClient(i)
			}
		}
		// GP referrals: Poisson with a rate proportional to engagement and to
		// the share of the eligible pool remaining.
		lambda := sc.Referrals.GPMaxPerPracticeWeek * p.engagement * m.gpFactor * poolShare(p)
		n := r.poisson(lambda)
		if float64(n) > p.pool {
			n = int(math.Max(0, p.pool))
		}
		p.pool -= float64(n)
		m.row[wcReferralsGP] += float64(n)
		for k := 0; k < n; k++ {
			m.newClient(i)
		}
	}
}

// newClient draws the attributes of a newly referred person at practice pi.
// A person who declines at once is counted and not kept.
func (m *Model) newClient(pi int) {
	sc, r := m.sc, m.rs.clients
	m.acc.referrals++
	if m.rs.engagement.bernoulli(sc.Referrals.RefusalProb) {
		m.row[wcRefusals]++
		m.acc.refused++
		return
	}
	p := &m.practices[pi]
	dep := sc.Neighbourhoods[p.neighbourhood].Deprivation
	mult := 1 + sc.Clients.DeprivationNeedGradient*(dep-0.5)
	np := &sc.Clients.NeedPrevalence
	prev := [numNeeds]float64{np.IncomeDebt, np.Housing, np.Isolation, np.Bereavement, np.Anxiety, np.Literacy}
	c := client{
		id:       m.nextClientID,
		practice: int32(pi),
		worker:   -1,
		referred: int16(m.week),
		engaged:  -1,
		changed:  -1,
		state:    stWaiting,
	}
	m.nextClientID++
	for k := 0; k < numNeeds; k++ {
		if r.bernoulli(clamp(prev[k]*mult, 0, 1)) {
			c.needs |= 1 << k
		}
	}
	cp := &sc.Clients.ConditionPrevalence
	for _, q := range [...]float64{cp.COPDAsthma, cp.Diabetes, cp.HeartDisease, cp.Epilepsy, cp.Osteoporosis} {
		if r.bernoulli(q) {
			c.conditions++
		}
	}
	if c.conditions == 0 {
		c.conditions = 1 // eligibility requires a listed condition
	}
	c.depression = r.bernoulli(sc.Clients.DepressionAnxietyShare)
	pop := &sc.Population
	age := uint8(pop.AgeMin + int(r.float()*float64(pop.AgeMax-pop.AgeMin+1))) // years, at referral
	c.transport = r.bernoulli(sc.Clients.TransportBarrierShare)
	c.digital = r.bernoulli(sc.Clients.DigitalAccessShare)
	c.needs0 = c.needs
	m.setPenalties(&c) // sets the complexity score
	switch x := c.complexity(); {
	case x >= sc.Clients.ComplexThreshold:
		c.tier = tierComplex
	case x <= sc.Clients.SimpleMax:
		c.tier = tierSimple
	default:
		c.tier = tierMiddle
	}
	// Self-management at referral varies around the baseline.
	c.sm0 = float32(clamp(r.normal(sc.Wellbeing.BaselineSelfManagement, 0.1), 0, 1))
	c.sm = c.sm0
	w := &sc.Wellbeing
	for a := 0; a < numAreas; a++ {
		c.star[a] = float32(clamp(m.attainable(&c, a, 0)+r.normal(0, w.BaselineNoiseSD), 1, 10))
	}
	c.sumStar()
	h := &sc.Health
	rate := h.BaseEventsPerYear + h.ExtraEventsPerCondition*float64(c.conditions-1)
	if c.depression {
		rate *= h.DepressionRateMultiplier
	}
	rate *= m.ageRate[age]
	c.baseRate = float32(rate / 52)
	// Cohort records exist from referral; clients count in them once engaged.
	prov := &m.providers[p.provider]
	m.sysEv.Referrals++
	prov.ev.Referrals++
	for _, ev := range [2]*Evidence{&m.sysEv, &prov.ev} {
		for c.cohort() >= len(ev.Cohorts) {
			ev.Cohorts = append(ev.Cohorts, m.newCohort())
		}
	}
	if len(m.clients) == cap(m.clients) {
		// Double, rather than append's growth by a quarter for large
		// slices: at national scale the active slice grows from the
		// posts' caseload capacity to several times it in the first year,
		// and each regrowth copies every record into fresh memory.
		grown := make([]client, len(m.clients), 2*cap(m.clients)+64)
		copy(grown, m.clients)
		m.clients = grown
	}
	m.clients = append(m.clients, c)
}

// newCohort makes an empty cohort record with one cost bucket per quarter of
// the secondary-care tracking window.
func (m *Model) newCohort() Cohort {
	nq := (m.sc.Health.TrackWeeks + cohortWeeks - 1) / cohortWeeks
	return Cohort{ActualGBP: make([]float64, nq), CounterfactualGBP: make([]float64, nq)}
}

// poolShare is the share of a practice's initial eligible pool that remains
// (0 for a practice with no eligible residents).
func poolShare(p *practice) float64 {
	if p.pool0 <= 0 {
		return 0
	}
	return math.Max(0, p.pool) / p.pool0
}
