package calibrate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Particle is one simulated parameter vector with its outcome.
type Particle struct {
	// Generation and Index identify the proposal it came from.
	Generation int `json:"generation"`
	Index      int `json:"index"`
	// Unit are its unit coordinates and Values its parameter values.
	Unit   []float64 `json:"unit"`
	Values []float64 `json:"values"`
	// Seed is the simulation seed it was run with.
	Seed uint64 `json:"seed"`
	// Summaries are the simulated values of the targets, Distance their
	// distance from the targets (see Distance).
	Summaries []float64 `json:"summaries"`
	Distance  float64   `json:"distance"`
	// LogWeight is the log of its unnormalised importance weight π/q.
	LogWeight float64 `json:"log_weight"`
}

// GenerationStats records one generation.
type GenerationStats struct {
	Generation int `json:"generation"`
	// Simulations run in this generation, and in all so far.
	Simulations int `json:"simulations"`
	Total       int `json:"total"`
	// Epsilon is the tolerance after the generation: the largest distance
	// of the kept particles.
	Epsilon float64 `json:"epsilon"`
	// AcceptRate is the share of the generation's simulations within the
	// previous tolerance (1 for generation 0, drawn at ε = ∞).
	AcceptRate float64 `json:"accept_rate"`
	// ESS is the effective sample size of the kept particles.
	ESS float64 `json:"ess"`
}

// Population is the state of a sampler after a generation: the weighted
// particles that approximate the ABC posterior at tolerance Epsilon. It is
// a complete checkpoint: the next generation depends on nothing else but
// the Spec and Config.
type Population struct {
	GenerationStats
	// Particles are the kept particles, nearest first (ties broken by
	// generation then index).
	Particles []Particle `json:"particles"`
	// History holds the statistics of every generation so far, this one
	// last.
	History []GenerationStats `json:"history"`
	// Inert lists, in the first generation's population only, the targets
	// (by index) that took one value in every simulation of that
	// generation, drawn from the priors (inertTargets): the parameters do
	// not move them. Absent when there are none.
	Inert []int `json:"inert,omitempty"`
}

// inertTargets returns, in target order, the indices of the targets whose
// summary is the same in every row of sums (one row per simulation, one
// value per target), or undefined (NaN or infinite) in all of them. Such
// a target adds the same distance to every particle, so it cannot guide
// the fit: over the first generation, drawn from the priors, it means the
// parameters do not move it, as when the horizon is too short for a
// metric (investor_irr over a few weeks is -1 in every run). Fewer than two
// rows have none.
func inertTargets(sums [][]float64) []int {
	if len(sums) < 2 {
		return nil
	}
	defined := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	var out []int
	for t := range sums[0] {
		first, same := sums[0][t], true
		for _, row := range sums[1:] {
			if x := row[t]; defined(x) != defined(first) || (defined(x) && x != first) {
				same = false
				break
			}
		}
		if same {
			out = append(out, t)
		}
	}
	return out
}

// Config controls SMC. Zero thresholds are off, but Budget or
// MaxGenerations must be set so that sampling ends.
type Config struct {
	// Seed is the master seed of proposals and simulation seeds.
	Seed uint64
	// Particles is the population size N (>= 4); Alpha in (0, 1) the share
	// kept each generation, N_α = ⌊αN⌋ >= 2. Each generation after the
	// first runs N − N_α simulations.
	Particles int
	Alpha     float64
	// MinAcceptRate stops sampling after a generation whose acceptance rate
	// is below it (Lenormand et al. suggest 0.01 to 0.05).
	MinAcceptRate float64
	// MinEpsilonDrop stops sampling after a generation that cut ε by less
	// than this share of its previous value.
	MinEpsilonDrop float64
	// Epsilon stops sampling once ε <= Epsilon. Sampling also stops at
	// ε = 0, when every kept particle meets the targets exactly.
	Epsilon float64
	// Budget caps the total number of simulations: sampling stops when the
	// next generation would exceed it.
	Budget int
	// MaxGenerations caps the number of generations, the first included.
	MaxGenerations int
}

// DefaultConfig returns N = 1000, α = 0.5, stopping at an acceptance rate
// below 0.05 or after 100 generations.
func DefaultConfig() Config {
	return Config{Particles: 1000, Alpha: 0.5, MinAcceptRate: 0.05, MaxGenerations: 100}
}

// Validate returns every problem with c, joined, or nil.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Particles < 4 {
		bad("particles must be >= 4 (got %d)", c.Particles)
	}
	if !(c.Alpha > 0 && c.Alpha < 1) {
		bad("alpha must be in (0, 1) (got %v)", c.Alpha)
	} else if c.Particles >= 4 {
		if k := c.keep(); k < 2 || k >= c.Particles {
			bad("alpha %v keeps %d of %d particles; want at least 2 and fewer than all", c.Alpha, k, c.Particles)
		}
	}
	unit := func(name string, x float64) {
		if !(x >= 0 && x < 1) {
			bad("%s must be in [0, 1) (got %v)", name, x)
		}
	}
	unit("min accept rate", c.MinAcceptRate)
	unit("min epsilon drop", c.MinEpsilonDrop)
	if !(c.Epsilon >= 0) || math.IsInf(c.Epsilon, 0) {
		bad("epsilon must be finite and >= 0 (got %v)", c.Epsilon)
	}
	if c.Budget < 0 {
		bad("budget must be >= 0 (got %d)", c.Budget)
	}
	if c.MaxGenerations < 0 {
		bad("max generations must be >= 0 (got %d)", c.MaxGenerations)
	}
	if c.Budget == 0 && c.MaxGenerations == 0 {
		bad("set a budget or a maximum number of generations")
	}
	if c.Budget > 0 && c.Particles >= 4 && c.Budget < c.Particles {
		bad("budget %d is less than the first generation's %d simulations", c.Budget, c.Particles)
	}
	return errors.Join(errs...)
}

func (c Config) keep() int { return int(math.Floor(c.Alpha * float64(c.Particles))) }

// StopReason says why sampling stopped.
type StopReason string

// Stop reasons, in the order Stop checks them.
const (
	StopExact       StopReason = "exact"       // ε = 0
	StopEpsilon     StopReason = "epsilon"     // ε <= Config.Epsilon
	StopInert       StopReason = "inert"       // every target took one value in every simulation of the first generation (Population.Inert)
	StopAcceptance  StopReason = "acceptance"  // acceptance rate < Config.MinAcceptRate
	StopStalled     StopReason = "stalled"     // ε fell by < Config.MinEpsilonDrop
	StopGenerations StopReason = "generations" // Config.MaxGenerations reached
	StopBudget      StopReason = "budget"      // the next generation would exceed Config.Budget
)

// ErrUndefined is wrapped by the error of a generation that cannot keep
// N_α particles because too many simulations gave undefined targets.
var ErrUndefined = errors.New("too many simulations gave undefined targets")

// SMC is the adaptive population Monte Carlo ABC sampler (see the package
// documentation).
type SMC struct {
	spec Spec
	cfg  Config
}

// NewSMC returns the sampler for spec and cfg, or every problem with them.
func NewSMC(spec Spec, cfg Config) (*SMC, error) {
	if err := errors.Join(spec.Validate(), cfg.Validate()); err != nil {
		return nil, err
	}
	return &SMC{spec: spec, cfg: cfg}, nil
}

// Propose returns the batch of the generation after prev: N draws from the
// prior when prev is nil (generation 0), else N − N_α draws from the
// kernel around prev's particles. Proposal i of generation t draws from
// its own stream (seed, t, i), so Propose is a pure function of prev.
func (s *SMC) Propose(prev *Population) []Proposal {
	gen, n := 0, s.cfg.Particles
	var kn kernel
	if prev != nil {
		gen, n = prev.Generation+1, s.cfg.Particles-s.cfg.keep()
		kn = newKernel(prev.Particles)
	}
	return s.propose(gen, n, prev, kn)
}

func (s *SMC) propose(gen, n int, prev *Population, kn kernel) []Proposal {
	k := len(s.spec.Parameters)
	out := make([]Proposal, n)
	for i := range out {
		r := newRand(s.cfg.Seed, streamPropose, gen, i)
		var u []float64
		if prev == nil {
			u = make([]float64, k)
			for j := range u {
				u[j] = unitFloat(r)
			}
		} else {
			u = kn.sample(r)
		}
		out[i] = Proposal{Generation: gen, Index: i, Unit: u, Values: s.spec.Values(u), Seed: simSeed(s.cfg.Seed, streamSimulate, gen, i)}
	}
	return out
}

// Update returns the population after the generation following prev (nil
// for generation 0), given sums: the evaluated summaries of Propose(prev),
// in order. New particles are weighted π/q (1 in generation 0); the N_α
// nearest of prev's particles and the new ones are kept, and ε is the
// largest kept distance. The error wraps ErrUndefined when fewer than N_α
// particles have a finite distance.
func (s *SMC) Update(prev *Population, sums [][]float64) (*Population, error) {
	gen := 0
	var kn kernel
	if prev != nil {
		gen = prev.Generation + 1
		kn = newKernel(prev.Particles)
	}
	n := s.cfg.Particles
	if prev != nil {
		n -= s.cfg.keep()
	}
	props := s.propose(gen, n, prev, kn)
	fresh, err := score(s.spec, props, sums, func(u []float64) float64 {
		if prev == nil {
			return 0 // π = q = 1 on the unit cube
		}
		return -kn.logDensity(u)
	})
	if err != nil {
		return nil, err
	}
	accept := 1.0
	if prev != nil {
		in := 0
		for _, p := range fresh {
			if p.Distance <= prev.Epsilon {
				in++
			}
		}
		accept = float64(in) / float64(len(fresh))
	}
	var all []Particle
	if prev != nil {
		all = append(all, prev.Particles...)
	}
	all = append(all, fresh...)
	kept, err := keepNearest(all, s.cfg.keep(), s.spec.Targets)
	if err != nil {
		return nil, fmt.Errorf("generation %d: %w", gen, err)
	}
	pop := newPopulation(prev, gen, len(props), accept, kept)
	if prev == nil {
		pop.Inert = inertTargets(sums)
	}
	return pop, nil
}

// score turns evaluated proposals into particles weighted by logWeight.
func score(spec Spec, props []Proposal, sums [][]float64, logWeight func([]float64) float64) ([]Particle, error) {
	if len(sums) != len(props) {
		return nil, fmt.Errorf("evaluator returned %d results for %d proposals", len(sums), len(props))
	}
	out := make([]Particle, len(props))
	for i, p := range props {
		if len(sums[i]) != len(spec.Targets) {
			return nil, fmt.Errorf("generation %d, proposal %d: evaluator returned %d summaries for %d targets", p.Generation, p.Index, len(sums[i]), len(spec.Targets))
		}
		out[i] = Particle{
			Generation: p.Generation, Index: p.Index, Unit: p.Unit, Values: p.Values, Seed: p.Seed,
			Summaries: slices.Clone(sums[i]), Distance: Distance(spec.Targets, sums[i]), LogWeight: logWeight(p.Unit),
		}
	}
	return out, nil
}

// sortParticles orders particles nearest first, ties by generation then
// index.
func sortParticles(ps []Particle) {
	slices.SortFunc(ps, func(a, b Particle) int {
		return cmp.Or(cmp.Compare(a.Distance, b.Distance), cmp.Compare(a.Generation, b.Generation), cmp.Compare(a.Index, b.Index))
	})
}

// keepNearest returns the n nearest of ps, whose summaries are of targets.
// When fewer than n have a finite distance the error wraps ErrUndefined
// and names each target undefined in some particle, with how many.
func keepNearest(ps []Particle, n int, targets []Target) ([]Particle, error) {
	ps = slices.Clone(ps)
	sortParticles(ps)
	if math.IsInf(ps[n-1].Distance, 1) {
		finite := 0
		undefined := make([]int, len(targets))
		for _, p := range ps {
			if !math.IsInf(p.Distance, 1) {
				finite++
			}
			for t, x := range p.Summaries {
				if t < len(targets) && (math.IsNaN(x) || math.IsInf(x, 0)) {
					undefined[t]++
				}
			}
		}
		var which []string
		for t, k := range undefined {
			if k > 0 {
				which = append(which, fmt.Sprintf("%s in %d", targets[t].Name, k))
			}
		}
		return nil, fmt.Errorf("%w: %d of %d defined, %d needed (undefined: %s)", ErrUndefined, finite, len(ps), n, strings.Join(which, ", "))
	}
	return ps[:n], nil
}

func newPopulation(prev *Population, gen, sims int, accept float64, kept []Particle) *Population {
	st := GenerationStats{
		Generation: gen, Simulations: sims, Total: sims,
		Epsilon: kept[len(kept)-1].Distance, AcceptRate: accept,
		ESS: ESS(normalisedWeights(kept)),
	}
	var hist []GenerationStats
	if prev != nil {
		st.Total += prev.Total
		hist = slices.Clone(prev.History)
	}
	return &Population{GenerationStats: st, Particles: kept, History: append(hist, st)}
}

// Stop reports whether sampling should stop after pop, and why.
func (s *SMC) Stop(pop *Population) (StopReason, bool) {
	c := s.cfg
	switch {
	case pop.Epsilon == 0:
		return StopExact, true
	case c.Epsilon > 0 && pop.Epsilon <= c.Epsilon:
		return StopEpsilon, true
	case s.allInert(pop):
		return StopInert, true
	case pop.Generation > 0 && c.MinAcceptRate > 0 && pop.AcceptRate < c.MinAcceptRate:
		return StopAcceptance, true
	case pop.Generation > 0 && c.MinEpsilonDrop > 0 && len(pop.History) >= 2 &&
		pop.History[len(pop.History)-2].Epsilon-pop.Epsilon < c.MinEpsilonDrop*pop.History[len(pop.History)-2].Epsilon:
		return StopStalled, true
	case c.MaxGenerations > 0 && pop.Generation+1 >= c.MaxGenerations:
		return StopGenerations, true
	case c.Budget > 0 && pop.Total+c.Particles-c.keep() > c.Budget:
		return StopBudget, true
	}
	return "", false
}

// allInert reports whether every target was inert over the first
// generation (Population.Inert): every particle then has the same
// distance, and no later generation can lower the tolerance.
func (s *SMC) allInert(pop *Population) bool {
	return pop.Generation == 0 && len(pop.Inert) > 0 && len(pop.Inert) == len(s.spec.Targets)
}

// RunOptions control SMC.Run.
type RunOptions struct {
	// Resume, if set, is a population from an earlier run of the same Spec
	// and Config to continue from.
	Resume *Population
	// OnPopulation, if set, is called after every generation, to report
	// progress or save a checkpoint; an error stops the run and is
	// returned.
	OnPopulation func(*Population) error
}

// Run samples until a stopping rule holds, evaluating each generation's
// batch with eval, and returns the last population and why it stopped.
// The result is the same for any Evaluator that honours its contract and
// whether or not the run was resumed. If ctx is cancelled, Run returns
// ctx's error and the last complete population.
func (s *SMC) Run(ctx context.Context, eval Evaluator, opts RunOptions) (*Population, StopReason, error) {
	pop := opts.Resume
	for {
		if pop != nil {
			if why, stop := s.Stop(pop); stop {
				return pop, why, nil
			}
		}
		if err := ctx.Err(); err != nil {
			return pop, "", err
		}
		sums, err := eval.Evaluate(ctx, s.Propose(pop))
		if err != nil {
			return pop, "", err
		}
		next, err := s.Update(pop, sums)
		if err != nil {
			return pop, "", err
		}
		pop = next
		if opts.OnPopulation != nil {
			if err := opts.OnPopulation(pop); err != nil {
				return pop, "", err
			}
		}
	}
}
