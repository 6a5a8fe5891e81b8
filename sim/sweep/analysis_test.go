package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// resultsFixture describes a finished sweep directory, written the way Run
// writes one (manifest.json, points.csv, runs.csv), with metrics computed
// from the parameter values rather than simulated.
type resultsFixture struct {
	spec    sensitivity.DesignSpec
	params  []string
	dists   []sensitivity.Dist
	seed    uint64
	reps    int
	metrics []string
	// metric returns the metrics' values at parameter values x in
	// replication rep; NaN is written NA.
	metric func(x []float64, point, rep int) []float64
	// designSeed, when not zero, builds the points with another seed than
	// the manifest's.
	designSeed uint64
}

// write writes the sweep into a new directory and returns its path.
func (f resultsFixture) write(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sweep")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	seed := f.seed
	if f.designSeed != 0 {
		seed = f.designSeed
	}
	d, err := sensitivity.NewDesign(f.spec, f.dists, seed)
	if err != nil {
		t.Fatal(err)
	}
	m := Manifest{
		Format: FormatVersion,
		Experiment: ManifestExperiment{Name: "fixture", Base: "ways-to-wellness", Seed: f.seed, Replications: f.reps,
			Metrics: f.metrics, Design: f.spec},
		Points: len(d.Points),
		Runs:   len(d.Points) * f.reps,
	}
	for i, p := range f.params {
		m.Experiment.Parameters = append(m.Experiment.Parameters, ManifestParameter{Path: p, Dist: f.dists[i]})
	}
	var pts, runs strings.Builder
	pts.WriteString("point," + strings.Join(f.params, ",") + "\n")
	runs.WriteString("point,replication," + strings.Join(f.metrics, ",") + "\n")
	for p := range d.Points {
		x := d.Values(f.dists, p)
		pts.WriteString(strconv.Itoa(p))
		for _, v := range x {
			pts.WriteString("," + results.FormatFloat(v))
		}
		pts.WriteString("\n")
		for r := range f.reps {
			fmt.Fprintf(&runs, "%d,%d", p, r)
			for _, v := range f.metric(x, p, r) {
				runs.WriteString("," + results.FormatFloat(v))
			}
			runs.WriteString("\n")
		}
	}
	writeFixtureFile(t, filepath.Join(dir, PointsFile), pts.String())
	writeFixtureFile(t, filepath.Join(dir, RunsFile), runs.String())
	m.Files = []string{ManifestFile, PointsFile, RunsFile}
	m.SHA256 = map[string]string{PointsFile: sha256Hex(pts.String()), RunsFile: sha256Hex(runs.String())}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFixtureFile(t, filepath.Join(dir, ManifestFile), string(data))
	return dir
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// rehash records the current SHA-256 of file in the manifest of the sweep
// directory dir.
func rehash(t testing.TB, dir, file string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	m.SHA256[file] = sha256Hex(string(content))
	if data, err = json.MarshalIndent(m, "", "  "); err != nil {
		t.Fatal(err)
	}
	writeFixtureFile(t, filepath.Join(dir, ManifestFile), string(data))
}

func writeFixtureFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ishigami is a sobol sweep with second order of the Ishigami function of
// three parameters on [−π, π], in two replications that add +0.01 and
// −0.01 (so their mean is the function). A second metric, "sometimes_na",
// is undefined in replication 1 of every tenth point and 1 otherwise.
func ishigami(n int, second bool) resultsFixture {
	u := sensitivity.Dist{Kind: sensitivity.KindUniform, Min: -math.Pi, Max: math.Pi}
	return resultsFixture{
		spec:    sensitivity.DesignSpec{Kind: sensitivity.DesignSobol, N: n, SecondOrder: second},
		params:  []string{"a.x1", "a.x2", "b.x3"},
		dists:   []sensitivity.Dist{u, u, u},
		seed:    5,
		reps:    2,
		metrics: []string{"ishigami", "sometimes_na"},
		metric: func(x []float64, p, r int) []float64 {
			s := math.Sin(x[1])
			f := math.Sin(x[0]) + 7*s*s + 0.1*math.Pow(x[2], 4)*math.Sin(x[0])
			na := 1.0
			if p%10 == 0 && r == 1 {
				na = math.NaN()
			}
			return []float64{f + 0.02*float64(r) - 0.01, na}
		},
	}
}

func analyze(t *testing.T, dir string, metrics []string, bootstrap int) *Analysis {
	t.Helper()
	r, err := ReadResults(context.Background(), dir, metrics)
	if err != nil {
		t.Fatalf("ReadResults(%s, %q) = %v; want nil", dir, metrics, err)
	}
	a, err := Analyze(context.Background(), r, bootstrap)
	if err != nil {
		t.Fatalf("Analyze = %v; want nil", err)
	}
	return a
}

// readAnalysisCSV reads a CSV file into its header and rows keyed by the
// first keyCols fields joined by "/".
func readAnalysisCSV(t *testing.T, name string, keyCols int) ([]string, map[string]map[string]float64) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	rows := map[string]map[string]float64{}
	for _, rec := range recs[1:] {
		row := map[string]float64{}
		for i, h := range recs[0][keyCols:] {
			v, err := results.ParseFloat(rec[keyCols+i])
			if err != nil {
				t.Fatalf("%s: %s: %v", name, h, err)
			}
			row[h] = v
		}
		rows[strings.Join(rec[:keyCols], "/")] = row
	}
	return recs[0], rows
}

// TestAnalyzeIshigami checks the Sobol indices of an Ishigami sweep, in
// memory and as written by WriteFiles, against the analytic values.
// Tolerances: 4 × the sd of the estimates across 20 seeds at N = 1024
// (sensitivity's TestSobolIshigami derivation, rerun at this N): sd S1 ≤
// 0.0078, ST ≤ 0.0069, S2 ≤ 0.0111, so 0.032 for S1 and ST and 0.045 for
// S2. Averaging two replications of ±0.01 and writing values with 10
// significant digits changes the outputs by less than 1e-9.
func TestAnalyzeIshigami(t *testing.T) {
	a := analyze(t, ishigami(1024, true).write(t), nil, 200)
	const ca, cb = 7.0, 0.1
	pi4 := math.Pow(math.Pi, 4)
	v := 0.5 + ca*ca/8 + cb*pi4/5 + cb*cb*pi4*pi4/18
	v1, v2, v13 := 0.5*(1+cb*pi4/5)*(1+cb*pi4/5), ca*ca/8, cb*cb*pi4*pi4*(1.0/18-1.0/50)
	s1 := []float64{v1 / v, v2 / v, 0}
	st := []float64{(v1 + v13) / v, v2 / v, v13 / v}

	if got := []string{a.Metrics[0].Name, a.Metrics[1].Name}; !slices.Equal(got, []string{"ishigami", "sometimes_na"}) {
		t.Fatalf("metrics %q; want every metric of runs.csv", got)
	}
	m := a.Metrics[0]
	for i, p := range a.Results.Params {
		got1, gotT := m.Sobol.S1[i], m.Sobol.ST[i]
		if math.Abs(got1.Value-s1[i]) > 0.032 || math.Abs(gotT.Value-st[i]) > 0.032 {
			t.Errorf("%s: S1 %.4f ST %.4f; want %.4f, %.4f ± 0.032", p, got1.Value, gotT.Value, s1[i], st[i])
		}
		if !(got1.Lo95 <= s1[i] && s1[i] <= got1.Hi95) || !(gotT.Lo95 <= st[i] && st[i] <= gotT.Hi95) {
			t.Errorf("%s: intervals S1 [%.4f, %.4f] ST [%.4f, %.4f]; want them to contain %.4f and %.4f",
				p, got1.Lo95, got1.Hi95, gotT.Lo95, gotT.Hi95, s1[i], st[i])
		}
		if na := a.Metrics[1].Sobol.S1[i].Value; !math.IsNaN(na) {
			t.Errorf("sometimes_na %s: S1 = %v; want NaN (constant output)", p, na)
		}
	}
	for _, c := range []struct {
		i, j int
		want float64
	}{{0, 1, 0}, {0, 2, v13 / v}, {1, 2, 0}} {
		if got := m.Sobol.S2[c.i][c.j].Value; math.Abs(got-c.want) > 0.045 {
			t.Errorf("S2[%d][%d] = %.4f; want %.4f ± 0.045", c.i, c.j, got, c.want)
		}
	}
	// Point 10: replication 1 of sometimes_na is NA, so n is 1 and there is
	// no interval. Point 11: two replications mean ± 0.01, sd 0.01414,
	// se 0.01, t(0.975, 1) = 12.7062.
	if na := a.Metrics[1]; na.N[10] != 1 || na.Mean[10] != 1 || !math.IsNaN(na.Lo95[10]) {
		t.Errorf("point 10: sometimes_na n %d mean %v lo %v; want 1, 1, NaN", na.N[10], na.Mean[10], na.Lo95[10])
	}
	if m.N[11] != 2 || math.Abs(m.Hi95[11]-m.Mean[11]-12.7062*0.01) > 1e-6 {
		t.Errorf("point 11: ishigami n %d, half-width %v; want 2 and 0.127", m.N[11], m.Hi95[11]-m.Mean[11])
	}

	dir := t.TempDir()
	if err := a.WriteFiles(dir); err != nil {
		t.Fatalf("WriteFiles = %v; want nil", err)
	}
	header, rows := readAnalysisCSV(t, filepath.Join(dir, AnalysisSobolFile), 2)
	if want := []string{"metric", "parameter", "s1", "s1_lo95", "s1_hi95", "st", "st_lo95", "st_hi95"}; !slices.Equal(header, want) {
		t.Errorf("%s header %q; want %q", AnalysisSobolFile, header, want)
	}
	for i, p := range a.Results.Params {
		if row := rows["ishigami/"+p]; math.Abs(row["s1"]-m.Sobol.S1[i].Value) > 1e-9 || math.Abs(row["st_hi95"]-m.Sobol.ST[i].Hi95) > 1e-9 {
			t.Errorf("%s row %s: %v; want the analysis's S1 %v and ST hi %v", AnalysisSobolFile, p, row, m.Sobol.S1[i].Value, m.Sobol.ST[i].Hi95)
		}
	}
	if _, rows2 := readAnalysisCSV(t, filepath.Join(dir, AnalysisSobol2File), 3); len(rows2) != 6 {
		t.Errorf("%s has %d rows; want 3 pairs × 2 metrics", AnalysisSobol2File, len(rows2))
	}
	header, pts := readAnalysisCSV(t, filepath.Join(dir, AnalysisPointsFile), 1)
	if want := []string{"point", "a.x1", "a.x2", "b.x3", "ishigami_mean", "ishigami_lo95", "ishigami_hi95", "ishigami_n",
		"sometimes_na_mean", "sometimes_na_lo95", "sometimes_na_hi95", "sometimes_na_n"}; !slices.Equal(header, want) {
		t.Errorf("%s header %q; want %q", AnalysisPointsFile, header, want)
	}
	if len(pts) != 8192 || pts["11"]["ishigami_n"] != 2 || math.Abs(pts["11"]["ishigami_mean"]-m.Mean[11]) > 1e-9 {
		t.Errorf("%s: %d points, point 11 %v; want N(2k+2) = 8192 and the analysis's values", AnalysisPointsFile, len(pts), pts["11"])
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{AnalysisPointsFile, AnalysisSobolFile, AnalysisSobol2File}) {
		t.Errorf("WriteFiles wrote %q", got)
	}
}

// TestAnalyzeMorris checks mu, mu* and sigma of a linear metric:
// y = 2·v1 − 3·v2 with v1 on [0, 10] and v2 log-uniform on [1, 100] is
// linear in v1 (EE = 2 × 10 = 20) but not in v2's unit coordinate.
func TestAnalyzeMorris(t *testing.T) {
	fx := resultsFixture{
		spec:   sensitivity.DesignSpec{Kind: sensitivity.DesignMorris, Levels: 4, Trajectories: 12},
		params: []string{"p.lin", "p.log", "p.none"},
		dists: []sensitivity.Dist{
			{Kind: sensitivity.KindUniform, Min: 0, Max: 10},
			{Kind: sensitivity.KindLogUniform, Min: 1, Max: 100},
			{Kind: sensitivity.KindLevels, Levels: []float64{1, 2}},
		},
		seed: 3, reps: 1, metrics: []string{"y"},
		metric: func(x []float64, _, _ int) []float64 { return []float64{2*x[0] - 3*x[1]} },
	}
	a := analyze(t, fx.write(t), nil, 0)
	r := a.Metrics[0].Morris
	if math.Abs(r.Mu[0]-20) > 1e-6 || math.Abs(r.MuStar[0]-20) > 1e-6 || math.Abs(r.Sigma[0]) > 1e-6 {
		t.Errorf("p.lin: mu %v mu* %v sigma %v; want 20, 20, 0", r.Mu[0], r.MuStar[0], r.Sigma[0])
	}
	if !(r.Mu[1] < 0) || !(r.MuStar[1] > 0) || !(r.Sigma[1] > 0) {
		t.Errorf("p.log: mu %v mu* %v sigma %v; want mu < 0, mu* > 0, sigma > 0 (nonlinear on the unit scale)", r.Mu[1], r.MuStar[1], r.Sigma[1])
	}
	if r.MuStar[2] != 0 || r.Sigma[2] != 0 {
		t.Errorf("p.none: mu* %v sigma %v; want 0 and 0", r.MuStar[2], r.Sigma[2])
	}
	if a.Metrics[0].Sobol != nil || len(a.Notes) != 0 {
		t.Errorf("morris analysis has Sobol indices or notes %q", a.Notes)
	}
	dir := t.TempDir()
	if err := a.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	_, rows := readAnalysisCSV(t, filepath.Join(dir, AnalysisMorrisFile), 2)
	if lin := rows["y/p.lin"]; math.Abs(lin["mu_star"]-20) > 1e-6 {
		t.Errorf("%s y/p.lin: %v; want mu* 20", AnalysisMorrisFile, lin)
	}
}

// TestAnalyzeLHS: a design without indices gets the point means; a metric
// undefined everywhere has an undefined spread.
func TestAnalyzeLHS(t *testing.T) {
	fx := resultsFixture{
		spec:   sensitivity.DesignSpec{Kind: sensitivity.DesignLHS, N: 20},
		params: []string{"q"},
		dists:  []sensitivity.Dist{{Kind: sensitivity.KindNormal, Min: 0, Max: 1, Mean: 0.5, SD: 0.2}},
		seed:   1, reps: 3, metrics: []string{"m", "never"},
		metric: func(x []float64, _, r int) []float64 { return []float64{x[0] + float64(r), math.NaN()} },
	}
	a := analyze(t, fx.write(t), []string{" never ", "m", "never"}, 1000)
	if got := a.Results.Metrics; !slices.Equal(got, []string{"never", "m"}) {
		t.Errorf("metrics read %q; want [never m] (trimmed, repeats dropped, in the order asked)", got)
	}
	never, m := a.Metrics[0], a.Metrics[1]
	lo, hi := math.Inf(1), math.Inf(-1)
	for p, x := range a.Results.Points {
		if math.Abs(m.Mean[p]-(x[0]+1)) > 1e-9 || m.N[p] != 3 || never.N[p] != 0 || !math.IsNaN(never.Mean[p]) {
			t.Errorf("point %d: m mean %v n %d, never n %d; want q + 1, 3, 0", p, m.Mean[p], m.N[p], never.N[p])
		}
		lo, hi = min(lo, m.Mean[p]), max(hi, m.Mean[p])
	}
	if s := m.Spread(); s.Defined != 20 || s.Min != lo || s.Max != hi || !(lo < s.Mean && s.Mean < hi) {
		t.Errorf("m.Spread() = %+v; want 20 defined between %v and %v", s, lo, hi)
	}
	if s := never.Spread(); s.Defined != 0 || !math.IsNaN(s.Mean) || !math.IsNaN(s.Min) || !math.IsNaN(s.Max) {
		t.Errorf("never.Spread() = %+v; want nothing defined", s)
	}
	dir := t.TempDir()
	if err := a.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{AnalysisPointsFile}) {
		t.Errorf("WriteFiles for an lhs design wrote %q; want only %s", got, AnalysisPointsFile)
	}
}

// TestAnalyzeRebuildsFromPoints: points.csv written with another seed than
// the manifest's still has the Saltelli layout, which is all the
// estimators need; the analysis says so and uses the points as written.
func TestAnalyzeRebuildsFromPoints(t *testing.T) {
	fx := ishigami(1024, false)
	fx.designSeed = 77
	a := analyze(t, fx.write(t), []string{"ishigami"}, 0)
	if len(a.Notes) != 1 || !strings.Contains(a.Notes[0], "differs from the sobol design rebuilt from seed 5 (first at point 0, line 2); the analysis uses the points as written") {
		t.Errorf("notes %q; want one about the rebuilt design", a.Notes)
	}
	if got := a.Metrics[0].Sobol.S1[1].Value; math.Abs(got-0.4424) > 0.032 {
		t.Errorf("a.x2: S1 = %.4f; want 0.4424 ± 0.032", got)
	}
}

func TestAnalysisNamed(t *testing.T) {
	a := &Analysis{Results: &Results{Params: []string{"a.b", "c"}}}
	for in, want := range map[string]string{
		"x1 and x2 interact":   "a.b and c interact",
		"x3 is not one":        "x3 is not one",
		"x0, xx1, x1y, (x2)":   "x0, xx1, x1y, (c)",
		"no parameters at all": "no parameters at all",
	} {
		if got := a.Named(in); got != want {
			t.Errorf("Named(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestReadResultsErrors(t *testing.T) {
	edit := func(name string, fn func(string) string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			writeFixtureFile(t, p, fn(string(data)))
			if name != ManifestFile && !strings.HasPrefix(t.Name(), "TestReadResultsErrors/stale") {
				rehash(t, dir, name)
			}
		}
	}
	replace := func(name, old, new string) func(t *testing.T, dir string) {
		return edit(name, func(s string) string { return strings.Replace(s, old, new, 1) })
	}
	remove := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, name)) }
	}
	setExperiment := func(key string, value int) func(t *testing.T, dir string) {
		return edit(ManifestFile, func(s string) string {
			var m map[string]any
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				t.Fatal(err)
			}
			m["experiment"].(map[string]any)[key] = value
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		})
	}
	replaceLine := func(name string, line int, text string) func(t *testing.T, dir string) {
		return edit(name, func(s string) string {
			lines := strings.Split(s, "\n")
			lines[line-1] = text
			return strings.Join(lines, "\n")
		})
	}
	dropLast := func(s string) string { return s[:strings.LastIndex(strings.TrimSuffix(s, "\n"), "\n")+1] }
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string)
		metrics  []string
		manifest bool // a *ManifestError
		want     string
	}{
		{"no manifest", remove(ManifestFile), nil, false, "manifest.json: no such file (is "},
		{"unfinished", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, ManifestFile))
			writeFixtureFile(t, filepath.Join(dir, StateFile), "{}")
		}, nil, false, "is not finished"},
		{"stale runs", replaceLine(RunsFile, 3, "0,1,0.5,1"), nil, false, "runs.csv does not match manifest.json"},
		{"stale points", replaceLine(PointsFile, 4, "2,0.5,0.5,1"), nil, false, "points.csv does not match manifest.json"},
		{"no hash", replace(ManifestFile, `"runs.csv": "`, `"other.csv": "`), nil, false, "no sha256 recorded for runs.csv"},
		{"fifo runs", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, RunsFile))
			if err := syscall.Mkfifo(filepath.Join(dir, RunsFile), 0o644); err != nil {
				t.Skip(err)
			}
		}, nil, false, "runs.csv: not a regular file (a named pipe)"},
		{"bad json", replace(ManifestFile, `"format": 2,`, `"format": 2,,`), nil, false, "manifest.json:2:15: invalid character ','"},
		{"wrong type", replace(ManifestFile, `"points": 40`, `"points": "40"`), nil, false, "cannot unmarshal string"},
		{"format", replace(ManifestFile, `"format": 2`, `"format": 1`), nil, false, "format 1; this version of sibsim reads format 2"},
		{"bad dist", replace(ManifestFile, `"kind": "uniform"`, `"kind": "beta"`), nil, true, `experiment.parameters[0].dist: unknown kind "beta"`},
		{"points count", replace(ManifestFile, `"points": 40`, `"points": 41`), nil, true, "points: 41; the sobol design has 40"},
		{"runs count", replace(ManifestFile, `"runs": 80`, `"runs": 81`), nil, true, "runs: 81; want points × replications = 80"},
		// Counts that size the readers' tables are bounded before use.
		{"weeks huge", setExperiment("weeks", 2000000000), nil, true, "experiment.weeks: must be between 0 and 2600 (got 2000000000)"},
		{"replications huge", setExperiment("replications", 2000000000), nil, true, "experiment.replications: must be between 1 and 100000 (got 2000000000)"},
		{"no points", remove(PointsFile), nil, false, "points.csv: no such file"},
		{"points header", replaceLine(PointsFile, 1, "point,a.x1,a.x2,b.x4"), nil, false, "points.csv:1: header"},
		{"points value", replaceLine(PointsFile, 4, "2,0.5,oops,1"), nil, false, `points.csv:4: a.x2: invalid number "oops"`},
		{"points NA", replaceLine(PointsFile, 4, "2,0.5,NA,1"), nil, false, "points.csv:4: a.x2: NA is not a parameter value"},
		{"points number", replaceLine(PointsFile, 4, "7,0.5,0.5,1"), nil, false, `points.csv:4: point "7"; want 2`},
		{"points fields", replaceLine(PointsFile, 5, "3,0.5"), nil, false, "wrong number of fields"},
		{"points short", edit(PointsFile, dropLast), nil, false, "points.csv: 39 points; the manifest says 40"},
		{"no runs", remove(RunsFile), nil, false, "runs.csv: no such file"},
		{"runs header", replaceLine(RunsFile, 1, "point,rep,ishigami,sometimes_na"), nil, false, "runs.csv:1: header"},
		{"runs repeated column", replaceLine(RunsFile, 1, "point,replication,ishigami,ishigami"), nil, false, `runs.csv:1: column 4: empty or repeated name "ishigami"`},
		{"runs order", replaceLine(RunsFile, 5, "1,0,1,1"), nil, false, `runs.csv:5: point "1" replication "0"; want point 1 replication 1`},
		{"runs value", replaceLine(RunsFile, 3, "0,1,x,1"), nil, false, `runs.csv:3: ishigami: invalid number "x"`},
		{"runs short", edit(RunsFile, dropLast), nil, false, "runs.csv: 79 runs; the manifest says 80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := ishigami(8, false).write(t)
			tt.setup(t, dir)
			_, err := ReadResults(context.Background(), dir, tt.metrics)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadResults = %v; want an error with %q", err, tt.want)
			}
			var me *ManifestError
			if errors.As(err, &me) != tt.manifest {
				t.Errorf("ReadResults = %v (%T); want a *ManifestError: %v", err, err, tt.manifest)
			}
		})
	}

	dir := ishigami(8, true).write(t)
	if _, err := ReadResults(context.Background(), dir, []string{"ishigami", "nope"}); !errors.Is(err, ErrUnknownMetric) ||
		!strings.Contains(err.Error(), `unknown metric "nope"; `+filepath.Join(dir, RunsFile)+" has: ishigami, sometimes_na") {
		t.Errorf("ReadResults(unknown metric) = %v; want ErrUnknownMetric listing the metrics", err)
	}
	if _, err := ReadResults(context.Background(), filepath.Join(dir, "none"), nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("ReadResults(missing dir) = %v; want 'does not exist'", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadResults(ctx, dir, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadResults(cancelled) = %v; want context.Canceled", err)
	}
}

// TestAnalyzeNotSaltelli: points of another seed are accepted only if they
// keep the Saltelli block structure.
func TestAnalyzeNotSaltelli(t *testing.T) {
	fx := ishigami(8, true)
	fx.designSeed = 9
	dir := fx.write(t)
	p := filepath.Join(dir, PointsFile)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	f := strings.Split(lines[17], ",") // line 18, point 16: AB_1 row 0
	f[2] = "0.123"
	lines[17] = strings.Join(f, ",")
	writeFixtureFile(t, p, strings.Join(lines, "\n"))
	rehash(t, dir, PointsFile)
	r, err := ReadResults(context.Background(), dir, []string{"ishigami"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Analyze(context.Background(), r, 0); err == nil ||
		!strings.Contains(err.Error(), "points.csv: line 18: point 16 (row 0 of block AB_1) is not a sobol design point") {
		t.Errorf("Analyze = %v; want the point that breaks the Saltelli layout", err)
	}
}

// TestAnalyzeSweepRun reads and analyses what Run writes.
func TestAnalyzeSweepRun(t *testing.T) {
	p := plan(t, tiny)
	dir := filepath.Join(t.TempDir(), "out")
	mustRun(t, p, dir, Options{Workers: 2})
	r, err := ReadResults(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("ReadResults(a sweep Run wrote) = %v; want nil", err)
	}
	if !slices.Equal(r.Available, p.Metrics()) || len(r.Points) != p.Points || r.Replications != p.Experiment.Replications {
		t.Errorf("ReadResults: metrics %q, %d points, %d replications; want %q, %d, %d",
			r.Available, len(r.Points), r.Replications, p.Metrics(), p.Points, p.Experiment.Replications)
	}
	// points.csv holds 10 significant digits.
	for i := range r.Points {
		for j, want := range p.Values(i) {
			if got := r.Points[i][j]; math.Abs(got-want) > 1e-9*math.Abs(want) {
				t.Errorf("point %d parameter %d: %v; want %v", i, j, got, want)
			}
		}
	}
	a, err := Analyze(context.Background(), r, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Metrics) != len(r.Available) || len(a.Metrics[0].Mean) != p.Points {
		t.Errorf("Analyze: %d metrics of %d points; want %d of %d", len(a.Metrics), len(a.Metrics[0].Mean), len(r.Available), p.Points)
	}
}

func TestCheckAnalysisDir(t *testing.T) {
	isFig := func(name string) bool { return strings.HasSuffix(name, ".svg") }
	root := t.TempDir()
	prev := filepath.Join(root, "prev")
	other := filepath.Join(root, "other")
	for dir, files := range map[string][]string{prev: {AnalysisSobolFile, AnalysisPointsFile, "sobol-y.svg"}, other: {AnalysisSobolFile, "notes.txt"}} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			writeFixtureFile(t, filepath.Join(dir, f), "")
		}
	}
	if exists, err := CheckAnalysisDir(prev, isFig); !exists || err != nil {
		t.Errorf("CheckAnalysisDir(previous analysis) = %v, %v; want true, nil", exists, err)
	}
	if exists, err := CheckAnalysisDir(filepath.Join(root, "new"), isFig); exists || err != nil {
		t.Errorf("CheckAnalysisDir(new) = %v, %v; want false, nil", exists, err)
	}
	if _, err := CheckAnalysisDir(other, isFig); !errors.Is(err, results.ErrOutDir) || !strings.Contains(err.Error(), "holds notes.txt") {
		t.Errorf("CheckAnalysisDir(other files) = %v; want ErrOutDir naming notes.txt", err)
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
