package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sweep"
)

// sweepLoader loads experiment files (from the OS, as typed) and shipped
// experiments, with the command's scenario loader for their base.
func (d *deps) sweepLoader() sweep.Loader {
	shipped, err := fs.Sub(scenarios.Sweeps, "sweeps")
	if err != nil {
		panic(err) // the embedded tree always has sweeps/
	}
	return sweep.Loader{Scenarios: d.loader, Shipped: shipped, ReadFile: sweep.ReadOSFile}
}

// loadSweep loads and plans the experiment ref, classifying errors: an
// invalid experiment or base scenario, a missing file or an unknown
// shipped name are invalid input (exit 3).
func (d *deps) loadSweep(ref string) (*sweep.Plan, error) {
	return d.loadSweepContext(context.Background(), ref)
}

// loadSweepContext is loadSweep, stopping once ctx is done (the checking
// of a large design takes seconds).
func (d *deps) loadSweepContext(ctx context.Context, ref string) (*sweep.Plan, error) {
	p, err := d.sweepLoader().LoadContext(ctx, ref)
	if err == nil {
		return p, nil
	}
	var (
		ee *sweep.Error
		be *sweep.BaseError
	)
	switch {
	case errors.As(err, &ee):
		return nil, problemsError(fmt.Sprintf("invalid experiment %s", ref), ee.Problems, ee.More)
	case errors.As(err, &be):
		var se *scenario.Error
		if errors.As(be.Err, &se) {
			return nil, problemsError(fmt.Sprintf("invalid base scenario %s of experiment %s", be.Base, ref), se.Problems, se.More)
		}
		return nil, &exitError{code: exitInvalid, err: err}
	case errors.Is(err, fs.ErrNotExist):
		return nil, &exitError{code: exitInvalid, err: err}
	}
	return nil, fmt.Errorf("load experiment %s: %w", ref, err)
}

func problemsError(msg string, ps []scenario.Problem, more int) error {
	detail := make([]string, len(ps))
	for i, p := range ps {
		detail[i] = p.Error()
	}
	if more > 0 {
		detail = append(detail, fmt.Sprintf("and %d more problems", more))
	}
	n := "1 problem"
	if len(ps)+more != 1 {
		n = fmt.Sprintf("%d problems", len(ps)+more)
	}
	return &exitError{code: exitInvalid, msg: fmt.Sprintf("%s (%s)", msg, n), detail: detail, err: errors.New(msg)}
}

type sweepOptions struct {
	ref     string
	out     string
	workers int
	shard   string // "K/N"; "" to take it from the environment
	shards  int    // the shard count for JOB_COMPLETION_INDEX
	resume  bool
	format  string

	// From deps.
	loadSweep func(ref string) (*sweep.Plan, error)
	version   string
	getenv    func(string) string
}

func newSweepCommand(d *deps) *cobra.Command {
	opts := &sweepOptions{}
	cmd := &cobra.Command{
		Use:   "sweep EXPERIMENT --out DIR",
		Short: "Run a batch experiment: a design of parameter values, replicated",
		Long: `Run a sweep: every point of an experiment's design (grid, random, lhs,
sobol or morris), each for the experiment's replications, recording one
row of metrics per run. docs/sweeps.md describes experiment files.

EXPERIMENT is an experiment file (a path containing a slash, or ending in
.yaml or .yml) or the name of a shipped experiment (assessment-tariff,
core-sobol, policies). Every design point is checked before any run starts.
An experiment with policies (several scenarios) runs every point and
replication under every policy, with common random numbers.

DIR gets manifest.json, points.csv and runs.csv (runs.parquet with
--format parquet), and series.csv (series.parquet) when the experiment
records weekly series. Runs are written in chunks as they complete
(DIR/chunks); an interrupted sweep keeps its complete chunks, and
--resume continues it. The output is byte-identical whatever the number of
workers, shards or interruptions.

Sharding: --shard K/N runs only chunks c with c % N == K (K from 0 to N-1)
and leaves them in DIR for "sibsim sweep merge". Without --shard, K and N
come from (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP
and SLURM_ARRAY_TASK_COUNT (a Slurm job array), or from JOB_COMPLETION_INDEX
(a Kubernetes Indexed Job) with N from --shards or SIBSIM_SHARDS.
--shard 0/1 forces an unsharded run.

Progress with an ETA is shown on stderr when it is a terminal. Ctrl-C stops
cleanly, keeping complete chunks, and exits with code 130.`,
		Example: `  # The README demo: a 3 x 3 grid, 2 replications each
  sibsim sweep assessment-tariff --out out/tariff

  # Continue after an interruption
  sibsim sweep my-experiment.yaml --out out/mine --resume

  # Three shards, then merge
  sibsim sweep core-sobol --shard 0/3 --out out/sobol/shard-0
  sibsim sweep core-sobol --shard 1/3 --out out/sobol/shard-1
  sibsim sweep core-sobol --shard 2/3 --out out/sobol/shard-2
  sibsim sweep merge out/sobol/shard-* --out out/sobol/all`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ref = args[0]
			opts.loadSweep = func(ref string) (*sweep.Plan, error) { return d.loadSweepContext(cmd.Context(), ref) }
			opts.version = d.version
			opts.getenv = os.Getenv
			return classifySweep(cmd.Context(), runSweep(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", "directory for the results (required)")
	intFlag(f, &opts.workers, "workers", 0, "parallel workers; 0 means all cores (never changes results)")
	f.StringVar(&opts.shard, "shard", "", "run only shard K of N (0 <= K < N), as K/N")
	intFlag(f, &opts.shards, "shards", 0, "number of shards, with JOB_COMPLETION_INDEX (or set SIBSIM_SHARDS)")
	f.BoolVar(&opts.resume, "resume", false, "continue the sweep in --out, keeping complete chunks")
	f.StringVar(&opts.format, "format", "csv", "format of the runs file: csv or parquet")
	cmd.AddCommand(newSweepMergeCommand(d), newSweepPlanCommand(d))
	return cmd
}

// classifySweep is classify, with sweep directory problems as usage
// errors and shard mismatches as invalid input.
func classifySweep(ctx context.Context, err error) error {
	var ee *exitError
	switch {
	case err == nil || errors.As(err, &ee):
	case ctx.Err() != nil:
		return errInterrupted
	case errors.Is(err, sweep.ErrOutDir), errors.Is(err, results.ErrOutDir):
		return usageError(err)
	case errors.Is(err, sweep.ErrShards):
		return &exitError{code: exitInvalid, err: err}
	}
	return classify(ctx, err)
}

func parseFormat(s string) (sweep.Format, error) {
	switch f := sweep.Format(s); f {
	case sweep.CSV, sweep.Parquet:
		return f, nil
	}
	return "", usageErrorf("--format must be csv or parquet (got %q)", s)
}

func runSweep(ctx context.Context, opts *sweepOptions, s streams) error {
	if opts.out == "" {
		return usageErrorf("--out DIR is required")
	}
	if opts.workers < 0 {
		return usageErrorf("--workers must be >= 0 (got %d); 0 means all cores", opts.workers)
	}
	format, err := parseFormat(opts.format)
	if err != nil {
		return err
	}
	shard, err := sweep.ResolveShard(opts.shard, opts.shards, opts.getenv)
	if err != nil {
		return usageError(err)
	}
	p, err := opts.loadSweep(opts.ref)
	if err != nil {
		return err
	}
	e := p.Experiment
	if shard.Source != "" {
		fmt.Fprintf(s.err, "sibsim: running shard %d/%d (from %s)\n", shard.Shard, shard.Shards, shard.Source)
	}
	ropts := sweep.Options{
		Workers: opts.workers,
		Shard:   shard.Shard,
		Shards:  shard.Shards,
		Resume:  opts.resume,
		Format:  format,
		Version: opts.version,
	}
	var prog *progressLine
	if s.errTTY {
		prog = &progressLine{w: s.err, name: e.Name, start: time.Now()}
		ropts.Progress = prog.update
	}
	rep, err := sweep.Run(ctx, p, opts.out, ropts)
	if prog != nil {
		prog.clear()
	}
	if err != nil {
		if ctx.Err() != nil {
			msg := "interrupted"
			if rep != nil {
				msg = fmt.Sprintf("interrupted: %d of %d chunks complete in %s; run the same command with --resume to continue",
					rep.Skipped+rep.Written, rep.Chunks, opts.out)
			}
			return &exitError{code: exitInterrupted, msg: msg, err: ctx.Err()}
		}
		return err
	}

	reps := "replications"
	if e.Replications == 1 {
		reps = "replication"
	}
	if len(p.Policies) > 0 {
		fmt.Fprintf(s.out, "Sweep %s: %d points x %d %s x %d policies (%s) = %d runs, seed %d, %d weeks, %s design, sha256 %s\n",
			e.Name, p.Points, e.Replications, reps, len(p.Policies), strings.Join(p.PolicyNames(), ", "), p.Runs, e.Seed, p.Weeks, e.Design.Kind, shortHash(p.Hash()))
	} else {
		fmt.Fprintf(s.out, "Sweep %s: %d points x %d %s = %d runs, seed %d, %d weeks, %s design, sha256 %s\n",
			e.Name, p.Points, e.Replications, reps, p.Runs, e.Seed, p.Weeks, e.Design.Kind, shortHash(p.Hash()))
	}
	if len(rep.Recomputed) > 0 {
		// A chunk changed or damaged since it was written (or cut short by
		// a crash) is computed again: say so, rather than only count it.
		names := make([]string, len(rep.Recomputed))
		for i, c := range rep.Recomputed {
			names[i] = sweep.ChunkName(c)
		}
		fmt.Fprintf(s.err, "sibsim: note: %d chunk files in %s failed verification (incomplete, or not matching their checksums) and were computed again: %s\n",
			len(names), filepath.Join(opts.out, sweep.ChunksDir), strings.Join(names, ", "))
	}
	switch {
	case rep.AlreadyComplete:
		fmt.Fprintf(s.out, "Already complete in %s\n", opts.out)
	case shard.Shards > 1:
		fmt.Fprintf(s.out, "Shard %d/%d: %d chunks in %s (%d computed now, %d already complete)\n",
			shard.Shard, shard.Shards, rep.Chunks, opts.out, rep.Written, rep.Skipped)
		fmt.Fprintf(s.out, "When every shard is done: sibsim sweep merge SHARD_DIR... --out DIR\n")
	default:
		if rep.Skipped > 0 {
			fmt.Fprintf(s.out, "Resumed: %d of %d chunks were already complete\n", rep.Skipped, rep.Chunks)
		}
		files := []string{sweep.ManifestFile, sweep.PointsFile, runsFileName(format)}
		if len(e.Series) > 0 {
			files = append(files, seriesFileName(format))
		}
		fmt.Fprintf(s.out, "Results written to %s: %s\n", opts.out, strings.Join(files, ", "))
	}
	return nil
}

func seriesFileName(f sweep.Format) string {
	if f == sweep.Parquet {
		return sweep.SeriesParquetFile
	}
	return sweep.SeriesFile
}

func runsFileName(f sweep.Format) string {
	if f == sweep.Parquet {
		return sweep.RunsParquetFile
	}
	return sweep.RunsFile
}

// progressLine draws "run 12/18 (67%), ETA 3s" on a terminal, at most ten
// times a second.
type progressLine struct {
	w     io.Writer
	name  string
	start time.Time
	last  time.Time
}

func (p *progressLine) update(done, total int) {
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	eta := ""
	if done > 0 && done < total {
		left := time.Duration(float64(now.Sub(p.start)) / float64(done) * float64(total-done))
		eta = ", ETA " + left.Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r\033[Ksibsim: %s: run %d/%d (%d%%)%s", p.name, done, total, 100*done/total, eta)
}

func (p *progressLine) clear() { fmt.Fprint(p.w, "\r\033[K") }

type sweepMergeOptions struct {
	dirs   []string
	out    string
	format string
}

func newSweepMergeCommand(d *deps) *cobra.Command {
	opts := &sweepMergeOptions{}
	cmd := &cobra.Command{
		Use:   "merge SHARD_DIR... --out DIR",
		Short: "Merge the shards of a sweep into one result",
		Long: `Merge shard directories written by "sibsim sweep --shard K/N" (or in a
Slurm job array or Kubernetes Indexed Job) into DIR.

Checks that every shard ran the same experiment (the hash of the resolved
experiment, base scenario and design points) with the same sibsim version,
and that together they hold every chunk exactly once, each complete. DIR
(new or empty) then gets manifest.json, points.csv and runs.csv (or
runs.parquet), byte-identical to an unsharded run. The shard directories
are left as they are. A single finished sweep directory (a sweep run as one
shard of one) is copied, and converted with --format parquet.`,
		Example: `  sibsim sweep merge out/sobol/shard-* --out out/sobol/all
  sibsim sweep merge out/shard-0 out/shard-1 --out out/all --format parquet`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dirs = args
			return classifySweep(cmd.Context(), runSweepMerge(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", "directory for the merged results (required)")
	f.StringVar(&opts.format, "format", "csv", "format of the runs file: csv or parquet")
	return cmd
}

func runSweepMerge(ctx context.Context, opts *sweepMergeOptions, s streams) error {
	if opts.out == "" {
		return usageErrorf("--out DIR is required")
	}
	format, err := parseFormat(opts.format)
	if err != nil {
		return err
	}
	m, err := sweep.Merge(ctx, opts.dirs, opts.out, format)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "Merged %d shard directories of sweep %s (%d runs, sha256 %s) into %s: %s\n",
		len(opts.dirs), m.Experiment.Name, m.Runs, shortHash(m.ExperimentSHA256), opts.out, strings.Join(m.Files, ", "))
	return nil
}
