package sim

import (
	"time"

	"github.com/sibsim/sibsim/sim/cputime"
)

// cpuTime is the process's CPU time so far (cputime.Process).
func cpuTime() time.Duration { return cputime.Process() }
