package sim

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/scenario"
)

// TestRunOneHorizon: a horizon shorter than the scenario's must be the one
// the end-of-run rules use (the investor's final sweep, the second-reading
// denominator). Stepping a model by hand with that horizon must agree.
func TestRunOneHorizon(t *testing.T) {
	sc := loadShipped(t, "ways-to-wellness")
	const weeks = 200
	got, err := RunOne(context.Background(), sc, 3, 1, weeks, true)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := New(sc, 3, 1)
	m.weeks = weeks
	m.recordWeekly = true
	for w := 0; w < weeks; w++ {
		m.Step()
	}
	want := m.Result()
	if got.Replication != 1 {
		t.Errorf("RunOne(rep 1).Replication = %d; want 1", got.Replication)
	}
	if got.Weeks != weeks || len(got.Weekly) != weeks {
		t.Fatalf("RunOne(weeks=%d) ran %d weeks (%d rows)", weeks, got.Weeks, len(got.Weekly))
	}
	for i, c := range Metrics() {
		if !sameFloat(got.Metrics[i], want.Metrics[i]) {
			t.Errorf("RunOne %s = %g; want %g (horizon %d)", c.Name, got.Metrics[i], want.Metrics[i], weeks)
		}
	}
	// The final sweep uses the run's horizon: in its last week the buffer is
	// released, so principal still outstanding means the SPV kept no cash.
	if m.outstanding > 0 && m.spvCash > 1e-6 {
		t.Errorf("after the last week the SPV holds %g while %g principal is outstanding", m.spvCash, m.outstanding)
	}
	if m.outstanding <= 0 && m.drawn > 0 && m.received <= m.drawn {
		t.Errorf("principal repaid by week %d but the investor received %g of %g drawn; want a final return", weeks, m.received, m.drawn)
	}
}

func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// TestRunBatchWorkers: results are bit-identical for any worker count.
func TestRunBatchWorkers(t *testing.T) {
	sc := loadShipped(t, "ways-to-wellness")
	run := func(workers int) *Batch {
		b, err := RunBatch(context.Background(), sc, Options{Replications: 6, Seed: 11, Workers: workers, Weeks: 150})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := run(1), run(4)
	for r := range a.Results {
		ra, rb := a.Results[r], b.Results[r]
		for i := range ra.Metrics {
			if math.Float64bits(ra.Metrics[i]) != math.Float64bits(rb.Metrics[i]) {
				t.Fatalf("replication %d metric %s: %v (1 worker) != %v (4 workers)", r, Metrics()[i].Name, ra.Metrics[i], rb.Metrics[i])
			}
		}
		for w := range ra.Weekly {
			for c := range ra.Weekly[w] {
				if math.Float64bits(ra.Weekly[w][c]) != math.Float64bits(rb.Weekly[w][c]) {
					t.Fatalf("replication %d week %d column %s differs", r, w, WeeklyColumns()[c].Name)
				}
			}
		}
	}
}

func TestRunBatchOptions(t *testing.T) {
	sc := loadShipped(t, "ways-to-wellness")
	for _, o := range []Options{{Replications: 0}, {Replications: 1, Weeks: -1}} {
		if _, err := RunBatch(context.Background(), sc, o); !errors.Is(err, ErrBadOptions) {
			t.Errorf("RunBatch(%+v) error = %v; want ErrBadOptions", o, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RunBatch(ctx, sc, Options{Replications: 3}); !errors.Is(err, context.Canceled) {
		t.Errorf("RunBatch(cancelled) error = %v; want context.Canceled", err)
	}
}

// TestRunOnePanicIsInternalError builds a scenario in Go that skips
// validation and makes the model fail while building: RunOne must return
// an *InternalError saying where, not crash the program, and RunBatch must
// refuse the scenario before running it.
func TestRunOnePanicIsInternalError(t *testing.T) {
	sc := loadShipped(t, "ways-to-wellness").Clone()
	sc.Population.Practices = -1 // no practices list can have this length
	res, err := RunOne(context.Background(), sc, 1, 2, 4, false)
	var ie *InternalError
	if !errors.As(err, &ie) || res != nil {
		t.Fatalf("RunOne(practices -1) = %v, %v; want an *InternalError", res, err)
	}
	if ie.Replication != 2 || ie.Week != -1 || len(ie.Stack) == 0 {
		t.Errorf("RunOne(practices -1) = %+v; want replication 2, week -1 (set-up) and a stack", ie)
	}
	if want := "internal error in replication 2 at set-up: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("RunOne(practices -1) = %q; want prefix %q", err, want)
	}
	_, err = RunBatch(context.Background(), sc, Options{Replications: 2, Weeks: 4})
	var se *scenario.Error
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "population.practices: must be >= 1 (got -1)") {
		t.Errorf("RunBatch(practices -1) = %v; want the validation problem", err)
	}
	for _, weeks := range []int{-1, scenario.MaxWeeks + 1} {
		if _, err := RunOne(context.Background(), loadShipped(t, "ways-to-wellness"), 1, 0, weeks, false); !errors.Is(err, ErrBadOptions) {
			t.Errorf("RunOne(weeks %d) = %v; want ErrBadOptions", weeks, err)
		}
	}
}

// TestInvestorReturnFollowsOutcomes checks that the investor's return is not
// an input: with generous tariffs or no outcome payments the SPV defers
// providers rather than go overdrawn, and a loss shows as a negative IRR and
// a multiple below 1 (-1 and 0 for a total loss), not NA.
func TestInvestorReturnFollowsOutcomes(t *testing.T) {
	base := loadShipped(t, "ways-to-wellness")
	noOutcomes := *base
	noOutcomes.Contract.Payers = append([]scenario.Payer(nil), base.Contract.Payers...)
	for i := range noOutcomes.Contract.Payers {
		noOutcomes.Contract.Payers[i].CapGBP = 0
	}
	lowCaps := *base
	lowCaps.Contract.Payers = append([]scenario.Payer(nil), base.Contract.Payers...)
	for i := range lowCaps.Contract.Payers {
		lowCaps.Contract.Payers[i].CapGBP *= 0.4
	}
	get := func(sc *scenario.Scenario, name string) float64 {
		res, err := RunOne(context.Background(), sc, 11, 0, 0, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range res.Weekly {
			if row[wcSPVCash] < 0 {
				t.Fatalf("spv_cash_gbp = %g; want >= 0", row[wcSPVCash])
			}
		}
		return res.Metrics[metricIndex(t, name)]
	}
	if irr, mult := get(&noOutcomes, "investor_irr"), get(&noOutcomes, "investor_multiple"); irr != -1 || mult != 0 {
		t.Errorf("no outcome payments: irr %g, multiple %g; want -1 and 0 (total loss)", irr, mult)
	}
	if u := get(&noOutcomes, "unsettled_gbp"); !(u > 0) {
		t.Errorf("no outcome payments: unsettled_gbp = %g; want > 0 (providers left unpaid)", u)
	}
	irr, mult := get(&lowCaps, "investor_irr"), get(&lowCaps, "investor_multiple")
	if !(irr < 0 && irr > -1 && mult < 1) {
		t.Errorf("payer caps cut to 40%%: irr %g, multiple %g; want a loss (-1 < irr < 0, multiple < 1)", irr, mult)
	}
	if irr, mult := get(base, "investor_irr"), get(base, "investor_multiple"); !(irr > 0 && mult > 1 && mult < base.Contract.Investor.MaxMultiple) {
		t.Errorf("base: irr %g, multiple %g; want a gain below the cap %g", irr, mult, base.Contract.Investor.MaxMultiple)
	}
}
