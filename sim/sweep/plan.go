package sweep

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sensitivity"
	"github.com/sibsim/sibsim/sim/strictyaml"
)

// ShippedDir is the folder shipped experiment files are shown in.
const ShippedDir = "scenarios/sweeps"

// Loader resolves experiment references: a file path (it contains a path
// separator or ends in .yaml or .yml) read with ReadFile, or the name of a
// shipped experiment read as NAME.yaml from Shipped. The base scenario is
// loaded with Scenarios; a relative base path is taken relative to the
// experiment file's directory, and a shipped experiment may only name a
// shipped scenario.
type Loader struct {
	Scenarios scenario.Loader
	// Shipped holds the shipped experiments as NAME.yaml at its root.
	Shipped fs.FS
	// ReadFile reads experiment files by the names users type. Nil means
	// file references are refused.
	ReadFile func(name string) ([]byte, error)
}

// notFound is a missing experiment: it matches fs.ErrNotExist.
type notFound string

func (e notFound) Error() string { return string(e) }
func (e notFound) Unwrap() error { return fs.ErrNotExist }

// Names lists the shipped experiments, sorted.
func (l Loader) Names() []string { return scenario.YAMLNames(l.Shipped) }

// Load reads, parses and plans the experiment ref: see Parse and NewPlan.
// A missing file or unknown shipped name gives an error matching
// fs.ErrNotExist; problems in the experiment an *Error; problems in the
// base scenario the loader's *scenario.Error.
func (l Loader) Load(ref string) (*Plan, error) {
	return l.LoadContext(context.Background(), ref)
}

// LoadContext is Load, stopping with ctx's error once ctx is done while
// the design points are checked.
func (l Loader) LoadContext(ctx context.Context, ref string) (*Plan, error) {
	shipped := !scenario.IsFileRef(ref)
	file, data, err := ReadRef(ref, l.Shipped, ShippedDir, l.ReadFile, RefKind{Shipped: "experiment", File: "experiment file"})
	var re *ReadError
	if errors.As(err, &re) {
		return nil, &Error{Problems: []Problem{re.Problem()}}
	}
	if err != nil {
		return nil, err
	}
	e, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	if len(e.Policies) == 0 {
		r, err := l.loadScenario(e, shipped, "base", e.Base)
		if err != nil {
			return nil, err
		}
		return NewPlanContext(ctx, e, r)
	}
	rs := make([]*scenario.Resolved, len(e.Policies))
	for i, ref := range e.Policies {
		if rs[i], err = l.loadScenario(e, shipped, fmt.Sprintf("policies[%d]", i), ref); err != nil {
			return nil, err
		}
	}
	return NewPolicyPlanContext(ctx, e, rs)
}

// loadScenario loads the scenario ref that the experiment e names at key
// (base, or policies[i]): a file path relative to the experiment file, or
// a shipped scenario.
func (l Loader) loadScenario(e *Experiment, shipped bool, key, ref string) (*scenario.Resolved, error) {
	if shipped && scenario.IsFileRef(ref) {
		return nil, &Error{Problems: []Problem{e.problem(key, "a shipped experiment can only name a shipped scenario (got %q)", ref)}}
	}
	ref = scenario.RelativeRef(e.File, ref)
	r, err := l.Scenarios.Load(ref)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{Problems: []Problem{e.problem(key, "%v", err)}}
		}
		return nil, &BaseError{Experiment: e.File, Base: ref, Err: err}
	}
	return r, nil
}

// BaseError is a base scenario that failed to load; Err is the scenario
// loader's error (an *scenario.Error for a scenario with problems).
type BaseError struct {
	Experiment string
	Base       string
	Err        error
}

func (e *BaseError) Error() string {
	return fmt.Sprintf("%s: base scenario %s: %v", e.Experiment, e.Base, e.Err)
}
func (e *BaseError) Unwrap() error { return e.Err }

// problem locates a problem at key of the experiment file.
func (e *Experiment) problem(key, format string, args ...any) Problem {
	p := Problem{File: e.File, Path: key, Msg: fmt.Sprintf(format, args...)}
	if n := e.at[key]; n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	return p
}

// Plan is an experiment resolved against its base scenario (or its
// policies) and checked: every design point gives a valid scenario. Run
// index i runs policy i % P, replication (i / P) % Replications of point
// i / (P × Replications), with P the number of policies (1 for an
// experiment with a base): see RunOf.
type Plan struct {
	Experiment *Experiment
	// Base is the resolved base scenario; with policies, the first
	// policy's scenario.
	Base *scenario.Resolved
	// Policies are the experiment's policies, in order; nil for an
	// experiment with a base.
	Policies []Policy
	// Weeks is the horizon of every run.
	Weeks int
	// Dists are the parameters' distributions, in order.
	Dists  []sensitivity.Dist
	Design *sensitivity.Design
	// Points is the number of design points; Runs = Points × Replications
	// × the number of policies (1 with a base).
	Points, Runs int
	// ChunkSize runs make a chunk (the last may be shorter); Chunks chunks
	// cover the runs. Both follow from Runs alone.
	ChunkSize, Chunks int

	metrics  []int    // indices into sim.Metrics()
	seeds    []uint64 // per point, in an explicit-points plan (NewPointsPlan)
	series   []int    // indices into sim.WeeklyColumns()
	pointsSH string   // hex SHA-256 of points.csv
	manifest Manifest // without Version, GoVersion, Arch and Files
}

// Policy is one policy of an experiment with policies: a scenario crossed
// with the design.
type Policy struct {
	// Name is PolicyLabel(Ref): the policy's value in the scenario column.
	Name string
	// Ref is the scenario reference as the experiment file gives it.
	Ref string
	// Scenario is the resolved scenario.
	Scenario *scenario.Resolved
}

// NumPolicies returns the number of policies each point and replication
// runs under: 1 for an experiment with a base.
func (p *Plan) NumPolicies() int { return max(1, len(p.Policies)) }

// PolicyNames returns the policies' names, in order; nil for an
// experiment with a base (whose outputs have no scenario column).
func (p *Plan) PolicyNames() []string {
	var out []string
	for _, pol := range p.Policies {
		out = append(out, pol.Name)
	}
	return out
}

// RunOf returns the design point, replication and policy of run i:
// policies vary fastest, then replications, then points, so the runs of
// one point and replication under every policy are consecutive and share
// their random numbers (the seed and replication, never the scenario,
// seed the streams: sim/rng.go).
func (p *Plan) RunOf(i int) (point, rep, policy int) {
	np := p.NumPolicies()
	policy, i = i%np, i/np
	return i / p.Experiment.Replications, i % p.Experiment.Replications, policy
}

func seriesNames() []string {
	cs := sim.WeeklyColumns()
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return names
}

func metricNames() []string {
	ms := sim.Metrics()
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return names
}

// ChunkSizeFor returns the chunk size for a sweep of runs runs: as close to
// runs/256 as possible (so that there are about 256 chunks to share out),
// at least 1 and at most 256.
func ChunkSizeFor(runs int) int {
	return min(256, max(1, (runs+255)/256))
}

// maxInvalidPoints bounds the invalid design points listed.
const maxInvalidPoints = 10

// NewPlan resolves e against the base scenario base: builds the design,
// checks that every path exists in base and that every design point gives
// a valid scenario. The error is an *Error locating the problems in the
// experiment file.
func NewPlan(e *Experiment, base *scenario.Resolved) (*Plan, error) {
	return NewPlanContext(context.Background(), e, base)
}

// NewPlanContext is NewPlan, stopping with ctx's error once ctx is done
// while the design points are checked.
func NewPlanContext(ctx context.Context, e *Experiment, base *scenario.Resolved) (*Plan, error) {
	if len(e.Policies) > 0 {
		return nil, &Error{Problems: []Problem{e.problem("policies", "an experiment with policies is planned with NewPolicyPlan")}}
	}
	return newPlan(ctx, e, base, nil)
}

// NewPolicyPlan resolves e, an experiment with policies, against the
// policies' scenarios (in the order of e.Policies) as NewPlan does against
// a base: every path must select a number in every policy's scenario (a
// path valid in one policy and not another is an error naming both) and
// every design point must give a valid scenario under every policy. The
// horizon, unless the experiment sets weeks, is the first policy's; every
// policy runs it.
func NewPolicyPlan(e *Experiment, scenarios []*scenario.Resolved) (*Plan, error) {
	return NewPolicyPlanContext(context.Background(), e, scenarios)
}

// NewPolicyPlanContext is NewPolicyPlan, stopping with ctx's error once
// ctx is done while the design points are checked.
func NewPolicyPlanContext(ctx context.Context, e *Experiment, scenarios []*scenario.Resolved) (*Plan, error) {
	if len(e.Policies) == 0 || len(scenarios) != len(e.Policies) {
		return nil, &Error{Problems: []Problem{e.problem("policies", "%d scenarios for %d policies", len(scenarios), len(e.Policies))}}
	}
	pols := make([]Policy, len(scenarios))
	for i, r := range scenarios {
		pols[i] = Policy{Name: PolicyLabel(e.Policies[i]), Ref: e.Policies[i], Scenario: r}
	}
	return newPlan(ctx, e, scenarios[0], pols)
}

func newPlan(ctx context.Context, e *Experiment, base *scenario.Resolved, pols []Policy) (*Plan, error) {
	p := &Plan{Experiment: e, Base: base, Policies: pols, Weeks: e.Weeks}
	if p.Weeks == 0 {
		p.Weeks = base.Scenario.Weeks
	}
	names := e.Metrics
	if len(names) == 0 {
		names = metricNames()
	}
	all := metricNames()
	for _, n := range names {
		p.metrics = append(p.metrics, slices.Index(all, n))
	}
	for _, n := range e.Series {
		p.series = append(p.series, slices.Index(seriesNames(), n))
	}
	p.Dists = make([]sensitivity.Dist, len(e.Parameters))
	for i, prm := range e.Parameters {
		p.Dists[i] = prm.Dist
	}
	var ps []Problem
	checkOverlap(e, &ps)
	// Paths against the base scenario, or every policy's: indices in
	// range, rules of the right type.
	for i, prm := range e.Parameters {
		if pr, ok := p.checkPath(i, prm); !ok {
			ps = append(ps, pr)
		}
	}
	if err := newError(ps, 0); err != nil {
		return nil, err
	}
	d, err := newDesign(ctx, e.Design, p.Dists, e.Seed)
	if errors.Is(err, ctx.Err()) && ctx.Err() != nil {
		return nil, err
	}
	if err != nil {
		return nil, &Error{Problems: []Problem{e.problem("design", "%v", err)}}
	}
	p.Design = d
	p.Points = len(d.Points)
	if uint64(p.Points)*uint64(e.Replications)*uint64(p.NumPolicies()) > MaxRuns {
		if len(pols) > 0 {
			return nil, &Error{Problems: []Problem{e.problem("replications",
				"%d design points × %d replications × %d policies is more than %d runs", p.Points, e.Replications, len(pols), MaxRuns)}}
		}
		return nil, &Error{Problems: []Problem{e.problem("replications",
			"%d design points × %d replications is more than %d runs", p.Points, e.Replications, MaxRuns)}}
	}
	p.Runs = p.Points * e.Replications * p.NumPolicies()
	p.ChunkSize = ChunkSizeFor(p.Runs)
	p.Chunks = (p.Runs + p.ChunkSize - 1) / p.ChunkSize
	if err := p.checkPoints(ctx); err != nil {
		return nil, err
	}
	h := sha256.New()
	if err := p.writePoints(ctx, h); err != nil {
		return nil, err
	}
	p.pointsSH = hex.EncodeToString(h.Sum(nil))
	p.manifest = p.newManifest()
	return p, nil
}

// checkPath checks parameter i's path (and scale) against the base
// scenario or every policy's scenario. A path that fails under some
// policies only is reported naming one where it holds and one where it
// fails.
func (p *Plan) checkPath(i int, prm Parameter) (Problem, bool) {
	e := p.Experiment
	check := func(sc *scenario.Scenario) (string, string) {
		if _, err := scenario.GetPath(sc, prm.Path); err != nil {
			return "path", pathMsg(err)
		}
		if prm.Scale {
			if err := scenario.ScalePath(sc.Clone(), prm.Path, 1); err != nil {
				return "scale", pathMsg(err)
			}
		}
		return "", ""
	}
	if len(p.Policies) == 0 {
		if key, msg := check(p.Base.Scenario); key != "" {
			return e.problem(fmt.Sprintf("parameters[%d].%s", i, key), "%s", msg), false
		}
		return Problem{}, true
	}
	good, bad := -1, -1
	var badKey, badMsg string
	for j, pol := range p.Policies {
		if key, msg := check(pol.Scenario.Scenario); key != "" {
			if bad < 0 {
				bad, badKey, badMsg = j, key, msg
			}
		} else if good < 0 {
			good = j
		}
	}
	switch {
	case bad < 0:
		return Problem{}, true
	case good < 0:
		return e.problem(fmt.Sprintf("parameters[%d].%s", i, badKey), "%s (in every policy)", badMsg), false
	}
	return e.problem(fmt.Sprintf("parameters[%d].%s", i, badKey), "valid in policy %s but not in policy %s: %s",
		p.Policies[good].Name, p.Policies[bad].Name, badMsg), false
}

func pathMsg(err error) string {
	var pe *scenario.PathError
	if errors.As(err, &pe) {
		return pe.Msg
	}
	return err.Error()
}

// Values returns the parameter values of design point: what points.csv
// holds (a factor for a parameter with scale).
func (p *Plan) Values(point int) []float64 {
	return p.Design.Values(p.Dists, point)
}

// Scenario returns the scenario of design point: the base (with policies,
// the first policy's scenario) with the point's values set. It is not
// validated (NewPlan validated every point).
func (p *Plan) Scenario(point int) (*scenario.Scenario, error) {
	return p.PolicyScenario(0, point)
}

// PolicyScenario returns the scenario of design point under policy (0
// for an experiment with a base): the policy's scenario with the point's
// values set. It is not validated (NewPlan validated every point).
func (p *Plan) PolicyScenario(policy, point int) (*scenario.Scenario, error) {
	base := p.Base
	if len(p.Policies) > 0 {
		base = p.Policies[policy].Scenario
	}
	sc := base.Scenario.Clone()
	for i, v := range p.Values(point) {
		prm := p.Experiment.Parameters[i]
		var err error
		if prm.Scale {
			err = scenario.ScalePath(sc, prm.Path, v)
		} else {
			err = scenario.SetPath(sc, prm.Path, v)
		}
		if err != nil {
			return nil, fmt.Errorf("design point %d: %w", point, err)
		}
	}
	return sc, nil
}

// closestParameter returns the parameter whose path selects sp or, failing
// that, shares the longest leading run of fields with it (at least one),
// or -1.
func closestParameter(params []Parameter, sp string) int {
	best, bestN := -1, 0
	for i, prm := range params {
		if matchesPath(prm.Path, sp) {
			return i
		}
		a, b := strings.Split(prm.Path, "."), strings.Split(sp, ".")
		n := 0
		for n < len(a) && n < len(b) && matchesPath(a[n], b[n]) {
			n++
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best
}

// matchesPath reports whether scenario path sp (concrete indices) lies at
// or under parameter path pp (which may hold [*]).
func matchesPath(pp, sp string) bool {
	pat := strings.ReplaceAll(regexp.QuoteMeta(pp), `\[\*\]`, `\[\d+\]`)
	re, err := regexp.Compile("^" + pat + `($|[.\[])`)
	return err == nil && re.MatchString(sp)
}

// checkPoints checks that every design point gives a valid scenario under
// every policy (the base alone without policies). The points are shared
// among GOMAXPROCS goroutines, each checking its points with
// scenario.Variants (the changed numbers' rules and the cross-field rules
// that see them, not the whole scenario: microseconds a point, so the
// largest design is checked in seconds), and stopping when ctx is done.
// The first maxInvalidPoints invalid (point, policy) pairs are then checked
// in full to describe their problems.
func (p *Plan) checkPoints(ctx context.Context) error {
	e := p.Experiment
	params := make([]scenario.VariantParam, len(e.Parameters))
	for i, prm := range e.Parameters {
		params[i] = scenario.VariantParam{Path: prm.Path, Scale: prm.Scale}
	}
	type pair struct{ point, policy int }
	workers := min(runtime.GOMAXPROCS(0), max(1, p.Points/1024))
	type found struct {
		invalid []pair // the first maxInvalidPoints invalid pairs of the range
		count   int
		err     error
	}
	outs := make([]found, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := p.Points*w/workers, p.Points*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &outs[w]
			vs := make([]*scenario.Variants, p.NumPolicies())
			for pol := range vs {
				base := p.Base.Scenario
				if len(p.Policies) > 0 {
					base = p.Policies[pol].Scenario.Scenario
				}
				v, err := scenario.NewVariants(base, params)
				if err != nil && !errors.Is(err, scenario.ErrVariantsUnsupported) {
					r.err = err
					return
				}
				vs[pol] = v // nil: check each point in full
			}
			valid := func(point, pol int) bool {
				if vs[pol] != nil {
					return vs[pol].Valid(p.Values(point))
				}
				sc, err := p.PolicyScenario(pol, point)
				return err == nil && sc.Validate() == nil
			}
			for point := lo; point < hi; point++ {
				if point%256 == 0 && ctx.Err() != nil {
					r.err = ctx.Err()
					return
				}
				for pol := range vs {
					if valid(point, pol) {
						continue
					}
					r.count++
					if len(r.invalid) < maxInvalidPoints {
						r.invalid = append(r.invalid, pair{point, pol})
					}
				}
			}
		}()
	}
	wg.Wait()
	var invalidPairs []pair
	invalid := 0
	for _, r := range outs {
		if r.err != nil {
			return r.err
		}
		invalid += r.count
		invalidPairs = append(invalidPairs, r.invalid...)
	}
	if invalid == 0 {
		return nil
	}
	invalidPairs = invalidPairs[:min(len(invalidPairs), maxInvalidPoints)]
	var ps []Problem
	for _, ip := range invalidPairs {
		point, pol := ip.point, ip.policy
		sc, err := p.PolicyScenario(pol, point)
		if err == nil {
			err = sc.Validate()
		}
		if err == nil {
			return fmt.Errorf("design point %d: the quick check found it invalid, the full check valid", point) // a bug
		}
		vals := p.Values(point)
		var desc []string
		for i, prm := range e.Parameters {
			desc = append(desc, prm.Path+"="+results.FormatFloat(vals[i]))
		}
		what := fmt.Sprintf("design point %d (%s)", point, strings.Join(desc, ", "))
		if len(p.Policies) > 0 {
			what += " under policy " + p.Policies[pol].Name
		}
		var se *scenario.Error
		if !errors.As(err, &se) {
			ps = append(ps, e.problem("parameters", "%s: %v", what, err))
			continue
		}
		for _, prob := range se.Problems {
			key := "parameters"
			if i := closestParameter(e.Parameters, prob.Path); i >= 0 {
				key = fmt.Sprintf("parameters[%d].path", i)
			}
			ps = append(ps, e.problem(key, "%s gives an invalid scenario: %s", what, prob.Error()))
		}
	}
	err := &Error{Problems: strictyaml.Sort(ps, strictyaml.ByPosition)}
	if invalid > maxInvalidPoints {
		n := p.Points
		what := "design points give"
		if len(p.Policies) > 0 {
			n *= len(p.Policies)
			what = "design points and policies give"
		}
		err.Problems = append(err.Problems, Problem{File: e.File, Msg: fmt.Sprintf("%d of %d %s an invalid scenario (the first %d are listed)", invalid, n, what, maxInvalidPoints)})
	}
	return err
}

// Metrics lists the names of the recorded metrics, in column order.
func (p *Plan) Metrics() []string {
	all := metricNames()
	out := make([]string, len(p.metrics))
	for i, m := range p.metrics {
		out[i] = all[m]
	}
	return out
}

// PointsHeader is the header of points.csv.
func (p *Plan) PointsHeader() []string {
	h := []string{"point"}
	for _, prm := range p.Experiment.Parameters {
		h = append(h, prm.Path)
	}
	return h
}

// RunsHeader is the header of runs.csv and of every chunk: point,
// replication, scenario (with policies only), then the metrics.
func (p *Plan) RunsHeader() []string {
	h := []string{"point", "replication"}
	if len(p.Policies) > 0 {
		h = append(h, ScenarioColumn)
	}
	return append(h, p.Metrics()...)
}

// ScenarioColumn names the column of runs.csv (and the series file) that
// gives a run's policy, in experiments with policies.
const ScenarioColumn = "scenario"

// WritePoints writes points.csv: point,<paths...>, one row per design point.
func (p *Plan) WritePoints(w io.Writer) error {
	return p.writePoints(context.Background(), w)
}

// writePoints is WritePoints, stopping with ctx's error once ctx is done.
func (p *Plan) writePoints(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	writeRecord(bw, p.PointsHeader())
	var b []byte
	for point := range p.Points {
		if point%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		b = strconv.AppendInt(b[:0], int64(point), 10)
		for _, v := range p.Values(point) {
			b = append(b, ',')
			b = append(b, results.FormatFloat(v)...)
		}
		b = append(b, '\n')
		bw.Write(b)
	}
	return bw.Flush()
}

// writeRecord writes a CSV header: names are quoted only when they must be.
func writeRecord(w *bufio.Writer, fields []string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		if strings.ContainsAny(f, ",\"\r\n") || strings.TrimSpace(f) != f {
			w.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
		} else {
			w.WriteString(f)
		}
	}
	w.WriteByte('\n')
}

// Manifest is manifest.json of a sweep directory: what was run, without
// timestamps or anything that depends on workers, shards or interruption.
type Manifest struct {
	// Format is the version of the sweep file layout.
	Format     int                `json:"format"`
	Experiment ManifestExperiment `json:"experiment"`
	// Points and Runs count design points and runs (points × replications).
	Points int `json:"points"`
	Runs   int `json:"runs"`
	// ChunkSize and Chunks describe how runs were grouped for streaming,
	// resuming and sharding.
	ChunkSize int `json:"chunk_size"`
	Chunks    int `json:"chunks"`
	// ExperimentSHA256 identifies the resolved experiment: the experiment,
	// the base scenario and the design points. Shards merge only when
	// their hashes agree.
	ExperimentSHA256 string `json:"experiment_sha256"`
	// PointsSHA256 is the hex SHA-256 of points.csv.
	PointsSHA256 string `json:"points_sha256"`
	// Scenario names the base scenario; ScenarioSHA256 and ScenarioYAML
	// are those of its resolved form (as in run manifests).
	Scenario       string   `json:"scenario"`
	ScenarioSHA256 string   `json:"scenario_sha256"`
	ScenarioChain  []string `json:"scenario_chain"`
	// Version, GoVersion and Arch (results.Arch) say what built the sibsim
	// that ran the sweep. Shards merge, and a directory resumes, only
	// when all three agree: another toolchain or architecture may round
	// differently.
	Version   string `json:"sibsim_version"`
	GoVersion string `json:"go_version"`
	Arch      string `json:"arch"`
	// Files lists the result files.
	Files []string `json:"files"`
	// SHA256 maps each result file but the manifest to the hex SHA-256 of
	// its bytes; readers refuse files that do not match. Only a finished
	// sweep's manifest has it.
	SHA256 map[string]string `json:"sha256,omitempty"`
	// NA is the text written for an undefined value.
	NA string `json:"na"`
	// MetricColumns describe the metric columns of runs.csv, in order.
	MetricColumns []results.Column `json:"metric_columns"`
	ScenarioYAML  string           `json:"scenario_yaml"`
	// SeriesColumns describe the weekly series recorded (the series file's
	// value columns), in order; absent when none are.
	SeriesColumns []results.Column `json:"series_columns,omitempty"`
	// Policies describe the scenarios of an experiment with policies, in
	// order; absent for an experiment with a base (then Scenario and the
	// fields after it describe the base; with policies they are empty).
	Policies []ManifestPolicy `json:"policies,omitempty"`
}

// ManifestPolicy is one policy of an experiment with policies.
type ManifestPolicy struct {
	// Name is the policy's value in the scenario column; Ref the scenario
	// reference in the experiment file.
	Name string `json:"name"`
	Ref  string `json:"ref"`
	// Scenario, ScenarioSHA256, ScenarioChain and ScenarioYAML are as
	// Manifest's for a base scenario.
	Scenario       string   `json:"scenario"`
	ScenarioSHA256 string   `json:"scenario_sha256"`
	ScenarioChain  []string `json:"scenario_chain"`
	ScenarioYAML   string   `json:"scenario_yaml"`
}

// ManifestExperiment is the resolved experiment.
type ManifestExperiment struct {
	Name         string                 `json:"name"`
	Description  string                 `json:"description"`
	Base         string                 `json:"base"`
	Policies     []string               `json:"policies,omitempty"`
	Seed         uint64                 `json:"seed"`
	Replications int                    `json:"replications"`
	Weeks        int                    `json:"weeks"`
	Metrics      []string               `json:"metrics"`
	Series       []string               `json:"series,omitempty"`
	Design       sensitivity.DesignSpec `json:"design"`
	Parameters   []ManifestParameter    `json:"parameters"`
	// Seeds are the points' own seeds in an explicit-points sweep.
	Seeds []uint64 `json:"seeds,omitempty"`
}

// ManifestParameter is one varied parameter.
type ManifestParameter struct {
	Path  string           `json:"path"`
	Dist  sensitivity.Dist `json:"dist"`
	Scale bool             `json:"scale"`
}

// FormatVersion is Manifest.Format. Format 2 added SHA256.
const FormatVersion = 2

func (p *Plan) newManifest() Manifest {
	e := p.Experiment
	params := make([]ManifestParameter, len(e.Parameters))
	for i, prm := range e.Parameters {
		params[i] = ManifestParameter{Path: prm.Path, Dist: prm.Dist, Scale: prm.Scale}
	}
	var cols []results.Column
	ms := sim.Metrics()
	for _, i := range p.metrics {
		cols = append(cols, results.Column{Name: ms[i].Name, Unit: ms[i].Unit, Doc: ms[i].Doc})
	}
	chain := p.Base.Chain
	if chain == nil {
		chain = []string{}
	}
	m := Manifest{
		Format: FormatVersion,
		Experiment: ManifestExperiment{
			Name:         e.Name,
			Description:  e.Description,
			Base:         e.Base,
			Policies:     e.Policies,
			Seed:         e.Seed,
			Replications: e.Replications,
			Weeks:        p.Weeks,
			Metrics:      p.Metrics(),
			Series:       e.Series,
			Design:       e.Design,
			Parameters:   params,
			Seeds:        p.seeds,
		},
		Points:         p.Points,
		Runs:           p.Runs,
		ChunkSize:      p.ChunkSize,
		Chunks:         p.Chunks,
		PointsSHA256:   p.pointsSH,
		Scenario:       p.Base.Scenario.Name,
		ScenarioSHA256: p.Base.Hash,
		ScenarioChain:  chain,
		NA:             results.NA,
		MetricColumns:  cols,
		ScenarioYAML:   string(p.Base.YAML),
	}
	wc := sim.WeeklyColumns()
	for _, i := range p.series {
		m.SeriesColumns = append(m.SeriesColumns, results.Column{Name: wc[i].Name, Unit: wc[i].Unit, Doc: wc[i].Doc})
	}
	if len(p.Policies) > 0 {
		m.Scenario, m.ScenarioSHA256, m.ScenarioChain, m.ScenarioYAML = "", "", []string{}, ""
		for _, pol := range p.Policies {
			chain := pol.Scenario.Chain
			if chain == nil {
				chain = []string{}
			}
			m.Policies = append(m.Policies, ManifestPolicy{
				Name: pol.Name, Ref: pol.Ref, Scenario: pol.Scenario.Scenario.Name,
				ScenarioSHA256: pol.Scenario.Hash, ScenarioChain: chain, ScenarioYAML: string(pol.Scenario.YAML),
			})
		}
	}
	m.ExperimentSHA256 = experimentHash(m)
	return m
}

// Chain lists every scenario file the plan read: the base scenario's
// chain, or each policy's in turn, without repeats.
func (p *Plan) Chain() []string {
	if len(p.Policies) == 0 {
		return p.Base.Chain
	}
	var out []string
	for _, pol := range p.Policies {
		for _, f := range pol.Scenario.Chain {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// experimentHash hashes what makes two sweeps the same: everything in the
// manifest but the version, the files and the hash itself.
func experimentHash(m Manifest) string {
	m.ExperimentSHA256, m.Version, m.GoVersion, m.Arch, m.Files, m.SHA256 = "", "", "", "", nil, nil
	data, err := json.Marshal(m)
	if err != nil {
		panic("sweep: manifest does not marshal: " + err.Error()) // only finite numbers reach it
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Manifest returns the manifest of a sweep of p run by version, listing
// files.
func (p *Plan) Manifest(version string, files []string) Manifest {
	m := p.manifest
	m.Version = version
	m.GoVersion = runtime.Version()
	m.Arch = results.Arch()
	m.Files = files
	return m
}

// Hash returns the experiment's SHA-256 (Manifest.ExperimentSHA256).
func (p *Plan) Hash() string { return p.manifest.ExperimentSHA256 }

// newDesign is sensitivity.NewDesign, returning ctx's error as soon as ctx
// is done: the largest designs take a second or more to build, which
// NewDesign cannot interrupt, so it finishes in the background and its
// result is dropped.
func newDesign(ctx context.Context, spec sensitivity.DesignSpec, dists []sensitivity.Dist, seed uint64) (*sensitivity.Design, error) {
	type built struct {
		d   *sensitivity.Design
		err error
	}
	ch := make(chan built, 1)
	go func() {
		d, err := sensitivity.NewDesign(spec, dists, seed)
		ch <- built{d, err}
	}()
	select {
	case b := <-ch:
		return b.d, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
