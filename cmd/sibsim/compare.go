package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/plots"
	htmlreport "github.com/sibsim/sibsim/plots/report"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

type compareOptions struct {
	scenarios    []string
	replications int
	seed         uint64
	workers      int
	weeks        int
	out          string
	format       string

	// From deps.
	loadScenario func(ref string) (*scenario.Resolved, error)
	version      string
	command      []string
}

func newCompareCommand(d *deps) *cobra.Command {
	opts := &compareOptions{}
	cmd := &cobra.Command{
		Use:   "compare SCENARIO SCENARIO...",
		Short: "Run scenarios with common random numbers and compare them",
		Long: `Run two or more scenarios with the same seed and replications and compare them.

Replication r of every scenario shares random streams with replication r of
the others (common random numbers), so the difference between two scenarios
in one replication is mostly the policy, not noise. For each key metric,
prints each scenario's mean over replications with its 95% interval and, for
each scenario after the first (the reference), the mean paired difference
from the reference with its 95% interval, marked * when the interval
excludes zero.

SCENARIO is a scenario file or a shipped scenario name, as for "sibsim run".
Every scenario is loaded and checked before anything runs; all problems are
reported and the exit code is 3. Scenario names must be unique.

With --out DIR, also writes into DIR:
  NAME/           each scenario's results, as "sibsim run --out" writes them
  comparison.csv  scenario,metric,mean,lo95,hi95,diff,diff_lo95,diff_hi95
                  for every metric (the reference's diff columns are NA)
  figures/        every figure, as NAME.FORMAT (--format)
  report.html     one self-contained HTML report
DIR must be new, empty, or a previous compare output, which is replaced.
Everything is written to a temporary directory and moved into place only
when complete: a failed or interrupted comparison writes nothing.
"sibsim plot" and "sibsim report" redraw the figures and report from DIR
without simulating.`,
		Example: `  # The social impact bond against a block grant, 20 replications each
  sibsim compare ways-to-wellness block-grant --replications 20

  # Save the results, figures (PNG) and an HTML report
  sibsim compare ways-to-wellness block-grant my-variant.yaml --out results/cmp --format png`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageErrorf("compare needs at least two scenarios (got %d)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.scenarios = args
			opts.loadScenario = d.loadScenario
			opts.version = d.version
			opts.command = recordedCommand(d.args)
			return classify(cmd.Context(), runCompare(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	intFlag(f, &opts.replications, "replications", 10, "replications of each scenario")
	uint64Flag(f, &opts.seed, "seed", 1, "master seed, shared by every scenario")
	intFlag(f, &opts.workers, "workers", 0, "parallel workers (0 = all cores); never changes results")
	intFlag(f, &opts.weeks, "weeks", 0, fmt.Sprintf("weeks to simulate, at most %d (0 = each scenario's horizon)", maxWeeks))
	f.StringVar(&opts.out, "out", "", "write results, comparison.csv, figures and report.html into this directory")
	f.StringVar(&opts.format, "format", "svg", "figure format with --out: svg, png or pdf")
	return cmd
}

// check rejects flag values out of range, with the messages of "run".
func (o *compareOptions) check() error {
	for _, ref := range o.scenarios {
		if ref == "" {
			return usageErrorf("empty scenario name")
		}
	}
	run := runOptions{replications: o.replications, workers: o.workers, weeks: o.weeks, scenario: o.scenarios[0]}
	if err := run.check(); err != nil {
		return err
	}
	if err := checkFormat(o.format); err != nil {
		return err
	}
	if o.out != "" {
		if _, err := compare.CheckOutDir(o.out); err != nil {
			return outDirError(err)
		}
	}
	return nil
}

func checkFormat(format string) error {
	if !slices.Contains(plots.Formats(), format) {
		return usageErrorf("--format must be one of %s (got %q)", strings.Join(plots.Formats(), ", "), format)
	}
	return nil
}

// outDirError classifies an error from checking an output location:
// an unusable one is a usage error, anything else a runtime error.
func outDirError(err error) error {
	if errors.Is(err, results.ErrOutDir) {
		return usageError(fmt.Errorf("--out: %w", err))
	}
	return fmt.Errorf("--out: %w", err)
}

// compared is one scenario of a comparison.
type compared struct {
	ref   string // as given
	res   *scenario.Resolved
	dir   string // directory name in a compare output
	weeks int    // simulated
}

func runCompare(ctx context.Context, opts *compareOptions, s streams) error {
	if err := opts.check(); err != nil {
		return err
	}
	scs, err := loadCompared(opts.scenarios, opts.loadScenario)
	if err != nil {
		return err
	}
	if opts.out != "" {
		var need float64
		for _, c := range scs {
			weeks := opts.weeks
			if weeks == 0 {
				weeks = c.res.Scenario.Weeks
			}
			perRep := len(sim.WeeklyColumns()) + len(c.res.Scenario.Providers)*len(sim.ProviderColumns())
			need += float64(opts.replications) * float64(weeks) * float64(perRep) * 8
		}
		if need > maxSeriesBytes {
			return usageErrorf("--out with %d replications of %d scenarios would hold %.1f GiB of weekly series in memory (limit %d GiB); use fewer replications or weeks",
				opts.replications, len(scs), need/(1<<30), maxSeriesBytes>>30)
		}
	}

	var stage *results.Stage
	if opts.out != "" {
		if stage, err = results.NewStage(opts.out, compare.CheckOutDir); err != nil {
			return outDirError(err)
		}
		defer stage.Cleanup()
	}

	// Run each scenario in turn with the same seed and replications. With
	// --out, each batch is written as soon as it is done (and dropped);
	// otherwise only the metrics are kept.
	var inputs []compare.Input
	for i, c := range scs {
		simOpts := sim.Options{
			Replications: opts.replications,
			Seed:         opts.seed,
			Workers:      opts.workers,
			Weeks:        opts.weeks,
			NoWeekly:     opts.out == "",
		}
		if s.errTTY {
			simOpts.Progress = func(done, total int) {
				fmt.Fprintf(s.err, "\rsibsim: %s (%d/%d): replication %d/%d", c.res.Scenario.Name, i+1, len(scs), done, total)
			}
		}
		batch, err := sim.RunBatch(ctx, c.res.Scenario, simOpts)
		if s.errTTY {
			fmt.Fprint(s.err, "\r\033[K")
		}
		if err != nil {
			if ctx.Err() != nil {
				return errInterrupted
			}
			return fmt.Errorf("run %s: %w", c.res.Scenario.Name, err)
		}
		c.weeks = batch.Results[0].Weeks
		if stage == nil {
			inputs = append(inputs, compare.FromBatch(c.res.Scenario.Name, batch))
			continue
		}
		run := results.Run{Batch: batch, Scenario: c.res, Version: opts.version, Command: opts.command}
		if err := results.Write(ctx, filepath.Join(stage.Tmp, c.dir), run); err != nil {
			if ctx.Err() != nil {
				return errInterrupted
			}
			return fmt.Errorf("write results of %s: %w", c.res.Scenario.Name, err)
		}
	}

	var cmp *compare.Comparison
	if stage == nil {
		if cmp, err = compare.Compare(inputs); err != nil {
			return err
		}
	} else {
		// Read the results back, so that the comparison, figures and report
		// are drawn exactly as "sibsim plot" and "sibsim report" draw them.
		dirs := make([]string, len(scs))
		for i, c := range scs {
			dirs[i] = filepath.Join(stage.Tmp, c.dir)
		}
		runs, err := results.ReadRunsContext(ctx, dirs)
		if err != nil {
			return err
		}
		a, err := analyse(runs)
		if err != nil {
			return err
		}
		cmp = a.comparison
		if err := results.WriteFileAtomic(filepath.Join(stage.Tmp, compare.File), a.comparison.WriteCSV); err != nil {
			return fmt.Errorf("write %s: %w", compare.File, err)
		}
		if err := ctx.Err(); err != nil {
			return errInterrupted
		}
		if err := plots.WriteFiles(ctx, filepath.Join(stage.Tmp, compare.FiguresDir), a.figures, opts.format); err != nil {
			return err
		}
		if err := results.WriteFileAtomic(filepath.Join(stage.Tmp, compare.ReportFile), a.writeReport); err != nil {
			return fmt.Errorf("write %s: %w", compare.ReportFile, err)
		}
		if err := ctx.Err(); err != nil {
			return errInterrupted
		}
		if err := stage.Commit(); err != nil {
			return fmt.Errorf("move results into place: %w", err)
		}
	}

	writeComparisonTable(s.out, scs, opts, cmp)
	if opts.out != "" {
		fmt.Fprintf(s.out, "\nResults, comparison.csv, figures and report.html written to %s\n", opts.out)
	}
	return nil
}

// loadCompared loads every scenario reference and checks that their names
// are unique. Every invalid reference is reported in one error (exit 3).
func loadCompared(refs []string, load func(string) (*scenario.Resolved, error)) ([]*compared, error) {
	var scs []*compared
	var detail []string
	invalid := 0
	for _, ref := range refs {
		r, err := load(ref)
		var ee *exitError
		switch {
		case err == nil:
			scs = append(scs, &compared{ref: ref, res: r, dir: compare.ScenarioDir(r.Scenario.Name)})
			continue
		case errors.As(err, &ee) && ee.code == exitInvalid:
			invalid++
			detail = append(append(detail, ee.Error()), ee.detail...)
		default:
			return nil, err
		}
	}
	if invalid > 0 {
		return nil, &exitError{code: exitInvalid, msg: fmt.Sprintf("%d of %d scenarios invalid", invalid, len(refs)),
			detail: detail, err: errors.New("invalid scenarios")}
	}
	for i, c := range scs {
		if compare.Reserved(c.dir) {
			return nil, &exitError{code: exitInvalid, err: fmt.Errorf(
				"scenario %s (%s) is named %q, which a compare output uses for its own files; give it another name",
				c.ref, c.res.Scenario.Name, c.dir)}
		}
		for _, prev := range scs[:i] {
			if prev.dir == c.dir {
				what := "the same name " + strconv.Quote(c.res.Scenario.Name)
				if prev.res.Scenario.Name != c.res.Scenario.Name {
					what = fmt.Sprintf("names %q and %q, which share the directory name %q", prev.res.Scenario.Name, c.res.Scenario.Name, c.dir)
				}
				return nil, &exitError{code: exitInvalid, err: fmt.Errorf(
					"scenarios %s and %s have %s; scenario names must be unique (set name: in a scenario file)", prev.ref, c.ref, what)}
			}
		}
	}
	return scs, nil
}

// analysis is what compare, plot and report draw from run directories.
type analysis struct {
	runs       []*results.RunData
	comparison *compare.Comparison
	figures    []plots.Figure
}

// analyse compares runs (the first is the reference) and draws their
// figures. Runs that cannot be paired are invalid input (exit 3).
func analyse(runs []*results.RunData) (*analysis, error) {
	cmp, err := compare.CompareRuns(runs)
	var de *compare.DuplicateError
	if errors.As(err, &de) || errors.Is(err, compare.ErrUnpaired) {
		return nil, invalidInput(err)
	}
	if err != nil {
		return nil, err
	}
	figs, err := plots.Figures(runs)
	if err != nil {
		return nil, fmt.Errorf("draw figures: %w", err)
	}
	return &analysis{runs: runs, comparison: cmp, figures: figs}, nil
}

func (a *analysis) writeReport(w io.Writer) error {
	return htmlreport.Write(w, htmlreport.Input{Runs: a.runs, Comparison: a.comparison, Figures: a.figures})
}

// writeComparisonTable prints the key metrics of every scenario, with the
// paired differences from the reference, and a legend.
func writeComparisonTable(w io.Writer, scs []*compared, opts *compareOptions, c *compare.Comparison) {
	reps := "replications"
	if opts.replications == 1 {
		reps = "replication"
	}
	fmt.Fprintf(w, "Compared %d scenarios: %d %s each, seed %d, common random numbers\n", len(scs), opts.replications, reps, opts.seed)
	var head [][]string
	for i, sc := range scs {
		name := sc.res.Scenario.Name
		if sc.ref != name {
			name += " (" + sc.ref + ")"
		}
		role := ""
		if i == 0 {
			role = "reference"
		}
		head = append(head, []string{"  " + name, role, fmt.Sprintf("%d weeks", sc.weeks), "sha256 " + shortHash(sc.res.Hash)})
	}
	writeAligned(w, head, 2)
	fmt.Fprintln(w)

	ref := c.Scenarios[0]
	cells := [][]string{{"metric", "scenario", "mean", "95% interval", "diff from " + ref, "95% interval"}}
	for _, m := range compare.KeyMetrics() {
		for s, name := range c.Scenarios {
			st, ok := c.Stat(s, m)
			if !ok {
				continue
			}
			metric := ""
			if s == 0 {
				metric = m
			}
			row := []string{metric, name, results.Human(st.Mean), intervalText(st.Lo95, st.Hi95), "", ""}
			if s > 0 {
				d := results.Human(st.Diff)
				if st.Diff > 0 && d != "0" {
					d = "+" + d
				}
				if st.ExcludesZero() {
					d += " *"
				} else {
					d += "  "
				}
				row[4], row[5] = d, intervalText(st.DiffLo95, st.DiffHi95)
			}
			cells = append(cells, row)
		}
	}
	writeAligned(w, cells, 2)
	fmt.Fprintf(w, "\nmean: over replications, with its 95%% interval. diff: mean over replications of (scenario - %s),\n"+
		"paired by replication, with its 95%% interval; * the interval excludes 0. NA: undefined.\n", ref)
}
