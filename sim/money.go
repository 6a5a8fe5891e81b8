// ODD 7.7 Money: provider payments and costs, outcome payments within payer caps, SPV and investor.

package sim

import "math"

// money settles the week's payments in the order of ODD 7.7: outcome
// payments from payers into the SPV within their caps; what the SPV owes
// each provider under its rules, plus arrears; a draw on the investor's
// working capital to cover it; payment of providers, pro rata when cash
// falls short, the rest deferred; then repayment and returns to the
// investor. The SPV never pays out more than it holds.
func (m *Model) money() {
	inv := &m.sc.Contract.Investor
	last := m.week == m.weeks-1
	end := m.week + 1

	// Outcome payments: each rule's amount is split over payers by the
	// phase's shares; a payer pays no more than its remaining cap. In the
	// last week of the horizon, rules in force then settle their open
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

	// What the SPV owes each provider: this week's amount under its rules
	// (and, in the last week, their settlement) plus earlier arrears.
	owed := 0.0
	for i := range m.providers {
		p := &m.providers[i]
		due := 0.0
		for ph := range p.phases {
			if !p.phases[ph].active(m.week) {
				continue
			}
			for _, wr := range p.phases[ph].rules {
				due += wr.w * wr.rule.Pay(m.week, &p.ev)
				if last {
					due += wr.w * settle(wr.rule, end, &p.ev)
				}
			}
		}
		p.ev.resetWeek()
		p.owed = due + p.arrears
		owed += p.owed
	}

	// Investor: draw working capital to cover what the SPV owes providers.
	flow := 0.0
	if need := owed - m.spvCash; need > 0 {
		draw := math.Min(need, inv.CapitalGBP-m.drawn)
		if draw > 0 {
			m.drawn += draw
			m.outstanding += draw
			m.spvCash += draw
			flow -= draw
		}
	}

	// Pay providers. If cash falls short, every provider gets the same share
	// of what it is owed; the rest is deferred to later weeks (arrears come
	// first, as part of what is owed). A provider's revenue is the cash it
	// receives, so deferral reaches its reserves and pressure (ODD 7.8).
	ratio := 1.0
	if owed > m.spvCash {
		ratio = math.Max(0, m.spvCash) / owed
	}
	paid, arrears := 0.0, 0.0
	for i := range m.providers {
		p := &m.providers[i]
		pay := p.owed * ratio
		p.arrears = p.owed - pay
		arrears += p.arrears
		inPost := 0
		for wi := range m.workers {
			if int(m.workers[wi].provider) == i && m.workers[wi].inPost {
				inPost++
			}
		}
		cost := float64(inPost)*p.costPerWorker + float64(p.posts)*p.overheadWeek
		p.revenue, p.cost = pay, cost
		p.reserves += pay - cost
		paid += pay
	}
	if ratio < 1 {
		m.spvCash = 0 // everything it held went to providers
	} else {
		m.spvCash -= paid
	}
	m.row[wcProviderRevenue] = paid
	m.row[wcProviderArrears] = arrears
	if arrears > 0 {
		m.arrearsWeeks++
		m.arrearsPeak = math.Max(m.arrearsPeak, arrears)
	}
	if last {
		m.unsettled = arrears // owed to providers and not paid by the horizon
	}

	// Repay principal from cash above the buffer; then, once principal is
	// repaid, pay a share of the surplus above the buffer quarterly, up to
	// the return cap. In the last week the buffer is 0: all cash goes to
	// principal, then the share of the rest.
	buffer := inv.BufferGBP
	if last {
		buffer = 0
	}
	if m.spvCash > buffer && m.outstanding > 0 {
		x := math.Min(m.spvCash-buffer, m.outstanding)
		m.outstanding -= x
		m.spvCash -= x
		m.received += x
		flow += x
	}
	capLeft := inv.MaxMultiple*m.drawn - m.received
	if m.outstanding <= 0 && m.drawn > 0 && capLeft > 0 && m.spvCash > buffer &&
		(last || m.week%cohortWeeks == cohortWeeks-1) {
		x := math.Min(inv.ReturnShare*(m.spvCash-buffer), capLeft)
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
