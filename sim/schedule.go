// ODD 7.1 Schedule and prices: shocks in force and each provider's marginal prices.

package sim

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
