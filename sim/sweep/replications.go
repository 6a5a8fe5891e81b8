package sweep

import (
	"math"

	"github.com/sibsim/sibsim/sim/stats"
)

// PointNeed is how many replications per design point a metric of a sweep
// needs for a target interval half-width of each point's mean.
type PointNeed struct {
	Metric string
	// Policy is the policy whose runs were used, for a sweep with
	// policies ("" otherwise): each policy is estimated on its own.
	Policy string
	Target stats.HalfWidth
	// Pooled rests on the pooled within-point sd, sqrt(Σ(n_p−1)s_p² /
	// Σ(n_p−1)), and the mean of the point means, with N the sweep's
	// replications: what a typical point needs when the spread is alike
	// across points.
	Pooled stats.Need
	// Worst is the largest need over the points, estimated from each
	// point's own replications, at point WorstPoint (−1 when no point's
	// need could be estimated); Unestimated counts the points whose need
	// could not be (Reason of stats.Need).
	Worst       stats.Need
	WorstPoint  int
	Unestimated int
}

// ReplicationsNeeded estimates, for each metric of the analysis with a
// target in targets, in order (and, for a sweep with policies, for each
// policy in the manifest's order, on that policy's runs alone), the
// replications per design point that a 95% interval of each point's mean
// with that half-width needs (stats.ReplicationsFor, the sequential
// procedure of Law and Kelton), pooled over points and at the worst point.
// Errors: a target that is not a valid half-width.
func (a *Analysis) ReplicationsNeeded(targets stats.Targets) ([]PointNeed, error) {
	r := a.Results
	reps, np := r.Replications, r.NumPolicies()
	var out []PointNeed
	for i, name := range r.Metrics {
		h, ok := targets.For(name)
		if !ok {
			continue
		}
		for pol := range np {
			pn := PointNeed{Metric: name, Target: h, WorstPoint: -1}
			if len(r.Policies) > 0 {
				pn.Policy = r.Policies[pol]
			}
			ss, df := 0.0, 0
			for p := range r.Points {
				s := stats.Describe(r.replicationValues(i, p, pol))
				if s.N >= 2 {
					ss += float64(s.N-1) * s.SD * s.SD
					df += s.N - 1
				}
				need, err := stats.ReplicationsFor(s.N, s.Mean, s.SD, h)
				if err != nil {
					return nil, err
				}
				switch {
				case need.Reason != "":
					pn.Unestimated++
				case pn.WorstPoint < 0 || need.Replications > pn.Worst.Replications:
					pn.Worst, pn.WorstPoint = need, p
				}
			}
			sd := math.NaN()
			if df > 0 {
				sd = math.Sqrt(ss / float64(df))
			}
			// a.Metrics holds, per metric, one analysis per policy.
			m := a.Metrics[i*np+pol].Spread().Mean
			var err error
			if pn.Pooled, err = stats.ReplicationsFor(reps, m, sd, h); err != nil {
				return nil, err
			}
			out = append(out, pn)
		}
	}
	return out, nil
}
