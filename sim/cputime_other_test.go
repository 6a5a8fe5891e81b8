//go:build !unix

package sim

import "time"

var cpuStart = time.Now()

// cpuTime falls back to wall time where the process CPU time is not
// available.
func cpuTime() time.Duration { return time.Since(cpuStart) }
