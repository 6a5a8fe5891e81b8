// ODD 7.7 Money: provider payments and costs, outcome payments within payer caps, SPV and investor.

package sim

import "math"

// money pays providers under their rules, settles outcome payments into the
// SPV within payer caps, and moves the investor's working capital.
func (m *Model) money() {
	inv := &m.sc.Contract.Investor
	last := m.week == m.weeks-1
	end := m.week + 1
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
				if last {
					rev += wr.w * settle(wr.rule, end, &p.ev)
				}
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
	// In the last week of the horizon, rules in force then settle their open
	// evidence after paying (final settlement), through the same shares and caps.
	outcome := 0.0
	for ph := range m.outcomePhases {
		phs := &m.outcomePhases[ph]
		if !phs.active(m.week) {
			continue
		}
		for _, wr := range phs.rules {
			outcome += m.payOutcome(phs, wr.w*wr.rule.Pay(m.week, &m.sysEv))
			if last {
				x := m.payOutcome(phs, wr.w*settle(wr.rule, end, &m.sysEv))
				outcome += x
				m.settledAtEnd += x
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

// payOutcome splits an amount due over the phase's payers by their shares;
// each pays no more than its remaining cap. It returns what the payers paid
// and adds what the caps held back to the over-cap total.
func (m *Model) payOutcome(phs *phase, due float64) float64 {
	if due <= 0 {
		return 0
	}
	paid := 0.0
	for k, share := range phs.payerShares {
		capLeft := m.sc.Contract.Payers[k].CapGBP - m.payerPaid[k]
		x := math.Min(due*share, math.Max(0, capLeft))
		m.payerPaid[k] += x
		m.overCap += due*share - x
		paid += x
	}
	return paid
}
