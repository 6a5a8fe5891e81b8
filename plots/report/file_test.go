package report

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sibsim/sibsim/sim/results"
)

func TestCheckFile(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "report.html")
	if err := os.WriteFile(report, []byte("<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"+
		"<meta name=\"generator\" content=\"sibsim v1.0.0\">\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.html")
	if err := os.WriteFile(other, []byte("<html>mine</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		wantOutDir bool
	}{
		{filepath.Join(dir, "new.html"), false},
		{report, false},
		{other, true},
		{dir, true},
		{"", true},
	}
	for _, tt := range tests {
		err := CheckFile(tt.name)
		if got := errors.Is(err, results.ErrOutDir); got != tt.wantOutDir || (err != nil) != tt.wantOutDir {
			t.Errorf("CheckFile(%q) = %v; want an ErrOutDir error: %v", tt.name, err, tt.wantOutDir)
		}
	}
}

// TestCheckFileAcceptsWrite: a file Write wrote may be replaced.
func TestCheckFileAcceptsWrite(t *testing.T) {
	r := runDir(t, "block-grant", 2, 8)
	name := filepath.Join(t.TempDir(), "r.html")
	if err := os.WriteFile(name, []byte(write(t, input(t, r))), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckFile(name); err != nil {
		t.Errorf("CheckFile(a report Write wrote) = %v; want nil", err)
	}
}
