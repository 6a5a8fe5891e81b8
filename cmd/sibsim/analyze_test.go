package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sensitivity"
	"github.com/sibsim/sibsim/sim/sweep"
)

// sweepFixture describes a sweep directory written the way sibsim sweep
// writes one (manifest.json, points.csv, runs.csv).
type sweepFixture struct {
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
func (f sweepFixture) write(t testing.TB) string {
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
	type param struct {
		Path string           `json:"path"`
		Dist sensitivity.Dist `json:"dist"`
	}
	var ps []param
	for i, p := range f.params {
		ps = append(ps, param{p, f.dists[i]})
	}
	// Fields in the order sibsim sweep writes them, and some analyze
	// ignores.
	type experiment struct {
		Name         string                 `json:"name"`
		Base         string                 `json:"base"`
		Seed         uint64                 `json:"seed"`
		Replications int                    `json:"replications"`
		Metrics      []string               `json:"metrics"`
		Design       sensitivity.DesignSpec `json:"design"`
		Parameters   []param                `json:"parameters"`
	}
	manifest := struct {
		Format         int        `json:"format"`
		Experiment     experiment `json:"experiment"`
		Points         int        `json:"points"`
		Runs           int        `json:"runs"`
		ScenarioSHA256 string     `json:"scenario_sha256"`
		SibsimVersion  string     `json:"sibsim_version"`
	}{
		Format:         sweep.FormatVersion,
		Experiment:     experiment{"fixture", "ways-to-wellness", f.seed, f.reps, f.metrics, f.spec, ps},
		Points:         len(d.Points),
		Runs:           len(d.Points) * f.reps,
		ScenarioSHA256: strings.Repeat("ab", 32),
		SibsimVersion:  "v0.0.0-test",
	}
	data, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(dir, "manifest.json"), string(data))

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
	writeTestFile(t, filepath.Join(dir, "points.csv"), pts.String())
	writeTestFile(t, filepath.Join(dir, "runs.csv"), runs.String())
	return dir
}

func writeTestFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readCSV reads a CSV file into a header and rows keyed by the first
// fields (joined by "/") that keyCols names.
func readCSV(t *testing.T, name string, keyCols int) ([]string, map[string]map[string]float64) {
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

// ishigamiFixture is a sobol sweep with second order, N = 1024, of the
// Ishigami function of three parameters on [−π, π], in two replications
// that add +0.01 and −0.01 (so their mean is the function). A second
// metric, "sometimes_na", is undefined in replication 1 of every tenth
// point and constant otherwise.
func ishigamiFixture() sweepFixture {
	u := sensitivity.Dist{Kind: sensitivity.KindUniform, Min: -math.Pi, Max: math.Pi}
	return sweepFixture{
		spec:    sensitivity.DesignSpec{Kind: sensitivity.DesignSobol, N: 1024, SecondOrder: true},
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

// TestAnalyzeIshigami runs analyze on an Ishigami sweep and checks what
// the command prints and writes; sim/sweep's TestAnalyzeIshigami checks the
// indices against the analytic values.
func TestAnalyzeIshigami(t *testing.T) {
	dir := ishigamiFixture().write(t)
	code, stdout, stderr := cli(t, context.Background(), "analyze", dir, "--bootstrap", "200")
	if code != 0 {
		t.Fatalf("analyze = %d; want 0\nstderr: %s", code, stderr)
	}
	out := filepath.Join(dir, "analysis")
	for _, want := range []string{"Sweep fixture: sobol design, 3 parameters, 8192 points × 2 replications, seed 5",
		"ishigami: Sobol indices (N = 1024, 95% intervals from 200 bootstrap resamples)",
		"parameter", "b.x3", "S1 ≈ 0", "second order:", "a.x1 × b.x3",
		"sometimes_na", "the output is constant across the design",
		"Analysis written to " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "x3") && !strings.Contains(stdout, "b.x3") {
		t.Errorf("stdout names a parameter x3 rather than its path:\n%s", stdout)
	}
	// The table shows what sobol.csv holds, rounded.
	_, rows := readCSV(t, filepath.Join(out, "sobol.csv"), 2)
	x2 := rows["ishigami/a.x2"]
	if line := "a.x2  " + results.Human(x2["s1"]); !strings.Contains(strings.Join(strings.Fields(stdout), "  "), line) {
		t.Errorf("stdout lacks the row %q of sobol.csv:\n%s", line, stdout)
	}

	got := entries(t, out)
	want := []string{"points_summary.csv", "response-ishigami.svg", "response-sometimes_na.svg", "sobol-ishigami.svg", "sobol.csv", "sobol2.csv"}
	if !slices.Equal(got, want) {
		t.Errorf("analysis files %q; want %q", got, want)
	}
}

// TestAnalyzeMorris checks what analyze prints and writes for a morris
// design; sim/sweep's TestAnalyzeMorris checks the effects.
func TestAnalyzeMorris(t *testing.T) {
	fx := sweepFixture{
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
	dir := fx.write(t)
	out := filepath.Join(t.TempDir(), "a")
	code, stdout, stderr := cli(t, context.Background(), "analyze", dir, "--out", out, "--format", "png")
	if code != 0 {
		t.Fatalf("analyze = %d; want 0\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "y: Morris elementary effects on the unit scale (r = 12 trajectories, p = 4 levels)") {
		t.Errorf("stdout lacks the Morris heading:\n%s", stdout)
	}
	if got, want := entries(t, out), []string{"morris-y.png", "morris.csv", "points_summary.csv", "response-y.png"}; !slices.Equal(got, want) {
		t.Errorf("analysis files %q; want %q", got, want)
	}
}

// TestAnalyzeLHS checks a design without indices: a points summary and
// response figures only.
func TestAnalyzeLHS(t *testing.T) {
	fx := sweepFixture{
		spec:   sensitivity.DesignSpec{Kind: sensitivity.DesignLHS, N: 20},
		params: []string{"q"},
		dists:  []sensitivity.Dist{{Kind: sensitivity.KindNormal, Min: 0, Max: 1, Mean: 0.5, SD: 0.2}},
		seed:   1, reps: 3, metrics: []string{"m", "never"},
		metric: func(x []float64, _, r int) []float64 { return []float64{x[0] + float64(r), math.NaN()} },
	}
	dir := fx.write(t)
	code, stdout, stderr := cli(t, context.Background(), "analyze", dir, "--metric", "m,never", "--format", "pdf")
	if code != 0 {
		t.Fatalf("analyze = %d; want 0\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "m over 20 design points (20 with the metric defined)") ||
		!strings.Contains(stdout, "never over 20 design points (0 with the metric defined): mean NA") {
		t.Errorf("stdout lacks the point summaries:\n%s", stdout)
	}
	out := filepath.Join(dir, "analysis")
	_, pts := readCSV(t, filepath.Join(out, "points_summary.csv"), 1)
	for key, p := range pts {
		if math.Abs(p["m_mean"]-(p["q"]+1)) > 1e-9 || p["m_n"] != 3 || p["never_n"] != 0 || !math.IsNaN(p["never_mean"]) {
			t.Errorf("point %s: %v; want m_mean = q + 1, m_n 3, never NA", key, p)
		}
	}
	// "never" is undefined everywhere: no figure for it.
	if got, want := entries(t, out), []string{"points_summary.csv", "response-m.pdf"}; !slices.Equal(got, want) {
		t.Errorf("analysis files %q; want %q", got, want)
	}
}

// TestAnalyzeDeterministic runs the same analysis twice in each figure
// format and compares every byte.
func TestAnalyzeDeterministic(t *testing.T) {
	fx := ishigamiFixture()
	fx.spec = sensitivity.DesignSpec{Kind: sensitivity.DesignSobol, N: 64}
	dir := fx.write(t)
	for _, format := range plots.Formats() {
		t.Run(format, func(t *testing.T) {
			var outs []string
			for i := range 2 {
				out := filepath.Join(t.TempDir(), fmt.Sprint(i))
				if code, _, stderr := cli(t, context.Background(), "analyze", dir, "--out", out, "--format", format, "--bootstrap", "50"); code != 0 {
					t.Fatalf("analyze = %d; want 0\nstderr: %s", code, stderr)
				}
				outs = append(outs, out)
			}
			names := entries(t, outs[0])
			if !slices.Equal(names, entries(t, outs[1])) {
				t.Fatalf("different files: %q, %q", names, entries(t, outs[1]))
			}
			for _, n := range names {
				a, _ := os.ReadFile(filepath.Join(outs[0], n))
				b, _ := os.ReadFile(filepath.Join(outs[1], n))
				if len(a) == 0 || !bytes.Equal(a, b) {
					t.Errorf("%s: %d and %d bytes differ", n, len(a), len(b))
				}
			}
		})
	}
}

func TestAnalyzeNotesSmallSample(t *testing.T) {
	fx := ishigamiFixture()
	fx.spec = sensitivity.DesignSpec{Kind: sensitivity.DesignSobol, N: 64}
	dir := fx.write(t)
	code, stdout, stderr := cli(t, context.Background(), "analyze", dir, "--metric", "ishigami", "--bootstrap", "0")
	if code != 0 {
		t.Fatalf("analyze = %d; want 0\nstderr: %s", code, stderr)
	}
	for _, want := range []string{"no bootstrap intervals", "note: N = 64 is small: intervals are wide"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "sometimes_na") {
		t.Errorf("stdout mentions a metric not asked for:\n%s", stdout)
	}
}

// TestAnalyzeRebuildsFromPoints: points.csv written with another seed than
// the manifest's still has the Saltelli layout, which is all the
// estimators need; analyze says so and uses the points as written.
func TestAnalyzeRebuildsFromPoints(t *testing.T) {
	fx := ishigamiFixture()
	fx.spec = sensitivity.DesignSpec{Kind: sensitivity.DesignSobol, N: 1024}
	fx.designSeed = 77
	dir := fx.write(t)
	code, stdout, stderr := cli(t, context.Background(), "analyze", dir, "--metric", "ishigami", "--bootstrap", "0")
	if code != 0 {
		t.Fatalf("analyze = %d; want 0\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stdout, "differs from the sobol design rebuilt from seed 5 (first at point 0, line 2); the analysis uses the points as written") {
		t.Errorf("stdout lacks the rebuild note:\n%s", stdout)
	}
	_, rows := readCSV(t, filepath.Join(dir, "analysis", "sobol.csv"), 2)
	if got := rows["ishigami/a.x2"]["s1"]; math.Abs(got-0.4424) > 0.032 {
		t.Errorf("a.x2: s1 = %.4f; want 0.4424 ± 0.032", got)
	}
}

func TestAnalyzeOverwritesPreviousAnalysis(t *testing.T) {
	dir := ishigamiFixture().write(t)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := cli(t, context.Background(), "analyze", dir, "--out", out, "--bootstrap", "0"); code != 0 {
		t.Fatalf("first analyze = %d\n%s", code, stderr)
	}
	if code, _, stderr := cli(t, context.Background(), "analyze", dir, "--out", out, "--bootstrap", "0", "--metric", "ishigami", "--format", "png"); code != 0 {
		t.Fatalf("second analyze = %d\n%s", code, stderr)
	}
	got := entries(t, out)
	want := []string{"points_summary.csv", "response-ishigami.png", "sobol-ishigami.png", "sobol.csv", "sobol2.csv"}
	if !slices.Equal(got, want) {
		t.Errorf("after a second analysis: %q; want %q (the previous analysis replaced)", got, want)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %q", leftovers)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	good := func(t *testing.T) string {
		fx := ishigamiFixture()
		fx.spec = sensitivity.DesignSpec{Kind: sensitivity.DesignSobol, N: 8}
		return fx.write(t)
	}
	edit := func(name string, fn func(string) string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			p := filepath.Join(dir, name)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			writeTestFile(t, p, fn(string(data)))
		}
	}
	remove := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, name)) }
	}
	replaceLine := func(name string, line int, text string) func(t *testing.T, dir string) {
		return edit(name, func(s string) string {
			lines := strings.Split(s, "\n")
			lines[line-1] = text
			return strings.Join(lines, "\n")
		})
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string // after DIR
		code  int
		want  []string
	}{
		{"no manifest", remove("manifest.json"), nil, exitInvalid, []string{"manifest.json: no such file"}},
		{"unfinished", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "manifest.json"))
			writeTestFile(t, filepath.Join(dir, "sweep.json"), "{}")
		}, nil, exitInvalid, []string{"is not finished"}},
		{"bad json", edit("manifest.json", func(s string) string { return strings.Replace(s, `"format": 2,`, `"format": 2,,`, 1) }),
			nil, exitInvalid, []string{"manifest.json:2:15: invalid character ','"}},
		{"wrong type", edit("manifest.json", func(s string) string { return strings.Replace(s, `"points": 40`, `"points": "40"`, 1) }),
			nil, exitInvalid, []string{"manifest.json:", "cannot unmarshal string"}},
		{"format", edit("manifest.json", func(s string) string { return strings.Replace(s, `"format": 2`, `"format": 1`, 1) }),
			nil, exitInvalid, []string{"format 1; this version of sibsim reads format 2"}},
		{"bad dist", edit("manifest.json", func(s string) string { return strings.Replace(s, `"kind": "uniform"`, `"kind": "beta"`, 1) }),
			nil, exitInvalid, []string{"invalid sweep manifest", `experiment.parameters[0].dist: unknown kind "beta"`}},
		{"points count", edit("manifest.json", func(s string) string { return strings.Replace(s, `"points": 40`, `"points": 41`, 1) }),
			nil, exitInvalid, []string{"points: 41; the sobol design has 40"}},
		{"no points", remove("points.csv"), nil, exitInvalid, []string{"points.csv: no such file"}},
		{"points header", replaceLine("points.csv", 1, "point,a.x1,a.x2,b.x4"), nil, exitInvalid, []string{"points.csv:1: header"}},
		{"points value", replaceLine("points.csv", 4, "2,0.5,oops,1"), nil, exitInvalid, []string{`points.csv:4: a.x2: invalid number "oops"`}},
		{"points NA", replaceLine("points.csv", 4, "2,0.5,NA,1"), nil, exitInvalid, []string{"points.csv:4: a.x2: NA is not a parameter value"}},
		{"points number", replaceLine("points.csv", 4, "7,0.5,0.5,1"), nil, exitInvalid, []string{`points.csv:4: point "7"; want 2`}},
		{"points fields", replaceLine("points.csv", 5, "3,0.5"), nil, exitInvalid, []string{"points.csv:5:", "wrong number of fields"}},
		{"points short", edit("points.csv", func(s string) string { return s[:strings.LastIndex(strings.TrimSuffix(s, "\n"), "\n")+1] }),
			nil, exitInvalid, []string{"points.csv: 39 points; the manifest says 40"}},
		{"no runs", remove("runs.csv"), nil, exitInvalid, []string{"runs.csv: no such file"}},
		{"runs header", replaceLine("runs.csv", 1, "point,rep,ishigami,sometimes_na"), nil, exitInvalid, []string{"runs.csv:1: header"}},
		{"runs order", replaceLine("runs.csv", 5, "1,0,1,1"), nil, exitInvalid, []string{`runs.csv:5: point "1" replication "0"; want point 1 replication 1`}},
		{"runs value", replaceLine("runs.csv", 3, "0,1,x,1"), nil, exitInvalid, []string{`runs.csv:3: ishigami: invalid number "x"`}},
		{"runs short", edit("runs.csv", func(s string) string { return s[:strings.LastIndex(strings.TrimSuffix(s, "\n"), "\n")+1] }),
			nil, exitInvalid, []string{"runs.csv: 79 runs; the manifest says 80"}},
		{"not saltelli", func(t *testing.T, dir string) {
			// Another seed's points, with one AB point altered.
			edit("points.csv", func(s string) string {
				lines := strings.Split(s, "\n")
				f := strings.Split(lines[17], ",") // line 18, point 16: AB_1 row 0
				f[2] = "0.123"
				lines[17] = strings.Join(f, ",")
				return strings.Join(lines, "\n")
			})(t, dir)
		}, []string{"--metric", "ishigami"}, exitInvalid, []string{"points.csv: line 18: point 16 (row 0 of block AB_1) is not a sobol design point"}},
		{"unknown metric", nil, []string{"--metric", "ishigami,nope"}, exitUsage, []string{`unknown metric "nope"`, "has: ishigami, sometimes_na"}},
		// An empty value (an unset shell variable) is refused, never read
		// as "every metric" or dropped.
		{"empty metric", nil, []string{"--metric", ""}, exitUsage, []string{"--metric: empty metric name"}},
		{"empty metric after one", nil, []string{"--metric", "ishigami", "--metric", ""}, exitUsage, []string{"--metric: empty metric name"}},
		{"empty half-width", nil, []string{"--metric", "ishigami", "--half-width", ""}, exitUsage, []string{`--half-width "": want a positive number`}},
		{"bootstrap", nil, []string{"--bootstrap", "-1"}, exitUsage, []string{"--bootstrap must be between 0 and 100000"}},
		{"format", nil, []string{"--format", "gif"}, exitUsage, []string{"--format must be one of svg, png, pdf"}},
		{"foreign out", func(t *testing.T, dir string) {
			os.MkdirAll(filepath.Join(dir, "analysis"), 0o755)
			writeTestFile(t, filepath.Join(dir, "analysis", "notes.txt"), "mine")
		}, nil, exitUsage, []string{"--out:", "holds notes.txt, which sibsim analyze does not write"}},
		{"out is the sweep", nil, []string{"--out", "SWEEP"}, exitUsage, []string{"--out:", "which sibsim analyze does not write"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := good(t)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			args := []string{"analyze", dir}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "SWEEP", dir))
			}
			code, stdout, stderr := cli(t, context.Background(), args...)
			if code != tt.code {
				t.Errorf("analyze = %d; want %d\nstderr: %s", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if stdout != "" {
				t.Errorf("stdout %q; want nothing on error", stdout)
			}
			if tt.name != "foreign out" {
				if _, err := os.Stat(filepath.Join(dir, "analysis")); err == nil {
					t.Errorf("an analysis directory was written on error")
				}
			}
		})
	}
}

func TestAnalyzeMissingDirAndArgs(t *testing.T) {
	code, _, stderr := cli(t, context.Background(), "analyze", filepath.Join(t.TempDir(), "none"))
	if code != exitInvalid || !strings.Contains(stderr, "does not exist") {
		t.Errorf("analyze missing dir = %d, %q; want %d and 'does not exist'", code, stderr, exitInvalid)
	}
	code, _, stderr = cli(t, context.Background(), "analyze")
	if code != exitUsage || !strings.Contains(stderr, "Run 'sibsim analyze --help'") {
		t.Errorf("analyze without DIR = %d, %q; want %d", code, stderr, exitUsage)
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	dir := ishigamiFixture().write(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, _ := cli(t, ctx, "analyze", dir, "--bootstrap", "0")
	if code != exitInterrupted {
		t.Errorf("analyze with a cancelled context = %d; want %d", code, exitInterrupted)
	}
	if _, err := os.Stat(filepath.Join(dir, "analysis")); err == nil {
		t.Errorf("an interrupted analysis wrote its directory")
	}
}

// BenchmarkAnalyzeSobol analyses a sweep the size of core-sobol's: 8
// parameters, N = 256 (2,560 points), 5 replications, one metric, 1,000
// bootstrap resamples, SVG figures.
func BenchmarkAnalyzeSobol(b *testing.B) {
	u := sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0, Max: 1}
	fx := sweepFixture{
		spec:    sensitivity.DesignSpec{Kind: sensitivity.DesignSobol, N: 256},
		params:  []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"},
		dists:   []sensitivity.Dist{u, u, u, u, u, u, u, u},
		seed:    1,
		reps:    5,
		metrics: []string{"y"},
		metric: func(x []float64, p, r int) []float64 {
			s := 0.0
			for i, v := range x {
				s += float64(i+1) * math.Sin(2*math.Pi*v) * (1 + x[(i+1)%len(x)])
			}
			return []float64{s + 0.1*float64(r%3-1)}
		},
	}
	dir := fx.write(b)
	out := filepath.Join(b.TempDir(), "out")
	for b.Loop() {
		var o, e bytes.Buffer
		d := &deps{streams: streams{out: &o, err: &e}, loader: defaultLoader(), args: []string{"analyze", dir, "--out", out}, version: "test"}
		if code := d.execute(context.Background()); code != 0 {
			b.Fatalf("analyze = %d: %s", code, e.String())
		}
	}
}
