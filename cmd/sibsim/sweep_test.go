package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sibsim/sibsim/sim/sweep"
)

// tinySweep is a fast experiment: 7 random points x 3 replications of 20 weeks.
const tinySweep = `name: tiny
base: ways-to-wellness
seed: 3
replications: 3
weeks: 20
metrics: [referrals_total, engaged_share, care_share]
design: {kind: random, n: 7}
parameters:
  - path: referrals.gp_engagement_mean
    uniform: [0.2, 0.6]
  - path: providers[*].culture
    levels: [0.2, 0.8]
`

// dirFiles reads every file under dir, by path relative to dir.
func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameDirs(t *testing.T, what, got, want string) {
	t.Helper()
	g, w := dirFiles(t, got), dirFiles(t, want)
	var gn, wn []string
	for k := range g {
		gn = append(gn, k)
	}
	for k := range w {
		wn = append(wn, k)
	}
	slices.Sort(gn)
	slices.Sort(wn)
	if !slices.Equal(gn, wn) {
		t.Fatalf("%s: %s holds %q; want %q", what, got, gn, wn)
	}
	for name, data := range w {
		if !bytes.Equal(g[name], data) {
			t.Errorf("%s: %s differs from %s", what, name, filepath.Join(want, name))
		}
	}
}

func TestSweepCommand(t *testing.T) {
	exp := writeFile(t, "tiny.yaml", tinySweep)
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, context.Background(), "sweep", exp, "--out", out, "--workers", "2")
	if code != exitOK {
		t.Fatalf("sibsim sweep = exit %d; want 0\nstderr: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("sibsim sweep wrote to stderr (not a terminal): %q", stderr)
	}
	for _, want := range []string{"Sweep tiny: 7 points x 3 replications = 21 runs, seed 3, 20 weeks, random design", "Results written to " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout = %q; want it to contain %q", stdout, want)
		}
	}
	if got := entries(t, out); !slices.Equal(got, []string{"manifest.json", "points.csv", "runs.csv"}) {
		t.Errorf("--out holds %q; want manifest.json, points.csv, runs.csv", got)
	}
	m, err := sweep.ReadManifest(out)
	if err != nil || m.Version != "v0.0.0-test" || m.Runs != 21 {
		t.Errorf("manifest = %+v, %v; want 21 runs by v0.0.0-test", m, err)
	}

	// Workers never change the output; --resume on a finished sweep does nothing.
	out1 := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := cli(t, context.Background(), "sweep", exp, "--out", out1, "--workers", "1", "--resume"); code != exitOK {
		t.Fatalf("sibsim sweep --workers 1 = exit %d\n%s", code, stderr)
	}
	sameDirs(t, "--workers 1 vs 2", out1, out)
	code, stdout, _ = cli(t, context.Background(), "sweep", exp, "--out", out1, "--resume")
	if code != exitOK || !strings.Contains(stdout, "Already complete") {
		t.Errorf("sibsim sweep --resume on a finished sweep = exit %d, %q; want 0, Already complete", code, stdout)
	}
}

func TestSweepParquet(t *testing.T) {
	exp := writeFile(t, "tiny.yaml", tinySweep)
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, context.Background(), "sweep", exp, "--out", out, "--format", "parquet")
	if code != exitOK {
		t.Fatalf("sibsim sweep --format parquet = exit %d\n%s", code, stderr)
	}
	if got := entries(t, out); !slices.Equal(got, []string{"manifest.json", "points.csv", "runs.parquet"}) || !strings.Contains(stdout, "runs.parquet") {
		t.Errorf("--out holds %q, stdout %q; want runs.parquet", got, stdout)
	}

	// The Parquet sweep analyses as its CSV twin does: same tables, files
	// and figures.
	csvOut := filepath.Join(t.TempDir(), "csv")
	if code, _, stderr := cli(t, context.Background(), "sweep", exp, "--out", csvOut); code != exitOK {
		t.Fatalf("sibsim sweep = exit %d\n%s", code, stderr)
	}
	tables := map[string]string{}
	for _, dir := range []string{out, csvOut} {
		code, stdout, stderr := cli(t, context.Background(), "analyze", dir, "--bootstrap", "50")
		if code != exitOK {
			t.Fatalf("sibsim analyze %s = exit %d\n%s", dir, code, stderr)
		}
		tables[dir] = strings.ReplaceAll(stdout, dir, "DIR")
	}
	if tables[out] != tables[csvOut] {
		t.Errorf("analyze of the Parquet sweep printed\n%s\nand of the CSV sweep\n%s", tables[out], tables[csvOut])
	}
	sameDirs(t, "analysis of Parquet vs CSV", filepath.Join(out, sweep.AnalysisDir), filepath.Join(csvOut, sweep.AnalysisDir))
}

func TestSweepErrors(t *testing.T) {
	exp := writeFile(t, "tiny.yaml", tinySweep)
	bad := writeFile(t, "bad.yaml", strings.Replace(tinySweep, "replications: 3", "replications: 0\nbogus: 1", 1))
	badPoint := writeFile(t, "point.yaml", strings.Replace(tinySweep, "uniform: [0.2, 0.6]", "uniform: [0.5, 1.5]", 1))
	badBase := writeFile(t, "base.yaml", strings.Replace(tinySweep, "base: ways-to-wellness", "base: broken.yaml", 1))
	os.WriteFile(filepath.Join(filepath.Dir(badBase), "broken.yaml"), []byte("extends: ways-to-wellness\nweeks: -1\n"), 0o644)
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "notes.txt"), []byte("x"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no out", []string{"sweep", exp}, exitUsage, []string{"--out DIR is required"}},
		{"no experiment", []string{"sweep", "--out", "x"}, exitUsage, []string{"accepts 1 arg"}},
		{"bad shard", []string{"sweep", exp, "--out", "x", "--shard", "3/3"}, exitUsage, []string{"--shard must be K/N in decimal with 0 <= K < N"}},
		{"bad format", []string{"sweep", exp, "--out", "x", "--format", "xlsx"}, exitUsage, []string{"--format must be csv or parquet"}},
		{"bad workers", []string{"sweep", exp, "--out", "x", "--workers", "-1"}, exitUsage, []string{"--workers must be >= 0"}},
		{"shards without index", []string{"sweep", exp, "--out", "x", "--shards", "4"}, exitUsage, []string{"--shards needs --shard K/N"}},
		{"other files", []string{"sweep", exp, "--out", full}, exitUsage, []string{"holds notes.txt"}},
		{"invalid experiment", []string{"sweep", bad, "--out", "x"}, exitInvalid, []string{
			"sibsim: invalid experiment " + bad + " (2 problems)",
			bad + ":4:15: replications: must be between 1 and 100000 (got 0)",
			bad + `:5:1: unknown field "bogus"`}},
		{"invalid point", []string{"sweep", badPoint, "--out", "x"}, exitInvalid, []string{
			"referrals.gp_engagement_mean: must be between 0 and 1"}},
		{"invalid base", []string{"sweep", badBase, "--out", "x"}, exitInvalid, []string{
			"sibsim: invalid base scenario", "broken.yaml:2:8: weeks: must be >= 1 (got -1)"}},
		{"unknown shipped", []string{"sweep", "nope", "--out", "x"}, exitInvalid, []string{`no shipped experiment "nope" (shipped: assessment-tariff, core-sobol, policies)`}},
		{"missing file", []string{"sweep", "none/x.yaml", "--out", "x"}, exitInvalid, []string{"experiment file none/x.yaml does not exist"}},
		{"merge no out", []string{"sweep", "merge", "a"}, exitUsage, []string{"--out DIR is required"}},
		{"merge not shards", []string{"sweep", "merge", full, "--out", filepath.Join(t.TempDir(), "m")}, exitInvalid, []string{"is not a shard directory"}},
		{"merge missing", []string{"sweep", "merge", t.TempDir(), "--out", filepath.Join(t.TempDir(), "m")}, exitInvalid, []string{"is not a shard directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := cli(t, context.Background(), tt.args...)
			if code != tt.code {
				t.Errorf("sibsim %q = exit %d; want %d\nstderr: %s", tt.args, code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("sibsim %q: stderr = %q; want it to contain %q", tt.args, stderr, w)
				}
			}
		})
	}
	if _, err := os.Stat("x"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed sweep created ./x (%v)", err)
	}
}

// TestSweepShardsMerge: an unsharded sweep and three shards (one taken from
// a Slurm array's environment) merged give the same bytes.
func TestSweepShardsMerge(t *testing.T) {
	exp := writeFile(t, "tiny.yaml", tinySweep)
	root := t.TempDir()
	clean := filepath.Join(root, "clean")
	if code, _, stderr := cli(t, context.Background(), "sweep", exp, "--out", clean); code != exitOK {
		t.Fatalf("unsharded sweep = exit %d\n%s", code, stderr)
	}
	var shards []string
	for k, args := range [][]string{{"--shard", "0/3"}, {"--shard", "1/3"}, nil} {
		dir := filepath.Join(root, "shard-"+string(rune('0'+k)))
		if args == nil { // the environment of task 4 of a Slurm array --array=0-4:2
			t.Setenv("SLURM_ARRAY_TASK_ID", "4")
			t.Setenv("SLURM_ARRAY_TASK_MIN", "0")
			t.Setenv("SLURM_ARRAY_TASK_MAX", "4")
			t.Setenv("SLURM_ARRAY_TASK_STEP", "2")
			t.Setenv("SLURM_ARRAY_TASK_COUNT", "3")
		}
		code, stdout, stderr := cli(t, context.Background(), append([]string{"sweep", exp, "--out", dir, "--resume"}, args...)...)
		if code != exitOK || !strings.Contains(stdout, "Shard "+string(rune('0'+k))+"/3: 7 chunks") {
			t.Fatalf("shard %d = exit %d, stdout %q\nstderr: %s", k, code, stdout, stderr)
		}
		if args == nil && !strings.Contains(stderr, "running shard 2/3 (from SLURM_ARRAY_TASK_ID)") {
			t.Errorf("shard from the environment: stderr = %q; want a note naming SLURM_ARRAY_TASK_ID", stderr)
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(root, "merged")
	code, stdout, stderr := cli(t, context.Background(), append(append([]string{"sweep", "merge"}, shards...), "--out", merged)...)
	if code != exitOK || !strings.Contains(stdout, "Merged 3 shard directories of sweep tiny (21 runs") {
		t.Fatalf("sweep merge = exit %d, stdout %q\nstderr: %s", code, stdout, stderr)
	}
	sameDirs(t, "merged vs unsharded", merged, clean)

	code, _, stderr = cli(t, context.Background(), "sweep", "merge", shards[0], shards[2], "--out", filepath.Join(root, "m2"))
	if code != exitInvalid || !strings.Contains(stderr, "7 of 21 chunks missing") {
		t.Errorf("merge without shard 1 = exit %d, %q; want 3 naming the missing chunks", code, stderr)
	}
}

func TestSweepCancelled(t *testing.T) {
	exp := writeFile(t, "tiny.yaml", tinySweep)
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr := cli(t, ctx, "sweep", exp, "--out", out)
	if code != exitInterrupted || !strings.Contains(stderr, "sibsim: interrupted") {
		t.Errorf("cancelled sweep = exit %d, %q; want 130, interrupted", code, stderr)
	}
}

// TestSweepResumeNamesRecomputed resumes a sweep one of whose chunks was
// edited by hand: the chunk is computed again, and stderr names it.
func TestSweepResumeNamesRecomputed(t *testing.T) {
	exp := writeFile(t, "tiny.yaml", tinySweep)
	dir := filepath.Join(t.TempDir(), "shard")
	if code, _, stderr := cli(t, context.Background(), "sweep", exp, "--out", dir, "--shard", "0/3"); code != 0 {
		t.Fatalf("sweep --shard 0/3: exit %d, %s", code, stderr)
	}
	// A shard keeps its chunks: edit one by hand, then resume.
	chunk := filepath.Join(dir, sweep.ChunksDir, sweep.ChunkName(3))
	data, err := os.ReadFile(chunk)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(chunk, append(data, data[len(data)-2]), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := cli(t, context.Background(), "sweep", exp, "--out", dir, "--shard", "0/3", "--resume")
	if code != 0 || !strings.Contains(stderr, "1 chunk files in "+filepath.Join(dir, sweep.ChunksDir)+" failed verification") || !strings.Contains(stderr, sweep.ChunkName(3)) {
		t.Errorf("resume after an edited chunk = exit %d, stderr %q; want a note naming %s", code, stderr, sweep.ChunkName(3))
	}
	if got, err := os.ReadFile(chunk); err != nil || !bytes.Equal(got, data) {
		t.Errorf("chunk after resume = %v; want it computed again as before the edit", err)
	}
}

// buildSibsim builds the command into a temporary directory.
func buildSibsim(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "sibsim")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// killSweep is slow enough to interrupt: 240 runs of a year, one worker.
const killSweep = `name: kill
base: ways-to-wellness
seed: 11
replications: 2
weeks: 52
metrics: [referrals_total, engaged_share, care_share, investor_irr]
design: {kind: lhs, n: 120}
parameters:
  - path: referrals.gp_engagement_mean
    uniform: [0.2, 0.6]
  - path: contract.provider_payments[*].rules[*].per_assessment.tariffs_gbp[*]
    uniform: [0.5, 1.5]
    scale: true
`

// startUntilChunks starts bin with args and returns once the sweep in dir
// has at least n complete chunks, with the process still running. Its
// stderr goes to the buffer returned (read it after Wait).
func startUntilChunks(t *testing.T, bin, dir string, n int, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr := new(bytes.Buffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		es, _ := os.ReadDir(filepath.Join(dir, sweep.ChunksDir))
		done := 0
		for _, e := range es {
			if strings.HasPrefix(e.Name(), "chunk-") {
				done++
			}
		}
		if done >= n {
			return cmd, stderr
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatalf("sweep did not write %d chunks in time\nstderr: %s", n, stderr.String())
	return nil, nil
}

// TestSweepKillResume kills a sweep with SIGKILL mid-way, resumes it and
// requires the same bytes as an uninterrupted run: no run lost or
// duplicated. It also interrupts one with SIGINT (exit 130, chunks kept).
func TestSweepKillResume(t *testing.T) {
	bin := buildSibsim(t)
	exp := writeFile(t, "kill.yaml", killSweep)
	root := t.TempDir()
	clean := filepath.Join(root, "clean")
	if out, err := exec.Command(bin, "sweep", exp, "--out", clean, "--workers", "2").CombinedOutput(); err != nil {
		t.Fatalf("clean sweep: %v\n%s", err, out)
	}

	dir := filepath.Join(root, "killed")
	cmd, _ := startUntilChunks(t, bin, dir, 20, "sweep", exp, "--out", dir, "--workers", "1")
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(dir, sweep.ManifestFile)); err == nil {
		t.Fatal("the sweep finished before it was killed: make killSweep larger")
	}
	chunks, _ := os.ReadDir(filepath.Join(dir, sweep.ChunksDir))
	if len(chunks) >= 240 {
		t.Fatalf("%d chunk files after the kill; want fewer than 240", len(chunks))
	}
	// Kill the resumed run too, then finish with a different worker count.
	cmd, _ = startUntilChunks(t, bin, dir, len(chunks)+20, "sweep", exp, "--out", dir, "--workers", "2", "--resume")
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	out, err := exec.Command(bin, "sweep", exp, "--out", dir, "--workers", "1", "--resume").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Resumed: ") {
		t.Fatalf("resumed sweep: %v\n%s", err, out)
	}
	sameDirs(t, "killed and resumed vs uninterrupted", dir, clean)

	// SIGINT: exit 130, complete chunks kept, a hint to resume.
	dir = filepath.Join(root, "interrupted")
	cmd, stderr := startUntilChunks(t, bin, dir, 5, "sweep", exp, "--out", dir, "--workers", "1")
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	var xe *exec.ExitError
	if !errors.As(err, &xe) || xe.ExitCode() != exitInterrupted {
		t.Fatalf("SIGINT: %v; want exit 130", err)
	}
	if !strings.Contains(stderr.String(), "chunks complete in "+dir+"; run the same command with --resume to continue") {
		t.Errorf("SIGINT: stderr = %q; want the chunks kept and a hint to resume", stderr.String())
	}
	if n := len(entries(t, filepath.Join(dir, sweep.ChunksDir))); n < 5 {
		t.Errorf("after SIGINT %d chunk files remain; want at least 5", n)
	}
	if out, err := exec.Command(bin, "sweep", exp, "--out", dir, "--resume").CombinedOutput(); err != nil {
		t.Fatalf("resumed after SIGINT: %v\n%s", err, out)
	}
	sameDirs(t, "interrupted and resumed vs uninterrupted", dir, clean)
}

func TestSweepProgressOnTerminal(t *testing.T) {
	exp := writeFile(t, "tiny.yaml", tinySweep)
	var out, errb bytes.Buffer
	d := &deps{streams: streams{out: &out, err: &errb, errTTY: true}, loader: defaultLoader(),
		args: []string{"sweep", exp, "--out", filepath.Join(t.TempDir(), "out")}, version: "v"}
	if code := d.execute(context.Background()); code != exitOK {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	if s := errb.String(); !strings.Contains(s, "sibsim: tiny: run 21/21 (100%)") || !strings.HasSuffix(s, "\r\033[K") {
		t.Errorf("stderr on a terminal = %q; want progress ending in run 21/21, then cleared", s)
	}
}
