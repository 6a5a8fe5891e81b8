//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sibsim/sibsim/sim/results"
)

// TestOutputsWholeReadersBounded covers outputs and readers: an empty
// --out, a results directory mixing files of two runs, and files a reader
// could block on or never finish (FIFOs, devices, huge files). Each case
// must give its exit code and message within seconds, and write nothing.
func TestOutputsWholeReadersBounded(t *testing.T) {
	root := t.TempDir()
	// Two finished runs with different seeds, and a mixture of the two.
	runA, runB, mixed := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "mixed")
	for _, c := range []struct{ dir, seed string }{{runA, "1"}, {runB, "2"}, {mixed, "1"}} {
		if code, _, stderr := cli(t, context.Background(), "run", "--weeks", "4", "--replications", "2", "--seed", c.seed, "--out", c.dir); code != 0 {
			t.Fatalf("run: exit %d: %s", code, stderr)
		}
	}
	copyFile(t, filepath.Join(runB, "weekly.csv"), filepath.Join(mixed, "weekly.csv"))

	fifo := func(name string) string {
		p := filepath.Join(root, name)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		return p
	}
	// A run directory whose one file is replaced by make(path).
	spoilt := func(name, file string, make func(p string)) string {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"manifest.json", "weekly.csv", "weekly_by_provider.csv", "replications.csv", "summary.csv"} {
			if f != file {
				copyFile(t, filepath.Join(runA, f), filepath.Join(dir, f))
			}
		}
		make(filepath.Join(dir, file))
		return dir
	}
	mkfifo := func(p string) {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skip(err)
		}
	}
	fifoRun := spoilt("fifo-run", "weekly.csv", mkfifo)
	zeroRun := spoilt("zero-run", "summary.csv", func(p string) {
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Skip(err)
		}
	})
	hugeRun := spoilt("huge-run", "weekly.csv", func(p string) {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, 9<<30); err != nil { // sparse
			t.Skip(err)
		}
	})
	extendsFIFO := filepath.Join(root, "extends-fifo.yaml")
	fifo("fifo.yaml")
	writeTestFile(t, extendsFIFO, "extends: fifo.yaml\nweeks: 4\n")
	expFIFO := fifo("experiment.yaml")
	out := filepath.Join(root, "out")
	aFile := filepath.Join(root, "afile")
	writeTestFile(t, aFile, "hi\n")
	underFile := filepath.Join(aFile, "sub")
	dangling := filepath.Join(root, "dangling")
	if err := os.Symlink(filepath.Join(root, "nowhere"), dangling); err != nil {
		t.Skip(err)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"run --out empty", []string{"run", "--out", ""}, exitUsage, "--out must not be empty"},
		{"compare --out empty", []string{"compare", "a", "b", "--out="}, exitUsage, "--out must not be empty"},
		{"plot --out empty", []string{"plot", runA, "--out", ""}, exitUsage, "--out must not be empty"},
		{"report --out empty", []string{"report", runA, "--out", ""}, exitUsage, "--out must not be empty"},
		{"sweep --out empty", []string{"sweep", "assessment-tariff", "--out", ""}, exitUsage, "--out must not be empty"},
		{"merge --out empty", []string{"sweep", "merge", runA, "--out", ""}, exitUsage, "--out must not be empty"},
		{"analyze --out empty", []string{"analyze", runA, "--out", ""}, exitUsage, "--out must not be empty"},
		{"plan --out-dir empty", []string{"sweep", "plan", "assessment-tariff", "--slurm", "--out-dir", ""}, exitUsage, "--out-dir must not be empty"},
		{"report on a mixture of two runs", []string{"report", mixed, "--out", out + ".html"}, exitInvalid, "weekly.csv does not match manifest.json"},
		{"plot on a mixture of two runs", []string{"plot", mixed, "--out", out}, exitInvalid, "weekly.csv does not match manifest.json"},
		{"report on a FIFO", []string{"report", fifoRun, "--out", out + ".html"}, exitInvalid, "weekly.csv: not a regular file (a named pipe)"},
		{"plot on a device", []string{"plot", zeroRun, "--out", out}, exitInvalid, "summary.csv: not a regular file (a device)"},
		{"plot on a huge file", []string{"plot", hugeRun, "--out", out}, exitInvalid, "weekly.csv: too large: 9663676416 bytes; the limit is 8589934592"},
		{"extends a FIFO", []string{"run", extendsFIFO}, exitInvalid, "is not a regular file"},
		{"scenario is a FIFO", []string{"validate", filepath.Join(root, "fifo.yaml")}, exitInvalid, "is not a regular file"},
		{"experiment is a FIFO", []string{"sweep", expFIFO, "--out", out}, exitInvalid, "not a regular file (a named pipe)"},
		{"run --out under a file", []string{"run", "--weeks", "2", "--out", underFile}, exitUsage, "not a directory"},
		{"compare --out under a file", []string{"compare", "ways-to-wellness", "block-grant", "--weeks", "2", "--out", underFile}, exitUsage, "not a directory"},
		{"sweep --out under a file", []string{"sweep", "assessment-tariff", "--out", underFile}, exitUsage, "not a directory"},
		{"run --out a link to nothing", []string{"run", "--weeks", "2", "--out", dangling}, exitUsage, "symbolic link that does not resolve"},
		{"sweep --out a link to nothing", []string{"sweep", "assessment-tariff", "--out", dangling}, exitUsage, "symbolic link that does not resolve"},
		{"report --out a link to nothing", []string{"report", runA, "--out", dangling}, exitUsage, "symbolic link that does not resolve"},
		{"report --out under a file", []string{"report", runA, "--out", underFile}, exitUsage, "not a directory"},
		{"compare --format without --out", []string{"compare", "ways-to-wellness", "block-grant", "--format", "png"}, exitUsage, "--format sets the format of figure files: it needs --out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, stdout, stderr := cli(t, context.Background(), tt.args...)
				done <- result{code, stdout, stderr}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("sibsim %q blocked", tt.args)
			}
			if r.code != tt.code || !strings.Contains(r.stderr+r.stdout, tt.want) {
				t.Errorf("sibsim %q = exit %d, stderr %q; want exit %d and %q", tt.args, r.code, r.stderr, tt.code, tt.want)
			}
			for _, p := range []string{out, out + ".html"} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("sibsim %q wrote %s", tt.args, p)
					os.RemoveAll(p)
				}
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSweepChecks: overlapping parameters are invalid input, a second
// sweep in a directory another is working in is refused (exit 1), and
// merge names the shards that are missing.
func TestSweepChecks(t *testing.T) {
	root := t.TempDir()
	overlap := filepath.Join(root, "overlap.yaml")
	writeTestFile(t, overlap, strings.Replace(tinySweep, "parameters:\n", "parameters:\n  - path: providers[0].culture\n    uniform: [0, 1]\n", 1))
	exp := filepath.Join(root, "tiny.yaml")
	writeTestFile(t, exp, tinySweep)
	busy := filepath.Join(root, "busy")
	if err := os.Mkdir(busy, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := results.Lock(busy)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	shard0 := filepath.Join(root, "shard-0")
	if code, _, stderr := cli(t, context.Background(), "sweep", exp, "--shard", "0/3", "--out", shard0); code != 0 {
		t.Fatalf("shard 0: exit %d: %s", code, stderr)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"overlapping parameters", []string{"sweep", overlap, "--out", filepath.Join(root, "o")}, exitInvalid,
			"parameters[2].path: providers[*].culture overlaps parameters[0].path providers[0].culture: both set some of the same numbers"},
		{"busy directory", []string{"sweep", exp, "--out", busy, "--resume"}, exitRuntime,
			"another sibsim sweep is running in this directory"},
		{"missing shards", []string{"sweep", "merge", shard0, "--out", filepath.Join(root, "m")}, exitInvalid,
			"no directory given holds shards 1/3, 2/3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := cli(t, context.Background(), tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("sibsim %q = exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.want)
			}
		})
	}
	if es, _ := os.ReadDir(busy); len(es) != 0 {
		t.Errorf("a refused sweep wrote into %s", busy)
	}
}

// TestReportThroughLinkKeepsLink writes a report to a symbolic link: the
// link stays and the file it points to is replaced.
func TestReportThroughLinkKeepsLink(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "run")
	if code, _, stderr := cli(t, context.Background(), "run", "--weeks", "2", "--replications", "1", "--quiet", "--out", run); code != 0 {
		t.Fatalf("run: %d %s", code, stderr)
	}
	target := filepath.Join(root, "reports", "latest.html")
	if code, _, stderr := cli(t, context.Background(), "report", run, "--out", target); code != 0 {
		t.Fatalf("report: %d %s", code, stderr)
	}
	before, _ := os.ReadFile(target)
	link := filepath.Join(root, "report.html")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if err := os.WriteFile(target, append(before, "<!-- old -->"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, context.Background(), "report", run, "--out", link); code != 0 {
		t.Fatalf("report through the link: %d %s", code, stderr)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link (%v)", link, err)
	}
	if after, _ := os.ReadFile(target); !bytes.Equal(after, before) {
		t.Errorf("the link's target was not replaced by the new report")
	}
}
