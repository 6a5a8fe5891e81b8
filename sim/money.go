package sim

import "math"

// outreachYield turns this week's outreach hours into candidates who agree to
// be put forward; each waits for GP sign-off at their practice. Candidates
// leave the eligible pool while pending. Community-group hours are smoothed
// per neighbourhood here too, since both are products of the week's work.
func (m *Model) outreachYield() {
	r := m.rs.referrals
	perHour := m.sc.Referrals.OutreachCandidatesPerHour
	var group [32]float64
	groups := group[:0]
	if len(m.neighbourhoods) > len(group) {
		groups = make([]float64, 0, len(m.neighbourhoods))
	}
	groups = groups[:len(m.neighbourhoods)]
	for i := range groups {
		groups[i] = 0
	}
	for wi := range m.workers {
		w := &m.workers[wi]
		if len(w.practices) == 0 {
			continue
		}
		groups[m.practices[w.practices[0]].neighbourhood] += w.hours[actCommunityGroups]
		h := w.hours[actOutreach]
		if h <= 0 {
			continue
		}
		// Calls go to the served practice with the largest remaining pool.
		best := w.practices[0]
		for _, pi := range w.practices[1:] {
			if m.practices[pi].pool > m.practices[best].pool {
				best = pi
			}
		}
		p := &m.practices[best]
		n := r.poisson(h * perHour * poolShare(p))
		if float64(n) > p.pool {
			n = int(math.Max(0, p.pool))
		}
		if n == 0 {
			continue
		}
		p.pool -= float64(n)
		p.queue[(m.week+p.signOffDelay)%queueLen] += n
	}
	for i := range m.neighbourhoods {
		nb := &m.neighbourhoods[i]
		nb.groupHours += (groups[i] - nb.groupHours) / m.sc.Linking.GroupPlacesSmoothingWeeks
	}
}

// money pays providers under their rules, settles outcome payments into the
// SPV within payer caps, and moves the investor's working capital.
func (m *Model) money() {
	inv := &m.sc.Contract.Investor
	paid := 0.0
	for i := range m.providers {
		p := &m.providers[i]
		rev := 0.0
		for ph := range p.phases {
			if !p.phases[ph].active(m.week) {
				continue
			}
			for _, wr := range p.phases[ph].rules {
				rev += wr.w * wr.rule.Pay(m.week, &p.ev)
			}
		}
		inPost := 0
		for wi := range m.workers {
			if int(m.workers[wi].provider) == i && m.workers[wi].inPost {
				inPost++
			}
		}
		cost := float64(inPost)*p.costPerWorker + float64(p.posts)*p.overheadWeek
		p.revenue, p.cost = rev, cost
		p.reserves += rev - cost
		paid += rev
		p.ev.resetWeek()
	}
	m.spvCash -= paid
	m.row[wcProviderRevenue] = paid

	// Outcome payments: each rule's amount is split over payers by the
	// phase's shares; a payer pays no more than its remaining cap.
	outcome := 0.0
	for ph := range m.outcomePhases {
		phs := &m.outcomePhases[ph]
		if !phs.active(m.week) {
			continue
		}
		for _, wr := range phs.rules {
			due := wr.w * wr.rule.Pay(m.week, &m.sysEv)
			if due <= 0 {
				continue
			}
			for k, share := range phs.payerShares {
				capLeft := m.sc.Contract.Payers[k].CapGBP - m.payerPaid[k]
				x := math.Min(due*share, math.Max(0, capLeft))
				m.payerPaid[k] += x
				outcome += x
			}
		}
	}
	m.sysEv.resetWeek()
	m.spvCash += outcome
	m.row[wcOutcomePayments] = outcome

	// Investor: draw working capital to cover a negative balance; repay
	// principal from cash above the buffer; then pay a share of the surplus
	// quarterly, and everything left at the end, up to the return cap.
	flow := 0.0
	if m.spvCash < 0 {
		draw := math.Min(-m.spvCash, inv.CapitalGBP-m.drawn)
		if draw > 0 {
			m.drawn += draw
			m.outstanding += draw
			m.spvCash += draw
			flow -= draw
		}
	}
	if m.spvCash > inv.BufferGBP && m.outstanding > 0 {
		x := math.Min(m.spvCash-inv.BufferGBP, m.outstanding)
		m.outstanding -= x
		m.spvCash -= x
		m.received += x
		flow += x
	}
	capLeft := inv.MaxMultiple*m.drawn - m.received
	last := m.week == m.weeks-1
	if m.outstanding <= 0 && m.drawn > 0 && capLeft > 0 {
		x := 0.0
		if last {
			x = math.Max(0, m.spvCash)
		} else if m.week%cohortWeeks == cohortWeeks-1 && m.spvCash > inv.BufferGBP {
			x = inv.ReturnShare * (m.spvCash - inv.BufferGBP)
		}
		x = math.Min(x, capLeft)
		m.spvCash -= x
		m.received += x
		flow += x
	}
	m.investorFlows = append(m.investorFlows, flow)
	m.row[wcInvestorFlow] = flow
	m.row[wcSPVCash] = m.spvCash
}

// manage updates each provider's managerial pressure, culture and targets.
//
// Pressure moves toward logistic(steepness*(shortfall - midpoint)), where the
// shortfall is (cost - revenue)/cost over the smoothing window less the years
// of cost covered by reserves times reserve_cover_weight. Culture drifts
// toward what its own workers enact (against what they would prefer) and
// toward the culture of the best-paid provider per post.
func (m *Model) manage() {
	mg := &m.sc.Management
	a := 1 / mg.FinanceSmoothingWeeks
	best, bestRev := -1, math.Inf(-1)
	for i := range m.providers {
		p := &m.providers[i]
		p.revSmooth += a * (p.revenue - p.revSmooth)
		p.costSmooth += a * (p.cost - p.costSmooth)
		if p.posts > 0 {
			if r := p.revSmooth / float64(p.posts); r > bestRev {
				best, bestRev = i, r
			}
		}
	}
	for i := range m.providers {
		p := &m.providers[i]
		short := 0.0
		if p.costSmooth > 0 {
			short = (p.costSmooth-p.revSmooth)/p.costSmooth - mg.ReserveCoverWeight*p.reserves/(52*p.costSmooth)
		}
		target := 1 / (1 + math.Exp(-mg.PressureSteepness*(short-mg.PressureMidpoint)))
		p.pressure += (target - p.pressure) / mg.PressureAdjustWeeks

		// Enacted minus preferred care share of its workers in post.
		var gap float64
		n := 0
		for _, wi := range p.postIdx {
			w := &m.workers[wi]
			if w.inPost {
				gap += w.enacted - w.preferred
				n++
			}
		}
		if n > 0 {
			gap /= float64(n)
		}
		p.culture = clamp(p.culture+mg.CultureDriftToPracticePerWeek*gap, 0, 1)
		if best >= 0 && best != i && bestRev > 0 && p.posts > 0 {
			rel := clamp((bestRev-p.revSmooth/float64(p.posts))/bestRev, 0, 1)
			peer := &m.providers[best]
			p.culture = clamp(p.culture+mg.CultureDriftToPeerPerWeek*rel*(peer.culture-p.culture), 0, 1)
		}
		// Break-even readings per worker per month at the current mean tariff.
		p.target = 0
		var price float64
		for _, x := range p.prices.Assessment[:3] {
			price += x / 3
		}
		if price > 0 && p.posts > 0 {
			p.target = math.Max(0, p.costSmooth) * 52 / 12 / price / float64(p.posts)
		}
	}
}

// workforce: distress, socialisation, leaving, reassignment and vacancies.
// Quits and refills are decided per post first; then one pass over the
// clients moves the caseloads of leavers and marks continuity breaks.
func (m *Model) workforce() {
	wf := &m.sc.Workforce
	r := m.rs.workforce
	base := 1 - math.Pow(1-wf.QuitBasePerYear, 1.0/52)
	lnOR := math.Log(wf.DistressOddsRatio)
	changed := false
	for wi := range m.workers {
		w := &m.workers[wi]
		w.moveTo, w.refilled, w.promised = -1, false, 0
		if !w.inPost {
			if m.week >= w.vacantUntil {
				m.hire(w, m.week)
				w.refilled = true
				changed = true
			}
			continue
		}
		// Distress grows with care the worker would give but does not.
		gap := math.Max(0, w.preferred-w.enacted)
		w.distress = clamp(w.distress+wf.DistressGainPerWeek*gap-wf.DistressRecoveryPerWeek*w.distress, 0, 1)
		// Socialisation: orientation drifts toward enacted practice.
		w.orientation = clamp(w.orientation+wf.SocialisationPerWeek*(w.enacted-w.preferred), 0, 1)
		if r.bernoulli(base * math.Exp(lnOR*w.distress)) {
			w.inPost = false
			w.vacantUntil = m.week + r.geometricWeeks(wf.VacancyWeeksMean)
			w.leftWeek = m.week
			m.row[wcQuits]++
			m.acc.quits++
			m.providers[w.provider].quits++
			changed = true
		}
	}
	if !changed {
		return
	}
	// Each leaver's caseload goes to the provider's in-post worker with the
	// fewest clients (chosen after all of this week's quits).
	// Caseloads already promised this week count, so that several leavers
	// do not all hand over to the same colleague.
	for wi := range m.workers {
		w := &m.workers[wi]
		if !w.inPost && w.leftWeek == m.week {
			w.moveTo = m.leastLoaded(int(w.provider))
			if w.moveTo >= 0 {
				m.workers[w.moveTo].promised += w.caseload
			}
		}
	}
	loss := m.sc.Response.ContinuityBreakLossPerComplexity
	lost := false
	defer func() {
		if lost {
			m.compact()
		}
	}()
	for i := range m.clients {
		c := &m.clients[i]
		if c.worker < 0 || c.state >= stDisengaged {
			continue
		}
		w := &m.workers[c.worker]
		switch {
		case w.refilled:
			c.changed = int32(m.week) // waited on the vacant post; new worker
		case !w.inPost && w.leftWeek == m.week:
			if c.state == stEngaged && m.rs.engagement.bernoulli(math.Min(1, loss*float64(c.complexity()))) {
				m.cnt.active--
				m.cnt.engaged--
				m.cnt.star -= float64(c.tot)
				m.leave(c, stDisengaged)
				m.row[wcLostContinuity]++
				lost = true
				continue
			}
			if w.moveTo < 0 {
				continue // stays with the vacant post until it is filled
			}
			if c.state != stWaiting {
				w.caseload--
				m.workers[w.moveTo].caseload++
			}
			c.worker = w.moveTo
			c.changed = int32(m.week)
		}
	}
}

// leastLoaded returns the in-post worker of provider p with the fewest
// clients, or -1.
func (m *Model) leastLoaded(p int) int32 {
	best := int32(-1)
	for _, j := range m.providers[p].postIdx {
		o := &m.workers[j]
		if o.inPost && (best < 0 || o.caseload+o.promised < m.workers[best].caseload+m.workers[best].promised) {
			best = j
		}
	}
	return best
}
