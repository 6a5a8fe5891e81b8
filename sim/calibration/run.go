package calibration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sweep"
)

// Names in a calibration directory.
const (
	StateFile    = "calibration.json"
	ManifestFile = "manifest.json"
	shardsSuffix = "-shards"
)

// GenerationDir is the sweep directory of generation gen.
func GenerationDir(gen int) string { return fmt.Sprintf("gen-%03d", gen) }

// PopulationFile is the checkpoint written after generation gen.
func PopulationFile(gen int) string { return fmt.Sprintf("population-%03d.json", gen) }

// CheckDir is the sweep directory of the predictive check drawn from the
// population of generation gen.
func CheckDir(gen int) string { return fmt.Sprintf("check-%03d", gen) }

// ErrOutDir is wrapped by every error that rejects a calibration
// directory: it holds other files, or another calibration.
var ErrOutDir = errors.New("unusable calibration directory")

// ErrBudget is wrapped by the error for a budget too small for the
// sampler's first generation and the predictive check.
var ErrBudget = errors.New("budget too small")

// Options control Run. The results never depend on Workers, on sharding or
// on interruptions.
type Options struct {
	// Workers is the number of simulation goroutines; 0 means all cores.
	Workers int
	// Budget caps the simulations, the predictive check's included; 0 means
	// the targets file's.
	Budget int
	// Shard and Shards (Shards > 1) run only shard Shard of the next
	// generation's sweep (or of the check), in DIR/gen-NNN-shards/shard-K,
	// and return; an unsharded Run then merges the shards and goes on.
	Shard, Shards int
	// Step stops after one new population has been written (a cluster job
	// per generation; see docs/calibration.md).
	Step bool
	// Version is the sibsim version; a directory started by another
	// version is refused.
	Version string
	// OnRun, if set, is called after every simulation with the batch's
	// directory name (gen-NNN or check-NNN) and the runs done and to do in
	// it. Calls are serialised.
	OnRun func(batch string, done, total int)
	// OnGeneration, if set, is called with every new population, after it
	// is saved.
	OnGeneration func(*calibrate.Population)
}

// Result is what Run did and found.
type Result struct {
	// Budget is the budget used and Hash the calibration's (see Hash).
	Budget int
	Hash   string
	// Done says what state the directory is in: DoneShard after running a
	// shard, DoneStep after one generation of a stepped run, DoneComplete
	// when every output is written.
	Done Done
	// Population is the last population, Stop why sampling stopped (empty
	// unless complete).
	Population *calibrate.Population
	Stop       calibrate.StopReason
	// Resumed counts the populations found in the directory at the start.
	Resumed int
	// The rest is set when complete: the posterior summaries; the
	// predictive draws, their simulated targets (one row per draw) and the
	// check of each target; the calibrated scenario's file name.
	Summaries  []calibrate.Summary
	Draws      []calibrate.Proposal
	Predictive [][]float64
	Check      []calibrate.TargetCheck
	Files      []string
}

// Done is the state Run leaves a directory in.
type Done string

// States.
const (
	DoneShard    Done = "shard"
	DoneStep     Done = "step"
	DoneComplete Done = "complete"
)

// state is calibration.json. A directory is resumed only by the build
// that started it (Version, GoVersion and Arch, as in sweep manifests):
// another toolchain or architecture may round differently.
type state struct {
	Format    int    `json:"format"`
	Name      string `json:"name"`
	Hash      string `json:"calibration_sha256"`
	Version   string `json:"sibsim_version"`
	GoVersion string `json:"go_version"`
	Arch      string `json:"arch"`
}

var (
	errShardDone = errors.New("shard done")
	errStepDone  = errors.New("step done")
)

// Run calibrates c in dir: new or empty, or holding an earlier run of the
// same calibration (same Hash, same version), which it continues from its
// last population. See the package documentation for the layout. If ctx
// is cancelled it stops, keeping every complete population and chunk, and
// returns ctx's error.
func Run(ctx context.Context, c *Calibration, dir string, opts Options) (*Result, error) {
	budget := opts.Budget
	if budget == 0 {
		budget = c.File.Budget
	}
	if budget <= c.File.CheckDraws {
		return nil, fmt.Errorf("%w: %d simulations leave none after the %d of the predictive check", ErrBudget, budget, c.File.CheckDraws)
	}
	if budget > MaxBudget {
		return nil, fmt.Errorf("%w: at most %d simulations (got %d)", ErrBudget, MaxBudget, budget)
	}
	if _, err := c.smc(budget); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBudget, err)
	}
	if opts.Shards <= 1 {
		opts.Shard, opts.Shards = 0, 1
	}
	if opts.Shard < 0 || opts.Shard >= opts.Shards {
		return nil, fmt.Errorf("shard %d out of range for %d shards", opts.Shard, opts.Shards)
	}
	res := &Result{Budget: budget, Hash: c.Hash(budget)}
	if err := openDir(dir, state{Format: FormatVersion, Name: c.File.Name, Hash: res.Hash, Version: opts.Version, GoVersion: runtime.Version(), Arch: results.Arch()}); err != nil {
		return nil, err
	}
	if err := removeManifest(dir); err != nil {
		return nil, err
	}
	last, err := lastPopulation(dir)
	if err != nil {
		return nil, err
	}
	if last != nil {
		res.Resumed = last.Generation + 1
	}
	ev := &evaluator{c: c, dir: dir, opts: opts}
	var pop *calibrate.Population
	if c.File.Method == MethodRejection {
		pop, err = runRejection(ctx, c, budget, ev, last, dir, opts)
		res.Stop = "draws"
	} else {
		pop, res.Stop, err = runSMC(ctx, c, budget, ev, last, dir, opts)
	}
	res.Population = pop
	switch {
	case errors.Is(err, errShardDone):
		res.Done = DoneShard
		return res, nil
	case errors.Is(err, errStepDone):
		res.Done = DoneStep
		return res, nil
	case err != nil:
		return res, err
	}
	// The posterior predictive check.
	res.Summaries = calibrate.Summarise(c.Spec, pop)
	res.Draws = calibrate.Predictive(pop, c.File.CheckDraws, c.File.Seed)
	ev.checkFrom = pop.Generation
	res.Predictive, err = ev.Evaluate(ctx, res.Draws)
	if errors.Is(err, errShardDone) {
		res.Done = DoneShard
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Check = calibrate.Check(c.Spec.Targets, res.Predictive)
	if err := writeOutputs(ctx, c, dir, res, opts.Version); err != nil {
		return res, err
	}
	res.Done = DoneComplete
	return res, nil
}

func runSMC(ctx context.Context, c *Calibration, budget int, ev *evaluator, last *calibrate.Population, dir string, opts Options) (*calibrate.Population, calibrate.StopReason, error) {
	s, err := calibrate.NewSMC(c.Spec, c.config(budget))
	if err != nil {
		return nil, "", err
	}
	return s.Run(ctx, ev, calibrate.RunOptions{Resume: last, OnPopulation: func(p *calibrate.Population) error {
		if err := savePopulation(dir, p); err != nil {
			return err
		}
		if opts.OnGeneration != nil {
			opts.OnGeneration(p)
		}
		if opts.Step {
			return errStepDone
		}
		return nil
	}})
}

func runRejection(ctx context.Context, c *Calibration, budget int, ev *evaluator, last *calibrate.Population, dir string, opts Options) (*calibrate.Population, error) {
	if last != nil {
		return last, nil
	}
	r, err := calibrate.NewRejection(c.Spec, c.rejection(budget))
	if err != nil {
		return nil, err
	}
	pop, err := r.Run(ctx, ev)
	if err != nil {
		return nil, err
	}
	if err := savePopulation(dir, pop); err != nil {
		return nil, err
	}
	if opts.OnGeneration != nil {
		opts.OnGeneration(pop)
	}
	return pop, nil
}

// openDir checks dir for a calibration with state want, or creates it.
func openDir(dir string, want state) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if l, lerr := os.Lstat(dir); lerr == nil && l.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: %s is a symbolic link that does not resolve", ErrOutDir, dir)
		}
		entries = nil
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) && !isDir(dir) {
			return fmt.Errorf("%w: %s is not a directory", ErrOutDir, dir)
		}
		return err
	}
	if len(entries) > 0 {
		data, err := os.ReadFile(filepath.Join(dir, StateFile))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s holds %s but no %s; use a new or empty directory", ErrOutDir, dir, entries[0].Name(), StateFile)
		}
		if err != nil {
			return err
		}
		var got state
		if err := json.Unmarshal(data, &got); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrOutDir, filepath.Join(dir, StateFile), err)
		}
		switch {
		case got.Format != want.Format:
			return fmt.Errorf("%w: %s holds a calibration of format %d; this sibsim writes format %d", ErrOutDir, dir, got.Format, want.Format)
		case got.Hash != want.Hash:
			return fmt.Errorf("%w: %s holds another calibration (sha256 %s; this one is %s): the base scenario, priors, targets, seed, method, particles, alpha or check draws differ",
				ErrOutDir, dir, short(got.Hash), short(want.Hash))
		}
		if d, ok := results.DiffBuilds(got.build(), want.build()); ok {
			return fmt.Errorf("%w: %s was started by a build of another %s (%s; this one is %s), whose results may differ",
				ErrOutDir, dir, d.What, d.A, d.B)
		}
		for _, e := range entries {
			if !ours(e.Name()) {
				return fmt.Errorf("%w: %s holds %s, which a calibration does not write", ErrOutDir, dir, e.Name())
			}
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, StateFile), want)
}

// build is the build that started the calibration in s.
func (s state) build() results.Build {
	return results.Build{Version: s.Version, GoVersion: s.GoVersion, Arch: s.Arch}
}

func isDir(name string) bool {
	st, err := os.Stat(name)
	return err == nil && st.IsDir()
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// ours reports whether a calibration writes name.
func ours(name string) bool {
	if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
		return true
	}
	if slices.Contains(outputFiles, name) || name == StateFile || name == ManifestFile || name == FiguresDir {
		return true
	}
	for _, pre := range []string{"gen-", "check-", "population-"} {
		if strings.HasPrefix(name, pre) {
			return true
		}
	}
	return false
}

// lastPopulation reads the population of the highest generation in dir,
// or returns nil if there is none. Populations must run from 0 without a
// gap.
func lastPopulation(dir string) (*calibrate.Population, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	top := -1
	for _, e := range entries {
		s, ok := strings.CutPrefix(e.Name(), "population-")
		if !ok {
			continue
		}
		s, ok = strings.CutSuffix(s, ".json")
		g, err := strconv.Atoi(s)
		if !ok || err != nil || g < 0 || PopulationFile(g) != e.Name() {
			return nil, fmt.Errorf("%w: %s holds %s, which a calibration does not write", ErrOutDir, dir, e.Name())
		}
		top = max(top, g)
	}
	if top < 0 {
		return nil, nil
	}
	name := filepath.Join(dir, PopulationFile(top))
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var p calibrate.Population
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: not a population file: %w", name, err)
	}
	if p.Generation != top || len(p.Particles) == 0 || len(p.History) != top+1 {
		return nil, fmt.Errorf("%s: population of generation %d with %d particles and %d generations of history; want generation %d",
			name, p.Generation, len(p.Particles), len(p.History), top)
	}
	return &p, nil
}

func savePopulation(dir string, p *calibrate.Population) error {
	if err := writeJSON(filepath.Join(dir, PopulationFile(p.Generation)), p); err != nil {
		return err
	}
	return results.SyncDir(dir)
}

func writeJSON(name string, v any) error {
	return results.WriteFileAtomic(name, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// evaluator simulates a batch of proposals as a sweep of explicit points
// in the batch's own directory.
type evaluator struct {
	c    *Calibration
	dir  string
	opts Options
	// checkFrom is the generation predictive draws come from.
	checkFrom int
}

// Evaluate runs the valid proposals of batch (those whose scenario
// validates) as a sweep and returns their targets; invalid proposals get
// NaN, an infinite distance.
func (e *evaluator) Evaluate(ctx context.Context, batch []calibrate.Proposal) ([][]float64, error) {
	c := e.c
	out := make([][]float64, len(batch))
	nan := make([]float64, len(c.Spec.Targets))
	for i := range nan {
		nan[i] = math.NaN()
	}
	spec := sweep.PointsSpec{
		Description: c.File.Description, Base: c.File.Base, Weeks: c.Weeks,
		Metrics: c.Metrics(), Parameters: c.File.Parameters,
	}
	var valid []int
	for i, p := range batch {
		sc, err := sweep.ApplyParameters(c.Base.Scenario, c.File.Parameters, p.Values)
		if err == nil {
			err = sc.Validate()
		}
		if err != nil {
			out[i] = nan
			continue
		}
		valid = append(valid, i)
		spec.Unit = append(spec.Unit, p.Unit)
		spec.Seeds = append(spec.Seeds, p.Seed)
	}
	if len(valid) == 0 {
		return out, nil
	}
	name := GenerationDir(batch[0].Generation)
	if batch[0].Generation < 0 {
		name = CheckDir(e.checkFrom)
	}
	spec.Name = c.File.Name + " " + name
	plan, err := sweep.NewPointsPlan(spec, c.Base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ropts := sweep.Options{Workers: e.opts.Workers, Resume: true, Version: e.opts.Version}
	if e.opts.OnRun != nil {
		ropts.Progress = func(done, total int) { e.opts.OnRun(name, done, total) }
	}
	gdir := filepath.Join(e.dir, name)
	shards := filepath.Join(e.dir, name+shardsSuffix)
	if e.opts.Shards > 1 {
		if exists(filepath.Join(gdir, sweep.ManifestFile)) {
			return nil, errShardDone // merged already
		}
		ropts.Shard, ropts.Shards = e.opts.Shard, e.opts.Shards
		if err := os.MkdirAll(shards, 0o777); err != nil {
			return nil, err
		}
		if _, err := sweep.Run(ctx, plan, filepath.Join(shards, fmt.Sprintf("shard-%d", e.opts.Shard)), ropts); err != nil {
			return nil, err
		}
		return nil, errShardDone
	}
	if !exists(filepath.Join(gdir, sweep.ManifestFile)) && isDir(shards) {
		if err := mergeShards(ctx, shards, gdir); err != nil {
			return nil, err
		}
	}
	if _, err := sweep.Run(ctx, plan, gdir, ropts); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rows, err := sweep.ReadPointRuns(ctx, gdir, plan)
	if err != nil {
		return nil, err
	}
	for j, i := range valid {
		out[i] = rows[j]
	}
	return out, nil
}

// mergeShards merges the shard directories in shards into out, then
// removes them.
func mergeShards(ctx context.Context, shards, out string) error {
	entries, err := os.ReadDir(shards)
	if err != nil {
		return err
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(shards, e.Name()))
		}
	}
	if _, err := sweep.Merge(ctx, dirs, out, sweep.CSV); err != nil {
		return fmt.Errorf("merge the shards in %s: %w", shards, err)
	}
	return os.RemoveAll(shards)
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
