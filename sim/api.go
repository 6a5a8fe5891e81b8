// Package sim is the sibsim agent-based model as a library: a weekly model of
// link-worker social prescribing paid for through a social impact bond.
//
// The package has no flags, no printing and no global state. Build a model
// from a resolved scenario.Scenario with New and step it, or run many
// seeded replications with RunBatch. docs/ODD.md describes the model;
// docs/outputs.md describes every column and metric.
//
// Each model file implements one part of docs/ODD.md and names that ODD
// section on its first line; Model.Step lists the weekly phases in order
// with the file of each.
package sim

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/sibsim/sibsim/sim/scenario"
)

// Options controls a batch of replications.
type Options struct {
	// Replications is the number of independent replications (>= 1).
	Replications int
	// Seed is the master seed; replication r uses streams derived from (Seed, r, stream).
	Seed uint64
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	// Results never depend on it.
	Workers int
	// Weeks overrides the scenario's horizon when > 0.
	Weeks int
	// NoWeekly skips recording weekly series (summary metrics only).
	NoWeekly bool
	// Progress, if set, is called after each replication completes with the
	// number done and the total. Calls are serialised.
	Progress func(done, total int)
	// WeekProgress, if set, is called as replications run with the weeks
	// simulated so far, summed over replications, and the total
	// (replications × weeks): at least every 16 weeks of each replication,
	// and when it ends. Calls are serialised with each other and with
	// Progress. It never changes results.
	WeekProgress func(weeksDone, weeksTotal int)
}

// Batch is the outcome of RunBatch: one Result per replication, in
// replication order.
type Batch struct {
	Scenario *scenario.Scenario
	Options  Options
	Results  []*Result
}

// Result is one replication's output.
type Result struct {
	Replication int
	Weeks       int
	// Weekly[w][c] is weekly column c (WeeklyColumns) in week w; nil with NoWeekly.
	Weekly [][]float64
	// Providers names the providers in ProviderWeekly order.
	Providers []string
	// ProviderWeekly[p][w][c] is provider column c (ProviderColumns) of provider p in week w.
	ProviderWeekly [][][]float64
	// Metrics[i] is summary metric i (Metrics()); NaN when undefined.
	Metrics []float64
}

// ErrBadOptions wraps every error RunBatch returns for invalid Options.
var ErrBadOptions = errors.New("invalid options")

// InternalError reports a fault inside the model: a run that panicked.
// It is a bug, never the user's input (a valid scenario always runs), and
// RunOne and RunBatch return it instead of crashing the program.
type InternalError struct {
	Replication int
	// Week is the week being simulated, -1 while the model is built.
	Week int
	// Value is what the model panicked with; Stack is the goroutine's stack.
	Value any
	Stack []byte
}

func (e *InternalError) Error() string {
	where := fmt.Sprintf("week %d", e.Week)
	if e.Week < 0 {
		where = "set-up"
	}
	return fmt.Sprintf("internal error in replication %d at %s: %v", e.Replication, where, e.Value)
}

// RunBatch runs opts.Replications replications of sc, in parallel on
// opts.Workers goroutines. The results are identical for any worker count.
// If ctx is cancelled, RunBatch stops early and returns ctx.Err().
func RunBatch(ctx context.Context, sc *scenario.Scenario, opts Options) (*Batch, error) {
	if opts.Replications < 1 {
		return nil, fmt.Errorf("%w: replications must be >= 1 (got %d)", ErrBadOptions, opts.Replications)
	}
	if opts.Weeks < 0 || opts.Weeks > scenario.MaxWeeks {
		return nil, fmt.Errorf("%w: weeks must be between 0 and %d (got %d)", ErrBadOptions, scenario.MaxWeeks, opts.Weeks)
	}
	if sc == nil {
		return nil, errors.New("nil scenario")
	}
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("invalid scenario: %w", err)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > opts.Replications {
		workers = opts.Replications
	}
	b := &Batch{Scenario: sc, Options: opts, Results: make([]*Result, opts.Replications)}
	jobs := make(chan int)
	var mu sync.Mutex
	var firstErr error
	done := 0
	weeksDone, weeksTotal := 0, opts.Weeks
	if weeksTotal <= 0 {
		weeksTotal = sc.Weeks
	}
	weeksTotal *= opts.Replications
	var tick func(int)
	if opts.WeekProgress != nil {
		tick = func(n int) {
			mu.Lock()
			weeksDone += n
			opts.WeekProgress(weeksDone, weeksTotal)
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				res, err := runOne(ctx, sc, opts.Seed, r, opts.Weeks, !opts.NoWeekly, tick)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				b.Results[r] = res
				done++
				if opts.Progress != nil && err == nil {
					opts.Progress(done, opts.Replications)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for r := 0; r < opts.Replications; r++ {
		select {
		case jobs <- r:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return b, nil
}

// RunOne runs replication rep of sc with master seed seed for weeks weeks
// (0 = the scenario's horizon, at most scenario.MaxWeeks). It is a pure
// function of its arguments. sc must be valid (Validate returns nil);
// RunOne does not check it again, as a sweep runs one scenario many times.
// A panic inside the model is returned as an *InternalError.
func RunOne(ctx context.Context, sc *scenario.Scenario, seed uint64, rep, weeks int, weekly bool) (*Result, error) {
	return runOne(ctx, sc, seed, rep, weeks, weekly, nil)
}

// runOne is RunOne, calling tick (if not nil) with the weeks stepped since
// its last call every 16 weeks and at the end.
func runOne(ctx context.Context, sc *scenario.Scenario, seed uint64, rep, weeks int, weekly bool, tick func(int)) (res *Result, err error) {
	if weeks < 0 || weeks > scenario.MaxWeeks {
		return nil, fmt.Errorf("%w: weeks must be between 0 and %d (got %d)", ErrBadOptions, scenario.MaxWeeks, weeks)
	}
	week := -1
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, &InternalError{Replication: rep, Week: week, Value: v, Stack: debug.Stack()}
		}
	}()
	m, err := New(sc, seed, rep)
	if err != nil {
		return nil, err
	}
	if weeks <= 0 {
		weeks = sc.Weeks
	}
	m.weeks = weeks // the final settlement and end-of-run metrics use the horizon
	m.recordWeekly = weekly
	for week = 0; week < weeks; week++ {
		if week%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if tick != nil && week > 0 {
				tick(16)
			}
		}
		m.Step()
	}
	if tick != nil && weeks > 0 {
		tick((weeks-1)%16 + 1)
	}
	res = m.Result()
	res.Replication = rep
	return res, nil
}
