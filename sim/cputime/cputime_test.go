package cputime

import "testing"

// TestProcessAdvances checks the clock counts work done: a busy loop (50
// million dependent multiply-adds, tens to hundreds of ms) must advance it.
func TestProcessAdvances(t *testing.T) {
	t0 := Process()
	x := 1.0
	for i := 0; i < 50_000_000; i++ {
		x = x*1.0000001 + 1e-9
	}
	t1 := Process()
	if x == 0 || t1 <= t0 {
		t.Errorf("CPU time went from %v to %v over a busy loop", t0, t1)
	}
}
