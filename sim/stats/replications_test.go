package stats

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestReplicationsFor checks known answers worked by hand from t tables:
// sd 1, β 0.5: t(0.975,16)/√17 = 2.120/4.123 = 0.514 > 0.5 and
// t(0.975,17)/√18 = 2.110/4.243 = 0.497, so 18. Relative 5% of mean 10:
// β = 10 × 0.05/1.05 = 0.476; t(0.975,18)/√19 = 0.482 and t(0.975,19)/√20 =
// 0.468, so 20.
func TestReplicationsFor(t *testing.T) {
	tests := []struct {
		n        int
		mean, sd float64
		h        HalfWidth
		want     int
		reason   string
	}{
		{10, 3, 1, HalfWidth{Value: 0.5}, 18, ""},
		{2, 3, 1, HalfWidth{Value: 0.5}, 18, ""},
		{10, 10, 1, HalfWidth{Value: 0.05, Relative: true}, 20, ""},
		{10, -10, 1, HalfWidth{Value: 0.05, Relative: true}, 20, ""},
		{40, 3, 1, HalfWidth{Value: 0.5}, 40, ""}, // already narrower
		{10, 3, 0, HalfWidth{Value: 0.5}, 10, ""},
		{1, 3, math.NaN(), HalfWidth{Value: 0.5}, 0, "fewer than 2 replications"},
		{10, math.NaN(), math.NaN(), HalfWidth{Value: 0.5}, 0, "undefined"},
		{10, 0, 1, HalfWidth{Value: 0.05, Relative: true}, 0, "mean 0"},
		{10, 3, 1e6, HalfWidth{Value: 1}, 0, "more than 10000000 replications"},
	}
	for _, tt := range tests {
		got, err := ReplicationsFor(tt.n, tt.mean, tt.sd, tt.h)
		if err != nil {
			t.Fatal(err)
		}
		if got.Replications != tt.want || !strings.Contains(got.Reason, tt.reason) || (tt.reason == "") != (got.Reason == "") {
			t.Errorf("ReplicationsFor(%d, %v, %v, %v) = %d (%q); want %d (%q)", tt.n, tt.mean, tt.sd, tt.h, got.Replications, got.Reason, tt.want, tt.reason)
		}
	}
}

// TestReplicationsForScan checks the bisection against a plain scan over
// i = n, n+1, ... for many targets.
func TestReplicationsForScan(t *testing.T) {
	for _, n := range []int{2, 3, 5, 10, 30} {
		for _, beta := range []float64{2, 1, 0.5, 0.3, 0.2, 0.1, 0.05} {
			got, err := ReplicationsFor(n, 1, 1, HalfWidth{Value: beta})
			if err != nil {
				t.Fatal(err)
			}
			want := n
			for TQuantile(0.975, float64(want-1))/math.Sqrt(float64(want)) > beta {
				want++
			}
			if got.Replications != want {
				t.Errorf("n %d, β %v: %d replications; the scan gives %d", n, beta, got.Replications, want)
			}
		}
	}
}

func TestReplicationsForErrors(t *testing.T) {
	for _, h := range []HalfWidth{{Value: 0}, {Value: -1}, {Value: math.Inf(1)}, {Value: math.NaN()}, {Value: 1, Relative: true}} {
		if _, err := ReplicationsFor(10, 1, 1, h); !errors.Is(err, ErrHalfWidth) {
			t.Errorf("ReplicationsFor(half-width %v) = %v; want ErrHalfWidth", h, err)
		}
	}
}
