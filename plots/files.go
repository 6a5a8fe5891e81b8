package plots

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sibsim/sibsim/sim/results"
)

// formats are the formats Render draws, in the order they are offered.
var formats = []string{"svg", "png", "pdf"}

// Formats returns the figure formats Render accepts: svg, png, pdf.
func Formats() []string { return slices.Clone(formats) }

// IsFigureFile reports whether name ends in the extension of one of
// Formats (".svg", ".png", ".pdf").
func IsFigureFile(name string) bool {
	return slices.Contains(formats, strings.TrimPrefix(filepath.Ext(name), "."))
}

// CheckDir is a results.DirCheck for a directory of figures: it may be
// replaced when it does not exist or holds only regular figure files (see
// IsFigureFile). Otherwise the error wraps results.ErrOutDir.
func CheckDir(dir string) (exists bool, err error) {
	entries, exists, err := results.ReadOutDir(dir)
	if err != nil {
		return exists, err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsFigureFile(e.Name()) {
			return true, fmt.Errorf("%w: %s holds %s, which is not a figure; "+
				"use a new or empty directory, or one holding only figures", results.ErrOutDir, dir, e.Name())
		}
	}
	return exists, nil
}

// WriteFiles renders every figure with Render in format and writes it into
// dir (created if missing) as NAME.FORMAT, each file atomically
// (results.WriteFileAtomic). It stops with ctx.Err() when ctx is cancelled
// between figures.
func WriteFiles(ctx context.Context, dir string, figs []Figure, format string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range figs {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := Render(f, format)
		if err != nil {
			return fmt.Errorf("render figure %s: %w", f.Name, err)
		}
		name := filepath.Join(dir, f.Name+"."+format)
		if err := results.WriteFileAtomic(name, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return fmt.Errorf("write figure %s: %w", f.Name, err)
		}
	}
	return nil
}
