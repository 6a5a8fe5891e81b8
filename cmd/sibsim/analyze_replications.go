package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/stats"
	"github.com/sibsim/sibsim/sim/sweep"
)

// parseHalfWidths parses --half-width values: H or P% for every metric, or
// METRIC=H or METRIC=P% for one; a later value for the same metric wins.
func parseHalfWidths(specs []string) (stats.Targets, error) {
	var t stats.Targets
	for _, spec := range specs {
		metric, value, named := strings.Cut(spec, "=")
		if !named {
			metric, value = "", spec
		}
		metric, value = strings.TrimSpace(metric), strings.TrimSpace(value)
		if named && metric == "" {
			return t, usageErrorf("--half-width %q: empty metric name", spec)
		}
		h := stats.HalfWidth{}
		num := value
		if p, ok := strings.CutSuffix(value, "%"); ok {
			h.Relative, num = true, p
		}
		// Decimal only, as every number flag (decimalFloat): no hex,
		// underscores, '+', Inf or NaN.
		var d decimalFloat
		err := d.Set(strings.TrimSpace(num))
		v := float64(d)
		if h.Relative {
			v /= 100
		}
		h.Value = v
		if err != nil || !(v > 0) || v > 1e300 || h.Relative && v >= 1 {
			return t, usageErrorf("--half-width %q: want a positive number or a percentage below 100%%, for every metric or as METRIC=VALUE", spec)
		}
		if named {
			if t.ByMetric == nil {
				t.ByMetric = map[string]stats.HalfWidth{}
			}
			t.ByMetric[metric] = h
		} else {
			t.Default = &h
		}
	}
	return t, nil
}

// isRunDir reports whether dir is a run directory (sibsim run's output:
// replications.csv and no points.csv) rather than a sweep directory.
func isRunDir(dir string) bool {
	_, errR := os.Stat(filepath.Join(dir, results.ReplicationsFile))
	_, errP := os.Stat(filepath.Join(dir, sweep.PointsFile))
	return errR == nil && errors.Is(errP, fs.ErrNotExist)
}

// runAnalyzeRun prints the replications a run's metrics need for the
// --half-width targets.
func runAnalyzeRun(ctx context.Context, opts *analyzeOptions, targets stats.Targets, s streams) error {
	if targets.Empty() {
		return usageErrorf("%s is a run directory (sibsim run), not a sweep: analyze reads a run only to estimate replications; give --half-width", opts.dir)
	}
	d, err := results.ReadRunContext(ctx, opts.dir)
	if err != nil {
		if ctx.Err() != nil {
			return errInterrupted
		}
		return invalidInput(err)
	}
	for m := range targets.ByMetric {
		if !containsString(d.Metrics, m) {
			return usageErrorf("--half-width: unknown metric %q; %s has: %s", m, filepath.Join(opts.dir, results.ReplicationsFile), strings.Join(d.Metrics, ", "))
		}
	}
	for _, m := range opts.metrics {
		if !containsString(d.Metrics, strings.TrimSpace(m)) {
			return usageErrorf("--metric: unknown metric %q; %s has: %s", m, filepath.Join(opts.dir, results.ReplicationsFile), strings.Join(d.Metrics, ", "))
		}
	}
	needs, err := d.ReplicationsNeeded(targets)
	if err != nil {
		return usageError(fmt.Errorf("--half-width: %w", err))
	}
	if len(opts.metrics) > 0 {
		var kept []results.MetricNeed
		for _, n := range needs {
			for _, m := range opts.metrics {
				if strings.TrimSpace(m) == n.Metric {
					kept = append(kept, n)
					break
				}
			}
		}
		needs = kept
	}
	if !opts.output.text() {
		return nil
	}
	fmt.Fprintf(s.out, "Run %s: %d replications\n", opts.dir, len(d.Replications))
	rows := [][]string{{"metric", "mean", "sd", "n", "half-width now", "target", "replications needed"}}
	for _, n := range needs {
		rows = append(rows, needRow(n.Metric, n.Target, n.Need, ""))
	}
	writeTable(s.out, rows, []bool{true, false, false, false, false, false, true})
	writeNeedFooter(s.out)
	return nil
}

// needRow is a row of a replications table.
func needRow(metric string, target stats.HalfWidth, n stats.Need, extra string) []string {
	want := strconv.Itoa(n.Replications)
	if n.Reason != "" {
		want = "NA: " + n.Reason
	}
	tgt := results.Human(n.Target)
	if target.Relative {
		tgt = target.String() + " of the mean (" + results.Human(n.Target) + ")"
	}
	row := []string{metric, results.Human(n.Mean), results.Human(n.SD), strconv.Itoa(n.N), results.Human(n.HalfWidth), tgt, want}
	if extra != "" {
		row[len(row)-1] += extra
	}
	return row
}

func writeNeedFooter(w io.Writer) {
	fmt.Fprintln(w, "  note: replications needed for a 95% t interval of the target half-width, with the sd")
	fmt.Fprintln(w, "  held at its estimate (Law & Kelton, sequential procedure): run that many, then check again.")
}

// writeSweepReplications prints the replications per design point a
// sweep's metrics need for the --half-width targets.
func writeSweepReplications(w io.Writer, a *sweep.Analysis, needs []sweep.PointNeed) {
	fmt.Fprintf(w, "\nReplications per design point (now %d) for the interval of each point's mean:\n", a.Results.Replications)
	rows := [][]string{{"metric", "mean", "pooled sd", "n", "half-width now", "target", "replications needed", "worst point"}}
	for _, n := range needs {
		worst := "NA"
		if n.WorstPoint >= 0 {
			worst = fmt.Sprintf("%d at point %d", n.Worst.Replications, n.WorstPoint)
		}
		if n.Unestimated > 0 {
			worst += fmt.Sprintf(" (%d points not estimable)", n.Unestimated)
		}
		label := n.Metric
		if n.Policy != "" {
			label += " under " + n.Policy
		}
		rows = append(rows, append(needRow(label, n.Target, n.Pooled, ""), worst))
	}
	writeTable(w, rows, []bool{true, false, false, false, false, false, true, true})
	writeNeedFooter(w)
	fmt.Fprintln(w, "  note: the worst point rests on that point's replications alone, a rough estimate when they are few.")
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
