package main

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
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sensitivity"
	"github.com/sibsim/sibsim/sim/stats"
	"github.com/sibsim/sibsim/sim/sweep"
)

// Files of a sweep directory that analyze reads, and of the analysis
// directory it writes.
const (
	sweepManifestFile    = "manifest.json"
	sweepPointsFile      = "points.csv"
	sweepRunsFile        = "runs.csv"
	sweepRunsParquetFile = "runs.parquet"
	sweepStateFile       = "sweep.json" // a sweep in progress
	sweepFormat          = 1            // manifest format analyze reads

	analysisDir        = sweep.AnalysisDir // default --out, inside the sweep directory
	analysisSobolFile  = "sobol.csv"
	analysisSobol2File = "sobol2.csv"
	analysisMorrisFile = "morris.csv"
	analysisPointsFile = "points_summary.csv"
)

// maxBootstrap bounds --bootstrap.
const maxBootstrap = 100_000

type analyzeOptions struct {
	dir       string
	metrics   []string
	out       string
	bootstrap int
	format    string
}

func newAnalyzeCommand(d *deps) *cobra.Command {
	opts := &analyzeOptions{}
	cmd := &cobra.Command{
		Use:   "analyze DIR",
		Short: "Estimate parameter sensitivities from a sweep's results",
		Long: `Analyse the results of a parameter sweep: DIR is a directory written by
"sibsim sweep" (manifest.json, points.csv and runs.csv).

Each metric is first averaged over the replications of each design point
(replications in which it is undefined, NA, are left out). Then, by the
sweep's design:

  sobol   Sobol indices per parameter: first order S1 (Saltelli 2010) and
          total ST (Jansen), with 95% bootstrap intervals over the base
          samples; second order S2 when the design has it.
  morris  Morris elementary effects per parameter: mu, mu* (mean absolute
          effect) and sigma, on the unit scale (a parameter's whole range
          is 1), so parameters with different units are comparable.
  grid, random, lhs
          no indices; the summaries and figures below.

Tables are printed, with notes on what to beware of (intervals that
contain zero, small samples, undefined outputs). Written into --out
(default DIR/analysis): sobol.csv (metric, parameter, s1, s1_lo95, s1_hi95,
st, st_lo95, st_hi95), sobol2.csv (second order), morris.csv (metric,
parameter, mu, mu_star, sigma), points_summary.csv (each design point's
parameter values and, per metric, the mean over replications with its 95%
interval and count), and figures: sobol-METRIC (indices with intervals),
morris-METRIC (mu* against sigma) and response-METRIC (the metric's point
means against each parameter). The output directory must be new, empty or
a previous analysis, which is replaced; it appears complete or not at all.

The same inputs always give the same bytes: bootstrap resamples are drawn
from the sweep's seed.`,
		Example: `  # Every metric of a sweep, into results/sweep/analysis
  sibsim analyze results/sweep

  # Two metrics, PDF figures, 2000 bootstrap resamples
  sibsim analyze results/sweep --metric care_share_last_year --metric investor_irr \
      --bootstrap 2000 --format pdf --out reports/sensitivity`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dir = args[0]
			return classify(cmd.Context(), runAnalyze(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.metrics, "metric", nil, "metric to analyse; repeat or separate with commas (default: every metric in runs.csv)")
	f.StringVar(&opts.out, "out", "", "write the analysis into this directory (default DIR/"+analysisDir+")")
	f.IntVar(&opts.bootstrap, "bootstrap", 1000, fmt.Sprintf("bootstrap resamples for Sobol intervals (0 to %d; 0 for none)", maxBootstrap))
	f.StringVar(&opts.format, "format", "svg", "figure format: "+strings.Join(figureFormats, ", "))
	return cmd
}

func (o *analyzeOptions) check() error {
	if o.bootstrap < 0 || o.bootstrap > maxBootstrap {
		return usageErrorf("--bootstrap must be between 0 and %d (got %d)", maxBootstrap, o.bootstrap)
	}
	if o.dir == "" {
		return usageErrorf("empty sweep directory")
	}
	for _, m := range o.metrics {
		if strings.TrimSpace(m) == "" {
			return usageErrorf("--metric: empty metric name")
		}
	}
	return checkFormat(o.format)
}

func runAnalyze(ctx context.Context, opts *analyzeOptions, s streams) error {
	if err := opts.check(); err != nil {
		return err
	}
	sw, err := readSweep(opts.dir)
	if err != nil {
		return err
	}
	metrics, err := sw.selectMetrics(opts.metrics)
	if err != nil {
		return err
	}
	if err := sw.readRuns(ctx, metrics); err != nil {
		return err
	}
	a, err := analyzeSweep(ctx, sw, opts.bootstrap)
	if err != nil {
		return err
	}

	out := opts.out
	if out == "" {
		out = filepath.Join(opts.dir, analysisDir)
	}
	stage, err := newStagedDir(out, checkAnalysisDir)
	if err != nil {
		return outDirError(err)
	}
	defer stage.cleanup()
	if err := a.writeFiles(stage.tmp); err != nil {
		return fmt.Errorf("write analysis: %w", err)
	}
	figs, err := a.figures()
	if err != nil {
		return fmt.Errorf("draw figures: %w", err)
	}
	if err := writeFigures(ctx, stage.tmp, figs, opts.format); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return errInterrupted
	}
	if err := stage.commit(); err != nil {
		return outDirError(err)
	}
	a.writeTables(s.out)
	fmt.Fprintf(s.out, "\nAnalysis written to %s\n", out)
	return nil
}

// checkAnalysisDir reports whether dir may receive an analysis: it does not
// exist, or is a directory holding only files analyze writes.
func checkAnalysisDir(dir string) (exists bool, err error) {
	entries, exists, err := readOutDir(dir)
	if err != nil {
		return exists, err
	}
	for _, e := range entries {
		name := e.Name()
		ext := strings.TrimPrefix(filepath.Ext(name), ".")
		ours := name == analysisSobolFile || name == analysisSobol2File || name == analysisMorrisFile ||
			name == analysisPointsFile || slices.Contains(figureFormats, ext)
		if !e.Type().IsRegular() || !ours {
			return true, fmt.Errorf("%w: %s holds %s, which sibsim analyze does not write; "+
				"use a new or empty directory, or a previous analysis", results.ErrOutDir, dir, name)
		}
	}
	return exists, nil
}

// sweepManifest is what analyze reads of a sweep's manifest.json; other
// fields are ignored.
type sweepManifest struct {
	Format     int `json:"format"`
	Experiment struct {
		Name         string                 `json:"name"`
		Seed         uint64                 `json:"seed"`
		Replications int                    `json:"replications"`
		Design       sensitivity.DesignSpec `json:"design"`
		Parameters   []struct {
			Path string           `json:"path"`
			Dist sensitivity.Dist `json:"dist"`
		} `json:"parameters"`
	} `json:"experiment"`
	Points int `json:"points"`
	Runs   int `json:"runs"`
}

// sweepData is a sweep directory as read.
type sweepData struct {
	dir    string
	m      sweepManifest
	params []string // parameter paths, in design order
	dists  []sensitivity.Dist
	points [][]float64 // parameter values, [point][parameter]
	// available lists runs.csv's metric columns, in order.
	available []string
	// metrics are the metrics analysed, and values[i][point*R+rep] the
	// value of metrics[i] in each run.
	metrics []string
	values  [][]float64
}

func (sw *sweepData) file(name string) string { return filepath.Join(sw.dir, name) }

// readSweep reads the manifest, points.csv and runs.csv's header of the
// sweep in dir. Every problem is invalid input (exit 3), naming the file
// and, where there is one, the line.
func readSweep(dir string) (*sweepData, error) {
	sw := &sweepData{dir: dir}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, invalidInput(fmt.Errorf("sweep directory %s does not exist", dir))
	case err != nil:
		return nil, invalidInput(err)
	case !info.IsDir():
		return nil, invalidInput(fmt.Errorf("%s is not a directory (want a sweep directory)", dir))
	}
	if err := sw.readManifest(); err != nil {
		return nil, err
	}
	if err := sw.readPoints(); err != nil {
		return nil, err
	}
	if err := sw.readRunsHeader(); err != nil {
		return nil, err
	}
	return sw, nil
}

func (sw *sweepData) readManifest() error {
	name := sw.file(sweepManifestFile)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(sw.file(sweepStateFile)); serr == nil {
			return invalidInput(fmt.Errorf("%s: no such file: the sweep in %s is not finished (%s holds its progress); run sibsim sweep again to finish it",
				name, sw.dir, sweepStateFile))
		}
		return invalidInput(fmt.Errorf("%s: no such file (is %s a sweep directory?)", name, sw.dir))
	}
	if err != nil {
		return invalidInput(err)
	}
	if err := json.Unmarshal(data, &sw.m); err != nil {
		return invalidInput(jsonError(name, data, err))
	}
	m := &sw.m
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if m.Format != sweepFormat {
		return invalidInput(fmt.Errorf("%s: format %d; this version of sibsim reads format %d", name, m.Format, sweepFormat))
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
		sw.params = append(sw.params, p.Path)
		sw.dists = append(sw.dists, p.Dist)
	}
	if m.Experiment.Replications < 1 {
		bad("experiment.replications: must be >= 1 (got %d)", m.Experiment.Replications)
	}
	if len(problems) == 0 {
		n, err := sensitivity.DesignSize(m.Experiment.Design, sw.dists)
		switch {
		case err != nil:
			for _, line := range strings.Split(err.Error(), "\n") {
				bad("experiment.design: %s", line)
			}
		case m.Points != n:
			bad("points: %d; the %s design has %d", m.Points, m.Experiment.Design.Kind, n)
		case m.Runs != m.Points*m.Experiment.Replications:
			bad("runs: %d; want points × replications = %d", m.Runs, m.Points*m.Experiment.Replications)
		}
	}
	if len(problems) > 0 {
		return &exitError{code: exitInvalid, msg: fmt.Sprintf("invalid sweep manifest %s", name), detail: problems}
	}
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

// csvError gives a CSV error the file and line.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return invalidInput(fmt.Errorf("%s:%d:%d: %w", name, pe.Line, pe.Column, pe.Err))
	}
	return invalidInput(fmt.Errorf("%s: %w", name, err))
}

// openCSV opens a CSV file of the sweep and reads its header.
func (sw *sweepData) openCSV(file string) (*csv.Reader, []string, func(), error) {
	name := sw.file(file)
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, nil, invalidInput(err)
	}
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		f.Close()
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file (want a header line)")
		}
		return nil, nil, nil, csvError(name, err)
	}
	r.FieldsPerRecord = len(header)
	return r, slices.Clone(header), func() { f.Close() }, nil
}

func (sw *sweepData) readPoints() error {
	name := sw.file(sweepPointsFile)
	r, header, done, err := sw.openCSV(sweepPointsFile)
	if err != nil {
		return err
	}
	defer done()
	if want := append([]string{"point"}, sw.params...); !slices.Equal(header, want) {
		return invalidInput(fmt.Errorf("%s:1: header %q; want %q (point, then the manifest's parameters)", name, header, want))
	}
	for p := 0; ; p++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			if p != sw.m.Points {
				return invalidInput(fmt.Errorf("%s: %d points; the manifest says %d", name, p, sw.m.Points))
			}
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := r.FieldPos(0)
		if p >= sw.m.Points {
			return invalidInput(fmt.Errorf("%s:%d: more points than the manifest's %d", name, line, sw.m.Points))
		}
		if rec[0] != strconv.Itoa(p) {
			return invalidInput(fmt.Errorf("%s:%d: point %q; want %d (points are numbered from 0 in order)", name, line, rec[0], p))
		}
		vals := make([]float64, len(sw.params))
		for i, s := range rec[1:] {
			v, err := parseValue(s)
			if err == nil && !isFinite(v) {
				err = fmt.Errorf("%s is not a parameter value", s)
			}
			if err != nil {
				return invalidInput(fmt.Errorf("%s:%d: %s: %w", name, line, sw.params[i], err))
			}
			vals[i] = v
		}
		sw.points = append(sw.points, vals)
	}
}

func (sw *sweepData) readRunsHeader() error {
	_, header, done, err := sw.openRuns()
	if err != nil {
		return err
	}
	done()
	sw.available = header[2:]
	return nil
}

// openRuns opens runs.csv and checks its header.
func (sw *sweepData) openRuns() (*csv.Reader, []string, func(), error) {
	name := sw.file(sweepRunsFile)
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
		if _, perr := os.Stat(sw.file(sweepRunsParquetFile)); perr == nil {
			return nil, nil, nil, invalidInput(fmt.Errorf("%s: sibsim analyze reads runs.csv, and this sweep wrote its runs as Parquet, which analyze does not read; "+
				"run or merge the sweep again with CSV output", sw.file(sweepRunsParquetFile)))
		}
	}
	r, header, done, err := sw.openCSV(sweepRunsFile)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(header) < 3 || header[0] != "point" || header[1] != "replication" {
		done()
		return nil, nil, nil, invalidInput(fmt.Errorf("%s:1: header %q; want point, replication, then metrics", name, header))
	}
	for i, h := range header[2:] {
		if h == "" || slices.Contains(header[:i+2], h) {
			done()
			return nil, nil, nil, invalidInput(fmt.Errorf("%s:1: column %d: empty or repeated name %q", name, i+3, h))
		}
	}
	return r, header, done, nil
}

// parseValue parses a number of a sweep's CSV files (NA for undefined).
func parseValue(s string) (float64, error) {
	v, err := results.ParseFloat(s)
	if err != nil {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	return v, nil
}

// selectMetrics returns the metrics asked for (all when none), or a usage
// error listing the available ones.
func (sw *sweepData) selectMetrics(asked []string) ([]string, error) {
	if len(asked) == 0 {
		return slices.Clone(sw.available), nil
	}
	var out []string
	for _, m := range asked {
		m = strings.TrimSpace(m)
		if !slices.Contains(sw.available, m) {
			return nil, usageErrorf("--metric: unknown metric %q; %s has: %s", m, sw.file(sweepRunsFile), strings.Join(sw.available, ", "))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// readRuns reads the values of metrics from runs.csv, checking that rows
// come in order of point, then replication, one per run.
func (sw *sweepData) readRuns(ctx context.Context, metrics []string) error {
	name := sw.file(sweepRunsFile)
	r, header, done, err := sw.openRuns()
	if err != nil {
		return err
	}
	defer done()
	cols := make([]int, len(metrics))
	for i, m := range metrics {
		cols[i] = slices.Index(header, m)
	}
	reps := sw.m.Experiment.Replications
	sw.metrics = metrics
	sw.values = make([][]float64, len(metrics))
	for i := range sw.values {
		sw.values[i] = make([]float64, sw.m.Runs)
	}
	for run := 0; ; run++ {
		if run%4096 == 0 && ctx.Err() != nil {
			return errInterrupted
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			if run != sw.m.Runs {
				return invalidInput(fmt.Errorf("%s: %d runs; the manifest says %d", name, run, sw.m.Runs))
			}
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := r.FieldPos(0)
		if run >= sw.m.Runs {
			return invalidInput(fmt.Errorf("%s:%d: more runs than the manifest's %d", name, line, sw.m.Runs))
		}
		if p, rep := strconv.Itoa(run/reps), strconv.Itoa(run%reps); rec[0] != p || rec[1] != rep {
			return invalidInput(fmt.Errorf("%s:%d: point %q replication %q; want point %s replication %s (rows are ordered by point, then replication, from 0)",
				name, line, rec[0], rec[1], p, rep))
		}
		for i, c := range cols {
			v, err := parseValue(rec[c])
			if err != nil {
				return invalidInput(fmt.Errorf("%s:%d: %s: %w", name, line, metrics[i], err))
			}
			sw.values[i][run] = v
		}
	}
}

// design rebuilds the sweep's design from its spec, parameters and seed,
// as sibsim sweep built it, and checks it against points.csv. If they
// differ (a design from another version of sibsim, say), the design is
// rebuilt from points.csv: unit coordinates by inverting each parameter's
// distribution, which is all the estimators need; the note says so.
func (sw *sweepData) design() (*sensitivity.Design, []string, error) {
	spec := sw.m.Experiment.Design
	d, err := sensitivity.NewDesign(spec, sw.dists, sw.m.Experiment.Seed)
	if err != nil {
		return nil, nil, invalidInput(fmt.Errorf("%s: experiment.design: %w", sw.file(sweepManifestFile), err))
	}
	mismatch := -1
	for p := range d.Points {
		vals := d.Values(sw.dists, p)
		for i, v := range vals {
			if x := sw.points[p][i]; x != v && math.Abs(x-v) > 1e-9*math.Max(math.Abs(x), math.Abs(v)) {
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
	name := sw.file(sweepPointsFile)
	notes := []string{fmt.Sprintf("%s differs from the %s design rebuilt from seed %d (first at point %d, line %d); the analysis uses the points as written",
		name, spec.Kind, sw.m.Experiment.Seed, mismatch, mismatch+2)}
	pts := make([][]float64, len(sw.points))
	for p, vals := range sw.points {
		pts[p] = make([]float64, len(vals))
		for i, x := range vals {
			u := sw.dists[i].Unit(x)
			if math.IsNaN(u) {
				return nil, nil, invalidInput(fmt.Errorf("%s:%d: %s: %v is not one of its levels %v", name, p+2, sw.params[i], x, sw.dists[i].Levels))
			}
			pts[p][i] = u
		}
	}
	if spec.Kind == sensitivity.DesignSobol {
		if err := checkSaltelli(spec, sw.points); err != nil {
			return nil, nil, invalidInput(fmt.Errorf("%s: %w", name, err))
		}
	}
	return &sensitivity.Design{Spec: spec, K: len(sw.params), Points: pts}, notes, nil
}

// checkSaltelli checks that parameter values have the block structure of a
// Saltelli design: AB_i equals A but in column i, which is B's, and BA_i
// equals B but in column i, which is A's.
func checkSaltelli(spec sensitivity.DesignSpec, pts [][]float64) error {
	n := spec.N
	k := len(pts[0])
	for j := range n {
		a, b := pts[j], pts[n+j]
		for i := range k {
			blocks := []struct {
				name     string
				at       int
				base, in []float64
			}{{"AB", 2 + i, a, b}}
			if spec.SecondOrder {
				blocks = append(blocks, struct {
					name     string
					at       int
					base, in []float64
				}{"BA", 2 + k + i, b, a})
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

// sweepAnalysis is the analysis of a sweep.
type sweepAnalysis struct {
	sw        *sweepData
	bootstrap int
	notes     []string // about the whole sweep
	metrics   []*metricAnalysis
}

// metricAnalysis is one metric's analysis.
type metricAnalysis struct {
	name string
	// Per design point, over replications: mean, 95% interval, count.
	mean, lo, hi []float64
	n            []int
	sobol        *sensitivity.SobolResult
	morris       *sensitivity.MorrisResult
}

func analyzeSweep(ctx context.Context, sw *sweepData, bootstrap int) (*sweepAnalysis, error) {
	a := &sweepAnalysis{sw: sw, bootstrap: bootstrap}
	var d *sensitivity.Design
	kind := sw.m.Experiment.Design.Kind
	if kind == sensitivity.DesignSobol || kind == sensitivity.DesignMorris {
		var err error
		if d, a.notes, err = sw.design(); err != nil {
			return nil, err
		}
	}
	reps := sw.m.Experiment.Replications
	for i, name := range sw.metrics {
		if ctx.Err() != nil {
			return nil, errInterrupted
		}
		m := &metricAnalysis{name: name}
		for p := range sw.m.Points {
			sum := stats.Describe(sw.values[i][p*reps : (p+1)*reps])
			m.mean = append(m.mean, sum.Mean)
			m.lo = append(m.lo, sum.Lo95)
			m.hi = append(m.hi, sum.Hi95)
			m.n = append(m.n, sum.N)
		}
		var err error
		switch kind {
		case sensitivity.DesignSobol:
			m.sobol, err = sensitivity.Sobol(d, m.mean, bootstrap, sw.m.Experiment.Seed)
		case sensitivity.DesignMorris:
			m.morris, err = sensitivity.Morris(d, sw.dists, m.mean)
		}
		if err != nil {
			return nil, invalidInput(fmt.Errorf("%s: %s: %w", sw.file(sweepPointsFile), name, err))
		}
		a.metrics = append(a.metrics, m)
	}
	return a, nil
}

// paramRef matches the names x1..xK that sensitivity's notes use.
var paramRef = regexp.MustCompile(`\bx([0-9]+)\b`)

// named replaces x1..xK in a note by the parameters' paths.
func (a *sweepAnalysis) named(note string) string {
	return paramRef.ReplaceAllStringFunc(note, func(s string) string {
		i, err := strconv.Atoi(s[1:])
		if err != nil || i < 1 || i > len(a.sw.params) {
			return s
		}
		return a.sw.params[i-1]
	})
}

// writeTables prints the analysis.
func (a *sweepAnalysis) writeTables(w io.Writer) {
	sw := a.sw
	e := sw.m.Experiment
	reps := "replications"
	if e.Replications == 1 {
		reps = "replication"
	}
	fmt.Fprintf(w, "Sweep %s: %s design, %d parameters, %d points × %d %s, seed %d\n",
		e.Name, e.Design.Kind, len(sw.params), sw.m.Points, e.Replications, reps, e.Seed)
	for _, n := range a.notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	for _, m := range a.metrics {
		fmt.Fprintln(w)
		switch {
		case m.sobol != nil:
			a.writeSobolTable(w, m)
		case m.morris != nil:
			a.writeMorrisTable(w, m)
		default:
			a.writePointsTable(w, m)
		}
	}
}

// zeroNote is the end of sensitivity's notes on intervals containing zero,
// which the table's notes column shows instead.
const zeroNote = "indistinguishable from zero"

func (a *sweepAnalysis) writeSobolTable(w io.Writer, m *metricAnalysis) {
	r := m.sobol
	boot := fmt.Sprintf("95%% intervals from %d bootstrap resamples", a.bootstrap)
	if a.bootstrap == 0 {
		boot = "no bootstrap intervals"
	}
	fmt.Fprintf(w, "%s: Sobol indices (N = %d, %s)\n", m.name, a.sw.m.Experiment.Design.N, boot)
	rows := [][]string{{"parameter", "S1", "95% interval", "ST", "95% interval", "notes"}}
	for i, p := range a.sw.params {
		var notes []string
		if r.S1[i].Lo95 <= 0 && r.S1[i].Hi95 >= 0 {
			notes = append(notes, "S1 ≈ 0")
		}
		if r.ST[i].Lo95 <= 0 && r.ST[i].Hi95 >= 0 {
			notes = append(notes, "ST ≈ 0: no detectable influence")
		}
		rows = append(rows, []string{p,
			results.Human(r.S1[i].Value), intervalText(r.S1[i].Lo95, r.S1[i].Hi95),
			results.Human(r.ST[i].Value), intervalText(r.ST[i].Lo95, r.ST[i].Hi95),
			strings.Join(notes, "; ")})
	}
	writeTable(w, rows, []bool{true, false, false, false, false, true})
	if r.S2 != nil {
		fmt.Fprintln(w, "second order:")
		rows := [][]string{{"parameters", "S2", "95% interval"}}
		for i := range r.S2 {
			for j := i + 1; j < len(r.S2); j++ {
				s := r.S2[i][j]
				rows = append(rows, []string{a.sw.params[i] + " × " + a.sw.params[j], results.Human(s.Value), intervalText(s.Lo95, s.Hi95)})
			}
		}
		writeTable(w, rows, []bool{true, false, false})
	}
	for _, n := range r.Notes {
		if !strings.Contains(n, zeroNote) {
			fmt.Fprintf(w, "  note: %s\n", a.named(n))
		}
	}
}

func (a *sweepAnalysis) writeMorrisTable(w io.Writer, m *metricAnalysis) {
	r := m.morris
	d := a.sw.m.Experiment.Design
	fmt.Fprintf(w, "%s: Morris elementary effects on the unit scale (r = %d trajectories, p = %d levels)\n", m.name, d.Trajectories, d.Levels)
	rows := [][]string{{"parameter", "mu", "mu*", "sigma"}}
	for i, p := range a.sw.params {
		rows = append(rows, []string{p, results.Human(r.Mu[i]), results.Human(r.MuStar[i]), results.Human(r.Sigma[i])})
	}
	writeTable(w, rows, []bool{true, false, false, false})
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", a.named(n))
	}
}

// writePointsTable summarises a metric over the points of a design without
// indices: the mean, smallest and largest of the point means.
func (a *sweepAnalysis) writePointsTable(w io.Writer, m *metricAnalysis) {
	s := stats.Describe(m.mean)
	lo, hi := math.NaN(), math.NaN()
	for _, x := range m.mean {
		if isFinite(x) {
			lo, hi = fmin(lo, x), fmax(hi, x)
		}
	}
	fmt.Fprintf(w, "%s over %d design points (%d with the metric defined): mean %s, smallest %s, largest %s\n",
		m.name, len(m.mean), s.N, results.Human(s.Mean), results.Human(lo), results.Human(hi))
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

// writeTable prints rows in aligned columns, left-aligned where left[i].
// Cells pass through terminalText: they hold names read from files.
func writeTable(w io.Writer, rows [][]string, left []bool) {
	safe := make([][]string, len(rows))
	for k, row := range rows {
		safe[k] = make([]string, len(row))
		for i, c := range row {
			safe[k][i] = terminalText(c)
		}
	}
	rows = safe
	widths := make([]int, len(left))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i > 0 {
				b.WriteString("  ")
			}
			if left[i] {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// writeFiles writes the analysis's CSV files into dir.
func (a *sweepAnalysis) writeFiles(dir string) error {
	type file struct {
		name   string
		header []string
		rows   func(emit func(...string))
	}
	f := results.FormatFloat
	files := []file{{
		name:   analysisPointsFile,
		header: a.pointsHeader(),
		rows: func(emit func(...string)) {
			for p, vals := range a.sw.points {
				row := []string{strconv.Itoa(p)}
				for _, v := range vals {
					row = append(row, f(v))
				}
				for _, m := range a.metrics {
					row = append(row, f(m.mean[p]), f(m.lo[p]), f(m.hi[p]), strconv.Itoa(m.n[p]))
				}
				emit(row...)
			}
		},
	}}
	switch a.sw.m.Experiment.Design.Kind {
	case sensitivity.DesignSobol:
		files = append(files, file{
			name:   analysisSobolFile,
			header: []string{"metric", "parameter", "s1", "s1_lo95", "s1_hi95", "st", "st_lo95", "st_hi95"},
			rows: func(emit func(...string)) {
				for _, m := range a.metrics {
					for i, p := range a.sw.params {
						s1, st := m.sobol.S1[i], m.sobol.ST[i]
						emit(m.name, p, f(s1.Value), f(s1.Lo95), f(s1.Hi95), f(st.Value), f(st.Lo95), f(st.Hi95))
					}
				}
			},
		})
		if a.sw.m.Experiment.Design.SecondOrder {
			files = append(files, file{
				name:   analysisSobol2File,
				header: []string{"metric", "parameter_i", "parameter_j", "s2", "s2_lo95", "s2_hi95"},
				rows: func(emit func(...string)) {
					for _, m := range a.metrics {
						for i, pi := range a.sw.params {
							for j := i + 1; j < len(a.sw.params); j++ {
								s := m.sobol.S2[i][j]
								emit(m.name, pi, a.sw.params[j], f(s.Value), f(s.Lo95), f(s.Hi95))
							}
						}
					}
				},
			})
		}
	case sensitivity.DesignMorris:
		files = append(files, file{
			name:   analysisMorrisFile,
			header: []string{"metric", "parameter", "mu", "mu_star", "sigma"},
			rows: func(emit func(...string)) {
				for _, m := range a.metrics {
					for i, p := range a.sw.params {
						emit(m.name, p, f(m.morris.Mu[i]), f(m.morris.MuStar[i]), f(m.morris.Sigma[i]))
					}
				}
			},
		})
	}
	for _, fl := range files {
		err := writeFileAtomic(filepath.Join(dir, fl.name), func(w io.Writer) error {
			cw := csv.NewWriter(w)
			var err error
			emit := func(rec ...string) {
				if err == nil {
					err = cw.Write(rec)
				}
			}
			emit(fl.header...)
			fl.rows(emit)
			cw.Flush()
			if err != nil {
				return err
			}
			return cw.Error()
		})
		if err != nil {
			return fmt.Errorf("%s: %w", fl.name, err)
		}
	}
	return nil
}

func (a *sweepAnalysis) pointsHeader() []string {
	h := append([]string{"point"}, a.sw.params...)
	for _, m := range a.metrics {
		h = append(h, m.name+"_mean", m.name+"_lo95", m.name+"_hi95", m.name+"_n")
	}
	return h
}

// figures draws, per metric, its indices (sobol-METRIC or morris-METRIC)
// and its point means against each parameter (response-METRIC), leaving
// out a figure with nothing defined to draw.
func (a *sweepAnalysis) figures() ([]plots.Figure, error) {
	ms := make([]plots.SweepMetric, len(a.metrics))
	for i, m := range a.metrics {
		ms[i] = plots.SweepMetric{Name: m.name, Means: m.mean, Sobol: m.sobol, Morris: m.morris}
	}
	return plots.SensitivityFigures(plots.Sweep{Params: a.sw.params, Dists: a.sw.dists, Points: a.sw.points}, ms)
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
