package results

import "github.com/sibsim/sibsim/sim/stats"

// MetricNeed is how many replications a metric of a run needs for a
// target interval half-width (stats.ReplicationsFor).
type MetricNeed struct {
	Metric string
	Target stats.HalfWidth
	stats.Need
}

// ReplicationsNeeded estimates, for each metric of the run with a target
// in targets, in the order of Metrics, the replications a 95% interval of
// that half-width needs, from the spread of the replications in which the
// metric is defined (stats.ReplicationsFor). Errors: a target that is not
// a valid half-width.
func (d *RunData) ReplicationsNeeded(targets stats.Targets) ([]MetricNeed, error) {
	var out []MetricNeed
	for m, name := range d.Metrics {
		h, ok := targets.For(name)
		if !ok {
			continue
		}
		xs := make([]float64, len(d.Replications))
		for r, row := range d.Replications {
			xs[r] = row[m]
		}
		s := stats.Describe(xs)
		need, err := stats.ReplicationsFor(s.N, s.Mean, s.SD, h)
		if err != nil {
			return nil, err
		}
		out = append(out, MetricNeed{Metric: name, Target: h, Need: need})
	}
	return out, nil
}
