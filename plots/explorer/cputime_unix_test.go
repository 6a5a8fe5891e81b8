//go:build unix

package explorer

import "syscall"

// cpuSeconds is the user and system CPU time the process has used: on a
// shared machine, a fairer measure of work than the wall clock.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
