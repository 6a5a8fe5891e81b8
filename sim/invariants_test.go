package sim

import (
	"fmt"
	"io/fs"
	"math"
	"math/bits"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/scenario"
)

// loadShipped loads a shipped scenario through the real loader.
func loadShipped(t testing.TB, name string) *scenario.Scenario {
	t.Helper()
	r, err := scenario.Loader{Shipped: scenarios.FS}.Load(name)
	if err != nil {
		t.Fatalf("Load(%q): %v", name, err)
	}
	return r.Scenario
}

// ledger tracks money totals across steps for the balance invariants.
type ledger struct {
	revenue, cost          []float64
	sysRevenue, sysOutcome float64
	reserves0              []float64
}

func newLedger(m *Model) *ledger {
	l := &ledger{revenue: make([]float64, len(m.providers)), cost: make([]float64, len(m.providers)), reserves0: make([]float64, len(m.providers))}
	for i := range m.providers {
		l.reserves0[i] = m.providers[i].reserves
	}
	return l
}

// checkInvariants returns every violated invariant after a step.
func checkInvariants(m *Model, l *ledger) []string {
	var bad []string
	fail := func(format string, args ...any) {
		bad = append(bad, fmt.Sprintf("week %d: ", m.week-1)+fmt.Sprintf(format, args...))
	}
	const eps = 1e-6

	// People are conserved: every referral is refused, active, or has left.
	a := &m.acc
	left := a.leftUnengaged + a.leftN
	// Records of clients lost to a break in continuity this week stay in
	// the slice, marked as left, until the next client response.
	live, lingering := 0, 0
	for i := range m.clients {
		if m.clients[i].state >= stDisengaged {
			lingering++
		} else {
			live++
		}
	}
	if live != m.cnt.active {
		fail("active clients: %d live records; the week's count says %d", live, m.cnt.active)
	}
	if got := a.refused + live + left; got != a.referrals {
		fail("people: refused %d + active %d + left %d = %d; want referrals %d", a.refused, live, left, got, a.referrals)
	}
	if m.recordWeekly && len(m.weekly) > 0 {
		if lost := m.weekly[len(m.weekly)-1][wcLostContinuity]; float64(lingering) != lost {
			fail("%d records of departed clients remain; %g were lost to continuity this week", lingering, lost)
		}
	}
	engaged := 0
	for _, n := range a.engagedTier {
		engaged += n
	}
	activeEngaged := 0
	caseload := make([]int, len(m.workers))
	used := make([][numServices]int, len(m.neighbourhoods))
	prevID := int32(-1)
	for i := range m.clients {
		c := &m.clients[i]
		if c.id <= prevID {
			fail("clients not in ID order: %d after %d", c.id, prevID)
		}
		prevID = c.id
		if c.state >= stDisengaged {
			continue // lost to continuity this week, checked above
		}
		if c.state == stEngaged {
			activeEngaged++
		}
		if c.state != stWaiting {
			if c.worker < 0 {
				fail("client %d assigned state without a worker", c.id)
			} else {
				caseload[c.worker]++
			}
		}
		for s := 0; s < numServices; s++ {
			if c.links&(1<<s) != 0 {
				used[m.practices[c.practice].neighbourhood][s]++
			}
		}
		if n := bits.OnesCount8(c.links); n > m.sc.Linking.MaxLinks {
			fail("client %d holds %d places; want at most max_links %d", c.id, n, m.sc.Linking.MaxLinks)
		}
		// A need service's place is held only while a need it serves is unmet.
		for _, s := range [...]int{svcWelfareRights, svcHousing, svcSocialGroups, svcMentalHealth} {
			if c.links&(1<<s) == 0 {
				continue
			}
			serves := false
			for k := 0; k < numNeeds; k++ {
				serves = serves || (needService[k] == s && c.needs&(1<<k) != 0)
			}
			if !serves {
				fail("client %d holds a place at service %d whose needs are resolved", c.id, s)
			}
		}
		for a, v := range c.star {
			if v < 1 || v > 10 || math.IsNaN(float64(v)) {
				fail("client %d star[%d] = %g; want within [1,10]", c.id, a, v)
			}
		}
		if !(c.sm >= 0 && c.sm <= 1) {
			fail("client %d self-management %g outside [0,1]", c.id, c.sm)
		}
	}
	if engaged-a.leftN != activeEngaged {
		fail("engaged: ever %d - left %d = %d; want active engaged %d", engaged, a.leftN, engaged-a.leftN, activeEngaged)
	}
	for i := range m.neighbourhoods {
		if used[i] != m.neighbourhoods[i].used {
			fail("neighbourhood %d places used %v; clients linked %v", i, m.neighbourhoods[i].used, used[i])
		}
	}
	// Hours: every in-post worker accounts for exactly the contracted hours,
	// none negative; vacant posts work none.
	H := m.sc.Practice.ContractedHoursPerWeek
	for wi := range m.workers {
		w := &m.workers[wi]
		if w.caseload != caseload[wi] {
			fail("worker %d caseload %d; clients say %d", wi, w.caseload, caseload[wi])
		}
		sum := w.admin
		for k, h := range w.hours {
			if !(h >= -eps) { // also NaN
				fail("worker %d activity %d hours %g; want >= 0", wi, k, h)
			}
			sum += h
		}
		// A post worked this week if it was filled when hours were planned:
		// in post and not refilled this week, or its holder left this week.
		week := m.week - 1
		worked := (w.inPost && !(w.hiredWeek == week && week > 0)) || w.leftWeek == week
		if worked && !(math.Abs(sum-H) <= 1e-6) { // also NaN
			fail("worker %d hours %g; want contracted %g", wi, sum, H)
		}
		if !worked && sum != 0 {
			fail("post %d was vacant when hours were planned but worked %g hours", wi, sum)
		}
		if !(w.distress >= 0 && w.distress <= 1 && w.orientation >= 0 && w.orientation <= 1) {
			fail("worker %d distress %g orientation %g outside [0,1]", wi, w.distress, w.orientation)
		}
	}
	for i := range m.practices {
		if m.practices[i].pool < -eps {
			fail("practice %d pool %g < 0", i, m.practices[i].pool)
		}
	}
	// Payments within caps.
	for k, p := range m.sc.Contract.Payers {
		if m.payerPaid[k] > p.CapGBP+eps {
			fail("payer %s paid %g over cap %g", p.Name, m.payerPaid[k], p.CapGBP)
		}
	}
	// Money balances: SPV cash = outcome in + capital drawn - provider
	// payments - investor receipts; provider reserves = opening + revenue - cost.
	for i := range m.providers {
		p := &m.providers[i]
		l.revenue[i] += p.revenue
		l.cost[i] += p.cost
		l.sysRevenue += p.revenue
		if want := l.reserves0[i] + l.revenue[i] - l.cost[i]; !moneyNear(p.reserves, want, l.reserves0[i], l.revenue[i], l.cost[i]) {
			fail("provider %s reserves %g; want %g", p.name, p.reserves, want)
		}
		if !(p.pressure >= 0 && p.pressure <= 1 && p.culture >= 0 && p.culture <= 1) {
			fail("provider %s pressure %g culture %g outside [0,1]", p.name, p.pressure, p.culture)
		}
	}
	l.sysOutcome += m.weekly[len(m.weekly)-1][wcOutcomePayments]
	paid := 0.0
	for _, x := range m.payerPaid {
		paid += x
	}
	if !moneyNear(paid, l.sysOutcome) {
		fail("payers paid %g; outcome payments recorded %g", paid, l.sysOutcome)
	}
	if want := l.sysOutcome + m.drawn - l.sysRevenue - m.received; !moneyNear(m.spvCash, want, l.sysOutcome, m.drawn, l.sysRevenue, m.received) {
		fail("spv cash %g; want %g", m.spvCash, want)
	}
	// The SPV never pays out more than it holds; deferred payments are
	// never negative, and at the horizon what is still deferred is reported.
	if m.spvCash < -eps {
		fail("spv cash %g < 0", m.spvCash)
	}
	arrears := 0.0
	for i := range m.providers {
		if m.providers[i].arrears < -eps {
			fail("provider %s arrears %g < 0", m.providers[i].name, m.providers[i].arrears)
		}
		arrears += m.providers[i].arrears
	}
	if m.week == m.weeks && math.Abs(m.unsettled-arrears) > 1e-3 {
		fail("unsettled %g; want provider arrears at the horizon %g", m.unsettled, arrears)
	}
	// At the horizon nothing owed is left open: every rule in force has
	// settled its batches and cohorts (7.7.2, final settlement).
	if m.week == m.weeks {
		open := func(who string, phases []phase, ev *Evidence) {
			for _, ph := range phases {
				if !ph.active(m.week - 1) {
					continue
				}
				for _, wr := range ph.rules {
					switch r := wr.rule.(type) {
					case *wellbeingOutcome:
						if r.n > 0 {
							fail("%s: wellbeing batch of %d left open at the horizon", who, r.n)
						}
					case *secondaryCareOutcome:
						if r.settled < len(ev.Cohorts) {
							fail("%s: %d secondary-care cohorts left unsettled at the horizon", who, len(ev.Cohorts)-r.settled)
						}
					}
				}
			}
		}
		open("outcome payments", m.outcomePhases, &m.sysEv)
		for i := range m.providers {
			open("provider "+m.providers[i].name, m.providers[i].phases, &m.providers[i].ev)
		}
	}
	if m.drawn > m.sc.Contract.Investor.CapitalGBP+eps {
		fail("drawn %g over committed capital %g", m.drawn, m.sc.Contract.Investor.CapitalGBP)
	}
	if m.received > m.sc.Contract.Investor.MaxMultiple*m.drawn+eps {
		fail("investor received %g over %g x drawn %g", m.received, m.sc.Contract.Investor.MaxMultiple, m.drawn)
	}
	return bad
}

// TestInvariants steps shipped scenarios and variants, checking every
// invariant after every week.
func TestInvariants(t *testing.T) {
	base := loadShipped(t, "ways-to-wellness")
	tight := *base
	tight.Allocation.CaseloadMax = 30 // waiting lists and cross-cover
	tight.Allocation.CaseloadTarget = 25
	tight.Workforce.QuitBasePerYear = 0.6 // many quits, reassignment, vacancies
	tight.Workforce.VacancyWeeksMean = 20
	gaming := *base
	gaming.Assessment.GamingBiasPoints = 4
	type tcase struct {
		name  string
		sc    *scenario.Scenario
		weeks int
	}
	// Generous tariffs: the SPV cannot pay what providers earn.
	generous := *base
	generous.Contract.ProviderPayments = scaledTariffs(base.Contract.ProviderPayments, 10)
	cases := []tcase{
		{"tight-caseloads-high-turnover", &tight, 0},
		{"gaming", &gaming, 0},
		{"generous-tariffs", &generous, 0},
	}
	// Every shipped scenario (the national one for 20 weeks: it is large).
	names, err := fs.Glob(scenarios.FS, "*.yaml")
	if err != nil || len(names) < 3 {
		t.Fatalf("shipped scenarios: %v %v", names, err)
	}
	for _, f := range names {
		name := strings.TrimSuffix(f, ".yaml")
		weeks := 0
		if name == "england-national" {
			weeks = 20
		}
		cases = append(cases, tcase{name, loadShipped(t, name), weeks})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			weeks := tc.weeks
			if weeks == 0 {
				weeks = tc.sc.Weeks
			}
			reps := 2
			if tc.weeks > 0 {
				reps = 1
			}
			for rep := 0; rep < reps; rep++ {
				m, err := New(tc.sc, 7, rep)
				if err != nil {
					t.Fatal(err)
				}
				m.recordWeekly = true
				l := newLedger(m)
				for w := 0; w < weeks; w++ {
					m.Step()
					if bad := checkInvariants(m, l); len(bad) > 0 {
						for _, b := range bad[:min(len(bad), 10)] {
							t.Error(b)
						}
						t.FailNow()
					}
				}
			}
		})
	}
}

// moneyNear reports whether two sums of money agree: within 0.001 GBP, or
// within rounding of float64 sums (1e-12 of the largest amount involved)
// when the amounts reach billions.
func moneyNear(got, want float64, amounts ...float64) bool {
	scale := math.Max(math.Abs(got), math.Abs(want))
	for _, a := range amounts {
		scale = math.Max(scale, math.Abs(a))
	}
	return math.Abs(got-want) <= math.Max(1e-3, 1e-12*scale)
}

// scaledTariffs copies provider phases with every per-assessment tariff times k.
func scaledTariffs(phases []scenario.Phase, k float64) []scenario.Phase {
	out := make([]scenario.Phase, len(phases))
	for i, ph := range phases {
		out[i] = ph
		out[i].Rules = make([]scenario.Rule, len(ph.Rules))
		for j, r := range ph.Rules {
			if r.PerAssessment != nil {
				pa := *r.PerAssessment
				pa.TariffsGBP = append([]float64(nil), pa.TariffsGBP...)
				for t := range pa.TariffsGBP {
					pa.TariffsGBP[t] *= k
				}
				r.PerAssessment = &pa
			}
			out[i].Rules[j] = r
		}
	}
	return out
}
