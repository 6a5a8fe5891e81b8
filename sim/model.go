package sim

import (
	"math"

	"github.com/sibsim/sibsim/sim/scenario"
)

// Model is one replication of the simulation. TEMPORARY STUB: being replaced by the real model.
type Model struct {
	sc           *scenario.Scenario
	week         int
	recordWeekly bool
	weekly       [][]float64
}

// New builds a model for replication rep of sc with master seed seed.
func New(sc *scenario.Scenario, seed uint64, rep int) (*Model, error) {
	return &Model{sc: sc}, nil
}

// Step advances the model one week.
func (m *Model) Step() {
	if m.recordWeekly {
		m.weekly = append(m.weekly, make([]float64, numWeeklyCols))
	}
	m.week++
}

// Result returns the replication's outputs.
func (m *Model) Result() *Result {
	met := make([]float64, numMetrics)
	met[mInvestorIRR] = math.NaN()
	return &Result{Weeks: m.week, Weekly: m.weekly, Metrics: met}
}
