package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sweep"
)

// maxBootstrap bounds --bootstrap.
const maxBootstrap = 100_000

type analyzeOptions struct {
	dir       string
	metrics   []string
	out       string
	bootstrap int
	format    string
	halfWidth []string
	output    outputFlags
}

func newAnalyzeCommand(d *deps) *cobra.Command {
	opts := &analyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze DIR",
		Short: "Estimate parameter sensitivities from a sweep's results",
		Long: `Analyse the results of a parameter sweep: DIR is a directory written by
"sibsim sweep" (manifest.json, points.csv and runs.csv or runs.parquet).

Each metric is first averaged over the replications of each design point
(replications in which it is undefined, NA, are left out). Then, by the
sweep's design:

  sobol   Sobol indices per parameter: first order S1 (Saltelli 2010) and
          total ST (Jansen), with 95% bootstrap intervals over the base
          samples; second order S2 when the design has it.
  morris  Morris elementary effects per parameter: mu, mu* (mean absolute
          effect) and sigma, on the unit scale (a parameter's whole range
          is 1), so parameters with different units are comparable.
  grid    main effects (the mean at each level of a parameter over every
          level of the others) and two-way interactions (the mean at each
          pair of levels), drawn with ticks at the design's levels.
  random, lhs
          no indices; the summaries and figures below.

With --half-width, analyze also estimates how many replications each
metric needs for a 95% interval of that half-width, absolute (METRIC=0.01)
or relative to the mean (5%): per design point, from the pooled spread
within points and at the worst point. DIR may also be a run directory
(sibsim run's output): then only this estimate is printed, from the spread
of its replications. The estimate is the smallest n with
t(0.975, n-1) s / sqrt(n) <= h, s held at its estimate (Law & Kelton's
sequential procedure; a relative target g uses h = g/(1+g) |mean|).

Tables are printed, with notes on what to beware of (intervals that
contain zero, small samples, undefined outputs). Written into --out
(default DIR/analysis): sobol.csv (metric, parameter, s1, s1_lo95, s1_hi95,
st, st_lo95, st_hi95), sobol2.csv (second order), morris.csv (metric,
parameter, mu, mu_star, sigma), points_summary.csv (each design point's
parameter values and, per metric, the mean over replications with its 95%
interval and count), and figures: sobol-METRIC (indices with intervals),
morris-METRIC (mu* against sigma), response-METRIC (the metric's point
means against each parameter) and, for a grid, main-effects-METRIC and
interactions-METRIC. Axis labels say whether a parameter was varied as a
multiplier of the base value or as a value. The output directory must be new, empty or
a previous analysis, which is replaced; it appears complete or not at all.

A sweep over several policies (an experiment with policies) is analysed
per policy: the tables, CSV files (with a scenario column) and figures
(METRIC-under-POLICY) above for each. Then the policies are compared on
each metric: each policy's mean over the design points and the share of
points where it is highest and lowest; and for each pair a and b the paired
difference a − b at each point (the mean over replications of each
replication's difference, under common random numbers), with the share of
points where a is higher, b is higher, and where the difference's 95%
interval excludes 0. Written: policies.csv, pairs.csv, differences.csv
(the difference at every point, with its parameters) and figures
difference-METRIC-A-B (the difference against each parameter).

A sweep that recorded weekly series (series.csv) gets, per series and
policy, the median and the 5% and 95% quantiles over all its runs (every
design point and replication) week by week: series_bands.csv and figures
series-NAME.

The same inputs always give the same bytes: bootstrap resamples are drawn
from the sweep's seed.`,
		Example: `  # Every metric of a sweep, into results/sweep/analysis
  sibsim analyze results/sweep

  # How many replications for intervals of ±5% of each metric's mean?
  sibsim analyze results/sweep --half-width 5%
  sibsim analyze results/run --half-width 5% --half-width investor_irr=0.01

  # Two metrics, PDF figures, 2000 bootstrap resamples
  sibsim analyze results/sweep --metric care_share_last_year --metric investor_irr \
      --bootstrap 2000 --format pdf --out reports/sensitivity`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dir = args[0]
			return classify(cmd.Context(), runAnalyze(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	listFlag(f, &opts.metrics, "metric", "metric to analyse; repeat or separate with commas (default: every metric of the sweep)")
	f.StringVar(&opts.out, "out", "", "write the analysis into this directory (default DIR/"+sweep.AnalysisDir+")")
	intFlag(f, &opts.bootstrap, "bootstrap", 1000, fmt.Sprintf("bootstrap resamples for Sobol intervals (0 to %d; 0 for none)", maxBootstrap))
	f.StringVar(&opts.format, "format", "svg", "figure format: "+strings.Join(plots.Formats(), ", "))
	listFlag(f, &opts.halfWidth, "half-width", "estimate the replications a 95% interval of this half-width needs: H or P% for every metric, METRIC=H or METRIC=P% for one; repeatable")
	addOutputFlags(f, &opts.output)
	return cmd
}

func (o *analyzeOptions) check() error {
	if o.bootstrap < 0 || o.bootstrap > maxBootstrap {
		return usageErrorf("--bootstrap must be between 0 and %d (got %d)", maxBootstrap, o.bootstrap)
	}
	if o.dir == "" {
		return usageErrorf("empty sweep directory")
	}
	for _, m := range o.metrics {
		if strings.TrimSpace(m) == "" {
			return usageErrorf("--metric: empty metric name")
		}
	}
	return checkFormat(o.format)
}

func runAnalyze(ctx context.Context, opts *analyzeOptions, s streams) error {
	if err := opts.check(); err != nil {
		return err
	}
	targets, err := parseHalfWidths(opts.halfWidth)
	if err != nil {
		return err
	}
	if isRunDir(opts.dir) {
		return runAnalyzeRun(ctx, opts, targets, s)
	}
	res, err := sweep.ReadResults(ctx, opts.dir, opts.metrics)
	if err != nil {
		return analyzeError(ctx, err)
	}
	a, err := sweep.Analyze(ctx, res, opts.bootstrap)
	if err != nil {
		return analyzeError(ctx, err)
	}
	for _, m := range slices.Sorted(maps.Keys(targets.ByMetric)) { // the first unknown name, whatever the map's order
		if !containsString(res.Metrics, m) {
			return usageErrorf("--half-width: metric %q is not analysed; analysed: %s", m, strings.Join(res.Metrics, ", "))
		}
	}
	needs, err := a.ReplicationsNeeded(targets)
	if err != nil {
		return usageError(fmt.Errorf("--half-width: %w", err))
	}
	a.Series, err = sweep.ReadSeriesBands(ctx, res)
	switch {
	case errors.Is(err, sweep.ErrSeriesParquet):
		// The runs are analysed from runs.parquet; only the bands are left out.
		fmt.Fprintf(s.err, "note: %v\n", err)
	case err != nil:
		return analyzeError(ctx, err)
	}

	out := opts.out
	if out == "" {
		out = filepath.Join(opts.dir, sweep.AnalysisDir)
	}
	if err := writeStagedDir(ctx, out, checkAnalysisDir, "analysis", a.WriteFiles, func() ([]plots.Figure, error) { return analysisFigures(a) }, opts.format); err != nil {
		return err
	}
	if opts.output.json {
		return writeJSON(s.out, analyzeJSON(a, out))
	}
	if !opts.output.text() {
		return nil
	}
	writeAnalysisTables(s.out, a)
	if len(needs) > 0 {
		writeSweepReplications(s.out, a, needs)
	}
	fmt.Fprintf(s.out, "\nAnalysis written to %s\n", out)
	return nil
}

// analyzeError classifies an error from reading or analysing a sweep: an
// unknown --metric is a usage error, an inconsistent manifest invalid
// input with one detail line per problem, anything else (a missing or
// malformed file) invalid input.
func analyzeError(ctx context.Context, err error) error {
	var me *sweep.ManifestError
	switch {
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return errInterrupted
	case errors.Is(err, sweep.ErrUnknownMetric):
		return usageError(fmt.Errorf("--metric: %w", err))
	case errors.As(err, &me):
		return &exitError{code: exitInvalid, msg: "invalid sweep manifest " + me.File, detail: me.Problems, err: err}
	}
	return invalidInput(err)
}

func checkAnalysisDir(dir string) (bool, error) {
	return sweep.CheckAnalysisDir(dir, plots.IsFigureFile)
}

// analysisFigures draws, per metric, its indices (sobol-METRIC or
// morris-METRIC), its point means against each parameter
// (response-METRIC) and, for a grid, its main effects and interactions
// (main-effects-METRIC, interactions-METRIC), leaving out a figure with
// nothing defined to draw.
//
// With policies, each figure is per policy (METRIC-under-POLICY), and each
// pair of policies gets the paired difference at each point against each
// parameter (difference-METRIC-A-B). A sweep with weekly series gets the
// bands of each series (series-NAME).
func analysisFigures(a *sweep.Analysis) ([]plots.Figure, error) {
	ms := make([]plots.SweepMetric, len(a.Metrics))
	for i, m := range a.Metrics {
		ms[i] = plots.SweepMetric{Name: metricLabel(m), Means: m.Mean, Sobol: m.Sobol, Morris: m.Morris, Grid: m.Grid}
	}
	r := a.Results
	sw := plots.Sweep{Params: r.Params, Dists: r.Dists, Points: r.Points, Scale: r.Scale}
	figs, err := plots.SensitivityFigures(sw, ms)
	if err != nil {
		return nil, err
	}
	if b := a.Series; b != nil {
		for s, name := range b.Series {
			var med, lo, hi [][]float64
			for pol := range b.Median {
				med, lo, hi = append(med, b.Median[pol][s]), append(lo, b.P05[pol][s]), append(hi, b.P95[pol][s])
			}
			f, err := plots.SeriesBandsFigure(name, b.Units[s], b.Policies, med, lo, hi)
			switch {
			case errors.Is(err, plots.ErrNothingToDraw):
				continue
			case err != nil:
				return nil, err
			}
			figs = append(figs, f)
		}
	}
	for _, c := range a.Policies {
		for _, d := range c.Pairs {
			f, err := plots.DifferenceFigure(c.Metric, d.A, d.B, sw, d.Mean)
			switch {
			case errors.Is(err, plots.ErrNothingToDraw):
				continue
			case err != nil:
				return nil, err
			}
			figs = append(figs, f)
		}
	}
	return figs, nil
}

// metricLabel names a metric's analysis: the metric, and the policy when
// there are several.
func metricLabel(m *sweep.MetricAnalysis) string {
	if m.Policy != "" {
		return m.Name + " under " + m.Policy
	}
	return m.Name
}

// writeAnalysisTables prints the analysis.
func writeAnalysisTables(w io.Writer, a *sweep.Analysis) {
	r := a.Results
	reps := "replications"
	if r.Replications == 1 {
		reps = "replication"
	}
	if len(r.Policies) > 0 {
		fmt.Fprintf(w, "Sweep %s: %s design, %d parameters, %d points × %d %s × %d policies (%s), seed %d\n",
			r.Name, r.Design.Kind, len(r.Params), len(r.Points), r.Replications, reps, len(r.Policies), strings.Join(r.Policies, ", "), r.Seed)
	} else {
		fmt.Fprintf(w, "Sweep %s: %s design, %d parameters, %d points × %d %s, seed %d\n",
			r.Name, r.Design.Kind, len(r.Params), len(r.Points), r.Replications, reps, r.Seed)
	}
	for _, n := range a.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	for _, m := range a.Metrics {
		fmt.Fprintln(w)
		switch {
		case m.Sobol != nil:
			writeSobolTable(w, a, m)
		case m.Morris != nil:
			writeMorrisTable(w, a, m)
		default:
			s := m.Spread()
			fmt.Fprintf(w, "%s over %d design points (%d with the metric defined): mean %s, smallest %s, largest %s\n",
				metricLabel(m), len(m.Mean), s.Defined, results.Human(s.Mean), results.Human(s.Min), results.Human(s.Max))
		}
	}
	for _, c := range a.Policies {
		fmt.Fprintln(w)
		writePolicyTables(w, r.Replications, c)
	}
}

// writePolicyTables prints how the policies compare on one metric: each
// policy's mean and the share of points where it is highest or lowest,
// then each pair's paired difference.
func writePolicyTables(w io.Writer, reps int, c *sweep.PolicyComparison) {
	fmt.Fprintf(w, "%s by policy, over the %d design points where every policy has it:\n", c.Metric, c.Compared)
	rows := [][]string{{"policy", "mean", "highest at", "lowest at"}}
	for i, name := range c.Policies {
		rows = append(rows, []string{name, results.Human(c.Mean[i]), percent(c.Highest[i]), percent(c.Lowest[i])})
	}
	writeTable(w, rows, []bool{true, false, false, false})
	fmt.Fprintf(w, "paired differences a − b at each point (mean over replications of each replication's difference, common random numbers):\n")
	rows = [][]string{{"a", "b", "mean a − b", "a higher at", "b higher at", "a clearly higher", "b clearly higher"}}
	for _, d := range c.Pairs {
		rows = append(rows, []string{d.A, d.B, results.Human(d.MeanDifference), percent(d.AHigher), percent(d.BHigher), percent(d.AClearly), percent(d.BClearly)})
	}
	writeTable(w, rows, []bool{true, true, false, false, false, false, false})
	if reps < 2 {
		fmt.Fprintln(w, "  note: one replication per point: no intervals, so no difference is clearly higher")
	} else {
		fmt.Fprintln(w, "  note: shares are of the design points; \"clearly\" means the 95% interval of the difference at the point excludes 0")
	}
}

// percent writes a share as a whole percentage, "NA" when undefined.
func percent(x float64) string {
	if x != x {
		return results.NA
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

// zeroNote is the end of sensitivity's notes on intervals containing zero,
// which the table's notes column shows instead.
const zeroNote = "indistinguishable from zero"

func writeSobolTable(w io.Writer, a *sweep.Analysis, m *sweep.MetricAnalysis) {
	r, params := m.Sobol, a.Results.Params
	boot := fmt.Sprintf("95%% intervals from %d bootstrap resamples", a.Bootstrap)
	if a.Bootstrap == 0 {
		boot = "no bootstrap intervals"
	}
	fmt.Fprintf(w, "%s: Sobol indices (N = %d, %s)\n", metricLabel(m), a.Results.Design.N, boot)
	rows := [][]string{{"parameter", "S1", "95% interval", "ST", "95% interval", "notes"}}
	for i, p := range params {
		var notes []string
		if r.S1[i].Lo95 <= 0 && r.S1[i].Hi95 >= 0 {
			notes = append(notes, "S1 ≈ 0")
		}
		if r.ST[i].Lo95 <= 0 && r.ST[i].Hi95 >= 0 {
			notes = append(notes, "ST ≈ 0: no detectable influence")
		}
		rows = append(rows, []string{p,
			results.Human(r.S1[i].Value), intervalText(r.S1[i].Lo95, r.S1[i].Hi95),
			results.Human(r.ST[i].Value), intervalText(r.ST[i].Lo95, r.ST[i].Hi95),
			strings.Join(notes, "; ")})
	}
	writeTable(w, rows, []bool{true, false, false, false, false, true})
	if r.S2 != nil {
		fmt.Fprintln(w, "second order:")
		rows := [][]string{{"parameters", "S2", "95% interval"}}
		for i := range r.S2 {
			for j := i + 1; j < len(r.S2); j++ {
				s := r.S2[i][j]
				rows = append(rows, []string{params[i] + " × " + params[j], results.Human(s.Value), intervalText(s.Lo95, s.Hi95)})
			}
		}
		writeTable(w, rows, []bool{true, false, false})
	}
	for _, n := range r.Notes {
		if !strings.Contains(n, zeroNote) {
			fmt.Fprintf(w, "  note: %s\n", a.Named(n))
		}
	}
}

func writeMorrisTable(w io.Writer, a *sweep.Analysis, m *sweep.MetricAnalysis) {
	r := m.Morris
	d := a.Results.Design
	fmt.Fprintf(w, "%s: Morris elementary effects on the unit scale (r = %d trajectories, p = %d levels)\n", metricLabel(m), d.Trajectories, d.Levels)
	rows := [][]string{{"parameter", "mu", "mu*", "sigma"}}
	for i, p := range a.Results.Params {
		rows = append(rows, []string{p, results.Human(r.Mu[i]), results.Human(r.MuStar[i]), results.Human(r.Sigma[i])})
	}
	writeTable(w, rows, []bool{true, false, false, false})
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", a.Named(n))
	}
}

// writeStagedDir writes a directory of result files (files) and figures in
// format into a stage of out (results.NewStage, checked by check) and
// commits it, so out ends complete or as it was. what names the files in
// errors. An unusable out is a usage error; Ctrl-C before the commit,
// errInterrupted.
func writeStagedDir(ctx context.Context, out string, check results.DirCheck, what string, files func(dir string) error, figures func() ([]plots.Figure, error), format string) error {
	stage, err := results.NewStage(out, check)
	if err != nil {
		return outDirError(err)
	}
	defer stage.Cleanup()
	if err := files(stage.Tmp); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	figs, err := figures()
	if err != nil {
		return fmt.Errorf("draw figures: %w", err)
	}
	if err := plots.WriteFiles(ctx, stage.Tmp, figs, format); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return errInterrupted
	}
	if err := stage.Commit(); err != nil {
		return outDirError(err)
	}
	return nil
}
