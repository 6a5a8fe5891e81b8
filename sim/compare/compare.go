// Package compare compares scenarios run with common random numbers.
//
// Scenarios run with the same master seed share random streams replication
// by replication: replication r of every scenario draws the same numbers
// wherever the scenarios do the same thing. The difference between two
// scenarios in replication r is then mostly the policy, not noise, and the
// paired difference x_s,r - x_0,r has a far smaller variance than the
// difference of two independent means. Compare computes, for each scenario
// and metric, the mean over replications with its 95% Student-t interval
// and the paired difference from the first (reference) scenario with its
// 95% interval.
//
// Like package stats, Compare ignores values that are not finite: a
// scenario's mean uses its replications where the metric is defined, and a
// paired difference uses the replications where both scenarios define it.
package compare

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/stats"
)

// Input is one scenario's per-replication metric values.
type Input struct {
	// Name is the scenario's name.
	Name string
	// Seed is the master seed the replications ran with.
	Seed uint64
	// ReplicationIDs[r] is the replication index (as passed to sim.RunOne)
	// of row r of Values; nil means 0, 1, 2, ... in order.
	ReplicationIDs []int
	// Metrics names the columns of Values.
	Metrics []string
	// Values[r][m] is metric Metrics[m] in replication row r; NaN when
	// undefined.
	Values [][]float64
}

// FromBatch returns the input for a batch run by sim.RunBatch, named name.
func FromBatch(name string, b *sim.Batch) Input {
	in := Input{Name: name, Seed: b.Options.Seed}
	for _, c := range sim.Metrics() {
		in.Metrics = append(in.Metrics, c.Name)
	}
	for _, r := range b.Results {
		in.ReplicationIDs = append(in.ReplicationIDs, r.Replication)
		in.Values = append(in.Values, r.Metrics)
	}
	return in
}

// FromRun returns the input for a run directory read by results.ReadRun:
// its scenario name and seed from the manifest, its replications from
// replications.csv.
func FromRun(d *results.RunData) Input {
	in := Input{Metrics: d.Metrics, ReplicationIDs: d.ReplicationIDs, Values: d.Replications}
	if d.Manifest != nil {
		in.Name, in.Seed = d.Manifest.Scenario, d.Manifest.Seed
	}
	return in
}

// Stat compares one metric of one scenario with the reference.
type Stat struct {
	// N is the number of replications in which the metric is finite, and
	// Mean, Lo95 and Hi95 their mean and 95% Student-t interval (NaN when
	// N = 0, and the interval NaN when N < 2).
	N                int
	Mean, Lo95, Hi95 float64
	// NPaired is the number of replications in which both this scenario and
	// the reference define the metric. Diff is the mean over them of the
	// paired difference (this scenario minus the reference), and DiffLo95,
	// DiffHi95 its 95% Student-t interval. All three are NaN for the
	// reference itself and when NPaired = 0; the interval is NaN when
	// NPaired < 2.
	NPaired                  int
	Diff, DiffLo95, DiffHi95 float64
}

// ExcludesZero reports whether the 95% interval of the paired difference is
// defined and excludes zero: the scenarios differ on this metric beyond
// what the replications' noise explains.
func (s Stat) ExcludesZero() bool {
	return s.DiffLo95 > 0 || s.DiffHi95 < 0
}

// Comparison is the result of Compare.
type Comparison struct {
	// Scenarios names the scenarios, the reference first.
	Scenarios []string
	// Metrics names the metrics, in the reference's order.
	Metrics []string
	// Seed and Replications are shared by every scenario.
	Seed         uint64
	Replications int
	// Stats[s][m] compares metric Metrics[m] of scenario Scenarios[s].
	Stats [][]Stat
	// Scales[s] says how the payments of scenario Scenarios[s] were
	// rescaled for an equal-cost comparison (EqualCost). Compare leaves it
	// nil; a missing entry means not rescaled.
	Scales []Scale
}

// Scale returns how scenario s was rescaled: c.Scales[s], or the zero
// Scale (not rescaled) with Factor 1.
func (c *Comparison) Scale(s int) Scale {
	if s >= 0 && s < len(c.Scales) && c.Scales[s].Rescaled() {
		return c.Scales[s]
	}
	return Scale{Factor: 1}
}

// Stat returns the statistics of the named metric for scenario s (an index
// into Scenarios).
func (c *Comparison) Stat(s int, metric string) (Stat, bool) {
	m := slices.Index(c.Metrics, metric)
	if m < 0 || s < 0 || s >= len(c.Stats) {
		return Stat{}, false
	}
	return c.Stats[s][m], true
}

// ErrUnpaired is wrapped by the errors Compare returns when the scenarios'
// replications cannot be paired: different seeds, replication counts or
// replication indices.
var ErrUnpaired = errors.New("replications cannot be paired")

// Compare compares scenarios[1:] with scenarios[0], the reference, on every
// metric of the reference. Every scenario must have the reference's seed,
// replication count and replication indices (replication r of each shares
// random streams) and define every metric of the reference; otherwise the
// error wraps ErrUnpaired. Metrics are matched by name.
func Compare(scenarios []Input) (*Comparison, error) {
	if len(scenarios) == 0 {
		return nil, errors.New("compare: no scenarios")
	}
	ref := scenarios[0]
	if err := check(ref); err != nil {
		return nil, err
	}
	c := &Comparison{
		Metrics:      slices.Clone(ref.Metrics),
		Seed:         ref.Seed,
		Replications: len(ref.Values),
	}
	refIDs := ids(ref)
	// cols[s][m][r] is the value of metric m in replication r of scenario s.
	cols := make([][][]float64, len(scenarios))
	for s, in := range scenarios {
		if err := check(in); err != nil {
			return nil, err
		}
		switch {
		case in.Seed != ref.Seed:
			return nil, fmt.Errorf("%w: %s has seed %d, %s has seed %d", ErrUnpaired, in.Name, in.Seed, ref.Name, ref.Seed)
		case len(in.Values) != len(ref.Values):
			return nil, fmt.Errorf("%w: %s has %d replications, %s has %d", ErrUnpaired, in.Name, len(in.Values), ref.Name, len(ref.Values))
		case !slices.Equal(ids(in), refIDs):
			return nil, fmt.Errorf("%w: %s and %s hold different replication indices", ErrUnpaired, in.Name, ref.Name)
		}
		cols[s] = make([][]float64, len(c.Metrics))
		for m, name := range c.Metrics {
			j := slices.Index(in.Metrics, name)
			if j < 0 {
				return nil, fmt.Errorf("%w: %s has no metric %s", ErrUnpaired, in.Name, name)
			}
			col := make([]float64, len(in.Values))
			for r, row := range in.Values {
				col[r] = row[j]
			}
			cols[s][m] = col
		}
		c.Scenarios = append(c.Scenarios, in.Name)
	}
	c.Stats = make([][]Stat, len(scenarios))
	diffs := make([]float64, 0, c.Replications)
	for s := range scenarios {
		c.Stats[s] = make([]Stat, len(c.Metrics))
		for m := range c.Metrics {
			x := cols[s][m]
			d := stats.Describe(x)
			st := Stat{N: d.N, Mean: d.Mean, Lo95: d.Lo95, Hi95: d.Hi95,
				Diff: math.NaN(), DiffLo95: math.NaN(), DiffHi95: math.NaN()}
			if s > 0 {
				diffs = paired(diffs[:0], x, cols[0][m])
				dd := stats.Describe(diffs)
				st.NPaired, st.Diff, st.DiffLo95, st.DiffHi95 = dd.N, dd.Mean, dd.Lo95, dd.Hi95
			}
			c.Stats[s][m] = st
		}
	}
	return c, nil
}

// paired appends x[r] - y[r] to dst for every r where both are finite.
func paired(dst, x, y []float64) []float64 {
	for r := range x {
		if finite(x[r]) && finite(y[r]) {
			dst = append(dst, x[r]-y[r])
		}
	}
	return dst
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// check rejects an input whose shape is inconsistent.
func check(in Input) error {
	if len(in.Values) == 0 {
		return fmt.Errorf("compare: %s has no replications", in.Name)
	}
	if in.ReplicationIDs != nil && len(in.ReplicationIDs) != len(in.Values) {
		return fmt.Errorf("compare: %s has %d replication indices for %d replications", in.Name, len(in.ReplicationIDs), len(in.Values))
	}
	for r, row := range in.Values {
		if len(row) != len(in.Metrics) {
			return fmt.Errorf("compare: %s replication row %d has %d values for %d metrics", in.Name, r, len(row), len(in.Metrics))
		}
	}
	return nil
}

func ids(in Input) []int {
	if in.ReplicationIDs != nil {
		return in.ReplicationIDs
	}
	out := make([]int, len(in.Values))
	for i := range out {
		out[i] = i
	}
	return out
}

// KeyMetrics lists the metrics that comparison tables show, in the order
// shown: care and choice, engagement, wellbeing, linking, secondary care,
// money and the workforce. Every name is a metric of sim.Metrics().
func KeyMetrics() []string {
	return []string{
		"care_share",
		"care_share_last_year",
		"outreach_hours_share",
		"engaged_share",
		"disengaged_share_complex",
		"disengaged_share_simple",
		"star_gain_complex",
		"star_gain_simple",
		"linking_success_share",
		"secondary_care_cost_reduction",
		"provider_revenue_gbp",
		"outcome_payments_gbp",
		"investor_irr",
		"commissioner_cost_per_engaged_gbp",
		"mean_distress",
		"linkworker_quits_per_year",
	}
}
