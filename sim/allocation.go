// ODD 7.3 Allocation: waiting clients to link workers with room, by practice then cross-cover.

package sim

// allocate assigns waiting clients, in referral order, to a link worker
// serving their practice with room (fewest clients first), else to the next
// in-post worker of the practice's provider with room, taking the
// provider's posts in turn (a cursor that persists across weeks); otherwise
// they wait. Once a provider has no room this week, its clients wait
// without another search (its practices' posts are among its posts, so
// none of them has room either).
//
// Nothing changes a client between allocation and time allocation (ODD
// 7.4), so the same pass over the clients also tallies each worker's
// demand for the week (tally, in timeallocation.go).
func (m *Model) allocate() {
	max := m.sc.Allocation.CaseloadMax
	for i := range m.providers {
		m.providers[i].full = false
	}
	m.beginTally()
	for i := range m.clients {
		c := &m.clients[i]
		if c.state == stWaiting {
			m.assign(c, max)
		}
		if c.worker >= 0 {
			m.tally(c)
		}
	}
}

// assign gives waiting client c a worker with room, if there is one.
func (m *Model) assign(c *client, max int) {
	p := &m.practices[c.practice]
	if m.providers[p.provider].full {
		return
	}
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
		return
	}
	c.worker = int32(best)
	c.state = stReferred
	m.workers[best].caseload++
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
