//go:build !unix

package cputime

import "time"

var start = time.Now()

// Process falls back to wall time where the process CPU time is not
// available.
func Process() time.Duration { return time.Since(start) }
