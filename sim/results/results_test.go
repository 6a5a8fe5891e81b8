package results

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/scenario"
)

// testRun builds a run by hand, independent of the model: reps
// replications of weeks weeks with two providers, values that depend on the
// replication, week and column, and metric 0 undefined (NaN) in replication 1
// and metric 1 undefined everywhere.
func testRun(reps, weeks int, seed uint64) Run {
	nw, np, nm := len(sim.WeeklyColumns()), len(sim.ProviderColumns()), len(sim.Metrics())
	providers := []string{"north, east", "west"} // a comma exercises CSV quoting
	b := &sim.Batch{Options: sim.Options{Replications: reps, Seed: seed, Weeks: weeks}}
	for r := 0; r < reps; r++ {
		res := &sim.Result{Replication: r, Weeks: weeks, Providers: providers, Metrics: make([]float64, nm)}
		for w := 0; w < weeks; w++ {
			row := make([]float64, nw)
			for c := range row {
				row[c] = float64(seed)*1000 + float64(r*100+w) + float64(c)/7
			}
			res.Weekly = append(res.Weekly, row)
		}
		for p := range providers {
			var series [][]float64
			for w := 0; w < weeks; w++ {
				row := make([]float64, np)
				for c := range row {
					row[c] = float64(p) - float64(w*c)/3
				}
				series = append(series, row)
			}
			res.ProviderWeekly = append(res.ProviderWeekly, series)
		}
		for m := range res.Metrics {
			res.Metrics[m] = float64(seed) + float64(r) + float64(m)/10
		}
		res.Metrics[1] = math.NaN()
		if r == 1 {
			res.Metrics[0] = math.NaN()
		}
		b.Results = append(b.Results, res)
	}
	return Run{
		Batch: b,
		Scenario: &scenario.Resolved{
			Scenario: &scenario.Scenario{Name: "test-scenario", Weeks: weeks},
			Chain:    []string{"dir/test.yaml", "base.yaml"},
			YAML:     []byte("name: test-scenario\ndescription: <a & b>\n"),
			Hash:     "abc123",
		},
		Version: "v0.0.0-test",
		Command: []string{"sibsim", "run", "dir/test.yaml", "--out", "x"},
	}
}

func readCSV(t *testing.T, name string) [][]string {
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
	return recs
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir) // nil for a missing directory or a file
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func columnNames(cs []sim.Column) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestWriteStructure(t *testing.T) {
	const reps, weeks = 3, 4
	out := filepath.Join(t.TempDir(), "out")
	run := testRun(reps, weeks, 7)
	if err := Write(context.Background(), out, run); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if got, want := listDir(t, out), slices.Sorted(slices.Values(FileNames())); !slices.Equal(got, want) {
		t.Fatalf("files = %q; want %q", got, want)
	}
	nProviders := len(run.Batch.Results[0].Providers)
	tests := []struct {
		file   string
		header []string
		rows   int
	}{
		{WeeklyFile, append([]string{"replication", "week"}, columnNames(sim.WeeklyColumns())...), reps * weeks},
		{ProviderFile, append([]string{"replication", "week", "provider"}, columnNames(sim.ProviderColumns())...), reps * weeks * nProviders},
		{ReplicationsFile, append([]string{"replication"}, columnNames(sim.Metrics())...), reps},
		{SummaryFile, []string{"metric", "mean", "sd", "lo95", "hi95", "n"}, len(sim.Metrics())},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs := readCSV(t, filepath.Join(out, tt.file))
			if !slices.Equal(recs[0], tt.header) {
				t.Errorf("header = %q; want %q", recs[0], tt.header)
			}
			if got := len(recs) - 1; got != tt.rows {
				t.Errorf("rows = %d; want %d", got, tt.rows)
			}
		})
	}

	weekly := readCSV(t, filepath.Join(out, WeeklyFile))
	if got := weekly[1][:2]; !slices.Equal(got, []string{"0", "1"}) {
		t.Errorf("weekly.csv first keys = %q; want replication 0, week 1", got)
	}
	if got := weekly[len(weekly)-1][:2]; !slices.Equal(got, []string{"2", "4"}) {
		t.Errorf("weekly.csv last keys = %q; want replication 2, week 4", got)
	}
	prov := readCSV(t, filepath.Join(out, ProviderFile))
	if got := prov[1][:3]; !slices.Equal(got, []string{"0", "1", "north, east"}) {
		t.Errorf("weekly_by_provider.csv first keys = %q", got)
	}
	if got := prov[2][:3]; !slices.Equal(got, []string{"0", "1", "west"}) {
		t.Errorf("weekly_by_provider.csv second keys = %q", got)
	}

	reps2 := readCSV(t, filepath.Join(out, ReplicationsFile))
	if got := reps2[2][1]; got != NA {
		t.Errorf("replications.csv replication 1 %s = %q; want NA", sim.Metrics()[0].Name, got)
	}
	summary := readCSV(t, filepath.Join(out, SummaryFile))
	for i, m := range sim.Metrics() {
		if summary[i+1][0] != m.Name {
			t.Errorf("summary.csv row %d metric = %q; want %q", i+1, summary[i+1][0], m.Name)
		}
	}
	// Metric 0 is NaN in one replication: n counts the other two.
	if got := summary[1][5]; got != "2" {
		t.Errorf("summary.csv %s n = %s; want 2", summary[1][0], got)
	}
	// Metric 1 is never defined: everything NA, n = 0.
	if got, want := summary[2][1:], []string{NA, NA, NA, NA, "0"}; !slices.Equal(got, want) {
		t.Errorf("summary.csv %s = %q; want %q", summary[2][0], got, want)
	}

	m, err := ReadManifest(out)
	if err != nil {
		t.Fatalf("ReadManifest: %v", err)
	}
	if m.Scenario != "test-scenario" || m.ScenarioSHA256 != "abc123" || m.Seed != 7 || m.Replications != reps ||
		m.Weeks != weeks || m.Version != "v0.0.0-test" || m.NA != NA || m.Format != ManifestFormat {
		t.Errorf("ReadManifest = %+v; want the run's scenario, seed, replications and weeks", m)
	}
	if !slices.Equal(m.ScenarioChain, run.Scenario.Chain) || !slices.Equal(m.Command, run.Command) ||
		!slices.Equal(m.Files, FileNames()) || !slices.Equal(m.Providers, run.Batch.Results[0].Providers) {
		t.Errorf("ReadManifest lists = %q %q %q %q", m.ScenarioChain, m.Command, m.Files, m.Providers)
	}
	if m.ScenarioYAML != string(run.Scenario.YAML) {
		t.Errorf("manifest scenario_yaml = %q; want %q", m.ScenarioYAML, run.Scenario.YAML)
	}
	if len(m.WeeklyColumns) != len(sim.WeeklyColumns()) || len(m.ProviderColumns) != len(sim.ProviderColumns()) ||
		len(m.Metrics) != len(sim.Metrics()) {
		t.Errorf("manifest has %d/%d/%d columns", len(m.WeeklyColumns), len(m.ProviderColumns), len(m.Metrics))
	}
	raw, _ := os.ReadFile(filepath.Join(out, ManifestFile))
	if !bytes.Contains(raw, []byte("<a & b>")) {
		t.Errorf("manifest.json escapes HTML characters in the scenario YAML")
	}
}

func TestReadSummaryRoundTrip(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	run := testRun(5, 2, 3)
	if err := Write(context.Background(), out, run); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSummary(out)
	if err != nil {
		t.Fatalf("ReadSummary: %v", err)
	}
	want := Summarize(run.Batch)
	if len(got) != len(want) {
		t.Fatalf("ReadSummary gave %d rows; want %d", len(got), len(want))
	}
	same := func(a, b float64) bool {
		return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Metric != w.Metric || g.N != w.N || !same(g.Mean, w.Mean) || !same(g.SD, w.SD) ||
			!same(g.Lo95, w.Lo95) || !same(g.Hi95, w.Hi95) {
			t.Errorf("ReadSummary row %d = %+v; want %+v", i, g, w)
		}
	}
}

func TestReadSummaryErrors(t *testing.T) {
	tests := []struct {
		name, content string
	}{
		{"bad header", "metric,mean\n"},
		{"bad number", "metric,mean,sd,lo95,hi95,n\nx,abc,1,1,1,2\n"},
		{"bad count", "metric,mean,sd,lo95,hi95,n\nx,1,1,1,1,-2\n"},
		{"short row", "metric,mean,sd,lo95,hi95,n\nx,1,1\n"},
		{"NaN spelled out", "metric,mean,sd,lo95,hi95,n\nx,NaN,1,1,1,2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, SummaryFile), []byte(tt.content), 0o644)
			if rows, err := ReadSummary(dir); err == nil {
				t.Errorf("ReadSummary(%q) = %v, nil; want an error", tt.content, rows)
			}
		})
	}
}

// TestWriteDeterministic checks that the same run gives the same bytes.
func TestWriteDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := Write(context.Background(), a, testRun(4, 6, 11)); err != nil {
		t.Fatal(err)
	}
	if err := Write(context.Background(), b, testRun(4, 6, 11)); err != nil {
		t.Fatal(err)
	}
	for _, name := range FileNames() {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between identical runs (or is empty)", name)
		}
	}
}

func TestWriteOverPreviousRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if err := Write(context.Background(), out, testRun(2, 3, 1)); err != nil {
		t.Fatal(err)
	}
	// A previous run that wrote only some files is also replaced.
	os.Remove(filepath.Join(out, SummaryFile))
	if err := Write(context.Background(), out, testRun(2, 3, 2)); err != nil {
		t.Fatalf("Write over a previous run: %v", err)
	}
	if got, want := listDir(t, out), slices.Sorted(slices.Values(FileNames())); !slices.Equal(got, want) {
		t.Fatalf("files = %q; want %q", got, want)
	}
	m, err := ReadManifest(out)
	if err != nil || m.Seed != 2 {
		t.Errorf("ReadManifest after overwrite = %+v, %v; want seed 2", m, err)
	}
}

func TestCheckDir(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(dir string) string // returns the out path
		wantOK bool
	}{
		{"missing", func(d string) string { return filepath.Join(d, "new", "deeper") }, true},
		{"empty", func(d string) string { return d }, true},
		{"previous run", func(d string) string {
			for _, n := range FileNames() {
				os.WriteFile(filepath.Join(d, n), []byte("old"), 0o644)
			}
			return d
		}, true},
		{"foreign file", func(d string) string {
			os.WriteFile(filepath.Join(d, ManifestFile), nil, 0o644)
			os.WriteFile(filepath.Join(d, "notes.txt"), nil, 0o644)
			return d
		}, false},
		{"hidden file", func(d string) string { os.WriteFile(filepath.Join(d, ".keep"), nil, 0o644); return d }, false},
		{"directory named like an output", func(d string) string { os.Mkdir(filepath.Join(d, WeeklyFile), 0o755); return d }, false},
		{"a file", func(d string) string {
			p := filepath.Join(d, "file")
			os.WriteFile(p, nil, 0o644)
			return p
		}, false},
		{"empty path", func(string) string { return "" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.setup(t.TempDir())
			err := CheckDir(dir)
			if tt.wantOK && err != nil {
				t.Errorf("CheckDir(%s) = %v; want nil", tt.name, err)
			}
			if !tt.wantOK && !errors.Is(err, ErrOutDir) {
				t.Errorf("CheckDir(%s) = %v; want an error wrapping ErrOutDir", tt.name, err)
			}
			if !tt.wantOK && err != nil {
				// Write refuses too, and adds nothing.
				before := listDir(t, dir)
				if werr := Write(context.Background(), dir, testRun(1, 1, 1)); !errors.Is(werr, ErrOutDir) {
					t.Errorf("Write(%s) = %v; want an error wrapping ErrOutDir", tt.name, werr)
				}
				if after := listDir(t, dir); !slices.Equal(before, after) {
					t.Errorf("Write(%s) changed the directory: %q -> %q", tt.name, before, after)
				}
			}
		})
	}
}

// failingFiles is outputFiles with file k's writer failing after writing
// some bytes.
func failingFiles(k int) []outputFile {
	files := slices.Clone(outputFiles)
	files[k].write = func(w io.Writer, run Run) error {
		io.WriteString(w, "partial,")
		return errors.New("disk on fire")
	}
	return files
}

// snapshot maps every path under root to its contents.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		data := "<dir>"
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			data = string(b)
		}
		m[p] = data
		return nil
	})
	return m
}

// TestWriteAtomic injects a failing writer for each file in turn and checks
// that nothing is left: no out directory, no temporary directory, no
// created parents, and a previous run's files unchanged.
func TestWriteAtomic(t *testing.T) {
	layouts := []struct {
		name  string
		setup func(root string) string
	}{
		{"new directory", func(root string) string { return filepath.Join(root, "out") }},
		{"missing parents", func(root string) string { return filepath.Join(root, "a", "b", "out") }},
		{"empty directory", func(root string) string {
			os.Mkdir(filepath.Join(root, "out"), 0o755)
			return filepath.Join(root, "out")
		}},
		{"previous run", func(root string) string {
			out := filepath.Join(root, "out")
			if err := Write(context.Background(), out, testRun(1, 2, 99)); err != nil {
				t.Fatal(err)
			}
			return out
		}},
	}
	for _, l := range layouts {
		for k := range outputFiles {
			t.Run(l.name+"/"+outputFiles[k].name, func(t *testing.T) {
				root := t.TempDir()
				out := l.setup(root)
				before := snapshot(t, root)
				err := write(context.Background(), out, testRun(2, 3, 1), failingFiles(k))
				if err == nil || !strings.Contains(err.Error(), "disk on fire") {
					t.Fatalf("write with failing %s = %v; want the injected error", outputFiles[k].name, err)
				}
				after := snapshot(t, root)
				if !maps.Equal(before, after) {
					t.Errorf("write with failing %s left changes:\nbefore %q\nafter  %q", outputFiles[k].name, slices.Sorted(maps.Keys(before)), slices.Sorted(maps.Keys(after)))
				}
			})
		}
	}
}

func TestWriteCancelled(t *testing.T) {
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Write(ctx, filepath.Join(root, "out"), testRun(2, 2, 1))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Write(cancelled) = %v; want context.Canceled", err)
	}
	if got := listDir(t, root); len(got) != 0 {
		t.Errorf("Write(cancelled) left %q", got)
	}

	// Cancelled while writing: the third file's writer cancels.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	files := slices.Clone(outputFiles)
	inner := files[2].write
	files[2].write = func(w io.Writer, run Run) error { cancel(); return inner(w, run) }
	err = write(ctx, filepath.Join(root, "out"), testRun(2, 2, 1), files)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("write(cancelled mid-way) = %v; want context.Canceled", err)
	}
	if got := listDir(t, root); len(got) != 0 {
		t.Errorf("write(cancelled mid-way) left %q", got)
	}
}

func TestWriteUnwritableParent(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("permissions do not apply to root")
	}
	root := t.TempDir()
	ro := filepath.Join(root, "ro")
	os.Mkdir(ro, 0o555)
	defer os.Chmod(ro, 0o755)
	if err := Write(context.Background(), filepath.Join(ro, "out"), testRun(1, 1, 1)); err == nil {
		t.Fatal("Write into a read-only directory succeeded")
	}
	if got := listDir(t, ro); len(got) != 0 {
		t.Errorf("Write into a read-only directory left %q", got)
	}
}

func TestWriteRejectsBadRuns(t *testing.T) {
	noWeekly := testRun(2, 3, 1)
	for _, r := range noWeekly.Batch.Results {
		r.Weekly = nil
	}
	shortMetrics := testRun(2, 3, 1)
	shortMetrics.Batch.Results[1].Metrics = shortMetrics.Batch.Results[1].Metrics[:3]
	missing := testRun(2, 3, 1)
	missing.Batch.Results[0] = nil
	noScenario := testRun(1, 1, 1)
	noScenario.Scenario = nil
	tests := []struct {
		name string
		run  Run
	}{
		{"no weekly series", noWeekly},
		{"short metrics", shortMetrics},
		{"missing replication", missing},
		{"no scenario", noScenario},
		{"no batch", Run{Scenario: testRun(1, 1, 1).Scenario}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if err := Write(context.Background(), filepath.Join(root, "out"), tt.run); err == nil {
				t.Errorf("Write(%s) = nil; want an error", tt.name)
			}
			if got := listDir(t, root); len(got) != 0 {
				t.Errorf("Write(%s) left %q", tt.name, got)
			}
		})
	}
}

func TestFormatFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1, "1"},
		{-2.5, "-2.5"},
		{0.1 + 0.2, "0.3"},
		{1234567.891, "1234567.891"},
		{1.0 / 3, "0.3333333333"},
		{12345678901234, "1.23456789e+13"},
		{1e-7, "1e-07"},
		{math.NaN(), "NA"},
		{math.Inf(1), "Inf"},
		{math.Inf(-1), "-Inf"},
	}
	for _, tt := range tests {
		if got := FormatFloat(tt.in); got != tt.want {
			t.Errorf("FormatFloat(%v) = %q; want %q", tt.in, got, tt.want)
		}
		if got, err := ParseFloat(tt.want); err != nil || !(got == tt.in || math.IsNaN(got) && math.IsNaN(tt.in) ||
			math.Abs(got-tt.in) <= 1e-9*math.Abs(tt.in)) {
			t.Errorf("ParseFloat(%q) = %v, %v; want %v", tt.want, got, err, tt.in)
		}
	}
}

// TestColumnNames checks the contract the CSV files rely on: names are
// unique within each file, do not clash with the key columns, and need no
// quoting.
func TestColumnNames(t *testing.T) {
	lists := []struct {
		file string
		keys []string
		cols []sim.Column
	}{
		{WeeklyFile, []string{"replication", "week"}, sim.WeeklyColumns()},
		{ProviderFile, []string{"replication", "week", "provider"}, sim.ProviderColumns()},
		{ReplicationsFile, []string{"replication"}, sim.Metrics()},
	}
	for _, l := range lists {
		seen := map[string]bool{}
		for _, k := range l.keys {
			seen[k] = true
		}
		for _, c := range l.cols {
			if seen[c.Name] {
				t.Errorf("%s: column %q appears twice", l.file, c.Name)
			}
			seen[c.Name] = true
			if c.Name == "" || strings.Trim(c.Name, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
				t.Errorf("%s: column name %q is not lower_snake_case", l.file, c.Name)
			}
			if c.Unit == "" || c.Doc == "" {
				t.Errorf("%s: column %q has no unit or doc", l.file, c.Name)
			}
		}
	}
}
