package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	formatSet    bool // --format was given
	// equalCost rescales the payments of every scenario after the first to
	// the reference's commissioner spend; equalCostRule selects the amounts
	// (compare.AllRules or one of compare.PaymentRules) and implies it.
	equalCost     bool
	equalCostRule string
	output        outputFlags

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

With --equal-cost, every scenario after the first has its payment amounts
multiplied by one factor, found by simulating with the same seed and
replications, so that its commissioner spend (outcome_payments_gbp: all
that payers pay over the horizon) is within 1% of the first's; the table
and comparison.csv say what was scaled and by how much. --equal-cost-rule
scales only one rule type's amounts (block_grant, per_assessment, ...), or
one side's (provider_payments.TYPE, outcome_payments.TYPE). The search is
described in docs/cli.md; it fails (exit 1) if it cannot get within 1%.

With --out DIR, also writes into DIR:
  NAME/           each scenario's results, as "sibsim run --out" writes them
  comparison.csv  scenario,metric,mean,lo95,hi95,diff,diff_lo95,diff_hi95,
                  payments_scaled,payment_scale for every metric (the
                  reference's diff columns are NA)
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
  sibsim compare ways-to-wellness block-grant my-variant.yaml --out results/cmp --format png

  # The block grant at the social impact bond's cost to the commissioner
  sibsim compare ways-to-wellness block-grant --equal-cost`,
		ValidArgsFunction: d.completeScenarios,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageErrorf("compare needs at least two scenarios (got %d)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.scenarios = args
			opts.formatSet = cmd.Flags().Changed("format")
			opts.loadScenario = d.loadScenario
			opts.version = d.version
			opts.command = recordedCommand(d.args)
			return classify(cmd.Context(), runCompare(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	intFlag(f, &opts.replications, "replications", 10, fmt.Sprintf("replications of each scenario (1 to %d)", maxReplications))
	uint64Flag(f, &opts.seed, "seed", 1, "master seed, shared by every scenario (0 to 18446744073709551615)")
	intFlag(f, &opts.workers, "workers", 0, "parallel workers (0 = all cores); never changes results")
	intFlag(f, &opts.weeks, "weeks", 0, fmt.Sprintf("weeks to simulate (1 to %d); 0 means each scenario's horizon", maxWeeks))
	f.StringVar(&opts.out, "out", "", "write results, comparison.csv, figures and report.html into this directory")
	f.StringVar(&opts.format, "format", "svg", "figure format with --out: svg, png or pdf")
	f.BoolVar(&opts.equalCost, "equal-cost", false, "rescale the payments of every scenario after the first to the first's commissioner spend (within 1%)")
	addOutputFlags(f, &opts.output)
	f.StringVar(&opts.equalCostRule, "equal-cost-rule", "", "with --equal-cost, scale only this rule's amounts (a rule type such as block_grant, or provider_payments.TYPE or outcome_payments.TYPE); implies --equal-cost")
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
	if o.formatSet && o.out == "" {
		return usageErrorf("--format sets the format of figure files: it needs --out")
	}
	if o.equalCostRule != "" {
		o.equalCost = true
		if o.equalCostRule != compare.AllRules && !slices.Contains(compare.PaymentRules(), o.equalCostRule) {
			return usageErrorf("--equal-cost-rule must be %s or one of %s (got %q)", compare.AllRules, strings.Join(compare.PaymentRules(), ", "), o.equalCostRule)
		}
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
	// rescaled says how the payments were rescaled for equal cost; nil if
	// they were not.
	rescaled *compare.Rescaling
}

func runCompare(ctx context.Context, opts *compareOptions, s streams) error {
	if err := opts.check(); err != nil {
		return err
	}
	scs, err := loadCompared(opts.scenarios, opts.loadScenario)
	if err != nil {
		return err
	}
	// A horizon from --weeks becomes each scenario's own, so each
	// manifest's scenario_yaml describes the run made.
	for _, c := range scs {
		if c.res, err = c.res.WithWeeks(opts.weeks); err != nil {
			return usageErrorf("--weeks: %v", err)
		}
	}
	if opts.equalCost {
		// Every scenario to rescale must have amounts the rule selects.
		for _, c := range scs[1:] {
			if _, err := compare.PaymentPaths(c.res.Scenario, opts.equalCostRule); err != nil {
				return &exitError{code: exitInvalid, err: fmt.Errorf("--equal-cost: %s: %w", c.ref, err)}
			}
		}
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
	var target float64 // the reference's commissioner spend, with --equal-cost
	for i, c := range scs {
		simOpts := sim.Options{
			Replications: opts.replications,
			Seed:         opts.seed,
			Workers:      opts.workers,
			Weeks:        opts.weeks,
			NoWeekly:     opts.out == "",
		}
		if opts.equalCost && i > 0 {
			if err := rescale(ctx, c, scs[0], target, opts, simOpts, s); err != nil {
				return err
			}
		}
		prog := newWeekProgress(s, fmt.Sprintf("%s (%d/%d)", c.res.Scenario.Name, i+1, len(scs)))
		prog.attach(&simOpts)
		batch, err := sim.RunBatch(ctx, c.res.Scenario, simOpts)
		prog.clear()
		if err != nil {
			if ctx.Err() != nil {
				return errInterrupted
			}
			return fmt.Errorf("run %s: %w", c.res.Scenario.Name, err)
		}
		c.weeks = batch.Results[0].Weeks
		if opts.equalCost && i == 0 {
			if target, err = compare.BatchMean(batch, compare.CommissionerSpendMetric); err != nil {
				return fmt.Errorf("--equal-cost: %s: %w", c.res.Scenario.Name, err)
			}
		}
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

	var scales []compare.Scale
	if opts.equalCost {
		scales = make([]compare.Scale, len(scs))
		for i, c := range scs {
			scales[i] = compare.Scale{Factor: 1}
			if c.rescaled != nil {
				scales[i] = c.rescaled.Scale
			}
		}
	}
	var cmp *compare.Comparison
	if stage == nil {
		if cmp, err = compare.Compare(inputs); err != nil {
			return err
		}
		cmp.Scales = scales
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
		a, err := analyse(runs, scales)
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

	if opts.output.json {
		return writeJSON(s.out, compareJSON(scs, opts, cmp))
	}
	if !opts.output.text() {
		return nil
	}
	writeComparisonTable(s.out, scs, opts, cmp)
	if opts.out != "" {
		fmt.Fprintf(s.out, "\nResults, comparison.csv, figures and report.html written to %s\n", opts.out)
	}
	return nil
}

// rescale replaces c's scenario with one whose payment amounts are scaled
// so that its mean commissioner spend, over the replications and seed of
// simOpts, is within 1% of target, the reference's (compare.EqualCost).
// The scaled scenario keeps its name; its description says how it was
// scaled, so that its manifest records it.
func rescale(ctx context.Context, c, ref *compared, target float64, opts *compareOptions, simOpts sim.Options, s streams) error {
	name := c.res.Scenario.Name
	run := 0
	spend := func(ctx context.Context, sc *scenario.Scenario) (float64, error) {
		run++
		o := simOpts
		o.NoWeekly = true
		prog := newWeekProgress(s, fmt.Sprintf("%s: equal-cost search run %d", name, run))
		prog.attach(&o)
		b, err := sim.RunBatch(ctx, sc, o)
		prog.clear()
		if err != nil {
			return 0, err
		}
		return compare.BatchMean(b, compare.CommissionerSpendMetric)
	}
	sc, res, err := compare.EqualCost(ctx, c.res.Scenario, target, spend, compare.EqualCostOptions{Rule: opts.equalCostRule})
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case err != nil:
		return fmt.Errorf("--equal-cost: %w", err)
	}
	sc.Description = strings.TrimSpace(sc.Description + fmt.Sprintf(
		" Equal cost: %s payment amounts scaled by %s so that its commissioner spend (%s) is within 1%% of %s's.",
		scaledWhat(res.Rule), results.FormatFloat(res.Factor), res.Metric, ref.res.Scenario.Name))
	if err := sc.Validate(); err != nil {
		return fmt.Errorf("--equal-cost: %s: %w", name, err)
	}
	r, err := c.res.WithScenario(sc)
	if err != nil {
		return err
	}
	c.res, c.rescaled = r, res
	return nil
}

// scaledWhat names what a rescaling rule scales, for people.
func scaledWhat(rule string) string {
	if rule == compare.AllRules {
		return "all"
	}
	return rule
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
// figures; scales (nil, or one per run) say how each run's payments were
// rescaled for an equal-cost comparison. Runs that cannot be paired are
// invalid input (exit 3).
func analyse(runs []*results.RunData, scales []compare.Scale) (*analysis, error) {
	cmp, err := compare.CompareRuns(runs)
	var de *compare.DuplicateError
	if errors.As(err, &de) || errors.Is(err, compare.ErrUnpaired) {
		return nil, invalidInput(err)
	}
	if err != nil {
		return nil, err
	}
	cmp.Scales = scales
	figs, err := plots.Figures(runs)
	if err != nil {
		return nil, fmt.Errorf("draw figures: %w", err)
	}
	return &analysis{runs: runs, comparison: cmp, figures: figs}, nil
}

func (a *analysis) writeReport(w io.Writer) error {
	return htmlreport.Write(w, htmlreport.Input{Runs: a.runs, Comparison: a.comparison, Figures: a.figures})
}

// tableNameWidth is the widest scenario name the compare table shows in
// full; longer names are cut (the header lines give them whole). With it,
// the table fits 100 columns.
const tableNameWidth = 28

// writeComparisonTable prints the key metrics of every scenario, with the
// paired differences from the reference, and a legend. The layout is long:
// a line per metric with its unit, then a line per scenario with its mean
// and 95% interval (as mean ± half-width: Student-t intervals are
// symmetric) and, after the reference, the paired difference and its
// interval. Amounts of money are written with thousands separators and
// their currency.
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
	ref := c.Scenarios[0]
	for _, sc := range scs {
		if r := sc.rescaled; r != nil {
			gap := 100 * r.Gap
			if math.Abs(gap) < 0.005 {
				gap = 0 // no "-0.00%"
			}
			fmt.Fprintf(w, "Equal cost: %s: %s payment amounts (%d) scaled by %s\n  commissioner spend (%s) %s against %s, %+.2f%% (%d search runs)\n",
				sc.res.Scenario.Name, scaledWhat(r.Rule), len(r.Paths), strconv.FormatFloat(r.Factor, 'g', 6, 64), r.Metric,
				money(r.Achieved), money(r.Target), gap, r.Runs)
		}
	}
	fmt.Fprintln(w)

	units := map[string]string{}
	for _, m := range sim.Metrics() {
		units[m.Name] = m.Unit
	}
	header := []string{"metric / scenario", "mean", "± 95%", "diff", "± 95%"}
	type block struct {
		metric, unit string
		rows         [][]string
	}
	var blocks []block
	for _, m := range compare.KeyMetrics() {
		if _, ok := c.Stat(0, m); !ok {
			continue
		}
		b := block{metric: m, unit: units[m]}
		num := results.Human
		if b.unit == "GBP" {
			num = money
		}
		for s, name := range c.Scenarios {
			st, _ := c.Stat(s, m)
			row := []string{"  " + cut(name, tableNameWidth), num(st.Mean), halfWidth(num, st.Mean, st.Lo95, st.Hi95), "", ""}
			if s > 0 {
				d := num(st.Diff)
				if st.Diff > 0 && d != "0" {
					d = "+" + d
				}
				if st.ExcludesZero() {
					d += " *"
				} else {
					d += "  "
				}
				row[3], row[4] = d, halfWidth(num, st.Diff, st.DiffLo95, st.DiffHi95)
			}
			b.rows = append(b.rows, row)
		}
		blocks = append(blocks, b)
	}
	// Column widths over the header and the scenario rows; a metric's line
	// spans the number columns and ends with its unit in the last column.
	widths := make([]int, len(header))
	measure := func(row []string) {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	measure(header)
	for _, b := range blocks {
		for _, r := range b.rows {
			measure(r)
		}
	}
	numbers := 0 // width up to the end of the last number column
	for _, wd := range widths {
		numbers += wd + 2
	}
	numbers -= 2
	line := func(row []string, unit string) {
		var sb strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			switch i {
			case 0:
				sb.WriteString(c + pad)
			default:
				sb.WriteString("  " + pad + c)
			}
		}
		if unit != "" {
			sb.WriteString("  " + unit)
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
	}
	line(header, "unit")
	for _, b := range blocks {
		name := b.metric
		if b.unit != "" {
			name += strings.Repeat(" ", max(1, numbers-utf8.RuneCountInString(name)))
			name += "  " + b.unit
		}
		fmt.Fprintln(w, name)
		for _, r := range b.rows {
			line(r, "")
		}
	}
	fmt.Fprintf(w, "\nmean: over replications. diff: mean over replications of (scenario - %s), paired by\n"+
		"replication. ± 95%%: half-width of the 95%% interval; * the interval excludes 0. NA: undefined.\n", ref)
}

// halfWidth is "± h" for a symmetric interval [lo, hi] around mean,
// formatted by num, or NA.
func halfWidth(num func(float64) string, mean, lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsNaN(mean) {
		return results.NA
	}
	return "± " + num((hi-lo)/2)
}

// cut shortens s to at most n characters, ending it with "~" when cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "~"
}
