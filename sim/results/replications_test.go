package results

import (
	"math"
	"testing"

	"github.com/sibsim/sibsim/sim/stats"
)

// TestReplicationsNeeded: metric a has replications 1..5 (mean 3, sd
// √2.5), so a half-width of 1 needs the smallest i with t(0.975, i−1) ·
// 1.581/√i ≤ 1: t(0.975,11)/√12 · 1.581 = 2.201 × 0.4564 = 1.005 and
// t(0.975,12)/√13 · 1.581 = 2.179 × 0.4385 = 0.955, so 13. Metric b is
// undefined in four of the five.
func TestReplicationsNeeded(t *testing.T) {
	d := &RunData{Metrics: []string{"a", "b"}}
	for i := range 5 {
		b := math.NaN()
		if i == 0 {
			b = 1
		}
		d.Replications = append(d.Replications, []float64{float64(i + 1), b})
	}
	h := stats.HalfWidth{Value: 1}
	got, err := d.ReplicationsNeeded(stats.Targets{Default: &h})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Replications != 13 || got[0].N != 5 || got[0].Mean != 3 {
		t.Fatalf("needs %+v; want a: 13 from 5 replications of mean 3", got)
	}
	if got[1].Replications != 0 || got[1].Reason == "" {
		t.Errorf("b: %+v; want no estimate, with a reason", got[1])
	}
}
