package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/calibration"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sweep"
)

// calibrationLoader loads targets files (from the OS, as typed) and shipped
// ones, with the command's scenario loader for their base.
func (d *deps) calibrationLoader() calibration.Loader {
	shipped, err := fs.Sub(scenarios.Calibrations, "calibration")
	if err != nil {
		panic(err) // the embedded tree always has calibration/
	}
	return calibration.Loader{Scenarios: d.loader, Shipped: shipped, ReadFile: sweep.ReadOSFile}
}

// loadCalibration loads the targets file ref, classifying errors like
// loadSweep: problems in the file or its base, a missing file or an
// unknown shipped name are invalid input (exit 3).
func (d *deps) loadCalibration(ref string) (*calibration.Calibration, error) {
	c, err := d.calibrationLoader().Load(ref)
	if err == nil {
		return c, nil
	}
	var (
		te *calibration.Error
		be *calibration.BaseError
	)
	switch {
	case errors.As(err, &te):
		return nil, problemsError(fmt.Sprintf("invalid targets file %s", ref), te.Problems, te.More)
	case errors.As(err, &be):
		var se *scenario.Error
		if errors.As(be.Err, &se) {
			return nil, problemsError(fmt.Sprintf("invalid base scenario %s of targets file %s", be.Base, ref), se.Problems, se.More)
		}
		return nil, &exitError{code: exitInvalid, err: err}
	case errors.Is(err, fs.ErrNotExist):
		return nil, &exitError{code: exitInvalid, err: err}
	}
	return nil, fmt.Errorf("load targets file %s: %w", ref, err)
}

type calibrateOptions struct {
	ref     string
	out     string
	workers int
	budget  int
	shard   string
	shards  int
	step    bool
	figures string

	// From deps.
	load    func(ref string) (*calibration.Calibration, error)
	version string
	getenv  func(string) string
}

func newCalibrateCommand(d *deps) *cobra.Command {
	opts := &calibrateOptions{}
	cmd := &cobra.Command{
		Use:   "calibrate TARGETS --out DIR",
		Short: "Calibrate a scenario's unknown parameters to a scheme's own figures",
		Long: `Calibrate: find the values of a scenario's unpublished parameters that
reproduce a scheme's observed figures, by approximate Bayesian computation
(sequential Monte Carlo, or rejection). docs/calibration.md describes
targets files, the method, the distance and the stopping rule.

TARGETS is a targets file (a path containing a slash, or ending in .yaml or
.yml) or the name of a shipped one (ways-to-wellness). It names the base
scenario, the parameters to calibrate with their priors, and the observed
targets: metrics with an observed value and a tolerance, or a range.

Every generation runs as a sweep in DIR/gen-NNN and ends with
DIR/population-NNN.json; after a kill, the same command picks up where it
stopped (no flag needed). Results never depend on --workers or sharding.
Progress (each generation's tolerance and acceptance rate) goes to stderr.

DIR gets posterior.csv and posterior.parquet (weighted samples),
summary.csv (each parameter's median and 90% credible interval),
generations.csv, check.csv (the posterior predictive check),
calibrated.yaml (a scenario that extends the base, at the posterior
medians), figures/ and, last, manifest.json.

--budget caps the simulations, the check's included. Sharding: --shard K/N
(or a Slurm job array) runs shard K of the next generation only; a run
with --step then merges the shards and writes the next population (see
docs/calibration.md for a Slurm script).`,
		Example: `  sibsim calibrate ways-to-wellness --out out/calibration --budget 4000
  sibsim calibrate my-targets.yaml --out out/mine --workers 4

  # One Slurm array job per generation, then one step
  sibsim calibrate my-targets.yaml --out out/mine --shard 0/8
  sibsim calibrate my-targets.yaml --out out/mine --step`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ref = args[0]
			opts.load = d.loadCalibration
			opts.version = d.version
			opts.getenv = os.Getenv
			return classifyCalibrate(cmd.Context(), runCalibrate(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", "directory for the calibration (required); an unfinished one is continued")
	intFlag(f, &opts.workers, "workers", 0, "parallel workers; 0 means all cores (never changes results)")
	intFlag(f, &opts.budget, "budget", 0, "most simulations to run, the check's included; 0 means the targets file's")
	f.StringVar(&opts.shard, "shard", "", "run only shard K of N (0 <= K < N) of the next generation, as K/N")
	intFlag(f, &opts.shards, "shards", 0, "number of shards, with JOB_COMPLETION_INDEX (or set SIBSIM_SHARDS)")
	f.BoolVar(&opts.step, "step", false, "stop after writing one new population (a cluster job per generation)")
	f.StringVar(&opts.figures, "figures", "svg", "format of the figures: svg, png or pdf")
	return cmd
}

// classifyCalibrate is classify, with directory problems and budgets too
// small as usage errors.
func classifyCalibrate(ctx context.Context, err error) error {
	var ee *exitError
	switch {
	case err == nil || errors.As(err, &ee):
	case ctx.Err() != nil:
		return errInterrupted
	case errors.Is(err, calibration.ErrOutDir), errors.Is(err, calibration.ErrBudget), errors.Is(err, sweep.ErrOutDir):
		return usageError(err)
	case errors.Is(err, sweep.ErrShards):
		return &exitError{code: exitInvalid, err: err}
	}
	return classify(ctx, err)
}

func runCalibrate(ctx context.Context, opts *calibrateOptions, s streams) error {
	if opts.out == "" {
		return usageErrorf("--out DIR is required")
	}
	if opts.workers < 0 {
		return usageErrorf("--workers must be >= 0 (got %d); 0 means all cores", opts.workers)
	}
	if opts.budget < 0 || opts.budget > calibration.MaxBudget {
		return usageErrorf("--budget must be between 0 and %d (got %d); 0 means the targets file's", calibration.MaxBudget, opts.budget)
	}
	if !plots.IsFigureFile("x." + opts.figures) {
		return usageErrorf("--figures must be svg, png or pdf (got %q)", opts.figures)
	}
	shard, err := sweep.ResolveShard(opts.shard, opts.shards, opts.getenv)
	if err != nil {
		return usageError(err)
	}
	c, err := opts.load(opts.ref)
	if err != nil {
		return err
	}
	f := c.File
	budget := opts.budget
	if budget == 0 {
		budget = f.Budget
	}
	fmt.Fprintf(s.out, "Calibration %s: %s, %s, %s, %d particles, budget %d simulations, seed %d, %d weeks, sha256 %s\n",
		terminalText(f.Name), counted(len(f.Parameters), "parameter"), counted(len(f.Targets), "target"), f.Method, f.Particles, budget, f.Seed, c.Weeks, shortHash(c.Hash(budget)))
	if shard.Source != "" {
		fmt.Fprintf(s.err, "sibsim: running shard %d/%d (from %s)\n", shard.Shard, shard.Shards, shard.Source)
	}
	ropts := calibration.Options{
		Workers: opts.workers, Budget: opts.budget, Shard: shard.Shard, Shards: shard.Shards, Step: opts.step, Version: opts.version,
		OnGeneration: func(p *calibrate.Population) {
			fmt.Fprintf(s.err, "sibsim: generation %d: tolerance %s, acceptance rate %s, ESS %s, %d of %d simulations\n",
				p.Generation, results.Human(p.Epsilon), results.Human(p.AcceptRate), results.Human(p.ESS), p.Total, budget)
			if p.Generation == 0 {
				noteInert(s.err, p, f.Targets, c.Weeks)
			}
		},
	}
	var prog *progressLine
	if s.errTTY {
		prog = &progressLine{w: s.err, name: f.Name, start: time.Now()}
		ropts.OnRun = func(batch string, done, total int) {
			prog.name = f.Name + " " + batch
			prog.update(done, total)
		}
		inner := ropts.OnGeneration
		ropts.OnGeneration = func(p *calibrate.Population) {
			prog.clear()
			inner(p)
			prog.start = time.Now()
		}
	}
	res, err := calibration.Run(ctx, c, opts.out, ropts)
	if prog != nil {
		prog.clear()
	}
	if err != nil {
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted, msg: fmt.Sprintf("interrupted: complete populations and chunks are kept in %s; run the same command again to continue", opts.out), err: ctx.Err()}
		}
		return err
	}
	if res.Resumed > 0 {
		fmt.Fprintf(s.out, "Resumed after generation %d\n", res.Resumed-1)
	}
	switch res.Done {
	case calibration.DoneShard:
		fmt.Fprintf(s.out, "Shard %d/%d done in %s; when every shard is done, run with --step to merge them and write the next population\n", shard.Shard, shard.Shards, opts.out)
		return nil
	case calibration.DoneStep:
		fmt.Fprintf(s.out, "Wrote %s (tolerance %s, %d simulations so far); run again to go on\n",
			calibration.PopulationFile(res.Population.Generation), results.Human(res.Population.Epsilon), res.Population.Total)
		return nil
	}
	pop := res.Population
	fmt.Fprintf(s.out, "Stopped after %s (%s), %d simulations, tolerance %s\n",
		counted(pop.Generation+1, "generation"), stopText(res.Stop), pop.Total+len(res.Draws), results.Human(pop.Epsilon))
	fmt.Fprintln(s.out, "\nPosterior: median and 90% credible interval")
	rows := [][]string{{"parameter", "prior", "median", "90% interval"}}
	for i, sm := range res.Summaries {
		rows = append(rows, []string{sm.Name, calibration.PriorText(c.Spec.Parameters[i].Prior), results.Human(sm.Median), intervalText(sm.Lower, sm.Upper)})
	}
	writeAligned(s.out, rows, 2)
	fmt.Fprintf(s.out, "\nPosterior predictive check: %d simulations of the calibrated model\n", len(res.Draws))
	rows = [][]string{{"target", "observed", "simulated median", "90% range", "reproduced"}}
	for _, k := range res.Check {
		obs := results.Human(k.Target.Observed) + " ± " + results.Human(k.Target.Tolerance)
		if k.Target.Range {
			obs = intervalText(k.Target.Min, k.Target.Max)
		}
		yes := "no"
		if k.Reproduced {
			yes = "yes"
		}
		rows = append(rows, []string{k.Target.Name, obs, results.Human(k.Median), intervalText(k.Lower, k.Upper), yes})
	}
	writeAligned(s.out, rows, 1)
	if err := drawCalibrationFigures(ctx, c, res, opts.out, opts.figures); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "\nResults written to %s: %s, %s, %s, %s, %s, %s/\n", opts.out,
		calibration.SummaryFile, calibration.PosteriorFile, calibration.PosteriorParquetFile, calibration.CheckFile, calibration.CalibratedFile, calibration.FiguresDir)
	return nil
}

func stopText(r calibrate.StopReason) string {
	switch r {
	case calibrate.StopExact:
		return "every kept particle meets the targets exactly"
	case calibrate.StopEpsilon:
		return "the tolerance reached the target epsilon"
	case calibrate.StopInert:
		return "every target took one value in every simulation of the first generation: the parameters do not move them"
	case calibrate.StopAcceptance:
		return "the acceptance rate fell below min_accept_rate"
	case calibrate.StopStalled:
		return "the tolerance stopped falling"
	case calibrate.StopGenerations:
		return "max_generations reached"
	case calibrate.StopBudget:
		return "the next generation would pass the budget"
	}
	return string(r)
}

// drawCalibrationFigures writes the pairs and check figures into
// DIR/figures.
func drawCalibrationFigures(ctx context.Context, c *calibration.Calibration, res *calibration.Result, dir, format string) error {
	pop := res.Population
	post := plots.Posterior{Params: c.Spec.Names(), Summaries: res.Summaries}
	top := math.Inf(-1)
	for _, p := range pop.Particles {
		top = math.Max(top, p.LogWeight)
	}
	for _, p := range pop.Particles {
		post.Values = append(post.Values, p.Values)
		post.Weights = append(post.Weights, math.Exp(p.LogWeight-top))
	}
	var figs []plots.Figure
	pairs, err := plots.PosteriorPairsFigure(post)
	if err != nil {
		return err
	}
	figs = append(figs, pairs)
	check, err := plots.CheckFigure(res.Check, res.Predictive)
	switch {
	case err == nil:
		figs = append(figs, check)
	case !errors.Is(err, plots.ErrNothingToDraw):
		return err
	}
	return plots.WriteFiles(ctx, filepath.Join(dir, calibration.FiguresDir), figs, format)
}

// noteInert writes to w a note for each target that took one value in
// every simulation of the first generation p (Population.Inert): the
// parameters do not move it over their priors, so it cannot guide the fit,
// and a user would rather know before the whole budget is spent.
func noteInert(w io.Writer, p *calibrate.Population, targets []calibrate.Target, weeks int) {
	for _, t := range p.Inert {
		what := "no defined value"
		if len(p.Particles) > 0 {
			if x := p.Particles[0].Summaries[t]; !math.IsNaN(x) && !math.IsInf(x, 0) {
				what = "the same value, " + results.Human(x) + ","
			}
		}
		fmt.Fprintf(w, "sibsim: note: target %s took %s in all %d simulations of the first generation (drawn from the priors, %d weeks each): the parameters do not move it, so it cannot guide the fit; check the metric and the horizon (weeks)\n",
			terminalText(targets[t].Name), what, p.Simulations, weeks)
	}
}

// counted is n and the noun, plural unless n is 1: "1 target", "3 targets".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
