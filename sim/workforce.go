// ODD 7.9 Workforce: distress, socialisation, quits, vacancies, refills and caseload moves.

package sim

import "math"

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
	// touched[wi] marks the posts whose clients change worker this week (a
	// dense flag per post, so the pass below reads little for the rest).
	if len(m.touched) != len(m.workers) {
		m.touched = make([]bool, len(m.workers))
	}
	for wi := range m.workers {
		w := &m.workers[wi]
		left := !w.inPost && w.leftWeek == m.week
		m.touched[wi] = left || w.refilled
		if left {
			w.moveTo = m.leastLoaded(int(w.provider))
			if w.moveTo >= 0 {
				m.workers[w.moveTo].promised += w.caseload
			}
		}
	}
	// Clients lost to a break in continuity are counted out at once; their
	// records stay in the slice, marked as left, until the next week's
	// client response drops them (respond skips and removes them), which
	// saves a pass to close the gaps now. Nothing in between serves or
	// counts them: allocation assigns only waiting clients and tallies only
	// referred and engaged ones.
	loss := m.sc.Response.ContinuityBreakLossPerComplexity
	for i := range m.clients {
		c := &m.clients[i]
		if c.worker < 0 || !m.touched[c.worker] || c.state >= stDisengaged {
			continue
		}
		w := &m.workers[c.worker]
		switch {
		case w.refilled:
			c.changed = int16(m.week) // waited on the vacant post; new worker
		case !w.inPost && w.leftWeek == m.week:
			if c.state == stEngaged && m.rs.engagement.bernoulli(math.Min(1, loss*float64(c.complexity()))) {
				m.cnt.active--
				m.cnt.engaged--
				m.cnt.star -= float64(c.tot)
				m.leave(c, stDisengaged)
				m.row[wcLostContinuity]++
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
			c.changed = int16(m.week)
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
