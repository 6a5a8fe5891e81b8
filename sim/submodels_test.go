package sim

import (
	"math"
	"testing"

	"github.com/sibsim/sibsim/sim/scenario"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestSoftmaxFill(t *testing.T) {
	caps := [numActs]float64{10, 3, 2, 20, 20, 60, 5, 3}
	var zero [numActs]float64
	t.Run("equal utilities follow demand", func(t *testing.T) {
		h := softmaxFill(30, caps, zero, 1)
		total := 0.0
		for _, c := range caps {
			total += c
		}
		for k := range caps {
			if want := 30 * caps[k] / total; !near(h[k], want, 1e-9) {
				t.Errorf("softmaxFill hours[%d] = %g; want %g", k, h[k], want)
			}
		}
	})
	t.Run("utility tilts by exp(du/T)", func(t *testing.T) {
		u := zero
		u[actAccompanied] = math.Log(2) // doubles its weight at T = 1
		h := softmaxFill(30, caps, u, 1)
		r := (h[actAccompanied] / caps[actAccompanied]) / (h[actCoaching] / caps[actCoaching])
		if !near(r, 2, 1e-9) {
			t.Errorf("weight ratio = %g; want 2", r)
		}
	})
	t.Run("caps bind and hours are redistributed", func(t *testing.T) {
		u := zero
		u[actFollowUpAssessment] = 10 // wants far more than its cap
		h := softmaxFill(30, caps, u, 1)
		if h[actFollowUpAssessment] != caps[actFollowUpAssessment] {
			t.Errorf("capped activity got %g; want its cap %g", h[actFollowUpAssessment], caps[actFollowUpAssessment])
		}
		sum := 0.0
		for _, x := range h {
			sum += x
		}
		if !near(sum, 30, 1e-9) {
			t.Errorf("hours allocated = %g; want 30", sum)
		}
	})
	t.Run("all capped leaves hours unallocated", func(t *testing.T) {
		h := softmaxFill(1000, caps, zero, 1)
		for k := range caps {
			if h[k] != caps[k] {
				t.Errorf("hours[%d] = %g; want cap %g", k, h[k], caps[k])
			}
		}
	})
	t.Run("no demand", func(t *testing.T) {
		var none [numActs]float64
		if h := softmaxFill(30, none, zero, 1); h != none {
			t.Errorf("softmaxFill with no demand = %v; want zeros", h)
		}
	})
}

func TestSlidingFraction(t *testing.T) {
	for _, tc := range []struct{ gain, want float64 }{{0, 0}, {0.5, 0}, {0.95, 0.5}, {1.4, 1}, {3.4, 1}, {-2, 0}} {
		if got := slidingFraction(tc.gain, 0.5, 1.4, 1); !near(got, tc.want, 1e-12) {
			t.Errorf("slidingFraction(%g) = %g; want %g", tc.gain, got, tc.want)
		}
	}
}

func TestSlidingFractionCurve(t *testing.T) {
	// Halfway along the scale with curve 2 pays a quarter; the ends are unchanged.
	for _, tc := range []struct{ gain, want float64 }{{0.95, 0.25}, {0.5, 0}, {1.4, 1}, {0.725, 0.0625}} {
		if got := slidingFraction(tc.gain, 0.5, 1.4, 2); !near(got, tc.want, 1e-12) {
			t.Errorf("slidingFraction(%g, curve 2) = %g; want %g", tc.gain, got, tc.want)
		}
	}
	r := &wellbeingOutcome{spec: scenario.WellbeingOutcome{PerClientGBP: 90, FloorPoints: 0.5, FullPoints: 1.4, PeriodWeeks: 1}, curve: 2, lastMean: 0.95}
	var p Prices
	r.Price(0, &Evidence{}, &p)
	// d/dg of 90*((g-0.5)/0.9)^2 at g = 0.95: 90*2*0.5/0.9 = 100.
	if !near(p.StarPoint, 100, 1e-9) {
		t.Errorf("StarPoint with curve 2 at mid-scale = %g; want 100", p.StarPoint)
	}
	// A second reading joins the batch: worth 90 x 0.5^2.
	if !near(p.Assessment[1], 22.5, 1e-9) {
		t.Errorf("second-reading price at mid-scale = %g; want 22.5", p.Assessment[1])
	}
	r.lastMean = 2 // beyond the full point: no marginal value
	p = Prices{}
	r.Price(0, &Evidence{}, &p)
	if p.StarPoint != 0 || p.Assessment[1] != 90 {
		t.Errorf("beyond full: StarPoint %g, second reading %g; want 0 and the full 90", p.StarPoint, p.Assessment[1])
	}
}

func TestCapitationAndPerReferral(t *testing.T) {
	ev := &Evidence{ActiveClients: 100, Referrals: 7}
	c := &capitation{perWeek: 52.0 * 12 / 52} // GBP 52 a month
	if got := c.Pay(0, ev); !near(got, 100*12, 1e-9) {
		t.Errorf("capitation Pay = %g; want 1200", got)
	}
	r := &perReferral{amount: 500}
	if got := r.Pay(0, ev); got != 3500 {
		t.Errorf("per-referral Pay = %g; want 3500", got)
	}
	var p Prices
	c.Price(0, ev, &p)
	r.Price(0, ev, &p)
	if !near(p.ClientWeek, 12, 1e-12) || p.Referral != 500 {
		t.Errorf("prices = %+v; want ClientWeek 12, Referral 500", p)
	}
	// Rules built from the scenario form.
	rc, _ := buildRule(scenario.Rule{Capitation: &scenario.Capitation{GBPPerClientMonth: 52}}, 104)
	if got := rc.Pay(0, ev); !near(got, 1200, 1e-9) {
		t.Errorf("built capitation Pay = %g; want 1200", got)
	}
}

func TestPerAssessment(t *testing.T) {
	r := newPerAssessment(&scenario.PerAssessment{TariffsGBP: []float64{400, 300, 200}, MaxPerClient: 4})
	ev := &Evidence{}
	ev.Assessments[0] = 2 // two baselines
	ev.Assessments[1] = 1
	ev.Assessments[2] = 1
	ev.Assessments[3] = 1 // 4th reading: last tariff repeats
	ev.Assessments[4] = 3 // 5th readings: beyond the cap, unpaid
	if got, want := r.Pay(0, ev), 2*400.0+300+200+200; got != want {
		t.Errorf("Pay = %g; want %g", got, want)
	}
	var p Prices
	r.Price(0, ev, &p)
	if p.Assessment[0] != 400 || p.Assessment[3] != 200 || p.Assessment[4] != 0 {
		t.Errorf("Price = %v; want 400 ... 200 at 4th, 0 beyond the cap", p.Assessment[:6])
	}
}

func TestTrancheAndBlockGrant(t *testing.T) {
	tr := &tranche{amount: 1000, every: 13}
	ev := &Evidence{PostShare: 0.25}
	total := 0.0
	paidWeeks := []int{}
	for w := 0; w < 52; w++ {
		if x := tr.Pay(w, ev); x > 0 {
			total += x
			paidWeeks = append(paidWeeks, w)
		}
	}
	if total != 1000 || len(paidWeeks) != 4 || paidWeeks[1] != 13 {
		t.Errorf("tranche paid %g in weeks %v; want 4 x 250 from week 0 every 13", total, paidWeeks)
	}
	bg := &blockGrant{perWeek: 52000.0 / 52}
	if got := bg.Pay(0, ev); got != 250 {
		t.Errorf("block grant weekly share = %g; want 250", got)
	}
}

func TestWellbeingOutcome(t *testing.T) {
	r := &wellbeingOutcome{spec: scenario.WellbeingOutcome{PerClientGBP: 100, FloorPoints: 0.5, FullPoints: 1.4, PeriodWeeks: 2}, curve: 1, lastMean: math.NaN()}
	ev := &Evidence{FollowUpGains: []float64{0.5, 1.4}} // mean 0.95: half
	if got := r.Pay(0, ev); got != 0 {
		t.Errorf("mid-period Pay = %g; want 0", got)
	}
	ev.FollowUpGains = nil
	if got := r.Pay(1, ev); !near(got, 100*2*0.5, 1e-9) {
		t.Errorf("settlement Pay = %g; want 100", got)
	}
	var p Prices
	r.Price(2, ev, &p)
	if !near(p.StarPoint, 100/0.9, 1e-9) {
		t.Errorf("StarPoint price on the slope = %g; want %g", p.StarPoint, 100/0.9)
	}
}

func TestSecondaryCareOutcome(t *testing.T) {
	r := &secondaryCareOutcome{spec: scenario.SecondaryCareOutcome{PerClientGBP: 1000, TargetReduction: 0.2, EvidenceWeeks: 104}, quarters: 8}
	ev := &Evidence{Cohorts: []Cohort{
		{Clients: 10, ActualGBP: []float64{40, 50}, CounterfactualGBP: []float64{50, 50}},
		{Clients: 5, ActualGBP: []float64{50}, CounterfactualGBP: []float64{100}},
	}}
	if got := r.Pay(cohortWeeks+103, ev); got != 0 {
		t.Errorf("Pay before evidence = %g; want 0", got)
	}
	// Cohort 0: reduction 10% of a 20% target: half of 10 x 1000.
	if got := r.Pay(cohortWeeks+104, ev); !near(got, 5000, 1e-9) {
		t.Errorf("Pay at evidence = %g; want 5000", got)
	}
	// Cohort 1: 50% reduction, capped at the full amount.
	if got := r.Pay(2*cohortWeeks+104, ev); !near(got, 5000, 1e-9) {
		t.Errorf("Pay for cohort 1 = %g; want 5000", got)
	}
	if got := r.Pay(10*cohortWeeks+104, ev); got != 0 {
		t.Errorf("Pay with nothing left = %g; want 0", got)
	}
	// A one-quarter window sees only the first quarter of cohort 0: 20% reduction.
	w := &secondaryCareOutcome{spec: r.spec, quarters: 1}
	if got := w.Pay(cohortWeeks+104, ev); !near(got, 10000, 1e-9) {
		t.Errorf("Pay with a one-quarter window = %g; want 10000", got)
	}
	win := 13
	built, _ := buildRule(scenario.Rule{SecondaryCareOutcome: &scenario.SecondaryCareOutcome{PerClientGBP: 1, TargetReduction: 0.2, EvidenceWeeks: 1, WindowWeeks: &win}}, 104)
	if q := built.(*secondaryCareOutcome).quarters; q != 1 {
		t.Errorf("window 13 weeks = %d quarters; want 1", q)
	}
	built, _ = buildRule(scenario.Rule{SecondaryCareOutcome: &scenario.SecondaryCareOutcome{PerClientGBP: 1, TargetReduction: 0.2, EvidenceWeeks: 1}}, 104)
	if q := built.(*secondaryCareOutcome).quarters; q != 8 {
		t.Errorf("default window = %d quarters; want 8 (track_weeks 104)", q)
	}
}

func TestApportion(t *testing.T) {
	got := apportion(17, 4, func(i int) float64 { return []float64{0.3, 0.3, 0.25, 0.15}[i] })
	counts := make([]int, 4)
	for _, g := range got {
		counts[g]++
	}
	want := []int{5, 5, 4, 3} // 5.1, 5.1, 4.25, 2.55: largest remainder gives the 17th to the 0.15 group
	for i := range want {
		if counts[i] != want[i] {
			t.Errorf("apportion counts = %v; want %v", counts, want)
			break
		}
	}
}

func TestStreams(t *testing.T) {
	a := newStream(1, 0, "x")
	b := newStream(1, 0, "x")
	for i := 0; i < 100; i++ {
		if a.float() != b.float() {
			t.Fatal("same (seed, rep, name) gave different draws")
		}
	}
	for _, o := range []*stream{newStream(2, 0, "x"), newStream(1, 1, "x"), newStream(1, 0, "y")} {
		same := true
		a := newStream(1, 0, "x")
		for i := 0; i < 4; i++ {
			if a.float() != o.float() {
				same = false
			}
		}
		if same {
			t.Error("a different seed, replication or name gave the same draws")
		}
	}
	// Distribution means over many draws, with 5-SE tolerances.
	const n = 200000
	s := newStream(3, 0, "dist")
	var sg, sb, sp float64
	for i := 0; i < n; i++ {
		sg += float64(s.geometricWeeks(10))
		sb += s.beta(0.35, 0.2)
		sp += float64(s.poisson(2.5))
	}
	// geometric on {1,2,...} with p = 1/10 has mean 10 and sd about 9.5.
	if m := sg / n; !near(m, 10, 5*9.5/math.Sqrt(n)) {
		t.Errorf("geometricWeeks mean = %g; want 10", m)
	}
	if m := sb / n; !near(m, 0.35, 5*0.2/math.Sqrt(n)) {
		t.Errorf("beta mean = %g; want 0.35", m)
	}
	if m := sp / n; !near(m, 2.5, 5*math.Sqrt(2.5/n)) {
		t.Errorf("poisson mean = %g; want 2.5", m)
	}
}

func TestCreamWeight(t *testing.T) {
	if creamWeight(0, 5) != 1 {
		t.Error("need-led weighting should not depend on complexity")
	}
	if !(creamWeight(1, 4) < creamWeight(1, 2) && creamWeight(1, 1) == 1) {
		t.Error("creaming should favour less complex clients")
	}
}

// TestSecondaryCareCRN checks the common-random-number draw: with no
// improvement actual equals counterfactual exactly; with a known rate cut
// the cost reduction matches it, on every event type.
func TestSecondaryCareCRN(t *testing.T) {
	sc := &scenario.Scenario{Health: scenario.Health{
		SelfManagementEffect: 0.5, AdmissionShare: 0.25, AEShare: 0.3, OutpatientShare: 0.45,
		AdmissionCostGBP: 2000, AECostGBP: 200, OutpatientCostGBP: 100, TrackWeeks: 104,
	}}
	run := func(dsm float32) (act, cf float64) {
		m := &Model{sc: sc}
		m.sysEv.Cohorts = []Cohort{m.newCohort()}
		m.providers = []provider{{ev: Evidence{Cohorts: []Cohort{m.newCohort()}}}}
		m.practices = []practice{{}}
		rh := newStream(5, 0, streamHealth)
		c := &client{baseRate: 0.05, sm0: 0.2, sm: 0.2 + dsm}
		for i := 0; i < 400000; i++ {
			m.secondaryCare(c, rh)
		}
		return m.row[wcSecondaryCareCost], m.row[wcSecondaryCareCostCF]
	}
	if a, f := run(0); a != f {
		t.Errorf("no improvement: actual %g != counterfactual %g", a, f)
	}
	a, f := run(0.4) // rate cut 0.5*0.4 = 20%
	red := 1 - a/f
	// Events ~ Binomial(400000, 0.05) x mixed cost: SE of the reduction is
	// about 0.005 here; allow 4 SE.
	if !near(red, 0.2, 0.02) {
		t.Errorf("cost reduction = %g; want 0.2", red)
	}
}

func TestAttainable(t *testing.T) {
	sc := &scenario.Scenario{Wellbeing: scenario.Wellbeing{HealthyLevel: 5, NeedPenalty: 2, ConditionPenalty: 1}}
	m := &Model{sc: sc}
	c := &client{conditions: 2, sm: 0.5}
	c.needs = 1 << needIncomeDebt
	m.setPenalties(c)
	for _, tc := range []struct {
		area int
		lift float64
		want float64
	}{
		{areaMoney, 0, 5 - 2},                     // full weight of the need
		{areaFeelingPositive, 0.5, 5 - 0.6 + 0.5}, // 0.3 weight, plus lift
		{areaLifestyle, 1, 5 - 1*2*0.5},           // conditions x (1 - sm); no lift
		{areaFamilyFriends, 0, 5},
	} {
		if got := m.attainable(c, tc.area, tc.lift); !near(got, tc.want, 1e-6) {
			t.Errorf("attainable(area %d, lift %g) = %g; want %g", tc.area, tc.lift, got, tc.want)
		}
	}
}

// TestPriceResponseIsSmooth checks the bounded money term (ODD 7.4.2): other
// things equal, the hours a worker gives a priced activity rise strictly
// with its price at every doubling, from zero to far above the default
// tariffs, and the money term never exceeds its bound λ.
func TestPriceResponseIsSmooth(t *testing.T) {
	m, err := New(loadShipped(t, "ways-to-wellness"), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := &m.providers[0]
	p.pressure = 0.5
	p.targetWeek = 0 // no target: the price channel alone
	base := m.workers[p.postIdx[0]]
	base.nAwaiting = 20 // demand far above what is worked: the cap never binds
	base.nEngaged, base.nDue, base.nLinkable = 80, 3, 10
	base.complexitySum = 160
	base.careNeed = 80 * 2 * m.sc.Practice.CareHoursPerComplexityWeek
	base.careNeedW = base.careNeed
	hours := func(price float64) float64 {
		p.prices = Prices{}
		p.prices.Assessment[0] = price
		w := base
		pv := m.providerValues(p)
		m.allocateHours(&w, &pv)
		if w.hours[actInitialAssessment] >= float64(w.nAwaiting)*m.sc.Practice.InitialAssessmentHours {
			t.Fatalf("initial assessment hours at price %g reached the cap", price)
		}
		return w.hours[actInitialAssessment]
	}
	prev := hours(0)
	for price := 25.0; price <= 25*1024; price *= 2 {
		h := hours(price)
		t.Logf("baseline tariff %6.0f GBP: %.3f h", price, h)
		if !(h > prev+1e-3) {
			t.Errorf("initial assessment hours at tariff %g = %.4f; want more than %.4f at half the tariff", price, h, prev)
		}
		prev = h
	}
	lam := m.moneyWeight(p)
	for _, x := range []float64{0, 0.5, 10, 1e3, 1e9, math.Inf(1)} {
		if s := m.moneyScale(x); s < 0 || s > 1 || lam*s > lam {
			t.Errorf("moneyScale(%g) = %g; want in [0, 1]", x, s)
		}
	}
	if got, want := m.moneyScale(m.sc.Practice.MoneyHalfValue), 0.5; !near(got, want, 1e-12) {
		t.Errorf("moneyScale(money_half_value) = %g; want %g", got, want)
	}
}

func TestTargetGap(t *testing.T) {
	for _, tc := range []struct{ target, readings, want float64 }{
		{0, 3, 0},            // no costs: no target
		{math.Inf(1), 50, 1}, // costs but no tariff: never met
		{4, 1, 0.75},
		{4, 5, 0},
	} {
		if got := targetGap(tc.target, tc.readings); !near(got, tc.want, 1e-12) {
			t.Errorf("targetGap(%g, %g) = %g; want %g", tc.target, tc.readings, got, tc.want)
		}
	}
}

// TestCreamingRespondsToOutcomePrices: the creaming steepness (ODD 7.4.1)
// is zero without an outcome price to providers, positive under a price on
// recorded Star points or on avoided secondary-care cost, rises with the
// price and stays below creaming_strength.
func TestCreamingRespondsToOutcomePrices(t *testing.T) {
	m, err := New(loadShipped(t, "ways-to-wellness"), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := &m.providers[0]
	p.pressure = 1
	k := func(pr Prices) float64 {
		p.prices = pr
		m.beginTally()
		return p.creamK
	}
	var per Prices
	per.Assessment[0], per.ClientWeek, per.Referral = 350, 10, 100
	if got := k(per); got != 0 {
		t.Errorf("creaming steepness under readings, capitation and referral prices = %g; want 0", got)
	}
	for _, tc := range []struct {
		name   string
		lo, hi Prices
	}{
		{"Star points", Prices{StarPoint: 50}, Prices{StarPoint: 100}},
		{"secondary-care savings", Prices{SavingGBP: 2}, Prices{SavingGBP: 4}},
	} {
		a, b := k(tc.lo), k(tc.hi)
		if !(a > 0 && b > a && b < m.sc.Practice.CreamingStrength) {
			t.Errorf("creaming steepness under %s = %g, then %g at twice the price; want 0 < first < second < %g", tc.name, a, b, m.sc.Practice.CreamingStrength)
		}
	}
}

func TestFinalSettlement(t *testing.T) {
	t.Run("wellbeing pays the open batch", func(t *testing.T) {
		r := &wellbeingOutcome{spec: scenario.WellbeingOutcome{PerClientGBP: 100, FloorPoints: 0.5, FullPoints: 1.4, PeriodWeeks: 13}, curve: 1, lastMean: math.NaN()}
		if got := r.Pay(0, &Evidence{FollowUpGains: []float64{0.5, 1.4, 0.95}}); got != 0 {
			t.Fatalf("mid-period Pay = %g; want 0", got)
		}
		if got := settle(r, 1, &Evidence{}); !near(got, 100*3*0.5, 1e-9) {
			t.Errorf("Settle(open batch of 3 at mean 0.95) = %g; want 150", got)
		}
		if got := settle(r, 2, &Evidence{}); got != 0 {
			t.Errorf("Settle after settling = %g; want 0", got)
		}
	})
	t.Run("secondary care evidences open cohorts pro rata", func(t *testing.T) {
		r := &secondaryCareOutcome{spec: scenario.SecondaryCareOutcome{PerClientGBP: 1000, TargetReduction: 0.2, EvidenceWeeks: 104}, quarters: 2}
		ev := &Evidence{Cohorts: []Cohort{
			{Clients: 10, ActualGBP: []float64{40, 40}, CounterfactualGBP: []float64{50, 50}}, // 20%: full rate
			{Clients: 4, ActualGBP: []float64{45, 0}, CounterfactualGBP: []float64{50, 0}},    // 10%: half rate
			{Clients: 0, ActualGBP: []float64{0, 0}, CounterfactualGBP: []float64{0, 0}},
		}}
		// At end = 26 weeks: cohort 0 observed (26 - 6.5)/26 = 0.75 of its
		// window, cohort 1 (26 - 13 - 6.5)/26 = 0.25.
		want := 10*1000*0.75 + 4*1000*0.5*0.25
		if got := settle(r, 26, ev); !near(got, want, 1e-9) {
			t.Errorf("Settle(26) = %g; want %g", got, want)
		}
		if got := r.Pay(1000, ev); got != 0 {
			t.Errorf("Pay after the final settlement = %g; want 0 (each cohort paid once)", got)
		}
	})
	t.Run("pay-as-you-go rules owe nothing", func(t *testing.T) {
		for _, r := range []Rule{&blockGrant{perWeek: 1}, &capitation{perWeek: 1}, &perReferral{amount: 1}, &tranche{amount: 1, every: 1}, &perAssessment{}} {
			if got := settle(r, 10, &Evidence{PostShare: 1, ActiveClients: 5}); got != 0 {
				t.Errorf("settle(%T) = %g; want 0", r, got)
			}
		}
	})
}

func TestNeedRateFactor(t *testing.T) {
	sc := scenario.Scenario{}
	sc.Health.UnmetNeedRateEffect, sc.Health.AnxietyRateEffect = 0.05, 0.15
	m := &Model{sc: &sc}
	needs := uint8(1<<needIncomeDebt | 1<<needIsolation | 1<<needAnxiety)
	for _, tc := range []struct {
		needs uint8
		w     float64
		want  float64
	}{
		{0, 1, 1},
		{needs, 1, 1 + 2*0.05 + 0.15},
		{needs, 0.5, 1 + 0.5*(2*0.05+0.15)},
		{1 << needAnxiety, 1, 1.15},
	} {
		if got := m.needRateFactor(tc.needs, tc.w); !near(got, tc.want, 1e-12) {
			t.Errorf("needRateFactor(%06b, %g) = %g; want %g", tc.needs, tc.w, got, tc.want)
		}
	}
}

// TestSavingsValueCare: under a price per GBP saved, accompanied support
// earns the saving of the needs it resolves, informal contact does not, and
// both earn the saving of the Star points they lift; with the channels
// weighted 0, care earns no saving at all.
func TestSavingsValueCare(t *testing.T) {
	base := loadShipped(t, "ways-to-wellness")
	values := func(needEffect, pointEffect float64) [numActs]float64 {
		sc := *base
		sc.Health.UnmetNeedRateEffect, sc.Health.AnxietyRateEffect = needEffect, 3*needEffect
		sc.Health.WellbeingEffectPerPoint = pointEffect
		m, err := New(&sc, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		p := &m.providers[0]
		p.prices = Prices{SavingGBP: 2}
		w := &m.workers[0]
		w.nEngaged, w.needSum, w.complexitySum = 10, 15, 25
		pv := m.providerValues(p)
		return m.hourValues(w, p, &pv)
	}
	v := values(0.05, 0.015)
	if !(v[actAccompanied] > v[actInformal] && v[actInformal] > 0) {
		t.Errorf("hour values accompanied %g, informal %g; want accompanied > informal > 0", v[actAccompanied], v[actInformal])
	}
	if !(v[actSignposting] > 0) {
		t.Errorf("signposting hour value %g; want > 0 (a link resolves a need)", v[actSignposting])
	}
	v0 := values(0, 0)
	if v0[actAccompanied] != 0 || v0[actInformal] != 0 || v0[actSignposting] != 0 {
		t.Errorf("with the need and wellbeing channels off: accompanied %g, informal %g, signposting %g; want 0", v0[actAccompanied], v0[actInformal], v0[actSignposting])
	}
	if !(v0[actCoaching] > 0) {
		t.Errorf("coaching hour value %g; want > 0 (self-management channel)", v0[actCoaching])
	}
}

// TestConcurrentLinks: a client may hold places at several services, up to
// max_links, and a need service's place is released when the needs it
// serves are resolved.
func TestConcurrentLinks(t *testing.T) {
	sc := *loadShipped(t, "ways-to-wellness")
	sc.Linking.MaxLinks = 2
	m, err := New(&sc, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	nb := &m.neighbourhoods[m.practices[0].neighbourhood]
	c := &client{needs: 1<<needIncomeDebt | 1<<needHousing | 1<<needAnxiety}
	take := func(s int) {
		nb.used[s]++
		c.links |= 1 << s
		c.linkUntil[s] = 26
	}
	if s := m.linkService(c); s != svcWelfareRights {
		t.Fatalf("linkService(no places) = %d; want welfare rights %d", s, svcWelfareRights)
	}
	take(svcWelfareRights)
	if s := m.linkService(c); s != svcHousing {
		t.Fatalf("linkService(holding welfare rights) = %d; want housing %d", s, svcHousing)
	}
	take(svcHousing)
	if s := m.linkService(c); s != svcNone {
		t.Errorf("linkService(holding max_links places) = %d; want none", s)
	}
	// Debt resolved: its place goes; housing is still needed and kept.
	used := nb.used
	c.needs &^= 1 << needIncomeDebt
	m.releaseResolved(c)
	if c.links != 1<<svcHousing || nb.used[svcWelfareRights] != used[svcWelfareRights]-1 || nb.used[svcHousing] != used[svcHousing] {
		t.Errorf("after debt resolved: links %06b, used %v (before %v); want only housing held and one welfare place freed", c.links, nb.used, used)
	}
	if s := m.linkService(c); s != svcMentalHealth {
		t.Errorf("linkService(a place free, anxiety unmet) = %d; want mental health %d", s, svcMentalHealth)
	}
	// A mental-health place serves bereavement and anxiety: kept while either is unmet.
	take(svcMentalHealth)
	c.needs = 1 << needBereavement
	m.releaseResolved(c)
	if c.links != 1<<svcMentalHealth {
		t.Errorf("links %06b; want only the mental-health place kept for bereavement", c.links)
	}
}
