package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

// Limits on run flags, so that no value a user types can exhaust memory.
const (
	maxReplications = results.MaxReplications // what results readers accept
	maxWeeks        = scenario.MaxWeeks       // 50 years, the scenario schema's limit
	// maxSeriesBytes bounds the memory held by weekly series with --out.
	maxSeriesBytes = 4 << 30
)

type runOptions struct {
	scenario     string
	replications int
	seed         uint64
	workers      int
	weeks        int
	out          string
	output       outputFlags

	// From deps.
	loadScenario func(ref string) (*scenario.Resolved, error)
	version      string
	command      []string
}

func newRunCommand(d *deps) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [SCENARIO]",
		Short: "Run replications of a scenario and summarise the outcomes",
		Long: `Run replications of a scenario and print a summary of every outcome metric:
its mean over replications, the 95% confidence interval for the mean
(Student t) and its unit.

SCENARIO is a scenario file (a path containing a slash, or ending in .yaml
or .yml) or the name of a shipped scenario (see "sibsim scenarios list").
The default is ` + scenario.DefaultName + `.

Replication r with seed S draws the same random numbers in any run, and
scenarios run with the same seed share random numbers, so differences
between them are policy, not noise. Output never depends on --workers.

With --out DIR, also writes manifest.json, weekly.csv,
weekly_by_provider.csv, replications.csv and summary.csv into DIR
(docs/outputs.md describes them). DIR must be new, empty, or hold only a
previous run's results, which are replaced. Files are written to a temporary
directory and moved into place only when all are complete: a failed or
interrupted run writes nothing.

Progress is shown on stderr when it is a terminal. Ctrl-C stops the run
cleanly, writes nothing and exits with code 130.`,
		Example: `  # Ten replications of the default scenario
  sibsim run

  # Fifty replications of a shipped scenario with seed 7, saving results
  sibsim run ways-to-wellness --replications 50 --seed 7 --out results/wtw

  # A scenario file over a two-year horizon on two cores
  sibsim run my-variant.yaml --weeks 104 --workers 2`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return d.completeScenarios(cmd, args, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.scenario = scenario.DefaultName
			if len(args) == 1 {
				opts.scenario = args[0]
			}
			opts.loadScenario = d.loadScenario
			opts.version = d.version
			opts.command = recordedCommand(d.args)
			return classify(cmd.Context(), runRun(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	intFlag(f, &opts.replications, "replications", 10, fmt.Sprintf("number of replications (1 to %d)", maxReplications))
	uint64Flag(f, &opts.seed, "seed", 1, "master seed (0 to 18446744073709551615)")
	intFlag(f, &opts.workers, "workers", 0, "parallel workers; 0 means all cores (never changes results)")
	intFlag(f, &opts.weeks, "weeks", 0, fmt.Sprintf("weeks to simulate (1 to %d); 0 means the scenario's horizon", maxWeeks))
	f.StringVar(&opts.out, "out", "", "write result files into this directory")
	addOutputFlags(f, &opts.output)
	return cmd
}

// check rejects flag values out of range.
func (o *runOptions) check() error {
	switch {
	case o.replications < 1 || o.replications > maxReplications:
		return usageErrorf("--replications must be between 1 and %d (got %d)", maxReplications, o.replications)
	case o.workers < 0:
		return usageErrorf("--workers must be >= 0 (got %d); 0 means all cores", o.workers)
	case o.weeks < 0 || o.weeks > maxWeeks:
		return usageErrorf("--weeks must be between 0 and %d (got %d); 0 means the scenario's horizon", maxWeeks, o.weeks)
	case o.scenario == "":
		return usageErrorf("empty scenario name")
	}
	if o.out != "" {
		if err := results.CheckDir(o.out); err != nil {
			if errors.Is(err, results.ErrOutDir) {
				return usageError(fmt.Errorf("--out: %w", err))
			}
			return fmt.Errorf("--out: %w", err)
		}
	}
	return nil
}

func runRun(ctx context.Context, opts *runOptions, s streams) error {
	if err := opts.check(); err != nil {
		return err
	}
	res, err := opts.loadScenario(opts.scenario)
	if err != nil {
		return err
	}
	// A horizon from --weeks becomes the scenario's own, so the manifest's
	// scenario_yaml and the printed hash describe the run made.
	if res, err = res.WithWeeks(opts.weeks); err != nil {
		return usageErrorf("--weeks: %v", err)
	}
	sc := res.Scenario
	weeks := opts.weeks
	if weeks == 0 {
		weeks = sc.Weeks
	}
	if opts.out != "" {
		perRep := len(sim.WeeklyColumns()) + len(sc.Providers)*len(sim.ProviderColumns())
		if need := float64(opts.replications) * float64(weeks) * float64(perRep) * 8; need > maxSeriesBytes {
			return usageErrorf("--out with %d replications of %d weeks would hold %.1f GiB of weekly series in memory (limit %d GiB); use fewer replications or weeks",
				opts.replications, weeks, need/(1<<30), maxSeriesBytes>>30)
		}
	}

	simOpts := sim.Options{
		Replications: opts.replications,
		Seed:         opts.seed,
		Workers:      opts.workers,
		Weeks:        opts.weeks,
		NoWeekly:     opts.out == "",
	}
	prog := newWeekProgress(s, sc.Name)
	prog.attach(&simOpts)
	batch, err := sim.RunBatch(ctx, sc, simOpts)
	prog.clear()
	if err != nil {
		if ctx.Err() != nil {
			return errInterrupted
		}
		return fmt.Errorf("run %s: %w", sc.Name, err)
	}
	if len(batch.Results) > 0 && batch.Results[0] != nil {
		weeks = batch.Results[0].Weeks
	}

	if opts.out != "" {
		run := results.Run{Batch: batch, Scenario: res, Version: opts.version, Command: opts.command}
		if err := results.Write(ctx, opts.out, run); err != nil {
			switch {
			case ctx.Err() != nil:
				return errInterrupted
			case errors.Is(err, results.ErrOutDir):
				return usageError(fmt.Errorf("--out: %w", err))
			}
			return fmt.Errorf("write results: %w", err)
		}
	}

	if opts.output.json {
		return writeJSON(s.out, runJSON(opts, res, weeks, results.Summarize(batch)))
	}
	if !opts.output.text() {
		return nil
	}
	name := sc.Name
	if opts.scenario != sc.Name {
		name += " (" + opts.scenario + ")"
	}
	reps := "replications"
	if opts.replications == 1 {
		reps = "replication"
	}
	fmt.Fprintf(s.out, "Scenario %s: %d %s, seed %d, %d weeks, sha256 %s\n\n",
		name, opts.replications, reps, opts.seed, weeks, shortHash(res.Hash))
	writeSummaryTable(s.out, results.Summarize(batch))
	if opts.out != "" {
		fmt.Fprintf(s.out, "\nResults written to %s\n", opts.out)
	}
	return nil
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// recordedCommand is the command line recorded in the manifest: the
// program name and args, without --workers, which cannot change results,
// so that the manifest's bytes do not depend on it.
func recordedCommand(args []string) []string {
	cmd := []string{"sibsim"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(cmd, args[i:]...)
		case a == "--workers":
			i++ // skip the value
		case strings.HasPrefix(a, "--workers="):
		default:
			cmd = append(cmd, a)
		}
	}
	return cmd
}
