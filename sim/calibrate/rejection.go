package calibrate

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// RejectionConfig controls Rejection.
type RejectionConfig struct {
	// Seed is the master seed; Draws (>= 1) the number of prior draws.
	Seed  uint64
	Draws int
	// Exactly one of Keep and Epsilon is set: Keep (1 <= Keep <= Draws)
	// keeps the nearest Keep draws, ε being the largest kept distance;
	// Epsilon (> 0) keeps the draws within it.
	Keep    int
	Epsilon float64
}

// Validate returns every problem with c, joined, or nil.
func (c RejectionConfig) Validate() error {
	var errs []error
	if c.Draws < 1 {
		errs = append(errs, fmt.Errorf("draws must be >= 1 (got %d)", c.Draws))
	}
	switch {
	case c.Keep != 0 && c.Epsilon != 0:
		errs = append(errs, errors.New("set keep or epsilon, not both"))
	case c.Keep == 0 && c.Epsilon == 0:
		errs = append(errs, errors.New("set keep or epsilon"))
	case c.Keep < 0 || c.Keep > c.Draws:
		errs = append(errs, fmt.Errorf("keep must be in [1, draws] (got %d)", c.Keep))
	case c.Epsilon < 0 || math.IsNaN(c.Epsilon) || math.IsInf(c.Epsilon, 0):
		errs = append(errs, fmt.Errorf("epsilon must be finite and > 0 (got %v)", c.Epsilon))
	}
	return errors.Join(errs...)
}

// ErrNoneAccepted is returned by rejection with a fixed tolerance when no
// draw falls within it.
var ErrNoneAccepted = errors.New("no draw within the tolerance")

// RejectionSampler is ABC rejection (see the package documentation).
type RejectionSampler struct {
	spec Spec
	cfg  RejectionConfig
}

// NewRejection returns the rejection sampler for spec and cfg, or every
// problem with them.
func NewRejection(spec Spec, cfg RejectionConfig) (*RejectionSampler, error) {
	if err := errors.Join(spec.Validate(), cfg.Validate()); err != nil {
		return nil, err
	}
	return &RejectionSampler{spec: spec, cfg: cfg}, nil
}

// Propose returns the batch: Draws prior draws, generation 0. Draw i is
// the same as proposal i of generation 0 of an SMC with the same seed.
func (r *RejectionSampler) Propose() []Proposal {
	s := &SMC{spec: r.spec, cfg: Config{Seed: r.cfg.Seed}}
	return s.propose(0, r.cfg.Draws, nil, kernel{})
}

// Accept returns the accepted draws, equally weighted, given sums: the
// evaluated summaries of Propose(), in order. The population's
// AcceptRate is the share of draws kept.
func (r *RejectionSampler) Accept(sums [][]float64) (*Population, error) {
	all, err := score(r.spec, r.Propose(), sums, func([]float64) float64 { return 0 })
	if err != nil {
		return nil, err
	}
	var kept []Particle
	if r.cfg.Keep > 0 {
		if kept, err = keepNearest(all, r.cfg.Keep, r.spec.Targets); err != nil {
			return nil, err
		}
	} else {
		for _, p := range all {
			if p.Distance <= r.cfg.Epsilon {
				kept = append(kept, p)
			}
		}
		if len(kept) == 0 {
			return nil, fmt.Errorf("%w %v in %d draws", ErrNoneAccepted, r.cfg.Epsilon, len(all))
		}
		sortParticles(kept)
	}
	pop := newPopulation(nil, 0, len(all), float64(len(kept))/float64(len(all)), kept)
	pop.Inert = inertTargets(sums)
	if r.cfg.Epsilon > 0 {
		pop.Epsilon = r.cfg.Epsilon
		pop.History[0].Epsilon = r.cfg.Epsilon
	}
	return pop, nil
}

// Run evaluates the batch with eval and accepts.
func (r *RejectionSampler) Run(ctx context.Context, eval Evaluator) (*Population, error) {
	sums, err := eval.Evaluate(ctx, r.Propose())
	if err != nil {
		return nil, err
	}
	return r.Accept(sums)
}
