package sweep

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// Results is a finished sweep directory as ReadResults reads it: the
// experiment from manifest.json, the design points from points.csv and the
// chosen metrics' values from runs.csv or runs.parquet.
type Results struct {
	// Dir is the sweep directory.
	Dir string
	// Name, Seed and Replications are the experiment's.
	Name         string
	Seed         uint64
	Replications int
	// Design is the experiment's design spec.
	Design sensitivity.DesignSpec
	// Params are the varied parameters' paths and Dists their
	// distributions, in design order.
	Params []string
	Dists  []sensitivity.Dist
	// Scale says, per parameter, whether its values are factors on the
	// base scenario's value (scale: true) rather than values.
	Scale []bool
	// Points holds the parameter values of each design point:
	// Points[point][parameter], len(Points) points.
	Points [][]float64
	// RunsFile is the runs file read: RunsFile or RunsParquetFile.
	RunsFile string
	// Policies are the policies' names (the scenario column) of an
	// experiment with policies, in order; nil for one with a base.
	Policies []string
	// Available lists the runs file's metric columns, in order.
	Available []string
	// Metrics are the metrics read, and Values[i][run] the value of
	// Metrics[i] in each run, run = (point*Replications+rep)*P + policy
	// with P = NumPolicies(); NaN where undefined (NA).
	Metrics []string
	Values  [][]float64
	// points and runs are the manifest's counts.
	points, runs int
	// files and sums are the manifest's files and their SHA-256.
	files []string
	sums  map[string]string
	ctx   context.Context // while reading
	// pq is runs.parquet, open while reading it.
	pq *parquetRuns
}

// ErrUnknownMetric is wrapped by the error of ReadResults for a metric
// that runs.csv does not have.
var ErrUnknownMetric = errors.New("unknown metric")

// ManifestError lists the problems of a sweep manifest that parses but
// does not describe a sweep analysis can read: no parameters, invalid
// distributions or design, counts that disagree with the design.
type ManifestError struct {
	File     string   // the manifest's path
	Problems []string // one per problem, each like "points: 41; the sobol design has 40"
}

func (e *ManifestError) Error() string {
	return fmt.Sprintf("invalid sweep manifest %s: %s", e.File, strings.Join(e.Problems, "; "))
}

// resultsManifest is what ReadResults reads of manifest.json; other fields
// are ignored.
type resultsManifest struct {
	Format     int `json:"format"`
	Experiment struct {
		Name         string                 `json:"name"`
		Seed         uint64                 `json:"seed"`
		Replications int                    `json:"replications"`
		Weeks        int                    `json:"weeks"`
		Design       sensitivity.DesignSpec `json:"design"`
		Parameters   []struct {
			Path  string           `json:"path"`
			Dist  sensitivity.Dist `json:"dist"`
			Scale bool             `json:"scale"`
		} `json:"parameters"`
	} `json:"experiment"`
	Points   int               `json:"points"`
	Runs     int               `json:"runs"`
	Files    []string          `json:"files"`
	SHA256   map[string]string `json:"sha256"`
	Policies []struct {
		Name string `json:"name"`
	} `json:"policies"`
}

// NumPolicies returns the number of policies: 1 for an experiment with a
// base.
func (r *Results) NumPolicies() int { return max(1, len(r.Policies)) }

// Run returns the index in Values of the run of point, replication rep
// and policy (0 with a base).
func (r *Results) Run(point, rep, policy int) int {
	return (point*r.Replications+rep)*r.NumPolicies() + policy
}

// keys is the number of runs.csv columns before the metrics.
func (r *Results) keys() int {
	if len(r.Policies) > 0 {
		return 3
	}
	return 2
}

// ReadResults reads the finished sweep in dir: manifest.json, points.csv
// and, of runs.csv (or, for a sweep written as Parquet, runs.parquet), the
// columns of metrics (every metric column when metrics is empty; names are
// trimmed of spaces and repeats dropped). The runs file must hold one row
// per run, ordered by point, then replication (then policy, for an
// experiment with policies); a runs.parquet's parameter
// columns must hold points.csv's values. Both formats give the same
// Results: runs.parquet holds the very numbers runs.csv writes.
//
// Errors name the file and, where there is one, the line and column: a
// missing or unfinished sweep, a malformed file, counts that disagree with
// the manifest. A manifest that parses
// but is inconsistent gives a *ManifestError; a metric runs.csv lacks, an
// error wrapping ErrUnknownMetric that lists the available ones. If ctx is
// cancelled while runs.csv is read, the error is ctx.Err().
func ReadResults(ctx context.Context, dir string, metrics []string) (*Results, error) {
	r := &Results{Dir: dir, ctx: ctx}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("sweep directory %s does not exist", dir)
	case err != nil:
		return nil, err
	case !info.IsDir():
		return nil, fmt.Errorf("%s is not a directory (want a sweep directory)", dir)
	}
	if err := r.readManifest(); err != nil {
		return nil, err
	}
	if err := r.verifyFiles(); err != nil {
		return nil, err
	}
	if err := r.readPoints(); err != nil {
		return nil, err
	}
	if err := r.readRunsHeader(); err != nil {
		return nil, err
	}
	selected, err := r.selectMetrics(metrics)
	if err != nil {
		return nil, err
	}
	if r.pq != nil {
		err = r.readParquetRuns(ctx, r.pq, selected)
	} else {
		err = r.readRuns(ctx, selected)
	}
	if err != nil {
		return nil, err
	}
	r.ctx, r.pq = nil, nil
	return r, nil
}

// verifyFiles checks that the result files the manifest lists have the
// SHA-256 it records: a directory whose files disagree with its manifest
// (files of two sweeps, a damaged file) is refused.
func (r *Results) verifyFiles() error {
	for _, name := range r.files {
		if name == ManifestFile {
			continue
		}
		want, ok := r.sums[name]
		if !ok {
			return fmt.Errorf("%s: no sha256 recorded for %s", r.file(ManifestFile), name)
		}
		got, err := results.FileSHA256(r.ctx, r.file(name), results.MaxDataFileBytes)
		if errors.Is(err, fs.ErrNotExist) {
			continue // the file's reader says what is missing
		}
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%s does not match %s (sha256 %.12s; the manifest records %.12s): "+
				"the directory holds files of different sweeps or a damaged file; run or merge the sweep again",
				r.file(name), ManifestFile, got, want)
		}
	}
	return nil
}

func (r *Results) file(name string) string { return filepath.Join(r.Dir, name) }

func (r *Results) readManifest() error {
	name := r.file(ManifestFile)
	data, err := results.ReadRegularFile(context.Background(), name, results.MaxManifestBytes)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(r.file(StateFile)); serr == nil {
			return fmt.Errorf("%s: no such file: the sweep in %s is not finished (%s holds its progress); run sibsim sweep again to finish it",
				name, r.Dir, StateFile)
		}
		return fmt.Errorf("%s: no such file (is %s a sweep directory?)", name, r.Dir)
	}
	if err != nil {
		return err
	}
	var m resultsManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return jsonError(name, data, err)
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if m.Format != FormatVersion {
		return fmt.Errorf("%s: format %d; this version of sibsim reads format %d", name, m.Format, FormatVersion)
	}
	if len(m.Experiment.Parameters) == 0 {
		bad("experiment.parameters: none")
	}
	seen := map[string]bool{}
	for i, p := range m.Experiment.Parameters {
		if p.Path == "" {
			bad("experiment.parameters[%d].path: empty", i)
		}
		if seen[p.Path] {
			bad("experiment.parameters[%d].path: %q appears twice", i, p.Path)
		}
		seen[p.Path] = true
		if err := p.Dist.Validate(); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				bad("experiment.parameters[%d].dist: %s", i, line)
			}
		}
		r.Params = append(r.Params, p.Path)
		r.Dists = append(r.Dists, p.Dist)
		r.Scale = append(r.Scale, p.Scale)
	}
	// Bounded as in experiment files: readers size tables by these.
	if m.Experiment.Replications < 1 || m.Experiment.Replications > maxReplications {
		bad("experiment.replications: must be between 1 and %d (got %d)", maxReplications, m.Experiment.Replications)
	}
	if m.Experiment.Weeks < 0 || m.Experiment.Weeks > maxWeeks {
		bad("experiment.weeks: must be between 0 and %d (got %d)", maxWeeks, m.Experiment.Weeks)
	}
	for i, pol := range m.Policies {
		switch {
		case !policyLabel.MatchString(pol.Name):
			bad("policies[%d].name: %q is not a policy name", i, pol.Name)
		case slices.Contains(r.Policies, pol.Name):
			bad("policies[%d].name: %q appears twice", i, pol.Name)
		}
		r.Policies = append(r.Policies, pol.Name)
	}
	if len(problems) == 0 {
		n, err := sensitivity.DesignSize(m.Experiment.Design, r.Dists)
		switch {
		case err != nil:
			for _, line := range strings.Split(err.Error(), "\n") {
				bad("experiment.design: %s", line)
			}
		case m.Points != n:
			bad("points: %d; the %s design has %d", m.Points, m.Experiment.Design.Kind, n)
		case len(m.Policies) == 0 && m.Runs != m.Points*m.Experiment.Replications:
			bad("runs: %d; want points × replications = %d", m.Runs, m.Points*m.Experiment.Replications)
		case len(m.Policies) > 0 && m.Runs != m.Points*m.Experiment.Replications*len(m.Policies):
			bad("runs: %d; want points × replications × policies = %d", m.Runs, m.Points*m.Experiment.Replications*len(m.Policies))
		}
	}
	if len(problems) > 0 {
		return &ManifestError{File: name, Problems: problems}
	}
	e := m.Experiment
	r.Name, r.Seed, r.Replications, r.Design = e.Name, e.Seed, e.Replications, e.Design
	r.points, r.runs = m.Points, m.Runs
	r.files, r.sums = m.Files, m.SHA256
	return nil
}

// jsonError gives a JSON decoding error the file, line and column.
func jsonError(name string, data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return fmt.Errorf("%s: %w", name, err)
	}
	// The error comes after reading off bytes: it is at byte off-1.
	before := string(data[:max(off-1, 0)])
	line := 1 + strings.Count(before, "\n")
	col := len(before) - strings.LastIndexByte(before, '\n')
	return fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
}

// csvError gives a CSV error the file, line and column.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %w", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// openCSV opens a CSV file of the sweep and reads its header.
func (r *Results) openCSV(file string) (*csv.Reader, []string, func(), error) {
	name := r.file(file)
	f, err := results.OpenRegular(r.ctx, name, results.MaxDataFileBytes, true)
	if err != nil {
		return nil, nil, nil, err
	}
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		f.Close()
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file (want a header line)")
		}
		return nil, nil, nil, csvError(name, err)
	}
	cr.FieldsPerRecord = len(header)
	return cr, slices.Clone(header), func() { f.Close() }, nil
}

func (r *Results) readPoints() error {
	name := r.file(PointsFile)
	cr, header, done, err := r.openCSV(PointsFile)
	if err != nil {
		return err
	}
	defer done()
	if want := append([]string{"point"}, r.Params...); !slices.Equal(header, want) {
		return fmt.Errorf("%s:1: header %q; want %q (point, then the manifest's parameters)", name, header, want)
	}
	points := r.points
	for p := 0; ; p++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if p != points {
				return fmt.Errorf("%s: %d points; the manifest says %d", name, p, points)
			}
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if p >= points {
			return fmt.Errorf("%s:%d: more points than the manifest's %d", name, line, points)
		}
		if rec[0] != strconv.Itoa(p) {
			return fmt.Errorf("%s:%d: point %q; want %d (points are numbered from 0 in order)", name, line, rec[0], p)
		}
		vals := make([]float64, len(r.Params))
		for i, s := range rec[1:] {
			v, err := parseValue(s)
			if err == nil && !isFinite(v) {
				err = fmt.Errorf("%s is not a parameter value", s)
			}
			if err != nil {
				return fmt.Errorf("%s:%d: %s: %w", name, line, r.Params[i], err)
			}
			vals[i] = v
		}
		r.Points = append(r.Points, vals)
	}
}

func (r *Results) readRunsHeader() error {
	r.RunsFile = RunsFile
	if r.isParquet() {
		r.RunsFile = RunsParquetFile
		pr, err := r.openParquetRuns()
		if err != nil {
			return err
		}
		r.pq, r.Available = pr, pr.names[pr.first:]
		return nil
	}
	_, header, done, err := r.openRuns()
	if err != nil {
		return err
	}
	done()
	r.Available = header[r.keys():]
	return nil
}

// isParquet reports whether the sweep's runs are in runs.parquet: the
// manifest lists it and not runs.csv.
func (r *Results) isParquet() bool {
	return slices.Contains(r.files, RunsParquetFile) && !slices.Contains(r.files, RunsFile)
}

// openRuns opens runs.csv and checks its header.
func (r *Results) openRuns() (*csv.Reader, []string, func(), error) {
	name := r.file(RunsFile)
	cr, header, done, err := r.openCSV(RunsFile)
	if err != nil {
		return nil, nil, nil, err
	}
	keys := r.keys()
	if len(header) < keys+1 || header[0] != "point" || header[1] != "replication" || keys == 3 && header[2] != ScenarioColumn {
		done()
		if keys == 3 {
			return nil, nil, nil, fmt.Errorf("%s:1: header %q; want point, replication, scenario, then metrics", name, header)
		}
		return nil, nil, nil, fmt.Errorf("%s:1: header %q; want point, replication, then metrics", name, header)
	}
	for i, h := range header[keys:] {
		if h == "" || slices.Contains(header[:i+keys], h) {
			done()
			return nil, nil, nil, fmt.Errorf("%s:1: column %d: empty or repeated name %q", name, i+keys+1, h)
		}
	}
	return cr, header, done, nil
}

// parseValue parses a number of a sweep's CSV files (NA for undefined).
func parseValue(s string) (float64, error) {
	v, err := results.ParseFloat(s)
	if err != nil {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	return v, nil
}

// selectMetrics returns the metrics asked for (all when none), or an
// error wrapping ErrUnknownMetric listing the available ones.
func (r *Results) selectMetrics(asked []string) ([]string, error) {
	if len(asked) == 0 {
		return slices.Clone(r.Available), nil
	}
	var out []string
	for _, m := range asked {
		m = strings.TrimSpace(m)
		if !slices.Contains(r.Available, m) {
			return nil, fmt.Errorf("%w %q; %s has: %s", ErrUnknownMetric, m, r.file(r.RunsFile), strings.Join(r.Available, ", "))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// readRuns reads the values of metrics from runs.csv, checking that rows
// come in order of point, then replication, one per run.
func (r *Results) readRuns(ctx context.Context, metrics []string) error {
	name := r.file(RunsFile)
	cr, header, done, err := r.openRuns()
	if err != nil {
		return err
	}
	defer done()
	cols := make([]int, len(metrics))
	for i, m := range metrics {
		cols[i] = slices.Index(header, m)
	}
	reps := r.Replications
	r.Metrics = metrics
	r.Values = make([][]float64, len(metrics))
	for i := range r.Values {
		r.Values[i] = make([]float64, r.runs)
	}
	for run := 0; ; run++ {
		if run%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if run != r.runs {
				return fmt.Errorf("%s: %d runs; the manifest says %d", name, run, r.runs)
			}
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if run >= r.runs {
			return fmt.Errorf("%s:%d: more runs than the manifest's %d", name, line, r.runs)
		}
		np := r.NumPolicies()
		pol, pr := run%np, run/np
		if p, rep := strconv.Itoa(pr/reps), strconv.Itoa(pr%reps); rec[0] != p || rec[1] != rep {
			if np > 1 {
				return fmt.Errorf("%s:%d: point %q replication %q; want point %s replication %s (rows are ordered by point, then replication, then scenario, from 0)",
					name, line, rec[0], rec[1], p, rep)
			}
			return fmt.Errorf("%s:%d: point %q replication %q; want point %s replication %s (rows are ordered by point, then replication, from 0)",
				name, line, rec[0], rec[1], p, rep)
		}
		if len(r.Policies) > 0 && rec[2] != r.Policies[pol] {
			return fmt.Errorf("%s:%d: scenario %q; want %s (each point and replication has a row per policy, in the manifest's order)",
				name, line, rec[2], r.Policies[pol])
		}
		for i, c := range cols {
			v, err := parseValue(rec[c])
			if err != nil {
				return fmt.Errorf("%s:%d: %s: %w", name, line, metrics[i], err)
			}
			r.Values[i][run] = v
		}
	}
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
