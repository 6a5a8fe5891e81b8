package sweep

import (
	"math"
	"strconv"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/stats"
)

// Files of an analysis of an experiment with policies, beside those of
// Analysis.WriteFiles.
const (
	// AnalysisPoliciesFile: metric, scenario, points, mean, highest_share,
	// lowest_share: one row per metric and policy (PolicyComparison).
	AnalysisPoliciesFile = "policies.csv"
	// AnalysisPairsFile: metric, a, b, points, mean_difference,
	// a_higher_share, b_higher_share, equal_share, a_clearly_higher_share,
	// b_clearly_higher_share: one row per metric and pair of policies
	// (PairDifference).
	AnalysisPairsFile = "pairs.csv"
	// AnalysisDifferencesFile: metric, a, b, point, the parameters,
	// difference_mean, difference_lo95, difference_hi95, n: the paired
	// difference a − b at every design point.
	AnalysisDifferencesFile = "differences.csv"
)

// PolicyComparison compares the policies of an experiment on one metric
// over the design points.
type PolicyComparison struct {
	Metric string
	// Policies are the policies' names, in the experiment's order; the
	// slices below have one entry per policy.
	Policies []string
	// Compared counts the design points where every policy's mean over
	// replications is defined.
	Compared int
	// Mean is, per policy, the mean over those points of its point means.
	Mean []float64
	// Highest and Lowest are, per policy, the share of those points at
	// which its mean is strictly the highest (lowest) of all policies'; a
	// point where two policies tie for it counts for neither. NaN when
	// Compared is 0.
	Highest, Lowest []float64
	// Pairs holds the paired difference of every pair of policies, A
	// before B in the experiment's order: (0,1), (0,2), ..., (1,2), ...
	Pairs []*PairDifference
}

// PairDifference is the paired difference A − B of a metric between two
// policies at every design point, under common random numbers: the
// replications of a point share their random numbers across policies, so
// the difference of each replication's values is the policy's effect
// without the noise between replications.
type PairDifference struct {
	A, B string
	// Mean, Lo95, Hi95 and N are, per design point, the mean over
	// replications of the per-replication difference A − B (replications
	// where both are defined), its 95% Student t interval and the count
	// (stats.Describe): NaN where undefined.
	Mean, Lo95, Hi95 []float64
	N                []int
	// Defined counts the points with a defined mean difference.
	Defined int
	// MeanDifference is the mean of the defined point differences.
	MeanDifference float64
	// AHigher, BHigher and Equal are the shares of the defined points at
	// which the mean difference is > 0, < 0 and 0; AClearly and BClearly
	// the shares at which its 95% interval lies wholly above (below) 0.
	// NaN when Defined is 0.
	AHigher, BHigher, Equal, AClearly, BClearly float64
}

// PairedDifference returns the paired difference A − B of metric i of r
// between policies a and b (indices into r.Policies) at every design
// point; see PairDifference.
func (r *Results) PairedDifference(i, a, b int) *PairDifference {
	d := &PairDifference{A: r.Policies[a], B: r.Policies[b]}
	diffs := make([]float64, r.Replications)
	for p := range r.Points {
		for rep := range diffs {
			diffs[rep] = r.Values[i][r.Run(p, rep, a)] - r.Values[i][r.Run(p, rep, b)]
		}
		s := stats.Describe(diffs) // leaves out NaN: a replication where either is undefined
		d.Mean = append(d.Mean, s.Mean)
		d.Lo95 = append(d.Lo95, s.Lo95)
		d.Hi95 = append(d.Hi95, s.Hi95)
		d.N = append(d.N, s.N)
	}
	var higher, lower, equal, aClear, bClear, sum float64
	for p, m := range d.Mean {
		if math.IsNaN(m) {
			continue
		}
		d.Defined++
		sum += m
		switch {
		case m > 0:
			higher++
		case m < 0:
			lower++
		default:
			equal++
		}
		if d.Lo95[p] > 0 {
			aClear++
		}
		if d.Hi95[p] < 0 {
			bClear++
		}
	}
	n := float64(d.Defined)
	if d.Defined == 0 {
		n = math.NaN()
	}
	d.MeanDifference = sum / n
	d.AHigher, d.BHigher, d.Equal, d.AClearly, d.BClearly = higher/n, lower/n, equal/n, aClear/n, bClear/n
	return d
}

// ComparePolicies compares r's policies on each of its metrics: per
// policy, its mean over the design points and the share of points at
// which it is highest or lowest (each policy's value at a point being its
// mean over replications), and per pair of policies the paired difference
// at each point. It returns nil for an experiment with a base.
func ComparePolicies(r *Results) []*PolicyComparison {
	np := len(r.Policies)
	if np == 0 {
		return nil
	}
	var out []*PolicyComparison
	for i, name := range r.Metrics {
		c := &PolicyComparison{Metric: name, Policies: r.Policies,
			Mean: make([]float64, np), Highest: make([]float64, np), Lowest: make([]float64, np)}
		means := make([]float64, np)
		for p := range r.Points {
			defined := true
			for pol := range np {
				means[pol] = stats.Describe(r.replicationValues(i, p, pol)).Mean
				defined = defined && !math.IsNaN(means[pol])
			}
			if !defined {
				continue
			}
			c.Compared++
			hi, lo := 0, 0
			hiTie, loTie := false, false
			for pol := 1; pol < np; pol++ {
				switch {
				case means[pol] > means[hi]:
					hi, hiTie = pol, false
				case means[pol] == means[hi]:
					hiTie = true
				}
				switch {
				case means[pol] < means[lo]:
					lo, loTie = pol, false
				case means[pol] == means[lo]:
					loTie = true
				}
			}
			if !hiTie {
				c.Highest[hi]++
			}
			if !loTie {
				c.Lowest[lo]++
			}
			for pol, m := range means {
				c.Mean[pol] += m
			}
		}
		n := float64(c.Compared)
		if c.Compared == 0 {
			n = math.NaN()
		}
		for pol := range np {
			c.Mean[pol] /= n
			c.Highest[pol] /= n
			c.Lowest[pol] /= n
		}
		for a := range np {
			for b := a + 1; b < np; b++ {
				c.Pairs = append(c.Pairs, r.PairedDifference(i, a, b))
			}
		}
		out = append(out, c)
	}
	return out
}

// analysisFile is a CSV file of an analysis: its name, header and rows.
type analysisFile struct {
	name   string
	header []string
	rows   func(emit func(...string))
}

// policyFiles returns the files comparing the policies.
func (a *Analysis) policyFiles() []analysisFile {
	r := a.Results
	f := results.FormatFloat
	return []analysisFile{{
		name:   AnalysisPoliciesFile,
		header: []string{"metric", ScenarioColumn, "points", "mean", "highest_share", "lowest_share"},
		rows: func(emit func(...string)) {
			for _, c := range a.Policies {
				for pol, name := range c.Policies {
					emit(c.Metric, name, strconv.Itoa(c.Compared), f(c.Mean[pol]), f(c.Highest[pol]), f(c.Lowest[pol]))
				}
			}
		},
	}, {
		name: AnalysisPairsFile,
		header: []string{"metric", "a", "b", "points", "mean_difference", "a_higher_share", "b_higher_share", "equal_share",
			"a_clearly_higher_share", "b_clearly_higher_share"},
		rows: func(emit func(...string)) {
			for _, c := range a.Policies {
				for _, d := range c.Pairs {
					emit(c.Metric, d.A, d.B, strconv.Itoa(d.Defined), f(d.MeanDifference), f(d.AHigher), f(d.BHigher), f(d.Equal),
						f(d.AClearly), f(d.BClearly))
				}
			}
		},
	}, {
		name: AnalysisDifferencesFile,
		header: append(append([]string{"metric", "a", "b", "point"}, r.Params...),
			"difference_mean", "difference_lo95", "difference_hi95", "n"),
		rows: func(emit func(...string)) {
			for _, c := range a.Policies {
				for _, d := range c.Pairs {
					for p, vals := range r.Points {
						row := []string{c.Metric, d.A, d.B, strconv.Itoa(p)}
						for _, v := range vals {
							row = append(row, f(v))
						}
						emit(append(row, f(d.Mean[p]), f(d.Lo95[p]), f(d.Hi95[p]), strconv.Itoa(d.N[p]))...)
					}
				}
			}
		},
	}}
}
