package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sensitivity"
	"github.com/sibsim/sibsim/sim/strictyaml"
)

// DesignPoints is the design kind of an explicit-points plan (see
// NewPointsPlan). It is not a design an experiment file can name.
const DesignPoints = "points"

// PointsSpec is a sweep over points chosen by the caller rather than by a
// design: a calibration's proposals, say. Each point runs once, with its
// own seed.
type PointsSpec struct {
	// Name and Description label the sweep in its manifest; Base names the
	// base scenario (as the user gave it).
	Name, Description, Base string
	// Weeks overrides the base scenario's horizon when > 0.
	Weeks int
	// Metrics are names from sim.Metrics() to record, in order; empty means
	// every metric.
	Metrics []string
	// Parameters are what varies, as in an experiment file.
	Parameters []Parameter
	// Unit holds each point's unit coordinates, [point][parameter], each in
	// [0, 1]: parameter k of a point is Parameters[k].Dist.Value(u_k).
	Unit [][]float64
	// Seeds holds each point's seed: point i runs replication 0 with
	// Seeds[i], so that every point has its own random numbers.
	Seeds []uint64
}

// NewPointsPlan returns the plan of an explicit-points sweep over base:
// point i (one run, replication 0) is the base scenario with the
// parameters at Unit[i], run with seed Seeds[i]. It runs, shards, resumes
// and merges like any sweep; the manifest's design kind is DesignPoints
// and its experiment lists the seeds, so that the hash covers them.
//
// Every point must give a valid scenario (callers that cannot guarantee it
// leave such points out: see ApplyParameters). The error lists every
// problem: parameters, metrics, points, seeds.
func NewPointsPlan(spec PointsSpec, base *scenario.Resolved) (*Plan, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	n := len(spec.Unit)
	switch {
	case n == 0:
		bad("no points")
	case n > sensitivity.MaxPoints:
		bad("%d points; at most %d", n, sensitivity.MaxPoints)
	}
	if len(spec.Seeds) != n {
		bad("%d seeds for %d points", len(spec.Seeds), n)
	}
	if len(spec.Parameters) == 0 {
		bad("no parameters")
	}
	if spec.Weeks < 0 || spec.Weeks > maxWeeks {
		bad("weeks must be between 0 and %d (got %d)", maxWeeks, spec.Weeks)
	}
	known := metricNames()
	for i, m := range spec.Metrics {
		if !slices.Contains(known, m) {
			bad("metrics[%d]: unknown metric %q", i, m)
		} else if slices.Index(spec.Metrics, m) != i {
			bad("metrics[%d]: metric %q is listed twice", i, m)
		}
	}
	seen := map[string]bool{}
	steps := make([][]string, len(spec.Parameters))
	for i, prm := range spec.Parameters {
		steps[i] = pathSteps(prm.Path)
		for j := range i {
			if !seen[prm.Path] && stepsOverlap(steps[j], steps[i]) {
				bad("parameters[%d].path: %s overlaps parameters[%d].path %s: one value would overwrite the other", i, prm.Path, j, spec.Parameters[j].Path)
				break
			}
		}
		if err := scenario.CheckPath(prm.Path); err != nil {
			bad("parameters[%d].path: %s", i, pathMsg(err))
		} else if _, err := scenario.GetPath(base.Scenario, prm.Path); err != nil {
			bad("parameters[%d].path: %s", i, pathMsg(err))
		}
		if seen[prm.Path] {
			bad("parameters[%d].path: %s is varied twice", i, prm.Path)
		}
		seen[prm.Path] = true
		if err := prm.Dist.Validate(); err != nil {
			bad("parameters[%d]: %v", i, err)
		}
	}
	for i, u := range spec.Unit {
		if len(u) != len(spec.Parameters) {
			bad("point %d has %d coordinates for %d parameters", i, len(u), len(spec.Parameters))
			continue
		}
		for k, x := range u {
			if !(x >= 0 && x <= 1) {
				bad("point %d: coordinate %d is %v; want a number in [0, 1]", i, k, x)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	e := &Experiment{
		File: spec.Name, Name: spec.Name, Description: spec.Description, Base: spec.Base,
		Replications: 1, Weeks: spec.Weeks, Metrics: slices.Clone(spec.Metrics),
		Design:     sensitivity.DesignSpec{Kind: DesignPoints, N: n},
		Parameters: slices.Clone(spec.Parameters),
	}
	p := &Plan{Experiment: e, Base: base, Weeks: e.Weeks, Points: n, Runs: n, seeds: slices.Clone(spec.Seeds)}
	if p.Weeks == 0 {
		p.Weeks = base.Scenario.Weeks
	}
	names := e.Metrics
	if len(names) == 0 {
		names = known
	}
	for _, m := range names {
		p.metrics = append(p.metrics, slices.Index(known, m))
	}
	p.Dists = make([]sensitivity.Dist, len(e.Parameters))
	for i, prm := range e.Parameters {
		p.Dists[i] = prm.Dist
	}
	pts := make([][]float64, n)
	for i, u := range spec.Unit {
		pts[i] = slices.Clone(u)
	}
	p.Design = &sensitivity.Design{Spec: e.Design, K: len(p.Dists), Points: pts}
	p.ChunkSize = ChunkSizeFor(p.Runs)
	p.Chunks = (p.Runs + p.ChunkSize - 1) / p.ChunkSize
	if err := p.checkPoints(context.Background()); err != nil {
		return nil, err
	}
	h := sha256.New()
	if err := p.WritePoints(h); err != nil {
		return nil, err
	}
	p.pointsSH = hex.EncodeToString(h.Sum(nil))
	p.manifest = p.newManifest()
	return p, nil
}

// ApplyParameters returns a copy of base with params set to values (one
// per parameter; a factor on base's value for a parameter with Scale), as
// a sweep sets a design point. The result is not validated.
func ApplyParameters(base *scenario.Scenario, params []Parameter, values []float64) (*scenario.Scenario, error) {
	if len(values) != len(params) {
		return nil, fmt.Errorf("%d values for %d parameters", len(values), len(params))
	}
	sc := base.Clone()
	for i, prm := range params {
		var err error
		if prm.Scale {
			err = scenario.ScalePath(sc, prm.Path, values[i])
		} else {
			err = scenario.SetPath(sc, prm.Path, values[i])
		}
		if err != nil {
			return nil, err
		}
	}
	return sc, nil
}

// DecodeParameters decodes node n, at path of file, as the parameters list
// of an experiment file (docs/sweeps.md): the same keys, distributions and
// checks, so that other input files (a calibration's targets file) share
// the syntax. Problems are recorded in t and the nodes in dec.Nodes.
func DecodeParameters(t *strictyaml.Tree, dec *strictyaml.Decoder, file string, n *yaml.Node, path string) []Parameter {
	d := &decoder{Decoder: dec, t: t, file: file}
	return d.parameters(n, path)
}

// ReadPointRuns reads the metric values of a finished sweep of p in dir:
// out[point][metric], in the order of p.Metrics(), NaN where undefined.
// It refuses a directory whose manifest is not p's (another hash) and a
// runs.csv that does not hold one row per point in order.
func ReadPointRuns(ctx context.Context, dir string, p *Plan) ([][]float64, error) {
	var m struct {
		Hash string `json:"experiment_sha256"`
	}
	if err := readJSON(filepath.Join(dir, ManifestFile), &m); err != nil {
		return nil, err
	}
	if m.Hash != p.Hash() {
		return nil, fmt.Errorf("%w: %s holds a different sweep (sha256 %s; want %s)", ErrOutDir, dir, short(m.Hash), short(p.Hash()))
	}
	name := filepath.Join(dir, RunsFile)
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = 2 + len(p.metrics)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	if want := p.RunsHeader(); !slices.Equal(header, want) {
		return nil, fmt.Errorf("%s:1: header %q; want %q", name, header, want)
	}
	out := make([][]float64, p.Runs)
	for run := 0; ; run++ {
		if run%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if run != p.Runs {
				return nil, fmt.Errorf("%s: %d runs; want %d", name, run, p.Runs)
			}
			return out, nil
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if run >= p.Runs || rec[0] != strconv.Itoa(run) || rec[1] != "0" {
			return nil, fmt.Errorf("%s:%d: point %q replication %q; want point %d replication 0", name, line, rec[0], rec[1], run)
		}
		row := make([]float64, len(p.metrics))
		for i, s := range rec[2:] {
			v, err := parseValue(s)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			if math.IsInf(v, 0) {
				v = math.NaN()
			}
			row[i] = v
		}
		out[run] = row
	}
}

// seedOf returns the seed the runs of point run with: the point's own seed
// in an explicit-points plan, else the experiment's.
func (p *Plan) seedOf(point int) uint64 {
	if p.seeds != nil {
		return p.seeds[point]
	}
	return p.Experiment.Seed
}
