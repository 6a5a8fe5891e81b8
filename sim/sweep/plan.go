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
	"os"
	"path"
	"path/filepath"
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

func isFileRef(ref string) bool {
	lower := strings.ToLower(ref)
	return strings.ContainsRune(ref, '/') || strings.ContainsRune(ref, os.PathSeparator) ||
		strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml")
}

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
	var (
		data    []byte
		err     error
		file    = ref
		shipped = !isFileRef(ref)
	)
	if shipped {
		file = ShippedDir + "/" + ref + ".yaml"
		if l.Shipped == nil || !fs.ValidPath(ref+".yaml") {
			err = fs.ErrNotExist
		} else {
			data, err = fs.ReadFile(l.Shipped, ref+".yaml")
		}
		if errors.Is(err, fs.ErrNotExist) {
			list := strings.Join(l.Names(), ", ")
			if list == "" {
				list = "none"
			}
			return nil, notFound(fmt.Sprintf("no shipped experiment %q (shipped: %s)", ref, list))
		}
	} else {
		if l.ReadFile == nil {
			return nil, notFound(fmt.Sprintf("experiment file %s: no file system for file references", ref))
		}
		data, err = l.ReadFile(ref)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, notFound(fmt.Sprintf("experiment file %s does not exist", ref))
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{Problems: []Problem{{File: file, Msg: "cannot read: " + err.Error()}}}
	}
	e, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	base := e.Base
	switch {
	case shipped && isFileRef(base):
		return nil, &Error{Problems: []Problem{e.problem("base", "a shipped experiment can only name a shipped scenario (got %q)", base)}}
	case isFileRef(base) && !filepath.IsAbs(base) && !path.IsAbs(filepath.ToSlash(base)):
		base = path.Join(path.Dir(filepath.ToSlash(file)), filepath.ToSlash(base))
	}
	r, err := l.Scenarios.Load(base)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{Problems: []Problem{e.problem("base", "%v", err)}}
		}
		return nil, &BaseError{Experiment: file, Base: base, Err: err}
	}
	return NewPlanContext(ctx, e, r)
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

// Plan is an experiment resolved against its base scenario and checked:
// every design point gives a valid scenario. Run index i runs replication
// i % Replications of point i / Replications.
type Plan struct {
	Experiment *Experiment
	// Base is the resolved base scenario.
	Base *scenario.Resolved
	// Weeks is the horizon of every run.
	Weeks int
	// Dists are the parameters' distributions, in order.
	Dists  []sensitivity.Dist
	Design *sensitivity.Design
	// Points is the number of design points; Runs = Points × Replications.
	Points, Runs int
	// ChunkSize runs make a chunk (the last may be shorter); Chunks chunks
	// cover the runs. Both follow from Runs alone.
	ChunkSize, Chunks int

	metrics  []int    // indices into sim.Metrics()
	seeds    []uint64 // per point, in an explicit-points plan (NewPointsPlan)
	pointsSH string   // hex SHA-256 of points.csv
	manifest Manifest // without Version, GoVersion and Files
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
	p := &Plan{Experiment: e, Base: base, Weeks: e.Weeks}
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
	p.Dists = make([]sensitivity.Dist, len(e.Parameters))
	for i, prm := range e.Parameters {
		p.Dists[i] = prm.Dist
	}
	var ps []Problem
	checkOverlap(e, &ps)
	// Paths against the base scenario: indices in range, rules of the right type.
	for i, prm := range e.Parameters {
		if _, err := scenario.GetPath(base.Scenario, prm.Path); err != nil {
			ps = append(ps, e.problem(fmt.Sprintf("parameters[%d].path", i), "%s", pathMsg(err)))
			continue
		}
		if prm.Scale {
			if err := scenario.ScalePath(base.Scenario.Clone(), prm.Path, 1); err != nil {
				ps = append(ps, e.problem(fmt.Sprintf("parameters[%d].scale", i), "%s", pathMsg(err)))
			}
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
	if uint64(p.Points)*uint64(e.Replications) > MaxRuns {
		return nil, &Error{Problems: []Problem{e.problem("replications",
			"%d design points × %d replications is more than %d runs", p.Points, e.Replications, MaxRuns)}}
	}
	p.Runs = p.Points * e.Replications
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

// Scenario returns the scenario of design point: the base with the
// point's values set. It is not validated (NewPlan validated every point).
func (p *Plan) Scenario(point int) (*scenario.Scenario, error) {
	sc := p.Base.Scenario.Clone()
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

// checkPoints checks that every design point gives a valid scenario. The
// points are shared among GOMAXPROCS goroutines, each checking its points
// with scenario.Variants (the changed numbers' rules and the cross-field
// rules that see them, not the whole scenario: microseconds a point, so
// the largest design is checked in seconds), and stopping when ctx is
// done. The first maxInvalidPoints invalid points are then checked in full
// to describe their problems.
func (p *Plan) checkPoints(ctx context.Context) error {
	e := p.Experiment
	params := make([]scenario.VariantParam, len(e.Parameters))
	for i, prm := range e.Parameters {
		params[i] = scenario.VariantParam{Path: prm.Path, Scale: prm.Scale}
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, p.Points/1024))
	type found struct {
		invalid []int // the first maxInvalidPoints invalid points of the range
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
			v, err := scenario.NewVariants(p.Base.Scenario, params)
			valid := func(point int) bool {
				if v != nil {
					return v.Valid(p.Values(point))
				}
				sc, err := p.Scenario(point)
				return err == nil && sc.Validate() == nil
			}
			if err != nil {
				if !errors.Is(err, scenario.ErrVariantsUnsupported) {
					r.err = err
					return
				}
				v = nil // check each point in full
			}
			for point := lo; point < hi; point++ {
				if point%256 == 0 && ctx.Err() != nil {
					r.err = ctx.Err()
					return
				}
				if valid(point) {
					continue
				}
				r.count++
				if len(r.invalid) < maxInvalidPoints {
					r.invalid = append(r.invalid, point)
				}
			}
		}()
	}
	wg.Wait()
	var invalidPoints []int
	invalid := 0
	for _, r := range outs {
		if r.err != nil {
			return r.err
		}
		invalid += r.count
		invalidPoints = append(invalidPoints, r.invalid...)
	}
	if invalid == 0 {
		return nil
	}
	invalidPoints = invalidPoints[:min(len(invalidPoints), maxInvalidPoints)]
	var ps []Problem
	for _, point := range invalidPoints {
		sc, err := p.Scenario(point)
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
		var se *scenario.Error
		if !errors.As(err, &se) {
			ps = append(ps, e.problem("parameters", "design point %d (%s): %v", point, strings.Join(desc, ", "), err))
			continue
		}
		for _, prob := range se.Problems {
			key := "parameters"
			if i := closestParameter(e.Parameters, prob.Path); i >= 0 {
				key = fmt.Sprintf("parameters[%d].path", i)
			}
			ps = append(ps, e.problem(key, "design point %d (%s) gives an invalid scenario: %s", point, strings.Join(desc, ", "), prob.Error()))
		}
	}
	err := &Error{Problems: strictyaml.Sort(ps, strictyaml.ByPosition)}
	if invalid > maxInvalidPoints {
		err.Problems = append(err.Problems, Problem{File: e.File, Msg: fmt.Sprintf("%d of %d design points give an invalid scenario (the first %d are listed)", invalid, p.Points, maxInvalidPoints)})
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

// RunsHeader is the header of runs.csv and of every chunk.
func (p *Plan) RunsHeader() []string {
	return append([]string{"point", "replication"}, p.Metrics()...)
}

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
	// Version and GoVersion say what built the sibsim that ran the sweep.
	Version   string `json:"sibsim_version"`
	GoVersion string `json:"go_version"`
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
}

// ManifestExperiment is the resolved experiment.
type ManifestExperiment struct {
	Name         string                 `json:"name"`
	Description  string                 `json:"description"`
	Base         string                 `json:"base"`
	Seed         uint64                 `json:"seed"`
	Replications int                    `json:"replications"`
	Weeks        int                    `json:"weeks"`
	Metrics      []string               `json:"metrics"`
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
			Seed:         e.Seed,
			Replications: e.Replications,
			Weeks:        p.Weeks,
			Metrics:      p.Metrics(),
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
	m.ExperimentSHA256 = experimentHash(m)
	return m
}

// experimentHash hashes what makes two sweeps the same: everything in the
// manifest but the version, the files and the hash itself.
func experimentHash(m Manifest) string {
	m.ExperimentSHA256, m.Version, m.GoVersion, m.Files, m.SHA256 = "", "", "", nil, nil
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
