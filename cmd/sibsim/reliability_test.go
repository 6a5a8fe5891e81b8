package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

// TestRunLimitsCorpus runs every scenario of the loader's limits corpus
// (values that used to validate and then panic with exit 2, exhaust
// memory, write Inf or rewrite the terminal) through "sibsim run --out":
// each must exit 3 with the loader's messages and write nothing.
func TestRunLimitsCorpus(t *testing.T) {
	const dir = "../../sim/scenario/testdata/limits"
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) < 10 {
		t.Fatalf("limits corpus: %d files (%v)", len(files), err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		t.Run(name, func(t *testing.T) {
			golden, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			code, stdout, stderr := cli(t, context.Background(), "run", f, "--out", out, "--replications", "1", "--weeks", "4")
			if code != exitInvalid {
				t.Errorf("sibsim run %s = exit %d; want %d\n%s", name, code, exitInvalid, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q; want nothing", stdout)
			}
			for _, line := range strings.Split(strings.TrimSpace(string(golden)), "\n") {
				if want := strings.ReplaceAll(line, "testdata/limits/", dir+"/"); !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q\nstderr:\n%s", want, stderr)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("--out exists after an invalid scenario (%v)", err)
			}
		})
	}
}

// panicFS stands for any fault inside the program: reading from it panics.
type panicFS struct{}

func (panicFS) Open(string) (fs.File, error) { panic("simulated fault") }

// TestPanicIsRuntimeError: a panic inside a command is a bug, reported as
// one line and exit 1, never the Go runtime's trace and exit 2 (which
// means a usage error).
func TestPanicIsRuntimeError(t *testing.T) {
	for _, args := range [][]string{
		{"validate", "x.yaml"},
		{"run", "x.yaml", "--weeks", "2"},
	} {
		var out, errb bytes.Buffer
		d := &deps{streams: streams{out: &out, err: &errb},
			loader: scenario.Loader{Shipped: scenarios.FS, Files: panicFS{}}, args: args, version: "v0.0.0-test"}
		code := d.execute(context.Background())
		if code != exitRuntime {
			t.Errorf("sibsim %s with a panicking file system = exit %d; want %d", strings.Join(args, " "), code, exitRuntime)
		}
		if want := "sibsim: internal error: simulated fault\n"; errb.String() != want {
			t.Errorf("sibsim %s: stderr = %q; want %q", strings.Join(args, " "), errb.String(), want)
		}
	}
}

// TestTerminalText: what the table renderers print from files cannot
// drive the terminal.
func TestTerminalText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"ways-to-wellness", "ways-to-wellness"},
		{"Café – ☂", "Café – ☂"},
		{"a\x1b[2Jb", `a\x1b[2Jb`},
		{"tab\tnew\nline", `tab\tnew\nline`},
		{"c1\u009b2J", `c1\u009b2J`},
		{"rlo\u202egnp.exe", `rlo\u202egnp.exe`},
		{"bad\xffbyte", `bad\xffbyte`},
	} {
		if got := terminalText(tt.in); got != tt.want {
			t.Errorf("terminalText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	var b bytes.Buffer
	writeSummaryTable(&b, []results.Row{{Metric: "m\x1b]0;title\x07", Unit: "u\u202e"}})
	if strings.ContainsAny(b.String(), "\x1b\x07\u202e") {
		t.Errorf("writeSummaryTable printed control characters:\n%q", b.String())
	}
	b.Reset()
	writeTable(&b, [][]string{{"a\x1b[H", "1"}}, []bool{true, false})
	if strings.Contains(b.String(), "\x1b") || !strings.Contains(b.String(), `a\x1b[H`) {
		t.Errorf("writeTable = %q; want the escape written as text", b.String())
	}
}
