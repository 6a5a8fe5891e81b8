// ODD 3 Process overview and scheduling: the model state and the weekly order of phases (Step).

package sim

import "github.com/sibsim/sibsim/sim/scenario"

// queueLen is the length of each practice's sign-off ring (weeks); sign-off
// delays are capped below it.
const queueLen = 64

// Model is one replication of the simulation: the clock, agents in ID-ordered
// slices, the random streams and the contract state.
type Model struct {
	sc    *scenario.Scenario
	week  int
	weeks int // horizon, for the final settlement and end-of-run metrics; RunOne sets it

	practices      []practice
	neighbourhoods []neighbourhood
	providers      []provider
	workers        []worker
	clients        []client // active clients, ID order, and any lost to continuity in this week's workforce phase (state marks them; respond drops them)
	nextClientID   int32
	nextWorkerID   int32

	// Contract.
	outcomePhases []phase
	sysEv         Evidence
	payerPaid     []float64
	settledAtEnd  float64 // outcome payments made at the horizon's final settlement
	overCap       float64 // outcome amounts due that payers' caps held back
	arrearsWeeks  int     // weeks ending with provider payments deferred
	arrearsPeak   float64 // largest end-of-week provider arrears
	unsettled     float64 // provider arrears left unpaid at the horizon
	spvCash       float64
	drawn         float64 // investor capital drawn
	outstanding   float64 // principal outstanding
	received      float64 // paid to the investor
	investorFlows []float64

	// Scratch and derived.
	remote         bool
	capFactor      float64
	gpFactor       float64
	poolInflow     float64                           // per week, share of pool0
	ageRate        [256]float64                      // secondary-care rate multiplier by age
	needSurv       []float64                         // chance a need is unmet after k weeks without the programme
	rateNow        [1 << numNeeds]float64            // needRateFactor(needs, 1) by set of unmet needs, set with needSurv
	needSurvEffect [][2]float64                      // needSurv[k] × unmet_need_rate_effect and × anxiety_rate_effect
	penTab         *[1 << numNeeds][numAreas]float32 // Star-area penalties by set of unmet needs (penalties)
	tgtTab         *[1 << numNeeds][numAreas]float32 // Star-area targets before condition penalty and lift (starTargets)
	perCx          [][numNeeds + 2]perCx             // perCx[w][cx]: what a week of post w's support gives a client of complexity cx (setPerCx)
	noWorker       [numNeeds + 2]perCx               // a week of support without a worker (setPerCx)
	provVals       []provValues                      // planTime's scratch: each provider's share of the hour values this week
	touched        []bool                            // workforce: posts whose clients change worker this week
	cnt            struct {                          // end-of-week client counts, kept by respond and workforce
		waiting, active, engaged int
		star                     float64
	}
	rs           struct{ init, referrals, clients, engagement, linking, wellbeing, health, workforce *stream }
	recordWeekly bool
	weekly       [][]float64
	provWeekly   [][][]float64
	row          [numWeeklyCols]float64
	acc          accumulators
}

// Week returns the number of weeks simulated so far.
func (m *Model) Week() int { return m.week }

// Step advances the model one week. The phases run in the order of
// docs/ODD.md section 3; each is specified in the ODD section 7 submodel of
// that name and number and lives in the file shown:
//
//   - 7.1 schedule and prices (schedule.go)
//   - 7.2 referrals (referrals.go)
//   - 7.3 allocation (allocation.go)
//   - 7.4 link-worker time allocation (timeallocation.go)
//   - 7.5 client response, including readings (clientresponse.go)
//   - 7.6 outreach yield and community groups (outreach.go)
//   - 7.7 money (money.go, with the funding rules in funding.go)
//   - 7.8 management (management.go)
//   - 7.9 workforce (workforce.go)
//   - 7.10 observation (observation.go)
func (m *Model) Step() {
	m.schedule()
	m.setPrices()
	m.referrals()
	m.allocate()
	m.planTime()
	m.respond()
	m.outreachYield()
	m.money()
	m.manage()
	m.workforce()
	m.observe()
	m.week++
}
