// ODD 7.5 Client response: readings, support, linking, needs, wellbeing, secondary care, leaving.

package sim

import (
	"math"
	"math/bits"

	"github.com/sibsim/sibsim/sim/scenario"
)

// linkService returns the service a client could be linked to now: the
// service for the first unmet need that has one and where the client holds
// no place, else (for long-term condition self-management) exercise, then
// healthy eating, each once; or svcNone. A client holding max_links places
// is not linkable.
func (m *Model) linkService(c *client) int {
	if bits.OnesCount8(c.links) >= m.sc.Linking.MaxLinks {
		return svcNone
	}
	if s := needLink[int(c.needs&(1<<numNeeds-1))<<numServices|int(c.links&(1<<numServices-1))]; s != svcNone {
		return int(s)
	}
	if c.lifestyle&(1<<svcExercise) == 0 {
		return svcExercise
	}
	if c.lifestyle&(1<<svcHealthyEating) == 0 {
		return svcHealthyEating
	}
	return svcNone
}

// needLink[needs<<numServices | links] is the service for the first unmet
// need (in need order) that has one and where the client holds no place,
// or svcNone: the first step of linkService, tabulated over every pair of
// need and place bit sets.
var needLink = func() (t [1 << (numNeeds + numServices)]int8) {
	for i := range t {
		needs, links := i>>numServices, i&(1<<numServices-1)
		t[i] = svcNone
		for k := 0; k < numNeeds; k++ {
			if s := needService[k]; needs&(1<<k) != 0 && s != svcNone && links&(1<<s) == 0 {
				t[i] = int8(s)
				break
			}
		}
	}
	return t
}()

// linkedNeeds[links] is the set of needs (bits by need) whose service is
// among the places in links (bits by service).
var linkedNeeds = func() (t [1 << numServices]uint8) {
	for links := range t {
		for k := 0; k < numNeeds; k++ {
			if s := needService[k]; s != svcNone && links&(1<<s) != 0 {
				t[links] |= 1 << k
			}
		}
	}
	return t
}()

// releaseResolved releases the places a client holds for needs that are
// all resolved: a need service's place is kept while any unmet need it
// serves remains (a mental-health place serves bereavement and anxiety).
func (m *Model) releaseResolved(c *client) {
	var serving uint8
	for k := 0; k < numNeeds; k++ {
		if c.needs&(1<<k) != 0 && needService[k] != svcNone {
			serving |= 1 << needService[k]
		}
	}
	for s := 0; s < numServices; s++ {
		if s == svcExercise || s == svcHealthyEating || c.links&(1<<s) == 0 {
			continue
		}
		if serving&(1<<s) == 0 {
			m.release(c, s)
		}
	}
}

// setPenalties recomputes a client's complexity score from unmet needs and
// depression; the attainable-score penalties follow from the needs alone
// (penalties).
func (m *Model) setPenalties(c *client) {
	c.cx = uint8(bits.OnesCount8(c.needs))
	if c.depression {
		c.cx++
	}
}

// penalties returns the attainable-score penalty of each Star area for the
// unmet needs in the bit set needs: need_penalty times the sum of the
// weights (needAreas) of the unmet needs. The table of every need set is
// built once per model.
func (m *Model) penalties(needs uint8) *[numAreas]float32 {
	if m.penTab == nil {
		pen := float32(m.sc.Wellbeing.NeedPenalty)
		m.penTab = new([1 << numNeeds][numAreas]float32)
		for set := range m.penTab {
			for k := 0; k < numNeeds; k++ {
				if set&(1<<k) == 0 {
					continue
				}
				for a, wt := range needAreas[k] {
					m.penTab[set][a] += pen * wt
				}
			}
		}
	}
	return &m.penTab[needs&(1<<numNeeds-1)]
}

// attainable is the score area a tends to this week, given unmet needs,
// self-management and the support lift.
func (m *Model) attainable(c *client, a int, lift float64) float64 {
	wb := &m.sc.Wellbeing
	x := wb.HealthyLevel - float64(m.penalties(c.needs)[a])
	switch a {
	case areaLifestyle, areaManagingSymptoms:
		x -= wb.ConditionPenalty * float64(c.conditions) * (1 - float64(c.sm))
	case areaLookingAfterYourself, areaFeelingPositive:
		x += lift
	}
	return clamp(x, 1, 10)
}

// adjustStar moves every Star area a share adjust_per_week of the way to its
// attainable score this week (see attainable), and updates the cached total.
// The arithmetic is attainable's, in float32, unrolled over the areas: the
// condition penalty falls on lifestyle and managing symptoms, the support
// lift on looking after yourself and feeling positive, and the other four
// areas' targets depend on the unmet needs alone (starTargets).
func (m *Model) adjustStar(c *client, lift float64) {
	wb := &m.sc.Wellbeing
	adj := float32(wb.AdjustPerWeek)
	cond := float32(wb.ConditionPenalty * float64(c.conditions) * (1 - float64(c.sm)))
	l := float32(lift)
	t := m.starTargets(c.needs)
	s := &c.star
	var tot float32
	s[areaLifestyle] += adj * (clamp32(t[areaLifestyle]-cond) - s[areaLifestyle])
	tot += s[areaLifestyle]
	s[areaLookingAfterYourself] += adj * (clamp32(t[areaLookingAfterYourself]+l) - s[areaLookingAfterYourself])
	tot += s[areaLookingAfterYourself]
	s[areaManagingSymptoms] += adj * (clamp32(t[areaManagingSymptoms]-cond) - s[areaManagingSymptoms])
	tot += s[areaManagingSymptoms]
	s[areaWorkActivities] += adj * (t[areaWorkActivities] - s[areaWorkActivities])
	tot += s[areaWorkActivities]
	s[areaMoney] += adj * (t[areaMoney] - s[areaMoney])
	tot += s[areaMoney]
	s[areaWhereYouLive] += adj * (t[areaWhereYouLive] - s[areaWhereYouLive])
	tot += s[areaWhereYouLive]
	s[areaFamilyFriends] += adj * (t[areaFamilyFriends] - s[areaFamilyFriends])
	tot += s[areaFamilyFriends]
	s[areaFeelingPositive] += adj * (clamp32(t[areaFeelingPositive]+l) - s[areaFeelingPositive])
	tot += s[areaFeelingPositive]
	c.tot = tot
}

// starTargets returns, for the unmet needs in the bit set needs, each Star
// area's healthy_level minus its need penalty (penalties) in float32,
// already clamped to 1..10 for the four areas that neither the condition
// penalty nor the support lift touches. The table of every need set is
// built once per model.
func (m *Model) starTargets(needs uint8) *[numAreas]float32 {
	if m.tgtTab == nil {
		healthy := float32(m.sc.Wellbeing.HealthyLevel)
		m.tgtTab = new([1 << numNeeds][numAreas]float32)
		for set := range m.tgtTab {
			pen := m.penalties(uint8(set))
			for a := range numAreas {
				x := healthy - pen[a]
				switch a {
				case areaLifestyle, areaManagingSymptoms, areaLookingAfterYourself, areaFeelingPositive:
				default:
					x = clamp32(x)
				}
				m.tgtTab[set][a] = x
			}
		}
	}
	return &m.tgtTab[needs&(1<<numNeeds-1)]
}

// clamp32 clamps a Star score to 1..10.
func clamp32(x float32) float32 {
	if x < 1 {
		return 1
	}
	if x > 10 {
		return 10
	}
	return x
}

// respond runs the client side of the week for every active client, in ID
// order: readings, support received, linking, need resolution,
// self-management, wellbeing, secondary care, and leaving. Clients who leave
// are counted and removed.
func (m *Model) respond() {
	sc := m.sc
	eng, rl, rw, rh := m.rs.engagement, m.rs.linking, m.rs.wellbeing, m.rs.health
	// Places whose link ends this week are released as their holder comes
	// up in ID order.
	m.cnt.waiting, m.cnt.active, m.cnt.engaged, m.cnt.star = 0, 0, 0, 0
	m.sysEv.ActiveClients = 0
	for p := range m.providers {
		m.providers[p].ev.ActiveClients = 0
	}
	n := 0 // clients kept so far; client i moves to n when others have left
	for i := range m.clients {
		c := &m.clients[i]
		if c.state >= stDisengaged {
			continue // lost to a break in continuity last week (workforce)
		}
		for b := c.links; b != 0; b &= b - 1 {
			if s := bits.TrailingZeros8(b); m.week >= int(c.linkUntil[s]) {
				m.release(c, s)
			}
		}
		var w *worker
		if c.worker >= 0 {
			w = &m.workers[c.worker]
		}
		switch c.state {
		case stWaiting:
			if eng.bernoulli(sc.Referrals.WaitDropoutPerWeek) {
				m.leave(c, stDisengaged)
				continue
			}
		case stReferred:
			if w != nil && w.inPost && w.initCredit >= 1 {
				w.initCredit--
				m.engage(c)
			} else if eng.bernoulli(sc.Referrals.WaitDropoutPerWeek) {
				m.leave(c, stDisengaged)
				continue
			}
		case stEngaged:
			if !m.supportWeek(c, w, eng, rl, rw, rh) {
				continue
			}
		}
		m.cnt.active++
		switch c.state {
		case stWaiting:
			m.cnt.waiting++
		case stEngaged:
			m.cnt.engaged++
			m.cnt.star += float64(c.tot)
			m.sysEv.ActiveClients++
			m.providers[m.practices[c.practice].provider].ev.ActiveClients++
		}
		if n != i {
			m.clients[n] = *c
		}
		n++
	}
	m.truncate(n)
}

// truncate shortens the active slice to n, zeroing the tail so that clients
// who left do not linger in memory.
func (m *Model) truncate(n int) {
	for i := n; i < len(m.clients); i++ {
		m.clients[i] = client{}
	}
	m.clients = m.clients[:n]
}

// engage records the baseline reading and starts support.
func (m *Model) engage(c *client) {
	sc := m.sc
	c.state = stEngaged
	c.engaged = int16(m.week)
	c.nextDue = int16(m.week + sc.Assessment.FollowUpEveryWeeks)
	c.star0 = c.total()
	c.nAssess = 1
	c.rec0 = m.record(c, false)
	c.recLast, c.trueAtLast = c.rec0, c.star0
	m.row[wcStarRecordedMean] += float64(c.rec0) // a sum until observe divides
	m.countReading(c, 1)
	m.row[wcNewEngaged]++
	m.acc.engagedTier[c.tier]++
	m.acc.baselineSum += float64(c.rec0)
	m.sysEv.Cohorts[c.cohort()].Clients++
	pev := &m.providers[m.practices[c.practice].provider].ev
	pev.Cohorts[c.cohort()].Clients++
}

// record returns a recorded Star total: true total plus measurement noise,
// plus the gaming bias under managerial pressure for follow-ups.
func (m *Model) record(c *client, followUp bool) float32 {
	a := &m.sc.Assessment
	x := float64(c.total()) + m.rs.wellbeing.normal(0, a.MeasurementNoiseSD)
	if followUp && a.GamingBiasPoints > 0 && c.worker >= 0 {
		x += a.GamingBiasPoints * m.providers[m.workers[c.worker].provider].pressure
	}
	return float32(clamp(x, 8, 80))
}

func (m *Model) countReading(c *client, seq int) {
	k := seqIndex(seq)
	pr := &m.providers[m.practices[c.practice].provider]
	pr.ev.Assessments[k]++
	m.sysEv.Assessments[k]++
	pr.assessments++
	switch {
	case seq == 1:
		m.row[wcAssessments1]++
	case seq == 2:
		m.row[wcAssessments2]++
	default:
		m.row[wcAssessments3Plus]++
	}
}

// supportWeek runs one week for an engaged client. It returns false if the
// client left.
func (m *Model) supportWeek(c *client, w *worker, eng, rl, rw, rh *stream) bool {
	sc := m.sc
	cx := float64(c.complexity())
	// What the worker's hours give a client of this complexity this week
	// (setPerCx: the same expressions, computed once per worker).
	pc := &m.noWorker[c.cx]
	if w != nil {
		pc = &m.perCx[c.worker][c.cx]
	}
	acc := pc.acc
	// Care and choice hours the client receives this week; only whether
	// there were any matters (the no-contact hazard).
	var careHours, choiceHours float32
	inPost := w != nil && w.inPost
	// Follow-up reading when due, if the worker has reading time left.
	if m.week >= int(c.nextDue) {
		if inPost && w.fuCredit >= 1 {
			w.fuCredit--
			c.nAssess++
			rec := m.record(c, true)
			if c.nAssess == 2 {
				g := float64(rec - c.rec0)
				m.providers[w.provider].ev.FollowUpGains = append(m.providers[w.provider].ev.FollowUpGains, g)
				m.sysEv.FollowUpGains = append(m.sysEv.FollowUpGains, g)
			}
			c.recLast, c.trueAtLast = rec, c.total()
			m.row[wcStarRecordedMean] += float64(rec)
			m.countReading(c, int(c.nAssess))
			choiceHours += float32(sc.Practice.FollowUpAssessmentHours)
			c.nextDue += int16(sc.Assessment.FollowUpEveryWeeks)
		} else if m.week > int(c.nextDue)+sc.Assessment.OverdueGraceWeeks {
			c.nextDue += int16(sc.Assessment.FollowUpEveryWeeks) // reading missed
		}
	}

	// Onward linking: accompanied when care hours stretch to it, else signposted.
	accompanied := false
	if s := m.linkService(c); s != svcNone && inPost {
		pAcc := pc.pAcc
		u := rl.float()
		attempt := false
		if u < pAcc {
			attempt, accompanied = true, true
		} else if u < pAcc+(1-pAcc)*w.signpostProb {
			attempt = true
			choiceHours += float32(sc.Linking.HoursPerSignpost)
		}
		if attempt {
			m.tryLink(c, s, accompanied, rl)
		}
	}
	careHours += pc.care32
	choiceHours += pc.coach32

	// Need resolution: background, linked service, and hands-on help.
	if c.needs != 0 {
		// Every unmet need has the same hazard h0, plus
		// need_resolve_linked_per_week where the client holds a place at its
		// service (linkedNeeds).
		h0, h1 := pc.h0, pc.h1
		linked := linkedNeeds[c.links&(1<<numServices-1)]
		total := 0.0
		for b := c.needs; b != 0; b &= b - 1 {
			if linked&(b&-b) != 0 {
				total += h1
			} else {
				total += h0
			}
		}
		// At most one need resolves in a week, with probability min(1, sum of
		// hazards); need k is the one whose slice of [0, sum) the draw falls in
		// (so in proportion to its hazard when the sum is at most 1), the
		// last unmet need taking any remainder.
		if x := rw.float(); x < total {
			for b := c.needs; b != 0; b &= b - 1 {
				h := h0
				if linked&(b&-b) != 0 {
					h = h1
				}
				if x < h || b&(b-1) == 0 {
					c.needs &^= b & -b
					m.setPenalties(c)
					m.releaseResolved(c)
					break
				}
				x -= h
			}
		}
	}

	// Self-management and wellbeing.
	// Self-management: coaching, and each lifestyle place held (exercise,
	// healthy eating).
	dsm := pc.dsm[bits.OnesCount8(c.links&(1<<svcExercise|1<<svcHealthyEating))]
	c.sm = float32(min(1, float64(c.sm)+dsm))
	m.adjustStar(c, pc.lift)

	// Secondary care: one draw gives actual and counterfactual events.
	if m.week-int(c.referred) < sc.Health.TrackWeeks {
		m.secondaryCare(c, rh)
	}

	// Leaving: disengagement (fit, contact, mode, continuity) or discharge.
	r := &sc.Response
	h := pc.hFit
	if careHours+choiceHours == 0 {
		h *= r.NoContactHazardMultiplier
	}
	faceToFace := !m.remote && (accompanied || acc > 0 || (inPost && w.room))
	if !faceToFace {
		k := r.PhoneOnlyHazardPerComplexity * cx
		if !c.digital {
			k *= 2
		}
		h *= 1 + k
	}
	if m.week-int(c.engaged) < r.EarlyWeeks {
		h *= r.EarlyHazardMultiplier
	}
	if c.changed >= 0 && m.week-int(c.changed) < r.ContinuityBreakWeeks {
		h *= r.ContinuityBreakHazardMultiplier
	}
	weeksIn := m.week - int(c.engaged)
	if weeksIn >= r.MaxWeeksOnProgramme {
		m.leave(c, stDischarged) // support ends
		return false
	}
	dis := 0.0
	if c.needs == 0 && weeksIn >= r.GoalsMetMinWeeks {
		dis = r.DischargeWhenMetPerWeek
	}
	h = min(h, 1)
	u := eng.float()
	switch {
	case u < h:
		m.leave(c, stDisengaged)
		return false
	case u < h+dis:
		m.leave(c, stDischarged)
		return false
	}
	return true
}

// tryLink attempts to link c to service s in the client's neighbourhood.
func (m *Model) tryLink(c *client, s int, accompanied bool, rl *stream) {
	l := &m.sc.Linking
	m.row[wcLinkAttempts]++
	nb := &m.neighbourhoods[m.practices[c.practice].neighbourhood]
	if float64(nb.used[s]) >= m.placesNow(nb, s) {
		m.row[wcLinksFailedCapacity]++
		return
	}
	p := nb.reach[s][b2i(c.transport)][b2i(accompanied)]
	if !accompanied && c.needs&(1<<needAnxiety) != 0 {
		p *= 1 - l.AnxietyTakeUpPenalty
	}
	if !rl.bernoulli(p) {
		return
	}
	nb.used[s]++
	c.links |= 1 << s
	c.linkUntil[s] = int16(m.week + l.LinkWeeks)
	if s == svcExercise || s == svcHealthyEating {
		c.lifestyle |= 1 << s
	}
	m.row[wcLinksMade]++
}

// setReach fills nb.reach: the take-up factor exp(-d/scale) for each
// service, with scale distance_scale_km (halved for a client with a
// transport barrier) and d the service's distance_km (times 1 -
// accompany_distance_relief when accompanied).
func (nb *neighbourhood) setReach(l *scenario.Linking) {
	for s := range numServices {
		for tr := range 2 {
			for ac := range 2 {
				scale := l.DistanceScaleKm
				if tr == 1 {
					scale /= 2
				}
				d := nb.distanceKm[s]
				if ac == 1 {
					d *= 1 - l.AccompanyDistanceRelief
				}
				nb.reach[s][tr][ac] = math.Exp(-d / scale)
			}
		}
	}
}

// b2i is 1 for true and 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// placesNow is the capacity of service s this week: base places, cut by
// shocks, plus social-group places sustained by link workers' group building.
func (m *Model) placesNow(nb *neighbourhood, s int) float64 {
	x := nb.places[s] * m.capFactor
	if s == svcSocialGroups {
		x += m.sc.Linking.CommunityPlacesPerGroupHour * nb.groupHours * m.capFactor
	}
	return x
}

// release frees the client's place at service s.
func (m *Model) release(c *client, s int) {
	nb := &m.neighbourhoods[m.practices[c.practice].neighbourhood]
	nb.used[s]--
	c.links &^= 1 << s
}

// secondaryCare draws this week's secondary-care use with and without the
// intervention from one uniform number (common random numbers), so the
// saving reflects the intervention, not noise.
//
// Unmet psychosocial needs raise the rate in both worlds: the actual world
// counts the client's unmet needs now; the counterfactual counts the needs
// at referral, each still unmet with the chance it has not resolved
// naturally, (1 - need_resolve_natural_per_week)^(weeks since referral).
func (m *Model) secondaryCare(c *client, rh *stream) {
	h := &m.sc.Health
	base := float64(c.baseRate)
	if m.needSurv == nil {
		// The chance a need is still unmet after k weeks of natural resolution,
		// for k within the tracking window.
		m.needSurv = make([]float64, h.TrackWeeks)
		m.needSurvEffect = make([][2]float64, h.TrackWeeks)
		for k := range m.needSurv {
			m.needSurv[k] = math.Pow(1-m.sc.Wellbeing.NeedResolveNaturalPerWeek, float64(k))
			m.needSurvEffect[k] = [2]float64{m.needSurv[k] * h.UnmetNeedRateEffect, m.needSurv[k] * h.AnxietyRateEffect}
		}
		// The actual world's multiplier for every set of unmet needs.
		for set := range m.rateNow {
			m.rateNow[set] = m.needRateFactor(uint8(set), 1)
		}
	}
	// needRateFactor(needs0, needSurv[k]), with its two products by the
	// survival weight read from needSurvEffect.
	cf := 1 + m.needSurvEffect[m.week-int(c.referred)][0]*float64(bits.OnesCount8(c.needs0&^(1<<needAnxiety)))
	if c.needs0&(1<<needAnxiety) != 0 {
		cf += m.needSurvEffect[m.week-int(c.referred)][1]
	}
	cf *= base
	act := base * m.rateNow[c.needs&(1<<numNeeds-1)] *
		(1 - h.SelfManagementEffect*float64(c.sm-c.sm0)) * (1 - h.WellbeingEffectPerPoint*float64(c.total()-c.star0))
	cf = clamp(cf, 0, 1)
	act = clamp(act, 0, 1)
	u := rh.float()
	top := cf
	if act > top {
		top = act
	}
	if u >= top {
		return
	}
	// A second draw picks the event type, shared by both worlds. (Reusing u
	// would tie the type to whether the event is avoided.)
	v := rh.float()
	var cost float64
	switch {
	case v < h.AdmissionShare:
		cost = h.AdmissionCostGBP
	case v < h.AdmissionShare+h.AEShare:
		cost = h.AECostGBP
	default:
		cost = h.OutpatientCostGBP
	}
	var a, f float64
	if u < act {
		a = cost
	}
	if u < cf {
		f = cost
	}
	m.row[wcSecondaryCareCost] += a
	m.row[wcSecondaryCareCostCF] += f
	q := (m.week - int(c.referred)) / cohortWeeks
	for _, co := range [2]*Cohort{&m.sysEv.Cohorts[c.cohort()], &m.providers[m.practices[c.practice].provider].ev.Cohorts[c.cohort()]} {
		co.ActualGBP[q] += a
		co.CounterfactualGBP[q] += f
	}
}

// needRateFactor is the secondary-care rate multiplier of unmet needs:
// 1 + unmet_need_rate_effect x (unmet needs other than anxiety) +
// anxiety_rate_effect x [anxiety/low confidence unmet], each need counted
// with weight w (the chance it is still unmet).
func (m *Model) needRateFactor(needs uint8, w float64) float64 {
	h := &m.sc.Health
	anx := needs & (1 << needAnxiety)
	f := 1 + w*h.UnmetNeedRateEffect*float64(bits.OnesCount8(needs&^anx))
	if anx != 0 {
		f += w * h.AnxietyRateEffect
	}
	return f
}

// leave records a client's departure and frees their place and worker slot.
func (m *Model) leave(c *client, st uint8) {
	for s := 0; c.links != 0 && s < numServices; s++ {
		if c.links&(1<<s) != 0 {
			m.release(c, s)
		}
	}
	if c.worker >= 0 && c.state != stWaiting {
		m.workers[c.worker].caseload--
	}
	wasEngaged := c.state == stEngaged
	c.state = st
	m.acc.exit(m, c, wasEngaged)
}
