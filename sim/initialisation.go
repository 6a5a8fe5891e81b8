// ODD 5 Initialisation: practices, posts, hiring, providers and the contract at week 0.

package sim

import (
	"fmt"
	"math"

	"github.com/sibsim/sibsim/sim/scenario"
)

// minWageUnit (GBP per hour) is the smallest hourly wage cost used as the
// unit of the money term in time allocation (see provider.wageHour).
const minWageUnit = 1.0

// maxClientsHint caps the clients New makes room for up front (about 150
// MB), so that the largest allowed posts and caseloads do not reserve
// memory that referrals may never fill.
const maxClientsHint = 1 << 20

// New builds the initial state of replication rep of sc with master seed
// seed. sc must be a validated scenario.
func New(sc *scenario.Scenario, seed uint64, rep int) (*Model, error) {
	if sc == nil {
		return nil, fmt.Errorf("nil scenario")
	}
	m := &Model{sc: sc, weeks: sc.Weeks, capFactor: 1, gpFactor: 1}
	m.rs.init = newStream(seed, rep, streamInit)
	m.rs.referrals = newStream(seed, rep, streamReferrals)
	m.rs.clients = newStream(seed, rep, streamClients)
	m.rs.engagement = newStream(seed, rep, streamEngagement)
	m.rs.linking = newStream(seed, rep, streamLinking)
	m.rs.wellbeing = newStream(seed, rep, streamWellbeing)
	m.rs.health = newStream(seed, rep, streamHealth)
	m.rs.workforce = newStream(seed, rep, streamWorkforce)
	if err := m.initContract(); err != nil {
		return nil, err
	}
	m.initPlaces()
	m.initWorkers()
	m.poolInflow = sc.Population.EligibleInflowPerYear / 52
	for age := range m.ageRate {
		m.ageRate[age] = math.Pow(sc.Health.RateGrowthPerDecade, (float64(age)-57)/10)
	}
	// The active slice grows to about the posts' caseload capacity; reserve
	// it once rather than regrowing through the first year.
	posts := 0
	for _, p := range sc.Providers {
		posts += p.LinkWorkers
	}
	// Room for full caseloads, as a hint only: the slice grows as needed.
	m.clients = make([]client, 0, min(posts*sc.Allocation.CaseloadMax, maxClientsHint))
	m.acc.init(m)
	return m, nil
}

func (m *Model) initContract() error {
	c := &m.sc.Contract
	var err error
	if m.outcomePhases, err = buildPhases(c.OutcomePayments, c.Payers, m.sc.Health.TrackWeeks); err != nil {
		return fmt.Errorf("outcome payments: %w", err)
	}
	m.payerPaid = make([]float64, len(c.Payers))
	m.sysEv.PostShare = 1
	m.providers = make([]provider, len(m.sc.Providers))
	totalPosts := 0
	for _, p := range m.sc.Providers {
		totalPosts += p.LinkWorkers
	}
	for i, ps := range m.sc.Providers {
		p := &m.providers[i]
		if p.phases, err = buildPhases(c.ProviderPayments, nil, m.sc.Health.TrackWeeks); err != nil {
			return fmt.Errorf("provider payments: %w", err)
		}
		p.name = ps.Name
		p.culture = ps.Culture
		p.spread = ps.CultureSpread
		p.posts = ps.LinkWorkers
		if totalPosts > 0 {
			p.postShare = float64(ps.LinkWorkers) / float64(totalPosts)
		}
		p.costPerWorker = ps.SalaryGBP * (1 + ps.OnCostShare) / 52
		p.overheadWeek = ps.OverheadGBPPerPostYear / 52
		// The money term counts revenue per hour in multiples of the hourly
		// wage cost; a floor keeps it finite for an unpaid workforce.
		p.wageHour = max(p.costPerWorker/m.sc.Practice.ContractedHoursPerWeek, minWageUnit)
		p.reserves = ps.ReservesGBP
		p.ev.PostShare = p.postShare
	}
	return nil
}

// initPlaces lays out practices over neighbourhoods and providers, draws
// practice attributes, and sizes community services.
func (m *Model) initPlaces() {
	sc, r := m.sc, m.rs.init
	n := sc.Population.Practices
	m.practices = make([]practice, n)
	m.neighbourhoods = make([]neighbourhood, len(sc.Neighbourhoods))
	nbh := apportion(n, len(sc.Neighbourhoods), func(i int) float64 { return sc.Neighbourhoods[i].PracticeShare })
	prov := apportion(n, len(sc.Providers), func(i int) float64 { return sc.Providers[i].PracticeShare })
	cv := sc.Population.ListSizeCV
	for i := range m.practices {
		p := &m.practices[i]
		p.neighbourhood = nbh[i]
		p.provider = prov[i]
		// Log-normal list size with the given mean and CV.
		s2 := math.Log(1 + cv*cv)
		p.listSize = sc.Population.ListSizeMean * math.Exp(r.normal(-s2/2, math.Sqrt(s2)))
		p.pool0 = p.listSize * sc.Population.EligibleShare
		p.pool = p.pool0
		p.engagement = r.beta(sc.Referrals.GPEngagementMean, sc.Referrals.GPEngagementSD)
		// A candidate put forward this week is signed off next week at the
		// earliest (the ring slot for this week has already been read).
		d := r.geometricWeeks(sc.Referrals.SignOffDelayWeeksMean)
		if d > queueLen-1 {
			d = queueLen - 1
		}
		p.signOffDelay = d
		p.signOffProb = sc.Referrals.SignOffProbLow + (sc.Referrals.SignOffProbHigh-sc.Referrals.SignOffProbLow)*p.engagement
		p.room = r.bernoulli(sc.Population.RoomShare)
		p.it = r.bernoulli(sc.Population.ITAccessShare)
		p.queue = make([]int, queueLen)
		m.neighbourhoods[p.neighbourhood].eligible0 += p.pool0
	}
	for i, ns := range sc.Neighbourhoods {
		nb := &m.neighbourhoods[i]
		svcs := [numServices]scenario.Service{ns.Services.Exercise, ns.Services.SocialGroups, ns.Services.WelfareRights, ns.Services.Housing, ns.Services.MentalHealth, ns.Services.HealthyEating}
		for s, sv := range svcs {
			nb.places[s] = sv.PlacesPer1000Eligible * nb.eligible0 / 1000
			nb.distanceKm[s] = sv.DistanceKm
		}
		nb.setReach(&sc.Linking)
	}
}

// apportion assigns n items to k groups by shares, deterministically, by
// largest remainder, in contiguous blocks.
func apportion(n, k int, share func(int) float64) []int {
	counts := make([]int, k)
	rem := make([]float64, k)
	total := 0
	for i := 0; i < k; i++ {
		x := share(i) * float64(n)
		counts[i] = int(math.Floor(x))
		rem[i] = x - float64(counts[i])
		total += counts[i]
	}
	for total < n {
		best := 0
		for i := 1; i < k; i++ {
			if rem[i] > rem[best] {
				best = i
			}
		}
		counts[best]++
		rem[best] = -1
		total++
	}
	out := make([]int, 0, n)
	for i, c := range counts {
		for j := 0; j < c; j++ {
			out = append(out, i)
		}
	}
	return out
}

// initWorkers creates the funded posts of each provider and spreads them
// over the provider's practices; every post starts filled.
func (m *Model) initWorkers() {
	sc := m.sc
	for pi := range m.providers {
		var mine []int32
		for i := range m.practices {
			if m.practices[i].provider == pi {
				mine = append(mine, int32(i))
			}
		}
		posts := m.providers[pi].posts
		for k := 0; k < posts; k++ {
			w := worker{provider: int32(pi)}
			if len(mine) > 0 {
				// Post k serves practices k, k+posts, k+2*posts, ... of the provider
				// (or shares practice k mod len when posts outnumber practices).
				if posts >= len(mine) {
					w.practices = []int32{mine[k%len(mine)]}
				} else {
					for j := k; j < len(mine); j += posts {
						w.practices = append(w.practices, mine[j])
					}
				}
			}
			rooms, its := 0, 0
			for _, pr := range w.practices {
				m.practices[pr].posts = append(m.practices[pr].posts, int32(len(m.workers)))
				if m.practices[pr].room {
					rooms++
				}
				if m.practices[pr].it {
					its++
				}
			}
			np := len(w.practices)
			w.room = np > 0 && 2*rooms >= np
			w.adminShare = sc.Practice.AdminShare
			if np > 0 {
				w.adminShare += sc.Practice.NoITAdminExtraShare * float64(np-its) / float64(np)
			}
			m.hire(&w, 0)
			m.providers[pi].postIdx = append(m.providers[pi].postIdx, int32(len(m.workers)))
			m.workers = append(m.workers, w)
		}
	}
}

// hire fills post w with a new link worker whose orientation is drawn
// around the provider's culture (the hiring profile).
func (m *Model) hire(w *worker, week int) {
	p := &m.providers[w.provider]
	w.id = m.nextWorkerID
	m.nextWorkerID++
	w.inPost = true
	w.orientation = clamp(m.rs.workforce.normal(p.culture, p.spread), 0, 1)
	w.distress = 0
	w.enacted = w.orientation
	w.preferred = w.orientation
	w.readings = 0
	w.hiredWeek = week
	w.leftWeek = -1
}
