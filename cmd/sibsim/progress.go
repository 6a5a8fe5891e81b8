package main

import (
	"fmt"
	"io"
	"time"

	"github.com/sibsim/sibsim/sim"
)

// weekProgress shows a batch's progress on one terminal line of stderr:
// replications done, weeks simulated over all replications and an
// estimate of the time left, redrawn at most every progressEvery. Weeks
// advance every 16 simulated weeks of each replication, so a long
// replication (england-national: seconds per replication) is never silent.
type weekProgress struct {
	w     io.Writer
	label string
	now   func() time.Time
	start time.Time
	last  time.Time
	drawn bool
	reps  int // replications done
	nreps int
	// weeksDone and weeksTotal are the last WeekProgress values.
	weeksDone, weeksTotal int
}

// progressEvery is the shortest time between two redraws.
const progressEvery = 250 * time.Millisecond

// newWeekProgress returns the progress line for a batch labelled label, or
// nil when stderr is not a terminal: redirected and piped output never
// shows progress.
func newWeekProgress(s streams, label string) *weekProgress {
	if !s.errTTY {
		return nil
	}
	now := time.Now
	if s.now != nil {
		now = s.now
	}
	return &weekProgress{w: s.err, label: label, now: now, start: now()}
}

// attach sets opts' progress callbacks to p's (nothing when p is nil).
func (p *weekProgress) attach(opts *sim.Options) {
	if p == nil {
		return
	}
	p.nreps = opts.Replications
	opts.Progress = func(done, _ int) {
		p.reps = done
		p.draw(done == p.nreps)
	}
	opts.WeekProgress = func(done, total int) {
		p.weeksDone, p.weeksTotal = done, total
		p.draw(false)
	}
}

// draw redraws the line unless it was drawn less than progressEvery ago
// (force draws anyway).
func (p *weekProgress) draw(force bool) {
	t := p.now()
	if p.drawn && !force && t.Sub(p.last) < progressEvery {
		return
	}
	done, total := p.weeksDone, p.weeksTotal
	p.last, p.drawn = t, true
	eta := ""
	if elapsed := t.Sub(p.start); done > 0 && done < total && elapsed > 0 {
		left := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
		eta = ", ETA " + left.Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r\033[Ksibsim: %s: replication %d/%d done, week %s of %s (%d%%)%s",
		p.label, p.reps, p.nreps, thousands(done), thousands(total), 100*done/max(total, 1), eta)
}

// clear removes the progress line (nothing when p is nil or never drawn).
func (p *weekProgress) clear() {
	if p != nil && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// thousands writes n with a comma every three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
