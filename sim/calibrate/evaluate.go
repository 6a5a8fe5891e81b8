package calibrate

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Proposal is one parameter vector to simulate: a design point of a batch.
type Proposal struct {
	// Generation and Index identify the proposal: index within its
	// generation's batch (generation 0 draws from the prior). Predictive
	// draws have Generation -1.
	Generation int `json:"generation"`
	Index      int `json:"index"`
	// Unit are the unit coordinates, Values the parameter values
	// (Spec.Values(Unit)), one per parameter.
	Unit   []float64 `json:"unit"`
	Values []float64 `json:"values"`
	// Seed is the simulation's seed, a hash of (seed, generation, index):
	// simulate with it and a fixed replication so that every proposal has
	// its own random numbers.
	Seed uint64 `json:"seed"`
}

// An Evaluator simulates a batch: it returns, for each proposal in order,
// one summary value per target (NaN where undefined). It may run the
// proposals in any order or in parallel; the result must depend only on
// each proposal's Values and Seed.
type Evaluator interface {
	Evaluate(ctx context.Context, batch []Proposal) ([][]float64, error)
}

// SimulateFunc simulates one proposal, returning one value per target.
type SimulateFunc func(ctx context.Context, p Proposal) ([]float64, error)

// Pointwise returns an Evaluator that calls fn for each proposal of a batch
// on workers goroutines (0 means runtime.GOMAXPROCS(0)), placing each
// result at its proposal's position. The first error cancels the batch and
// is returned, annotated with the proposal it came from.
func Pointwise(fn SimulateFunc, workers int) Evaluator {
	return pointwise{fn: fn, workers: workers}
}

type pointwise struct {
	fn      SimulateFunc
	workers int
}

func (e pointwise) Evaluate(ctx context.Context, batch []Proposal) ([][]float64, error) {
	out := make([][]float64, len(batch))
	workers := e.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(batch)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(batch) || ctx.Err() != nil {
					return
				}
				p := batch[i]
				xs, err := e.fn(ctx, p)
				if err != nil {
					once.Do(func() {
						firstErr = fmt.Errorf("generation %d, proposal %d: %w", p.Generation, p.Index, err)
						cancel()
					})
					return
				}
				out[i] = xs
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
