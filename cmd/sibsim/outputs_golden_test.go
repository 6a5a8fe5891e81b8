package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestOutputBytesPinned pins the SHA-256 of every file that run, compare,
// sweep and analyze write for small fixed inputs. A change that is meant to
// keep outputs byte-identical (a move, a refactor, a speed-up) must pass it
// unchanged; a change that is meant to change the model's results rewrites
// testdata/output-hashes.txt with `go test ./cmd/sibsim -run
// TestOutputBytesPinned -update`, and the diff of that file shows which
// outputs moved.
func TestOutputBytesPinned(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the model")
	}
	testdataDir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Manifests record the command line, so the paths must not depend on
	// the temporary directory's name: work inside it with relative paths.
	dir := t.TempDir()
	t.Chdir(dir)
	steps := []struct {
		name string
		args []string
	}{
		{"run", []string{"run", "--replications", "2", "--weeks", "104", "--seed", "3", "--out", "run"}},
		{"compare", []string{"compare", "ways-to-wellness", "block-grant", "--replications", "2", "--weeks", "104", "--out", "compare"}},
		{"sweep", []string{"sweep", "assessment-tariff", "--out", "sweep"}},
		{"analyze", []string{"analyze", "sweep"}},
	}
	for _, s := range steps {
		if code, _, stderr := cli(t, ctx, s.args...); code != 0 {
			t.Fatalf("sibsim %s: exit %d\n%s", strings.Join(s.args, " "), code, stderr)
		}
	}
	var lines []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(data)
		lines = append(lines, fmt.Sprintf("%s  %s", hex.EncodeToString(sum[:]), filepath.ToSlash(rel)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	got := strings.Join(lines, "\n") + "\n"
	golden := filepath.Join(testdataDir, "output-hashes.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("output bytes differ from %s (go test -update rewrites it if the change is meant):\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}
