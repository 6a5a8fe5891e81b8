// ODD 7.8 Management: smoothed finances, pressure, culture and the break-even target.

package sim

import "math"

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
		// Reading target: the readings per worker that would cover the
		// provider's smoothed cost at the current mean tariff of the first
		// three readings. With costs but no reading tariff no number of
		// readings covers them: the weekly target is unbounded (+Inf) and
		// the reported monthly target is 0. Pressure sets how much the
		// target weighs in the time rule (ODD 7.4.2).
		p.target, p.targetWeek = 0, 0
		var price float64
		for _, x := range p.prices.Assessment[:3] {
			price += x / 3
		}
		if p.posts > 0 && p.costSmooth > 0 {
			if price > 0 {
				p.targetWeek = p.costSmooth / price / float64(p.posts)
				p.target = p.targetWeek * 52 / 12
			} else {
				p.targetWeek = math.Inf(1)
			}
		}
	}
}
