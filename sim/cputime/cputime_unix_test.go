//go:build unix

package cputime

import (
	"testing"
	"time"
)

// TestProcessIsNotWallTime checks the clock is CPU time, not wall time:
// over a 300 ms sleep it must advance by much less than 300 ms.
func TestProcessIsNotWallTime(t *testing.T) {
	t0 := Process()
	time.Sleep(300 * time.Millisecond)
	if d := Process() - t0; d > 100*time.Millisecond {
		t.Errorf("CPU time advanced %v over a 300 ms sleep; want well under 100 ms", d)
	}
}
