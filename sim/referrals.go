package sim

import "math"

// schedule applies exogenous shocks in force this week.
func (m *Model) schedule() {
	m.remote, m.capFactor, m.gpFactor = false, 1, 1
	for _, s := range m.sc.Shocks {
		if m.week >= s.StartWeek && m.week < s.EndWeek {
			m.remote = m.remote || s.RemoteOnly
			m.capFactor *= s.ServiceCapacityFactor
			m.gpFactor *= s.GPReferralFactor
		}
	}
}

// setPrices sets each provider's marginal prices from the provider-payment
// rules in force.
func (m *Model) setPrices() {
	for i := range m.providers {
		p := &m.providers[i]
		p.prices = Prices{}
		for ph := range p.phases {
			if !p.phases[ph].active(m.week) {
				continue
			}
			for _, wr := range p.phases[ph].rules {
				var q Prices
				wr.rule.Price(m.week, &p.ev, &q)
				p.prices.add(&q, wr.w)
			}
		}
	}
}

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
		cohort:   int32(m.week / cohortWeeks),
		referred: int32(m.week),
		engaged:  -1,
		changed:  -1,
		state:    stWaiting,
		linkSvc:  svcNone,
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
	c.age = uint8(pop.AgeMin + int(r.float()*float64(pop.AgeMax-pop.AgeMin+1)))
	c.transport = r.bernoulli(sc.Clients.TransportBarrierShare)
	c.digital = r.bernoulli(sc.Clients.DigitalAccessShare)
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
	rate *= m.ageRate[c.age]
	c.baseRate = float32(rate / 52)
	// Cohort records exist from referral; clients count in them once engaged.
	prov := &m.providers[p.provider]
	m.sysEv.Referrals++
	prov.ev.Referrals++
	for _, ev := range [2]*Evidence{&m.sysEv, &prov.ev} {
		for int(c.cohort) >= len(ev.Cohorts) {
			ev.Cohorts = append(ev.Cohorts, m.newCohort())
		}
	}
	m.clients = append(m.clients, c)
}

// allocate assigns waiting clients, in referral order, to a link worker
// serving their practice with room (fewest clients first), else to the next
// in-post worker of the practice's provider with room, taking the
// provider's posts in turn (a cursor that persists across weeks); otherwise
// they wait. Once a provider has no room this week, its clients wait
// without another search.
func (m *Model) allocate() {
	max := m.sc.Allocation.CaseloadMax
	for i := range m.providers {
		m.providers[i].full = false
	}
	for i := range m.clients {
		c := &m.clients[i]
		if c.state != stWaiting {
			continue
		}
		p := &m.practices[c.practice]
		best := -1
		for _, wi := range p.posts {
			w := &m.workers[wi]
			if w.inPost && w.caseload < max && (best < 0 || w.caseload < m.workers[best].caseload) {
				best = int(wi)
			}
		}
		if best < 0 {
			best = m.crossCover(p.provider, max)
		}
		if best < 0 {
			continue
		}
		c.worker = int32(best)
		c.state = stReferred
		m.workers[best].caseload++
	}
}

// crossCover returns the next in-post worker of provider pi with room after
// the provider's cursor, or -1 (and marks the provider full for the week).
func (m *Model) crossCover(pi, max int) int {
	pr := &m.providers[pi]
	if pr.full || len(pr.postIdx) == 0 {
		return -1
	}
	n := len(pr.postIdx)
	for k := 0; k < n; k++ {
		j := (pr.cursor + k) % n
		w := &m.workers[pr.postIdx[j]]
		if w.inPost && w.caseload < max {
			pr.cursor = (j + 1) % n
			return int(pr.postIdx[j])
		}
	}
	pr.full = true
	return -1
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
