// ODD 7.10 Observation: the weekly and provider rows, accumulators and end-of-run metrics.

package sim

import (
	"math"

	"github.com/sibsim/sibsim/sim/stats"
)

// accumulators hold what the summary metrics need. They are fixed-size (or
// grow only with the number of providers), never with history.
type accumulators struct {
	referrals         int
	refused           int // declined at once
	leftUnengaged     int // dropped out before the baseline reading
	engagedTier       [numTiers]int
	disengTier        [numTiers]int
	baselineSum       float64
	leftN             int
	leftWeeks         float64
	gainRecSum        float64 // recorded gain, clients with 2+ readings
	gainTrueSum2      float64 // true gain at the latest reading, same clients
	gain2N            int
	gainTier          [numTiers]float64 // true gain to leaving or the end
	gainTierN         [numTiers]int
	secondDen         int // engaged long enough to be due a second reading
	secondNum         int
	hoursAll          float64
	hoursOutreach     float64
	care, choice      float64
	yearCare          [52]float64 // ring of the last 52 weeks
	yearChoice        [52]float64
	firstCare         float64
	firstChoice       float64
	provCare          [][52]float64
	provChoice        [][52]float64
	linkAttempts      float64
	linksMade         float64
	linksCapacity     float64
	scCost            float64
	scCostCF          float64
	revenue           float64
	cost              float64
	outcome           float64
	quits             int
	vacancyWeeks      float64
	distressSum       float64
	distressN         int
	caseloadSum       float64
	caseloadN         int
	referralsGP       float64
	referralsOutreach float64
}

func (a *accumulators) init(m *Model) {
	a.provCare = make([][52]float64, len(m.providers))
	a.provChoice = make([][52]float64, len(m.providers))
}

// exit records a client leaving the programme.
func (a *accumulators) exit(m *Model, c *client, wasEngaged bool) {
	if !wasEngaged {
		a.leftUnengaged++
		return
	}
	a.leftN++
	a.leftWeeks += float64(m.week - int(c.engaged))
	if c.state == stDisengaged {
		a.disengTier[c.tier]++
		switch c.tier {
		case tierSimple:
			m.row[wcDisengagedSimple]++
		case tierMiddle:
			m.row[wcDisengagedMiddle]++
		default:
			m.row[wcDisengagedComplex]++
		}
	} else {
		m.row[wcDischarged]++
	}
	a.engagedClientStats(m, c)
}

// engagedClientStats adds an engaged client's gains and readings, at leaving
// or at the end of the run.
func (a *accumulators) engagedClientStats(m *Model, c *client) {
	a.gainTier[c.tier] += float64(c.total() - c.star0)
	a.gainTierN[c.tier]++
	if c.nAssess >= 2 {
		a.gainRecSum += float64(c.recLast - c.rec0)
		a.gainTrueSum2 += float64(c.trueAtLast - c.star0)
		a.gain2N++
	}
	sa := &m.sc.Assessment
	if m.weeks-int(c.engaged) >= sa.FollowUpEveryWeeks+sa.OverdueGraceWeeks {
		a.secondDen++
		if c.nAssess >= 2 {
			a.secondNum++
		}
	}
}

// observe records the week's row and updates the accumulators.
func (m *Model) observe() {
	row := &m.row
	var hrs [numActs]float64
	var admin, distress, orient float64
	inPost, vac := 0, 0
	np := len(m.providers)
	type provAgg struct {
		care, choice, outreach, orient, distress float64
		inPost, caseload                         int
	}
	var pbuf [8]provAgg
	pa := pbuf[:0]
	if np > len(pbuf) {
		pa = make([]provAgg, 0, np)
	}
	pa = pa[:np]
	for i := range pa {
		pa[i] = provAgg{}
	}
	for wi := range m.workers {
		w := &m.workers[wi]
		g := &pa[w.provider]
		// Hours count for everyone who worked this week, including a holder
		// who left in this week's workforce phase.
		admin += w.admin
		if !w.inPost {
			vac++
		}
		for k, h := range w.hours {
			hrs[k] += h
			if k < numChoiceActs {
				g.choice += h
			} else {
				g.care += h
			}
		}
		g.outreach += w.hours[actOutreach]
		if !w.inPost {
			continue
		}
		inPost++
		distress += w.distress
		orient += w.orientation
		g.orient += w.orientation
		g.distress += w.distress
		g.inPost++
		g.caseload += w.caseload
	}
	for k := 0; k < numActs; k++ {
		row[wcHoursOutreach+k] = hrs[k]
	}
	row[wcHoursAdminTravel] = admin
	cs, ok := careShare(&hrs)
	if !ok {
		cs = math.NaN()
	}
	row[wcCareShare] = cs
	pending := 0
	pool := 0.0
	for i := range m.practices {
		for _, n := range m.practices[i].queue {
			pending += n
		}
		pool += m.practices[i].pool
	}
	row[wcCandidatesPending] = float64(pending)
	row[wcPoolRemaining] = pool
	waiting, active, engaged, star := m.cnt.waiting, m.cnt.active, m.cnt.engaged, m.cnt.star
	row[wcWaitingList] = float64(waiting)
	row[wcActiveClients] = float64(active)
	row[wcEngagedClients] = float64(engaged)
	row[wcStarTrueMean] = nanDiv(star, float64(engaged))
	row[wcStarRecordedMean] = nanDiv(row[wcStarRecordedMean], row[wcAssessments1]+row[wcAssessments2]+row[wcAssessments3Plus])
	var pressure float64
	for i := range m.providers {
		pressure += m.providers[i].pressure
	}
	row[wcMeanPressure] = nanDiv(pressure, float64(np))
	row[wcMeanDistress] = nanDiv(distress, float64(inPost))
	row[wcMeanOrientation] = nanDiv(orient, float64(inPost))
	row[wcVacancies] = float64(vac)

	// Accumulators.
	a := &m.acc
	choice, care := 0.0, 0.0
	for k, h := range hrs {
		if k < numChoiceActs {
			choice += h
		} else {
			care += h
		}
	}
	a.care += care
	a.choice += choice
	slot := m.week % 52
	a.yearCare[slot], a.yearChoice[slot] = care, choice
	if m.week < 52 {
		a.firstCare += care
		a.firstChoice += choice
	}
	for i := range pa {
		a.provCare[i][slot], a.provChoice[i][slot] = pa[i].care, pa[i].choice
	}
	a.hoursAll += care + choice + admin
	a.hoursOutreach += hrs[actOutreach]
	a.referralsGP += row[wcReferralsGP]
	a.referralsOutreach += row[wcReferralsOutreach]
	a.linkAttempts += row[wcLinkAttempts]
	a.linksMade += row[wcLinksMade]
	a.linksCapacity += row[wcLinksFailedCapacity]
	a.scCost += row[wcSecondaryCareCost]
	a.scCostCF += row[wcSecondaryCareCostCF]
	a.revenue += row[wcProviderRevenue]
	a.outcome += row[wcOutcomePayments]
	a.vacancyWeeks += float64(vac)
	if inPost > 0 {
		a.distressSum += distress / float64(inPost)
		a.distressN++
	}
	if m.week >= 52 && inPost > 0 {
		a.caseloadSum += float64(active-waiting) / float64(inPost)
		a.caseloadN++
	}
	provCost := 0.0
	for i := range m.providers {
		provCost += m.providers[i].cost
	}
	row[wcProviderCost] = provCost
	a.cost += provCost

	if m.recordWeekly {
		r := make([]float64, numWeeklyCols)
		copy(r, row[:])
		m.weekly = append(m.weekly, r)
		if m.provWeekly == nil {
			m.provWeekly = make([][][]float64, np)
		}
		for i := range m.providers {
			p := &m.providers[i]
			g := &pa[i]
			pr := make([]float64, numProviderCols)
			pr[pcHoursChoice] = g.choice
			pr[pcHoursCare] = g.care
			pr[pcCareShare] = nanDiv(g.care, g.care+g.choice)
			pr[pcHoursOutreach] = g.outreach
			pr[pcCaseload] = float64(g.caseload)
			pr[pcAssessments] = float64(p.assessments)
			pr[pcRevenue] = p.revenue
			pr[pcCost] = p.cost
			pr[pcReserves] = p.reserves
			pr[pcPressure] = p.pressure
			pr[pcCulture] = p.culture
			pr[pcAssessmentTarget] = p.target
			pr[pcMeanOrientation] = nanDiv(g.orient, float64(g.inPost))
			pr[pcMeanDistress] = nanDiv(g.distress, float64(g.inPost))
			pr[pcInPost] = float64(g.inPost)
			pr[pcQuits] = float64(p.quits)
			m.provWeekly[i] = append(m.provWeekly[i], pr)
		}
	}
	for i := range m.providers {
		m.providers[i].assessments, m.providers[i].quits = 0, 0
	}
	*row = [numWeeklyCols]float64{}
}

func nanDiv(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// Result returns the replication's outputs. It counts clients still active
// as of now for gain and reading metrics (they are not removed).
func (m *Model) Result() *Result {
	a := m.acc // copy: Result must not change the model
	for i := range m.clients {
		c := &m.clients[i]
		if c.state == stEngaged {
			a.engagedClientStats(m, c)
		}
	}
	met := make([]float64, numMetrics)
	years := float64(m.week) / 52
	engaged := 0
	for _, n := range a.engagedTier {
		engaged += n
	}
	posts := 0
	for i := range m.providers {
		posts += m.providers[i].posts
	}
	met[mReferralsTotal] = float64(a.referrals)
	met[mReferralsGP] = float64(a.referralsGP)
	met[mReferralsOutreach] = float64(a.referralsOutreach)
	met[mReferralsPerYear] = nanDiv(float64(a.referrals), years)
	met[mEngagedShare] = nanDiv(float64(engaged), float64(a.referrals))
	met[mSecondAssessmentShare] = nanDiv(float64(a.secondNum), float64(a.secondDen))
	met[mMeanWeeksOnProgramme] = nanDiv(a.leftWeeks, float64(a.leftN))
	met[mCareShare] = nanDiv(a.care, a.care+a.choice)
	met[mCareShareFirstYear] = nanDiv(a.firstCare, a.firstCare+a.firstChoice)
	var lc, lch float64
	for k := 0; k < 52 && k < m.week; k++ {
		lc += a.yearCare[k]
		lch += a.yearChoice[k]
	}
	met[mCareShareLastYear] = nanDiv(lc, lc+lch)
	met[mOutreachHoursShare] = nanDiv(a.hoursOutreach, a.hoursAll)
	met[mDisengagedShareComplex] = nanDiv(float64(a.disengTier[tierComplex]), float64(a.engagedTier[tierComplex]))
	met[mDisengagedShareSimple] = nanDiv(float64(a.disengTier[tierSimple]), float64(a.engagedTier[tierSimple]))
	met[mStarBaselineMean] = nanDiv(a.baselineSum, float64(engaged))
	met[mStarGainMean] = nanDiv(a.gainRecSum, float64(a.gain2N))
	met[mStarGainTrueMean] = nanDiv(a.gainTrueSum2, float64(a.gain2N))
	met[mStarGainComplex] = nanDiv(a.gainTier[tierComplex], float64(a.gainTierN[tierComplex]))
	met[mStarGainSimple] = nanDiv(a.gainTier[tierSimple], float64(a.gainTierN[tierSimple]))
	met[mLinkingSuccessShare] = nanDiv(a.linksMade, a.linkAttempts)
	met[mLinksPerYear] = nanDiv(a.linksMade, years)
	met[mUnmetNeedCapacityShare] = nanDiv(a.linksCapacity, a.linkAttempts)
	met[mSecondaryCareCostReduction] = 1 - nanDiv(a.scCost, a.scCostCF)
	met[mProviderRevenue] = a.revenue
	met[mProviderCost] = a.cost
	met[mOutcomePayments] = a.outcome
	met[mOutcomeSettledAtEnd] = m.settledAtEnd
	met[mOutcomeOverCap] = m.overCap
	met[mProviderArrearsWeeks] = float64(m.arrearsWeeks)
	met[mProviderArrearsPeak] = m.arrearsPeak
	met[mUnsettled] = m.unsettled
	met[mSPVCashEnd] = m.spvCash
	met[mInvestorDrawn] = m.drawn
	met[mInvestorReceived] = m.received
	met[mInvestorIRR] = math.NaN()
	if irr, ok := stats.IRR(m.investorFlows, 52); ok {
		met[mInvestorIRR] = irr
	} else if m.drawn > 0 && m.received == 0 {
		met[mInvestorIRR] = -1 // total loss: the limit of the IRR as receipts fall to 0
	}
	met[mInvestorMultiple] = nanDiv(m.received, m.drawn)
	totalGain := 0.0
	for _, g := range a.gainTier {
		totalGain += g
	}
	met[mCommissionerCostPerEngaged] = nanDiv(a.outcome, float64(engaged))
	met[mCommissionerCostPerStarPoint] = math.NaN()
	if totalGain > 0 {
		met[mCommissionerCostPerStarPoint] = a.outcome / totalGain
	}
	met[mCommissionerCostPerComplexSupported] = nanDiv(a.outcome, float64(a.engagedTier[tierComplex]))
	met[mLinkWorkerQuitsPerYear] = nanDiv(float64(a.quits), years)
	met[mTurnoverPerYear] = nanDiv(nanDiv(float64(a.quits), years), float64(posts))
	met[mVacancyWeeks] = a.vacancyWeeks
	met[mMeanDistress] = nanDiv(a.distressSum, float64(a.distressN))
	var orient float64
	inPost := 0
	for wi := range m.workers {
		if m.workers[wi].inPost {
			orient += m.workers[wi].orientation
			inPost++
		}
	}
	met[mMeanOrientationEnd] = nanDiv(orient, float64(inPost))
	met[mActiveCaseloadPerWorker] = nanDiv(a.caseloadSum, float64(a.caseloadN))
	met[mNewStartsPerWorkerYear] = nanDiv(nanDiv(float64(engaged), float64(posts)), years)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range m.providers {
		var c, ch float64
		for k := 0; k < 52 && k < m.week; k++ {
			c += a.provCare[i][k]
			ch += a.provChoice[i][k]
		}
		s := nanDiv(c, c+ch)
		lo, hi = math.Min(lo, s), math.Max(hi, s)
	}
	met[mCultureGapEnd] = hi - lo
	names := make([]string, len(m.providers))
	for i := range m.providers {
		names[i] = m.providers[i].name
	}
	return &Result{Weeks: m.week, Weekly: m.weekly, Providers: names, ProviderWeekly: m.provWeekly, Metrics: met}
}
