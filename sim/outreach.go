// ODD 7.6 Outreach yield and community groups: candidates from outreach, smoothed group hours.

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
