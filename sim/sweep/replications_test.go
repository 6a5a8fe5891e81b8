package sweep

import (
	"math"
	"testing"

	"github.com/sibsim/sibsim/sim/stats"
)

// TestReplicationsNeeded: in the Ishigami fixture the two replications of
// every point differ by 0.02, so each point's sd, and the pooled sd, is
// 0.02/√2; the need for a half-width of 0.005 is the smallest i with
// t(0.975, i−1) · 0.01414/√i ≤ 0.005, which a plain scan finds. The metric
// sometimes_na is undefined in one replication of every tenth point (no
// estimate there) and constant elsewhere (the 2 replications suffice).
func TestReplicationsNeeded(t *testing.T) {
	a := analyze(t, ishigami(8, false).write(t), nil, 0)
	h := stats.HalfWidth{Value: 0.005}
	got, err := a.ReplicationsNeeded(stats.Targets{Default: &h})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Metric != "ishigami" || got[1].Metric != "sometimes_na" {
		t.Fatalf("needs %+v; want ishigami and sometimes_na", got)
	}
	sd := 0.02 / math.Sqrt2
	want := 2
	for stats.TQuantile(0.975, float64(want-1))*sd/math.Sqrt(float64(want)) > 0.005 {
		want++
	}
	g := got[0]
	if math.Abs(g.Pooled.SD-sd) > 1e-9 || g.Pooled.Replications != want || g.Pooled.N != 2 {
		t.Errorf("ishigami pooled: sd %v, %d replications (from %d); want sd %v, %d (from 2)", g.Pooled.SD, g.Pooled.Replications, g.Pooled.N, sd, want)
	}
	if g.Worst.Replications != want || g.WorstPoint != 0 || g.Unestimated != 0 {
		t.Errorf("ishigami worst: %d at point %d, %d unestimated; want %d at point 0 (all alike), 0", g.Worst.Replications, g.WorstPoint, g.Unestimated, want)
	}
	na := got[1]
	if na.Unestimated != 4 || na.Worst.Replications != 2 || na.Pooled.Replications != 2 {
		t.Errorf("sometimes_na: %d unestimated, worst %d, pooled %d; want 4 (points 0, 10, 20, 30), 2, 2", na.Unestimated, na.Worst.Replications, na.Pooled.Replications)
	}

	// Per-metric targets; metrics without one are left out.
	only, err := a.ReplicationsNeeded(stats.Targets{ByMetric: map[string]stats.HalfWidth{"sometimes_na": {Value: 0.1, Relative: true}}})
	if err != nil || len(only) != 1 || only[0].Metric != "sometimes_na" || !only[0].Target.Relative {
		t.Errorf("ReplicationsNeeded(one target) = %+v, %v", only, err)
	}
	if _, err := a.ReplicationsNeeded(stats.Targets{ByMetric: map[string]stats.HalfWidth{"ishigami": {Value: -1}}}); err == nil {
		t.Error("ReplicationsNeeded(negative half-width) = nil error")
	}
}

// TestReplicationsNeededPerPolicy: with policies, each policy's need rests
// on its own runs. Policy a's replications at every point are m, m+1, m+2
// (sd 1) and b's m, m+2, m+4 (sd 2), so the pooled sds are 1 and 2 and b
// needs more replications for the same half-width.
func TestReplicationsNeededPerPolicy(t *testing.T) {
	r := &Results{Replications: 3, Policies: []string{"a", "b"}, Metrics: []string{"m"}, Points: [][]float64{{0}, {1}}}
	r.Values = [][]float64{make([]float64, 12)}
	a := &Analysis{Results: r}
	for pol, step := range []float64{1, 2} {
		m := &MetricAnalysis{Name: "m", Policy: r.Policies[pol]}
		for p := range r.Points {
			for rep := range 3 {
				r.Values[0][r.Run(p, rep, pol)] = 10*float64(p) + step*float64(rep)
			}
			m.Mean = append(m.Mean, 10*float64(p)+step)
		}
		a.Metrics = append(a.Metrics, m)
	}
	h := stats.HalfWidth{Value: 0.5}
	got, err := a.ReplicationsNeeded(stats.Targets{Default: &h})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Policy != "a" || got[1].Policy != "b" {
		t.Fatalf("needs %+v; want one for a, one for b", got)
	}
	for i, sd := range []float64{1, 2} {
		want := 3
		for stats.TQuantile(0.975, float64(want-1))*sd/math.Sqrt(float64(want)) > 0.5 {
			want++
		}
		g := got[i]
		if math.Abs(g.Pooled.SD-sd) > 1e-12 || g.Pooled.Replications != want || g.Worst.Replications != want {
			t.Errorf("%s: pooled sd %v, %d replications, worst %d; want sd %v, %d", g.Policy, g.Pooled.SD, g.Pooled.Replications, g.Worst.Replications, sd, want)
		}
	}
}
