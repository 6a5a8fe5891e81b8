package plots

// This file draws the figures of a sweep over several policies (sibsim
// analyze on an experiment with policies): the paired difference between
// two policies across the design.

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
