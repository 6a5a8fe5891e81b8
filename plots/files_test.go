package plots

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/plot"

	"github.com/sibsim/sibsim/sim/results"
)

func TestCheckDir(t *testing.T) {
	root := t.TempDir()
	mk := func(name string, files ...string) string {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	tests := []struct {
		dir        string
		wantExists bool
		wantErr    bool
	}{
		{filepath.Join(root, "missing"), false, false},
		{mk("empty"), true, false},
		{mk("figures", "a.svg", "b.png", "c.pdf"), true, false},
		{mk("other", "a.svg", "notes.txt"), true, true},
		{mk("nested", "a.svg", "sub/x.svg"), true, true},
	}
	for _, tt := range tests {
		exists, err := CheckDir(tt.dir)
		if exists != tt.wantExists || (err != nil) != tt.wantErr {
			t.Errorf("CheckDir(%s) = %v, %v; want %v and error %v", filepath.Base(tt.dir), exists, err, tt.wantExists, tt.wantErr)
		}
		if err != nil && !errors.Is(err, results.ErrOutDir) {
			t.Errorf("CheckDir(%s) = %v; want an error wrapping results.ErrOutDir", filepath.Base(tt.dir), err)
		}
	}
}

func TestWriteFiles(t *testing.T) {
	figs := []Figure{{Name: "one", Plot: plot.New()}, {Name: "two", Plot: plot.New()}}
	dir := filepath.Join(t.TempDir(), "figs")
	if err := WriteFiles(context.Background(), dir, figs, "svg"); err != nil {
		t.Fatalf("WriteFiles = %v; want nil", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"one.svg", "two.svg"}; !slices.Equal(names, want) {
		t.Errorf("WriteFiles wrote %q; want %q", names, want)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "one.svg"))
	want, err := Render(figs[0], "svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("one.svg differs from Render's bytes")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteFiles(ctx, filepath.Join(t.TempDir(), "x"), figs, "svg"); !errors.Is(err, context.Canceled) {
		t.Errorf("WriteFiles(cancelled) = %v; want context.Canceled", err)
	}
	if err := WriteFiles(context.Background(), t.TempDir(), figs, "gif"); err == nil {
		t.Errorf("WriteFiles(gif) = nil; want an error")
	}
}
