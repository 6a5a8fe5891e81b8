package results

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/scenario"
)

// Run is everything Write records about a batch.
type Run struct {
	// Batch holds the replications; it must have weekly series (run without
	// sim.Options.NoWeekly).
	Batch *sim.Batch
	// Scenario is the resolved scenario the batch ran.
	Scenario *scenario.Resolved
	// Version is the sibsim version.
	Version string
	// Command is the command line to record (see Manifest.Command).
	Command []string
}

// ErrOutDir is wrapped by every error that rejects an output path itself
// (a results directory, or a report's file): it cannot be made or
// replaced, it is not a directory where one is wanted, or it holds files
// that Write would not write.
var ErrOutDir = errors.New("unusable output path")

// CheckDir reports whether Write may write into dir. It may when dir does
// not exist, is an empty directory, or is a directory holding nothing but
// files named in FileNames (the outputs of an earlier run, which Write
// replaces). Otherwise the error wraps ErrOutDir. CheckDir writes nothing.
func CheckDir(dir string) error {
	_, err := checkDir(dir)
	return err
}

// checkDir is CheckDir, also reporting whether dir exists.
func checkDir(dir string) (exists bool, err error) {
	entries, exists, err := ReadOutDir(dir)
	if err != nil || !exists {
		return exists, err
	}
	ours := FileNames()
	for _, e := range entries {
		if !slices.Contains(ours, e.Name()) || !e.Type().IsRegular() {
			return true, fmt.Errorf("%w: %s holds %s, which sibsim does not write; "+
				"use a new or empty directory, or one holding only a previous run's results", ErrOutDir, dir, e.Name())
		}
	}
	return true, nil
}

// Write writes run's output files into dir, atomically: every file is
// written and synced in a new temporary directory beside dir (a Stage),
// which then replaces dir in one step. dir may not exist, be empty, or hold
// a previous run's results (see CheckDir); afterwards it holds exactly the
// new results, and at every moment it holds one complete result, old or
// new (see Stage.Commit for platforms without an atomic swap). Missing
// parent directories are created. The manifest, written last, records the
// SHA-256 of every other file, which ReadRun checks. On any error,
// including ctx being cancelled, nothing is left behind: no partial files,
// no temporary directory, no parent directories Write created, and a
// previous run's results are untouched. ctx is not consulted once the
// stage is committed.
func Write(ctx context.Context, dir string, run Run) error {
	return write(ctx, dir, run, outputFiles)
}

// outputFile is one file of a results directory and how to write it.
type outputFile struct {
	name  string
	write func(w io.Writer, run Run) error
}

// outputFiles are the data files, in FileNames order; the manifest is
// written after them, with their hashes.
var outputFiles = []outputFile{
	{WeeklyFile, writeWeekly},
	{ProviderFile, writeProviders},
	{ReplicationsFile, writeReplications},
	{SummaryFile, writeSummary},
}

func write(ctx context.Context, dir string, run Run, files []outputFile) (err error) {
	if err := checkRun(run); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	stage, err := NewStage(dir, checkDir)
	if err != nil {
		return err
	}
	defer stage.Cleanup()
	sums := make(map[string]string, len(files))
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		h := sha256.New()
		fn := func(w io.Writer, run Run) error { return f.write(io.MultiWriter(w, h), run) }
		if err := writeFile(filepath.Join(stage.Tmp, f.name), run, fn); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		sums[f.name] = hex.EncodeToString(h.Sum(nil))
	}
	manifest := func(w io.Writer, run Run) error { return writeManifest(w, run, sums) }
	if err := writeFile(filepath.Join(stage.Tmp, ManifestFile), run, manifest); err != nil {
		return fmt.Errorf("write %s: %w", ManifestFile, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	SyncDir(stage.Tmp)
	if err := stage.Commit(); err != nil {
		if errors.Is(err, ErrOutDir) {
			return err
		}
		return fmt.Errorf("move results into place: %w", err)
	}
	return nil
}

// writeFile creates name, writes it with fn through a buffer, and syncs it.
func writeFile(name string, run Run, fn func(io.Writer, Run) error) (err error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<16)
	if err := fn(w, run); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Sync()
}

// SyncDir makes a rename into dir durable. Directories cannot be synced on
// every platform; failure to sync is not an error.
func SyncDir(dir string) error {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// MkdirParents creates dir and its missing parents and returns the topmost
// directory it created, or "" if dir existed, so that a caller whose later
// step fails can remove exactly what it made.
func MkdirParents(dir string) (created string, err error) {
	for p := dir; ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		created = p
		if filepath.Dir(p) == p {
			break
		}
	}
	if created == "" {
		return "", nil
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		os.RemoveAll(created)
		return "", err
	}
	return created, nil
}

// checkRun rejects a run whose shape does not match the output contract.
func checkRun(run Run) error {
	if run.Scenario == nil {
		return errors.New("results: no resolved scenario")
	}
	b := run.Batch
	if b == nil || len(b.Results) == 0 {
		return errors.New("results: no replications")
	}
	nw, np, nm := len(sim.WeeklyColumns()), len(sim.ProviderColumns()), len(sim.Metrics())
	first := b.Results[0]
	for i, r := range b.Results {
		switch {
		case r == nil:
			return fmt.Errorf("results: replication %d missing", i)
		case r.Weekly == nil && r.Weeks > 0:
			return fmt.Errorf("results: replication %d has no weekly series (run without NoWeekly)", r.Replication)
		case len(r.Weekly) != r.Weeks || r.Weeks != first.Weeks:
			return fmt.Errorf("results: replication %d has %d weekly rows for %d weeks (want %d)", r.Replication, len(r.Weekly), r.Weeks, first.Weeks)
		case len(r.Metrics) != nm:
			return fmt.Errorf("results: replication %d has %d metrics; want %d", r.Replication, len(r.Metrics), nm)
		case len(r.ProviderWeekly) != len(r.Providers):
			return fmt.Errorf("results: replication %d has %d provider series for %d providers", r.Replication, len(r.ProviderWeekly), len(r.Providers))
		case !slices.Equal(r.Providers, first.Providers):
			return fmt.Errorf("results: replication %d has providers %q; want %q", r.Replication, r.Providers, first.Providers)
		}
		for w, row := range r.Weekly {
			if len(row) != nw {
				return fmt.Errorf("results: replication %d week %d has %d weekly columns; want %d", r.Replication, w+1, len(row), nw)
			}
		}
		for p, series := range r.ProviderWeekly {
			if len(series) != r.Weeks {
				return fmt.Errorf("results: replication %d provider %q has %d weeks; want %d", r.Replication, r.Providers[p], len(series), r.Weeks)
			}
			for w, row := range series {
				if len(row) != np {
					return fmt.Errorf("results: replication %d provider %q week %d has %d columns; want %d", r.Replication, r.Providers[p], w+1, len(row), np)
				}
			}
		}
	}
	return nil
}

func writeManifest(w io.Writer, run Run, sums map[string]string) error {
	m := newManifest(run)
	m.SHA256 = sums
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// table writes CSV rows, reusing one record.
type table struct {
	w   *csv.Writer
	rec []string
}

func newTable(w io.Writer, header []string) (*table, error) {
	t := &table{w: csv.NewWriter(w)}
	return t, t.w.Write(header)
}

func (t *table) row(keys []string, values []float64) error {
	t.rec = append(t.rec[:0], keys...)
	for _, v := range values {
		t.rec = append(t.rec, FormatFloat(v))
	}
	return t.w.Write(t.rec)
}

func (t *table) flush() error {
	t.w.Flush()
	return t.w.Error()
}

func names(cs []sim.Column) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

func writeWeekly(w io.Writer, run Run) error {
	t, err := newTable(w, append([]string{"replication", "week"}, names(sim.WeeklyColumns())...))
	if err != nil {
		return err
	}
	for _, r := range run.Batch.Results {
		rep := itoa(r.Replication)
		for wk, values := range r.Weekly {
			if err := t.row([]string{rep, itoa(wk + 1)}, values); err != nil {
				return err
			}
		}
	}
	return t.flush()
}

func writeProviders(w io.Writer, run Run) error {
	t, err := newTable(w, append([]string{"replication", "week", "provider"}, names(sim.ProviderColumns())...))
	if err != nil {
		return err
	}
	for _, r := range run.Batch.Results {
		rep := itoa(r.Replication)
		for wk := 0; wk < r.Weeks; wk++ {
			week := itoa(wk + 1)
			for p, name := range r.Providers {
				if err := t.row([]string{rep, week, name}, r.ProviderWeekly[p][wk]); err != nil {
					return err
				}
			}
		}
	}
	return t.flush()
}

func writeReplications(w io.Writer, run Run) error {
	t, err := newTable(w, append([]string{"replication"}, names(sim.Metrics())...))
	if err != nil {
		return err
	}
	for _, r := range run.Batch.Results {
		if err := t.row([]string{itoa(r.Replication)}, r.Metrics); err != nil {
			return err
		}
	}
	return t.flush()
}

func writeSummary(w io.Writer, run Run) error {
	t, err := newTable(w, summaryHeader)
	if err != nil {
		return err
	}
	for _, row := range Summarize(run.Batch) {
		t.rec = append(t.rec[:0], row.Metric,
			FormatFloat(row.Mean), FormatFloat(row.SD), FormatFloat(row.Lo95), FormatFloat(row.Hi95), itoa(row.N))
		if err := t.w.Write(t.rec); err != nil {
			return err
		}
	}
	return t.flush()
}
