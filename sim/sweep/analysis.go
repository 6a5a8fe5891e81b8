package sweep

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sensitivity"
	"github.com/sibsim/sibsim/sim/stats"
)

// Files of an analysis directory (AnalysisDir by default), beside figures.
const (
	// AnalysisSobolFile: metric,parameter,s1,s1_lo95,s1_hi95,st,st_lo95,st_hi95.
	AnalysisSobolFile = "sobol.csv"
	// AnalysisSobol2File: metric,parameter_i,parameter_j,s2,s2_lo95,s2_hi95.
	AnalysisSobol2File = "sobol2.csv"
	// AnalysisMorrisFile: metric,parameter,mu,mu_star,sigma.
	AnalysisMorrisFile = "morris.csv"
	// AnalysisPointsFile: point, (with policies) scenario, the
	// parameters, then per metric METRIC_mean, METRIC_lo95, METRIC_hi95,
	// METRIC_n.
	AnalysisPointsFile = "points_summary.csv"
)

// Analysis is the analysis of a sweep's results: per metric, the mean over
// replications at each design point and, by the design, Sobol indices or
// Morris elementary effects.
type Analysis struct {
	// Results are the results analysed.
	Results *Results
	// Bootstrap is the number of bootstrap resamples of the Sobol
	// intervals (0 for none).
	Bootstrap int
	// Notes are about the whole sweep: that points.csv differs from the
	// design rebuilt from the manifest, say.
	Notes []string
	// Metrics hold one analysis per metric of Results.Metrics, in order;
	// with policies, one per metric and policy, the policies of each
	// metric together in order.
	Metrics []*MetricAnalysis
	// Policies compares the policies of an experiment with policies, per
	// metric (see ComparePolicies); nil with a base.
	Policies []*PolicyComparison
	// Series holds the bands of the weekly series, when the sweep recorded
	// them and they were read (ReadSeriesBands); nil otherwise.
	Series *SeriesBands
}

// MetricAnalysis is one metric's analysis (under one policy, in an
// experiment with policies).
type MetricAnalysis struct {
	Name string
	// Policy is the policy analysed, in an experiment with policies; ""
	// with a base.
	Policy string
	// Mean, Lo95, Hi95 and N are, per design point, the mean over the
	// replications in which the metric is defined, its 95% Student t
	// interval and the count (stats.Describe): NaN where undefined.
	Mean, Lo95, Hi95 []float64
	N                []int
	// Sobol holds the indices of a sobol design, Morris the elementary
	// effects of a morris design; both are nil for other designs. Their
	// notes name parameters x1..xK: see Analysis.Named.
	Sobol  *sensitivity.SobolResult
	Morris *sensitivity.MorrisResult
	// Grid holds the main effects and two-way interaction means of the
	// point means over a grid design (sensitivity.GridMeans); nil for
	// other designs.
	Grid *sensitivity.GridEffects
}

// Analyze analyses r: each metric is averaged over the replications of
// each design point (stats.Describe, leaving out undefined values); then a
// sobol design gets first, total and, with SecondOrder, second-order Sobol
// indices (sensitivity.Sobol, with bootstrap resamples drawn from the
// sweep's seed) and a morris design elementary effects on the unit scale
// (sensitivity.Morris), a grid design main effects and two-way
// interaction means (sensitivity.GridMeans). Other designs get the point
// means only.
//
// The design is rebuilt from the manifest's spec, distributions and seed
// and checked against points.csv; if they differ (a design from another
// version of sibsim, say), the estimators use the points as written,
// mapped to unit coordinates, and a note says so. Errors: points.csv that
// is not a design of its kind (not a Saltelli layout, a value that is not
// one of a parameter's levels), an estimator's error, or ctx.Err() if ctx
// is cancelled. The result depends only on r and bootstrap.
func Analyze(ctx context.Context, r *Results, bootstrap int) (*Analysis, error) {
	a := &Analysis{Results: r, Bootstrap: bootstrap}
	var d *sensitivity.Design
	kind := r.Design.Kind
	if kind == sensitivity.DesignSobol || kind == sensitivity.DesignMorris {
		var err error
		if d, a.Notes, err = r.design(); err != nil {
			return nil, err
		}
	}
	for i, name := range r.Metrics {
		for pol := range r.NumPolicies() {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			m := &MetricAnalysis{Name: name}
			if len(r.Policies) > 0 {
				m.Policy = r.Policies[pol]
			}
			for p := range r.Points {
				sum := stats.Describe(r.replicationValues(i, p, pol))
				m.Mean = append(m.Mean, sum.Mean)
				m.Lo95 = append(m.Lo95, sum.Lo95)
				m.Hi95 = append(m.Hi95, sum.Hi95)
				m.N = append(m.N, sum.N)
			}
			var err error
			switch kind {
			case sensitivity.DesignSobol:
				m.Sobol, err = sensitivity.Sobol(d, m.Mean, bootstrap, r.Seed)
			case sensitivity.DesignMorris:
				m.Morris, err = sensitivity.Morris(d, r.Dists, m.Mean)
			case sensitivity.DesignGrid:
				m.Grid, err = sensitivity.GridMeans(r.Points, m.Mean)
			}
			if err != nil {
				if m.Policy != "" {
					return nil, fmt.Errorf("%s: %s under %s: %w", r.file(PointsFile), name, m.Policy, err)
				}
				return nil, fmt.Errorf("%s: %s: %w", r.file(PointsFile), name, err)
			}
			a.Metrics = append(a.Metrics, m)
		}
	}
	if len(r.Policies) > 0 {
		a.Policies = ComparePolicies(r)
	}
	return a, nil
}

// replicationValues returns metric i's values in the replications of
// point under policy, in order.
func (r *Results) replicationValues(i, point, policy int) []float64 {
	reps, np := r.Replications, r.NumPolicies()
	if np == 1 {
		return r.Values[i][point*reps : (point+1)*reps]
	}
	out := make([]float64, reps)
	for rep := range out {
		out[rep] = r.Values[i][r.Run(point, rep, policy)]
	}
	return out
}

// design rebuilds the sweep's design from its spec, parameters and seed,
// as sibsim sweep built it, and checks it against points.csv. If they
// differ, the design is rebuilt from points.csv: unit coordinates by
// inverting each parameter's distribution, which is all the estimators
// need; the note says so.
func (r *Results) design() (*sensitivity.Design, []string, error) {
	spec := r.Design
	d, err := sensitivity.NewDesign(spec, r.Dists, r.Seed)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: experiment.design: %w", r.file(ManifestFile), err)
	}
	mismatch := -1
	for p := range d.Points {
		vals := d.Values(r.Dists, p)
		for i, v := range vals {
			if x := r.Points[p][i]; x != v && math.Abs(x-v) > 1e-9*math.Max(math.Abs(x), math.Abs(v)) {
				mismatch = p
				break
			}
		}
		if mismatch >= 0 {
			break
		}
	}
	if mismatch < 0 {
		return d, nil, nil
	}
	name := r.file(PointsFile)
	notes := []string{fmt.Sprintf("%s differs from the %s design rebuilt from seed %d (first at point %d, line %d); the analysis uses the points as written",
		name, spec.Kind, r.Seed, mismatch, mismatch+2)}
	pts := make([][]float64, len(r.Points))
	for p, vals := range r.Points {
		pts[p] = make([]float64, len(vals))
		for i, x := range vals {
			u := r.Dists[i].Unit(x)
			if math.IsNaN(u) {
				return nil, nil, fmt.Errorf("%s:%d: %s: %v is not one of its levels %v", name, p+2, r.Params[i], x, r.Dists[i].Levels)
			}
			pts[p][i] = u
		}
	}
	if spec.Kind == sensitivity.DesignSobol {
		if err := checkSaltelli(spec, r.Points); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return &sensitivity.Design{Spec: spec, K: len(r.Params), Points: pts}, notes, nil
}

// checkSaltelli checks that parameter values have the block structure of a
// Saltelli design: AB_i equals A but in column i, which is B's, and BA_i
// equals B but in column i, which is A's.
func checkSaltelli(spec sensitivity.DesignSpec, pts [][]float64) error {
	n := spec.N
	k := len(pts[0])
	type block struct {
		name     string
		at       int
		base, in []float64
	}
	for j := range n {
		a, b := pts[j], pts[n+j]
		for i := range k {
			blocks := []block{{"AB", 2 + i, a, b}}
			if spec.SecondOrder {
				blocks = append(blocks, block{"BA", 2 + k + i, b, a})
			}
			for _, bl := range blocks {
				p := bl.at*n + j
				for c := range k {
					want := bl.base[c]
					if c == i {
						want = bl.in[c]
					}
					if pts[p][c] != want {
						return fmt.Errorf("line %d: point %d (row %d of block %s_%d) is not a sobol design point: parameter %d is %v; want %v",
							p+2, p, j, bl.name, i+1, c+1, pts[p][c], want)
					}
				}
			}
		}
	}
	return nil
}

// paramRef matches the names x1..xK that sensitivity's notes use.
var paramRef = regexp.MustCompile(`\bx([0-9]+)\b`)

// Named replaces the names x1..xK in a note of package sensitivity by the
// parameters' paths; other words are left as they are.
func (a *Analysis) Named(note string) string {
	params := a.Results.Params
	return paramRef.ReplaceAllStringFunc(note, func(s string) string {
		i, err := strconv.Atoi(s[1:])
		if err != nil || i < 1 || i > len(params) {
			return s
		}
		return params[i-1]
	})
}

// Spread summarises a metric's point means over a design.
type Spread struct {
	// Defined counts the points where the mean is defined.
	Defined int
	// Mean is the mean of the defined point means; Min and Max the
	// smallest and largest finite ones. NaN when there are none.
	Mean, Min, Max float64
}

// Spread summarises m's point means.
func (m *MetricAnalysis) Spread() Spread {
	s := stats.Describe(m.Mean)
	lo, hi := math.NaN(), math.NaN()
	for _, x := range m.Mean {
		if isFinite(x) {
			lo, hi = fmin(lo, x), fmax(hi, x)
		}
	}
	return Spread{Defined: s.N, Mean: s.Mean, Min: lo, Max: hi}
}

func fmin(a, b float64) float64 {
	if math.IsNaN(a) || b < a {
		return b
	}
	return a
}

func fmax(a, b float64) float64 {
	if math.IsNaN(a) || b > a {
		return b
	}
	return a
}

// CheckAnalysisDir is a results.DirCheck for an analysis directory, given
// what a figure file looks like: dir may be replaced when it does not
// exist, or holds only regular files an analysis writes (the Analysis*File
// names and figures). Otherwise the error wraps results.ErrOutDir.
func CheckAnalysisDir(dir string, isFigure func(name string) bool) (exists bool, err error) {
	entries, exists, err := results.ReadOutDir(dir)
	if err != nil {
		return exists, err
	}
	for _, e := range entries {
		name := e.Name()
		ours := name == AnalysisSobolFile || name == AnalysisSobol2File || name == AnalysisMorrisFile ||
			name == AnalysisPointsFile || name == AnalysisPoliciesFile || name == AnalysisPairsFile ||
			name == AnalysisDifferencesFile || name == AnalysisSeriesFile || isFigure(name)
		if !e.Type().IsRegular() || !ours {
			return true, fmt.Errorf("%w: %s holds %s, which sibsim analyze does not write; "+
				"use a new or empty directory, or a previous analysis", results.ErrOutDir, dir, name)
		}
	}
	return exists, nil
}

// WriteFiles writes the analysis's CSV files into the existing directory
// dir, each atomically: AnalysisPointsFile always, AnalysisSobolFile (and
// AnalysisSobol2File with second order) for a sobol design,
// AnalysisMorrisFile for a morris design. Numbers are written with
// results.FormatFloat (NA for undefined).
func (a *Analysis) WriteFiles(dir string) error {
	r := a.Results
	f := results.FormatFloat
	np := r.NumPolicies()
	// keyed returns the first columns of a row about m: the metric and,
	// with policies, its policy.
	keyed := func(m *MetricAnalysis, rest ...string) []string {
		if np > 1 {
			return append([]string{m.Name, m.Policy}, rest...)
		}
		return append([]string{m.Name}, rest...)
	}
	keyHeader := func(rest ...string) []string {
		if np > 1 {
			return append([]string{"metric", ScenarioColumn}, rest...)
		}
		return append([]string{"metric"}, rest...)
	}
	files := []analysisFile{{
		name:   AnalysisPointsFile,
		header: a.pointsHeader(),
		rows: func(emit func(...string)) {
			for p, vals := range r.Points {
				for pol := range np {
					row := []string{strconv.Itoa(p)}
					if np > 1 {
						row = append(row, r.Policies[pol])
					}
					for _, v := range vals {
						row = append(row, f(v))
					}
					for j := pol; j < len(a.Metrics); j += np {
						m := a.Metrics[j]
						row = append(row, f(m.Mean[p]), f(m.Lo95[p]), f(m.Hi95[p]), strconv.Itoa(m.N[p]))
					}
					emit(row...)
				}
			}
		},
	}}
	switch r.Design.Kind {
	case sensitivity.DesignSobol:
		files = append(files, analysisFile{
			name:   AnalysisSobolFile,
			header: keyHeader("parameter", "s1", "s1_lo95", "s1_hi95", "st", "st_lo95", "st_hi95"),
			rows: func(emit func(...string)) {
				for _, m := range a.Metrics {
					for i, p := range r.Params {
						s1, st := m.Sobol.S1[i], m.Sobol.ST[i]
						emit(keyed(m, p, f(s1.Value), f(s1.Lo95), f(s1.Hi95), f(st.Value), f(st.Lo95), f(st.Hi95))...)
					}
				}
			},
		})
		if r.Design.SecondOrder {
			files = append(files, analysisFile{
				name:   AnalysisSobol2File,
				header: keyHeader("parameter_i", "parameter_j", "s2", "s2_lo95", "s2_hi95"),
				rows: func(emit func(...string)) {
					for _, m := range a.Metrics {
						for i, pi := range r.Params {
							for j := i + 1; j < len(r.Params); j++ {
								s := m.Sobol.S2[i][j]
								emit(keyed(m, pi, r.Params[j], f(s.Value), f(s.Lo95), f(s.Hi95))...)
							}
						}
					}
				},
			})
		}
	case sensitivity.DesignMorris:
		files = append(files, analysisFile{
			name:   AnalysisMorrisFile,
			header: keyHeader("parameter", "mu", "mu_star", "sigma"),
			rows: func(emit func(...string)) {
				for _, m := range a.Metrics {
					for i, p := range r.Params {
						emit(keyed(m, p, f(m.Morris.Mu[i]), f(m.Morris.MuStar[i]), f(m.Morris.Sigma[i]))...)
					}
				}
			},
		})
	}
	if a.Policies != nil {
		for _, pf := range a.policyFiles() {
			files = append(files, pf)
		}
	}
	if a.Series != nil {
		files = append(files, a.Series.file())
	}
	return writeCSVFiles(dir, files)
}

func (a *Analysis) pointsHeader() []string {
	h := []string{"point"}
	if len(a.Results.Policies) > 0 {
		h = append(h, ScenarioColumn)
	}
	h = append(h, a.Results.Params...)
	for j, m := range a.Metrics {
		if j%a.Results.NumPolicies() != 0 {
			continue // one set of columns per metric
		}
		h = append(h, m.Name+"_mean", m.Name+"_lo95", m.Name+"_hi95", m.Name+"_n")
	}
	return h
}
