package compare

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

func TestScenarioDir(t *testing.T) {
	for in, want := range map[string]string{
		"block-grant": "block-grant", "v1.2_x": "v1.2_x", "a b/c": "a_b_c", ".hidden": "_hidden", "..": "_.",
		"café": "caf_", "<script>": "_script_", strings.Repeat("a", 250): strings.Repeat("a", 200),
	} {
		if got := ScenarioDir(in); got != want {
			t.Errorf("ScenarioDir(%q) = %q; want %q", in, got, want)
		}
	}
	for _, name := range []string{File, FiguresDir, ReportFile} {
		if !Reserved(ScenarioDir(name)) {
			t.Errorf("Reserved(%q) = false; want true", name)
		}
	}
	if Reserved("block-grant") {
		t.Errorf("Reserved(block-grant) = true; want false")
	}
}

// writeRun simulates a shipped scenario with seed and writes its results
// into dir.
func writeRun(t *testing.T, name string, seed uint64, dir string) {
	t.Helper()
	l := scenario.Loader{Shipped: scenarios.FS}
	res, err := l.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sim.RunBatch(context.Background(), res.Scenario, sim.Options{Replications: 2, Seed: seed, Weeks: 8, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := results.Write(context.Background(), dir, results.Run{Batch: b, Scenario: res, Version: "test"}); err != nil {
		t.Fatal(err)
	}
}

// TestReadRunsAndCompare builds a compare output by hand (two run
// directories and comparison.csv), reads it back as a compare output and
// as run directories, and compares the runs.
func TestReadRunsAndCompare(t *testing.T) {
	out := t.TempDir()
	names := []string{"ways-to-wellness", "block-grant"}
	for _, n := range names {
		writeRun(t, n, 1, filepath.Join(out, ScenarioDir(n)))
	}
	runs, err := results.ReadRuns([]string{filepath.Join(out, names[0]), filepath.Join(out, names[1])})
	if err != nil {
		t.Fatal(err)
	}
	c, err := CompareRuns(runs)
	if err != nil {
		t.Fatalf("CompareRuns = %v; want nil", err)
	}
	if len(c.Scenarios) != 2 || c.Scenarios[0] != names[0] {
		t.Fatalf("CompareRuns scenarios %q; want %q", c.Scenarios, names)
	}
	f, err := os.Create(filepath.Join(out, File))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteCSV(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if exists, err := CheckOutDir(out); !exists || err != nil {
		t.Errorf("CheckOutDir(compare output) = %v, %v; want true, nil", exists, err)
	}

	got, err := ReadRuns([]string{out})
	if err != nil {
		t.Fatalf("ReadRuns(compare output) = %v; want nil", err)
	}
	if len(got) != 2 || got[0].Manifest.Scenario != names[0] || got[1].Manifest.Scenario != names[1] {
		t.Errorf("ReadRuns(compare output) read %d runs; want %q in that order", len(got), names)
	}

	var de *DuplicateError
	if _, err := CompareRuns([]*results.RunData{runs[0], runs[1], runs[0]}); !errors.As(err, &de) || de.Scenario != names[0] {
		t.Errorf("CompareRuns(a scenario twice) = %v; want a *DuplicateError for %s", err, names[0])
	}
	other := filepath.Join(t.TempDir(), "seed2")
	writeRun(t, "block-grant", 2, other)
	seed2, err := results.ReadRuns([]string{other})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CompareRuns([]*results.RunData{runs[0], seed2[0]}); !errors.Is(err, ErrUnpaired) {
		t.Errorf("CompareRuns(different seeds) = %v; want ErrUnpaired", err)
	}
}

func TestReadRunsErrors(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(root, "empty")
	badCSV := filepath.Join(root, "bad")
	renamed := filepath.Join(root, "renamed")
	for _, d := range []string{empty, badCSV, renamed} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(badCSV, File), []byte("x,y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A compare output listing block-grant, whose directory holds another
	// scenario.
	writeRun(t, "ways-to-wellness", 1, filepath.Join(renamed, "block-grant"))
	csv := strings.Join(CSVHeader(), ",") + "\nblock-grant,m,1,1,1,NA,NA,NA,none,1\n"
	if err := os.WriteFile(filepath.Join(renamed, File), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ dir, want string }{
		{filepath.Join(root, "missing"), "no such directory"},
		{file, "is not a directory"},
		{empty, "is neither a run directory"},
		{badCSV, File},
		{renamed, "holds scenario ways-to-wellness; comparison.csv lists block-grant"},
	}
	for _, tt := range tests {
		if _, err := ReadRuns([]string{tt.dir}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadRuns(%s) = %v; want an error with %q", filepath.Base(tt.dir), err, tt.want)
		}
	}
}

func TestCheckOutDir(t *testing.T) {
	root := t.TempDir()
	foreign := filepath.Join(root, "foreign")
	noTable := filepath.Join(root, "notable")
	for _, d := range []string{foreign, noTable, filepath.Join(noTable, FiguresDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(foreign, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if exists, err := CheckOutDir(filepath.Join(root, "new")); exists || err != nil {
		t.Errorf("CheckOutDir(new) = %v, %v; want false, nil", exists, err)
	}
	for _, d := range []string{foreign, noTable} {
		if _, err := CheckOutDir(d); !errors.Is(err, results.ErrOutDir) {
			t.Errorf("CheckOutDir(%s) = %v; want an error wrapping results.ErrOutDir", filepath.Base(d), err)
		}
	}
}
