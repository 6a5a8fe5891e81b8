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
	clients        []client // active clients, ID order
	nextClientID   int32
	nextWorkerID   int32

	// Contract.
	outcomePhases []phase
	sysEv         Evidence
	payerPaid     []float64
	spvCash       float64
	drawn         float64 // investor capital drawn
	outstanding   float64 // principal outstanding
	received      float64 // paid to the investor
	investorFlows []float64

	// Scratch and derived.
	remote     bool
	capFactor  float64
	gpFactor   float64
	poolInflow float64      // per week, share of pool0
	ageRate    [256]float64 // secondary-care rate multiplier by age
	cnt        struct {     // end-of-week client counts, kept by respond and workforce
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

// Step advances the model one week. The phases run in this order (docs/ODD.md
// section 3): schedule, prices, referrals, allocation, time use, client
// response and assessments, outreach yield, money, management, workforce,
// observation.
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
