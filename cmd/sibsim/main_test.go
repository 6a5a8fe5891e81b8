package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
)

// cli runs sibsim in-process with args and returns the exit code and
// what it wrote to stdout and stderr.
func cli(t testing.TB, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	d := &deps{streams: streams{out: &out, err: &errb}, loader: defaultLoader(), args: args, version: "v0.0.0-test"}
	code = d.execute(ctx)
	return code, out.String(), errb.String()
}

func shippedNames(t *testing.T) []string {
	t.Helper()
	files, err := fs.Glob(scenarios.FS, "*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shipped scenarios: %v", err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(f, ".yaml"))
	}
	return names
}

// writeFile writes content to name in a new temporary directory and
// returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodScenario = "extends: ways-to-wellness\nweeks: 30\n"

// badScenario has three problems: two out-of-range values and an unknown field.
const badScenario = "extends: ways-to-wellness\nweeks: -3\npopulation:\n  practices: 0\n  bogus: 1\n"

var problemLine = regexp.MustCompile(`bad\.yaml:\d+:\d+: `)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func firstLine(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return line
}

func csvHeader(prefix []string, cols []sim.Column) string {
	h := slices.Clone(prefix)
	for _, c := range cols {
		h = append(h, c.Name)
	}
	return strings.Join(h, ",")
}

func TestRunWritesFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, context.Background(), "run", "--replications", "2", "--weeks", "5", "--out", out)
	if code != exitOK {
		t.Fatalf("sibsim run = exit %d; want 0\nstderr: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("sibsim run wrote to stderr (not a terminal): %q", stderr)
	}
	if got, want := entries(t, out), slices.Sorted(slices.Values(results.FileNames())); !slices.Equal(got, want) {
		t.Fatalf("--out holds %q; want %q", got, want)
	}
	headers := map[string]string{
		results.WeeklyFile:       csvHeader([]string{"replication", "week"}, sim.WeeklyColumns()),
		results.ProviderFile:     csvHeader([]string{"replication", "week", "provider"}, sim.ProviderColumns()),
		results.ReplicationsFile: csvHeader([]string{"replication"}, sim.Metrics()),
		results.SummaryFile:      "metric,mean,sd,lo95,hi95,n",
	}
	for file, want := range headers {
		if got := firstLine(t, filepath.Join(out, file)); got != want {
			t.Errorf("%s header = %q; want %q", file, got, want)
		}
	}
	m, err := results.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Scenario != "ways-to-wellness" || m.Replications != 2 || m.Weeks != 5 || m.Seed != 1 || m.Version != "v0.0.0-test" {
		t.Errorf("manifest = %+v; want ways-to-wellness, 2 replications, 5 weeks, seed 1", m)
	}
	if want := []string{"sibsim", "run", "--replications", "2", "--weeks", "5", "--out", out}; !slices.Equal(m.Command, want) {
		t.Errorf("manifest command = %q; want %q", m.Command, want)
	}
	rows, err := results.ReadSummary(out)
	if err != nil || len(rows) != len(sim.Metrics()) {
		t.Errorf("ReadSummary = %d rows, %v; want %d", len(rows), err, len(sim.Metrics()))
	}

	if !strings.HasPrefix(stdout, "Scenario ways-to-wellness: 2 replications, seed 1, 5 weeks") {
		t.Errorf("stdout begins %q; want the scenario, replications and seed", firstN(stdout, 80))
	}
	for _, m := range sim.Metrics() {
		if !strings.Contains(stdout, "\n"+m.Name+" ") {
			t.Errorf("stdout has no row for metric %s", m.Name)
		}
	}
}

func firstN(s string, n int) string { return s[:min(n, len(s))] }

// TestRunDeterministicAcrossWorkers is the required determinism check: one
// and four workers give byte-identical output directories and stdout.
func TestRunDeterministicAcrossWorkers(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	var dirs, stdouts []string
	for _, workers := range []string{"1", "4"} {
		code, stdout, stderr := cli(t, context.Background(), "run", "--replications", "6", "--weeks", "26", "--seed", "42",
			"--workers", workers, "--out", out)
		if code != exitOK {
			t.Fatalf("sibsim run --workers %s = exit %d; want 0\nstderr: %s", workers, code, stderr)
		}
		// Same --out path for both runs, so the recorded command matches.
		moved := filepath.Join(root, "workers-"+workers)
		if err := os.Rename(out, moved); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, moved)
		stdouts = append(stdouts, stdout)
	}
	if stdouts[0] != stdouts[1] {
		t.Errorf("stdout differs between --workers 1 and --workers 4")
	}
	a, b := entries(t, dirs[0]), entries(t, dirs[1])
	if !slices.Equal(a, b) || len(a) != len(results.FileNames()) {
		t.Fatalf("files differ: %q vs %q", a, b)
	}
	for _, name := range a {
		x, _ := os.ReadFile(filepath.Join(dirs[0], name))
		y, _ := os.ReadFile(filepath.Join(dirs[1], name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between --workers 1 and --workers 4", name)
		}
	}
}

func TestRunInvalidScenarioFile(t *testing.T) {
	bad := writeFile(t, "bad.yaml", badScenario)
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, context.Background(), "run", bad, "--out", out)
	if code != exitInvalid {
		t.Errorf("sibsim run bad.yaml = exit %d; want %d", code, exitInvalid)
	}
	if stdout != "" {
		t.Errorf("stdout = %q; want nothing", stdout)
	}
	if !strings.HasPrefix(stderr, "sibsim: invalid scenario ") {
		t.Errorf("stderr = %q; want it to begin sibsim: invalid scenario", stderr)
	}
	if n := len(problemLine.FindAllString(stderr, -1)); n != 3 {
		t.Errorf("stderr has %d file:line:col problems; want 3\n%s", n, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("--out exists after an invalid scenario (%v)", err)
	}
}

func TestRunUnknownScenario(t *testing.T) {
	tests := []struct {
		name, ref string
		want      []string
	}{
		{"unknown name", "no-such-scenario", append([]string{"no-such-scenario"}, shippedNames(t)...)},
		{"missing file", filepath.Join(t.TempDir(), "missing.yaml"), []string{"missing.yaml"}},
		{"directory", t.TempDir() + "/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, context.Background(), "run", tt.ref)
			if code != exitInvalid {
				t.Errorf("sibsim run %s = exit %d; want %d\nstderr: %s", tt.ref, code, exitInvalid, stderr)
			}
			if stdout != "" || !strings.HasPrefix(stderr, "sibsim: ") {
				t.Errorf("stdout = %q, stderr = %q; want no stdout and a sibsim: message", stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr = %q; want it to mention %q", stderr, w)
				}
			}
		})
	}
}

// checkUsageErrors runs each command line and requires a usage error: exit
// code 2, nothing on stdout, "sibsim: " and a usage hint on stderr; and that
// the foreign directory (holding only notes.txt) was left alone.
func checkUsageErrors(t *testing.T, tests [][]string, foreign string) {
	t.Helper()
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := cli(t, context.Background(), args...)
			if code != exitUsage {
				t.Errorf("sibsim %q = exit %d; want %d\nstderr: %s", args, code, exitUsage, stderr)
			}
			if stdout != "" {
				t.Errorf("sibsim %q wrote to stdout: %q", args, stdout)
			}
			if !strings.HasPrefix(stderr, "sibsim: ") || !strings.Contains(stderr, "--help' for usage") {
				t.Errorf("sibsim %q stderr = %q; want sibsim: message and a usage hint", args, stderr)
			}
		})
	}
	if got := entries(t, foreign); !slices.Equal(got, []string{"notes.txt"}) {
		t.Errorf("foreign --out directory now holds %q", got)
	}
}

func TestUsageErrors(t *testing.T) {
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644)
	aFile := writeFile(t, "file", "")
	tests := [][]string{
		{"frob"},
		{"--bogus"},
		{"run", "--bogus"},
		{"run", "a", "b"},
		{"run", "--replications", "0"},
		{"run", "--replications", "-1"},
		{"run", "--replications", "100001"},
		{"run", "--replications", "1e3"},
		{"run", "--replications"},
		{"run", "--workers", "-1"},
		{"run", "--workers", "x"},
		{"run", "--seed", "abc"},
		{"run", "--seed", "-1"},
		{"run", "--seed", "18446744073709551616"},
		{"run", "--weeks", "-1"},
		{"run", "--weeks", "2601"},
		{"run", ""},
		{"run", "--out", foreign},
		{"run", "--out", aFile},
		{"validate"},
		{"scenarios", "frob"},
		{"scenarios", "list", "extra"},
		{"scenarios", "show"},
		{"scenarios", "show", "a", "b"},
		{"version", "extra"},
	}
	checkUsageErrors(t, tests, foreign)
}

func TestRunOverwritesPreviousRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	for _, seed := range []string{"1", "2"} {
		if code, _, stderr := cli(t, context.Background(), "run", "--replications", "2", "--weeks", "3", "--seed", seed, "--out", out); code != exitOK {
			t.Fatalf("sibsim run --seed %s = exit %d\n%s", seed, code, stderr)
		}
	}
	if m, err := results.ReadManifest(out); err != nil || m.Seed != 2 {
		t.Errorf("manifest after second run = %+v, %v; want seed 2", m, err)
	}
}

func TestRunCancelled(t *testing.T) {
	t.Run("before start", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		code, stdout, stderr := cli(t, ctx, "run", "--replications", "3", "--weeks", "3", "--out", out)
		if code != exitInterrupted || stderr != "sibsim: interrupted\n" || stdout != "" {
			t.Errorf("cancelled run = exit %d, stdout %q, stderr %q; want 130, nothing, sibsim: interrupted", code, stdout, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("--out exists after a cancelled run (%v)", err)
		}
	})
	t.Run("during the run", func(t *testing.T) {
		root := t.TempDir()
		out := filepath.Join(root, "out")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// Progress goes to a "terminal" that cancels on the first write, as
		// Ctrl-C would after the first replication.
		var errb bytes.Buffer
		w := &cancelWriter{w: &errb, cancel: cancel}
		var stdout bytes.Buffer
		d := &deps{streams: streams{out: &stdout, err: w, errTTY: true}, loader: defaultLoader(),
			args: []string{"run", "--replications", "20", "--weeks", "5", "--workers", "1", "--out", out}, version: "test"}
		code := d.execute(ctx)
		if code != exitInterrupted || stdout.Len() != 0 || !strings.HasSuffix(errb.String(), "sibsim: interrupted\n") {
			t.Errorf("interrupted run = exit %d, stdout %q, stderr %q; want 130, nothing, sibsim: interrupted", code, stdout.String(), errb.String())
		}
		if got := entries(t, root); len(got) != 0 {
			t.Errorf("interrupted run left %q", got)
		}
	})
}

type cancelWriter struct {
	mu     sync.Mutex
	w      io.Writer
	cancel func()
}

func (c *cancelWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cancel()
	return c.w.Write(p)
}

func TestRunProgressOnTerminal(t *testing.T) {
	var out, errb bytes.Buffer
	d := &deps{streams: streams{out: &out, err: &errb, errTTY: true}, loader: defaultLoader(),
		args: []string{"run", "--replications", "2", "--weeks", "2"}, version: "test"}
	if code := d.execute(context.Background()); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "replication 2/2") {
		t.Errorf("stderr = %q; want progress", errb.String())
	}
	if strings.Contains(out.String(), "replication 2/2") {
		t.Errorf("progress went to stdout")
	}
}

func TestValidate(t *testing.T) {
	good := writeFile(t, "good.yaml", goodScenario)
	bad := writeFile(t, "bad.yaml", badScenario)
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	replaced := writeFile(t, "replaced.yaml", "extends: ways-to-wellness\ncontract:\n  provider_payments: [{from_week: 0, rules: [{block_grant: {gbp_per_year: 1}}]}]\n")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    []string
		wantErr    string
		wantProbls int
	}{
		{"good", []string{good}, exitOK, []string{good + ": ok\n"}, "", 0},
		{"shipped name", []string{"ways-to-wellness"}, exitOK, []string{"ways-to-wellness: ok\n"}, "", 0},
		{"bad", []string{bad}, exitInvalid, nil, "sibsim: 1 of 1 scenario files invalid\n", 3},
		{"good and bad and missing", []string{good, bad, missing}, exitInvalid,
			[]string{good + ": ok\n", "missing.yaml"}, "sibsim: 2 of 3 scenario files invalid\n", 3},
		{"a list replaced whole gets a note", []string{replaced}, exitOK,
			[]string{replaced + ": ok\n" + replaced + ":3:22: contract.provider_payments: note: replaces the whole list of scenarios/ways-to-wellness.yaml (2 items): its items have no name to merge by\n"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, context.Background(), append([]string{"validate"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("sibsim validate = exit %d; want %d", code, tt.wantCode)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout = %q; want it to contain %q", stdout, w)
				}
			}
			if n := len(problemLine.FindAllString(stdout, -1)); n != tt.wantProbls {
				t.Errorf("stdout has %d problems; want %d\n%s", n, tt.wantProbls, stdout)
			}
			if stderr != tt.wantErr {
				t.Errorf("stderr = %q; want %q", stderr, tt.wantErr)
			}
		})
	}
}

func TestScenariosList(t *testing.T) {
	code, stdout, stderr := cli(t, context.Background(), "scenarios", "list")
	if code != exitOK || stderr != "" {
		t.Fatalf("sibsim scenarios list = exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	names := shippedNames(t)
	if len(lines) != len(names)+1 || !strings.HasPrefix(lines[0], "NAME ") || !strings.Contains(lines[0], "DESCRIPTION") {
		t.Fatalf("stdout = %q; want a header and %d rows", stdout, len(names))
	}
	for i, name := range names {
		if f := strings.Fields(lines[i+1]); len(f) < 2 || f[0] != name {
			t.Errorf("row %d = %q; want %s and its description", i+1, lines[i+1], name)
		}
	}
}

func TestScenariosShow(t *testing.T) {
	want, err := defaultLoader().Load("ways-to-wellness")
	if err != nil {
		t.Fatal(err)
	}
	good := writeFile(t, "good.yaml", goodScenario)
	tests := []struct {
		name     string
		ref      string
		wantCode int
		check    func(t *testing.T, stdout string)
	}{
		{"shipped", "ways-to-wellness", exitOK, func(t *testing.T, stdout string) {
			if stdout != string(want.YAML) {
				t.Errorf("stdout is not the resolved YAML")
			}
		}},
		{"file", good, exitOK, func(t *testing.T, stdout string) {
			if !strings.Contains(stdout, "weeks: 30\n") || strings.Contains(stdout, "extends") {
				t.Errorf("stdout = %q; want the resolved scenario with weeks 30 and no extends", firstN(stdout, 200))
			}
		}},
		{"unknown", "no-such-scenario", exitInvalid, func(t *testing.T, stdout string) {
			if stdout != "" {
				t.Errorf("stdout = %q; want nothing", stdout)
			}
		}},
		{"bad", writeFile(t, "bad.yaml", badScenario), exitInvalid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, context.Background(), "scenarios", "show", tt.ref)
			if code != tt.wantCode {
				t.Fatalf("sibsim scenarios show %s = exit %d; want %d\nstderr: %s", tt.ref, code, tt.wantCode, stderr)
			}
			if tt.check != nil {
				tt.check(t, stdout)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	code, stdout, _ := cli(t, context.Background(), "version")
	if code != exitOK || !strings.HasPrefix(stdout, "sibsim v0.0.0-test (go") || strings.Count(stdout, "\n") != 1 ||
		!strings.HasSuffix(stdout, "/"+results.Arch()+")\n") {
		t.Errorf("sibsim version = exit %d, %q; want one line ending with the architecture manifests record", code, stdout)
	}
	var out bytes.Buffer
	d := &deps{streams: streams{out: &out, err: &out}, loader: defaultLoader(), args: []string{"version"}, version: "v1.0.0", revision: "abc (modified)"}
	if code := d.execute(context.Background()); code != exitOK || !strings.HasSuffix(out.String(), ")\nrevision abc (modified)\n") {
		t.Errorf("sibsim version with a revision = exit %d, %q; want a second line with it", code, out.String())
	}
}

// TestCompletion: completion is listed in help, and scenario arguments
// complete shipped names.
func TestCompletion(t *testing.T) {
	_, help, _ := cli(t, context.Background(), "--help")
	if !strings.Contains(help, "\n  completion ") {
		t.Errorf("help does not list completion:\n%s", help)
	}
	for _, args := range [][]string{{"compare", "ways-to-wellness", "out"}, {"run", "out"}, {"scenarios", "show", "out"}, {"validate", "out"}} {
		code, stdout, _ := cli(t, context.Background(), append([]string{"__complete"}, args...)...)
		if want := "outcomes-secondary-care\noutcomes-wellbeing\n:0\n"; code != exitOK || !strings.HasPrefix(stdout, want) {
			t.Errorf("sibsim __complete %q = exit %d, %q; want %q first", args, code, stdout, want)
		}
	}
	if code, stdout, _ := cli(t, context.Background(), "completion", "bash"); code != exitOK || !strings.Contains(stdout, "bash completion") {
		t.Errorf("sibsim completion bash = exit %d, %d bytes", code, len(stdout))
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {}, {"run", "--help"}, {"help", "validate"}, {"scenarios"}} {
		code, stdout, stderr := cli(t, context.Background(), args...)
		if code != exitOK || stdout == "" || stderr != "" {
			t.Errorf("sibsim %q = exit %d, stdout %d bytes, stderr %q; want help on stdout", args, code, len(stdout), stderr)
		}
	}
	_, stdout, _ := cli(t, context.Background(), "--help")
	for _, code := range []string{"130", "usage error", "invalid input"} {
		if !strings.Contains(stdout, code) {
			t.Errorf("root help does not document exit code text %q", code)
		}
	}
}

// fullWriter fails every write, as stdout on a full disk (/dev/full) does.
type fullWriter struct{}

var errFull = errors.New("no space left on device")

func (fullWriter) Write([]byte) (int, error) { return 0, errFull }

// TestStdoutWriteFailure: a command whose results cannot be written to
// stdout exits 1 naming the failure, never 0 with the table lost, nor 2.
func TestStdoutWriteFailure(t *testing.T) {
	sweepDir := ishigamiFixture().write(t)
	for _, args := range [][]string{
		{"run", "--weeks", "5", "--replications", "1"},
		{"run", "--weeks", "5", "--replications", "1", "--json"},
		{"compare", "ways-to-wellness", "block-grant", "--weeks", "5", "--replications", "2"},
		{"validate", "ways-to-wellness"},
		{"analyze", sweepDir, "--metric", "ishigami", "--bootstrap", "0"},
		{"scenarios", "list"},
		{"completion", "bash"},
		{"--help"},
	} {
		var errb bytes.Buffer
		d := &deps{streams: streams{out: fullWriter{}, err: &errb}, loader: defaultLoader(), args: args, version: "test"}
		if code := d.execute(context.Background()); code != exitRuntime || !strings.Contains(errb.String(), "sibsim: ") || !strings.Contains(errb.String(), errFull.Error()) {
			t.Errorf("sibsim %q with stdout full = exit %d, stderr %q; want exit 1 naming the failure", args, code, errb.String())
		}
	}
}

// TestUnknownSubcommand: a mistyped subcommand or help topic is a usage
// error (exit 2) under every command that has subcommands, never help with
// exit 0, which a script would take for success.
func TestUnknownSubcommand(t *testing.T) {
	for _, args := range [][]string{{"nope"}, {"scenarios", "lst"}, {"completion", "tcsh"}, {"help", "nope"}, {"help", "scenarios", "lst"}} {
		code, stdout, stderr := cli(t, context.Background(), args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, "unknown") || !strings.Contains(stderr, `"`+args[len(args)-1]+`"`) {
			t.Errorf("sibsim %q = exit %d, stdout %q, stderr %q; want exit 2 naming %q", args, code, stdout, stderr, args[len(args)-1])
		}
	}
	for _, args := range [][]string{{"completion"}, {"help", "scenarios", "list"}, {"help", "completion", "bash"}} {
		if code, stdout, stderr := cli(t, context.Background(), args...); code != exitOK || !strings.Contains(stdout, "Usage:") || stderr != "" {
			t.Errorf("sibsim %q = exit %d, stderr %q; want help on stdout", args, code, stderr)
		}
	}
}

// FuzzArgs checks that no command line panics. The model runs only with a
// cancelled context, so the fuzzer explores parsing, not simulation.
func FuzzArgs(f *testing.F) {
	for _, s := range []string{
		"run", "run --weeks=", "run --replications=-0", "run --seed=0x10", "run ''", "run --out=",
		"run /", "run .", "run ..", "run ../../x.yaml", "validate / .", "scenarios show .yaml",
		"scenarios show /dev/null", "run --workers 99999999999", "help run", "run --seed 1 --seed 2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		t.Chdir(t.TempDir())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		args := strings.Fields(s)
		var out, errb bytes.Buffer
		d := &deps{streams: streams{out: &out, err: &errb}, loader: defaultLoader(), args: args, version: "test"}
		code := d.execute(ctx)
		if !slices.Contains([]int{exitOK, exitRuntime, exitUsage, exitInvalid, exitInterrupted}, code) {
			t.Errorf("sibsim %q = exit %d; not a documented code", args, code)
		}
		if code != exitOK && !strings.HasPrefix(errb.String(), "sibsim: ") {
			t.Errorf("sibsim %q = exit %d with stderr %q", args, code, errb.String())
		}
	})
}

// TestRunBrokenCorpus runs every broken scenario of the loader's corpus
// through "sibsim run --out": each must exit 3 with the loader's messages
// (file:line:col: path: message) on stderr and leave no output behind.
func TestRunBrokenCorpus(t *testing.T) {
	const dir = "../../sim/scenario/testdata/broken"
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) < 20 {
		t.Fatalf("broken corpus: %d files (%v)", len(files), err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			golden, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := cli(t, context.Background(), "run", f, "--out", out, "--replications", "2", "--weeks", "4")
			if code != exitInvalid {
				t.Errorf("sibsim run %s = exit %d; want %d\n%s", name, code, exitInvalid, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q; want nothing", stdout)
			}
			// The golden names files relative to the loader's package; here
			// they are named as typed, under dir.
			for _, line := range strings.Split(strings.TrimSpace(string(golden)), "\n") {
				want := strings.ReplaceAll(line, "testdata/broken/", dir+"/")
				// The loader's golden lists only the scenarios its test ships.
				want, _, _ = strings.Cut(want, "(shipped: ")
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q\nstderr:\n%s", want, stderr)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("--out exists after an invalid scenario (%v)", err)
			}
		})
	}
}

// TestRunProgressWeeks: on a terminal, progress counts weeks over all
// replications and estimates the time left, with a clock that advances a
// second per reading; redraws are throttled; the line is cleared at the
// end and stdout is the same as off a terminal.
func TestRunProgressWeeks(t *testing.T) {
	var out, errb bytes.Buffer
	clock := time.Unix(0, 0)
	tick := func() time.Time { clock = clock.Add(time.Second); return clock }
	args := []string{"run", "--replications", "2", "--weeks", "40", "--workers", "1"}
	d := &deps{streams: streams{out: &out, err: &errb, errTTY: true, now: tick}, loader: defaultLoader(), args: args, version: "test"}
	if code := d.execute(context.Background()); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	// One worker: replication 0 ticks at weeks 16, 32, 40, then 1 the same;
	// a second passes between readings, so every tick is drawn.
	got := errb.String()
	for _, want := range []string{
		"sibsim: ways-to-wellness: replication 0/2 done, week 16 of 80 (20%), ETA 4s",
		"replication 1/2 done, week 40 of 80 (50%), ETA 4s",
		"replication 2/2 done, week 80 of 80 (100%)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("stderr does not end by clearing the line: %q", got)
	}
	code, plain, stderr := cli(t, context.Background(), args...)
	if code != exitOK || plain != out.String() || stderr != "" {
		t.Errorf("off a terminal: exit %d, stderr %q, stdout equal %v; want 0, nothing, equal", code, stderr, plain == out.String())
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 364000: "364,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q; want %q", n, got, want)
		}
	}
}
