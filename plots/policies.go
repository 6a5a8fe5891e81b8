package plots

import (
	"fmt"
	"strings"

	"gonum.org/v1/plot"

	"github.com/sibsim/sibsim/sim/results"
)

// This file draws the figures of a sweep over several policies (sibsim
// analyze on an experiment with policies): the paired difference between
// two policies across the design, and weekly series as bands per policy.

// DifferenceFigure draws the paired difference a − b of metric between
// two policies at each design point (diffs[point], the mean over
// replications of each replication's difference; NaN where undefined)
// against each parameter's values, as ResponseFigure draws a metric. It is
// named "difference-METRIC-A-B" (characters other than letters, digits,
// '_', '-' and '.' made '-'). It returns ErrNothingToDraw when no
// difference is defined, and an error when diffs, sw.Points, sw.Params
// and sw.Dists (unless nil) do not match.
func DifferenceFigure(metric, a, b string, sw Sweep, diffs []float64) (Figure, error) {
	stem := metricStem(metric + "-" + a + "-" + b)
	f, err := responseFigure(metric+": "+a+" − "+b, stem, sw, diffs)
	if err != nil {
		return Figure{}, err
	}
	f.Name = "difference-" + stem
	return f, nil
}

// SeriesBandsFigure draws a weekly series of a sweep over time: for each
// policy (or the one scenario, policies nil), the median over its runs
// week by week as a line over a faded band from the 5% to the 95%
// quantile, policy i in Colour(i). median, p05 and p95 are indexed
// [policy][week]; NaN weeks are left out. It is named "series-NAME". It
// returns ErrNothingToDraw when no median is defined, and an error when
// the slices do not match.
func SeriesBandsFigure(name, unit string, policies []string, median, p05, p95 [][]float64) (Figure, error) {
	np := max(1, len(policies))
	if len(median) != np || len(p05) != np || len(p95) != np {
		return Figure{}, fmt.Errorf("plots: series figure of %s: %d, %d and %d bands for %d policies", name, len(median), len(p05), len(p95), np)
	}
	for i := range median {
		if len(p05[i]) != len(median[i]) || len(p95[i]) != len(median[i]) {
			return Figure{}, fmt.Errorf("plots: series figure of %s: band %d has %d, %d and %d weeks", name, i, len(median[i]), len(p05[i]), len(p95[i]))
		}
	}
	yLabel := name
	if unit != "" {
		yLabel += " (" + unit + ")"
	}
	title := name + " week by week: median and 5–95% band over the runs"
	p, l := newPlot(title, "Time since the start of the run (years)", yLabel)
	addGrid(p)
	l.addHeading("Median, 5–95%")
	var top []plot.Plotter
	drawn := false
	var parts []string
	for i := range median {
		label := "all runs"
		if len(policies) > 0 {
			label = policies[i]
		}
		fill := fade(Colour(i), bandAlpha)
		sty := lineStyle(Colour(i), solid)
		ribbons := ribbon(p05[i], p95[i], fill)
		p.Add(ribbons...)
		ls := lines(median[i], sty)
		top = append(top, ls...)
		if len(ls) > 0 {
			drawn = true
		}
		l.add(label, thumbFill(fill), thumbLine(sty))
		if w := lastFinite(median[i]); w >= 0 {
			parts = append(parts, fmt.Sprintf("%s %s (5–95%%: %s to %s)", label, results.Human(median[i][w]), results.Human(p05[i][w]), results.Human(p95[i][w])))
		}
	}
	if !drawn {
		return Figure{}, ErrNothingToDraw
	}
	p.Add(top...)
	reading := fmt.Sprintf("In the last week with a value, the median of %s is %s.", name, strings.Join(parts, "; "))
	return Figure{Name: "series-" + metricStem(name), Title: title, Reading: reading, Plot: finish(p, l)}, nil
}

// lastFinite returns the index of the last finite value of xs, or -1.
func lastFinite(xs []float64) int {
	for i := len(xs) - 1; i >= 0; i-- {
		if finite(xs[i]) {
			return i
		}
	}
	return -1
}
