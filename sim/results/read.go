package results

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/sibsim/sibsim/sim/scenario"
)

// ReadManifest reads manifest.json from a results directory: a regular
// file of at most MaxManifestBytes. Errors name the file: it cannot be
// read or parsed, its format is not ManifestFormat, or its weeks (0 to
// scenario.MaxWeeks) or replications (0 to MaxReplications) are out of
// range.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := ReadRegularFile(context.Background(), filepath.Join(dir, ManifestFile), MaxManifestBytes)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if m.Format != ManifestFormat {
		return nil, fmt.Errorf("%s: format %d; this version reads format %d (rerun to write it again)", filepath.Join(dir, ManifestFile), m.Format, ManifestFormat)
	}
	// Readers size their tables by these counts: refuse counts beyond any
	// run's limits before anything is allocated (a hand-edited manifest).
	if m.Weeks < 0 || m.Weeks > scenario.MaxWeeks {
		return nil, fmt.Errorf("%s: weeks %d: want 0 to %d", filepath.Join(dir, ManifestFile), m.Weeks, scenario.MaxWeeks)
	}
	if m.Replications < 0 || m.Replications > MaxReplications {
		return nil, fmt.Errorf("%s: replications %d: want 0 to %d", filepath.Join(dir, ManifestFile), m.Replications, MaxReplications)
	}
	return &m, nil
}

// MaxReplications is the most replications a run may have (the limit of
// sibsim run and compare): ReadManifest refuses a manifest with more.
const MaxReplications = 100_000

// VerifyFiles checks that every file m lists, but the manifest, is in dir
// with the SHA-256 m records: a directory mixing files of two runs, or a
// damaged or replaced file, is refused. Files are read within
// MaxDataFileBytes; ctx stops the check.
func VerifyFiles(ctx context.Context, dir string, m *Manifest) error {
	for _, name := range m.Files {
		if name == ManifestFile {
			continue
		}
		want, ok := m.SHA256[name]
		if !ok {
			return fmt.Errorf("%s: no sha256 recorded for %s", filepath.Join(dir, ManifestFile), name)
		}
		got, err := FileSHA256(ctx, filepath.Join(dir, name), MaxDataFileBytes)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%s does not match %s (sha256 %.12s; the manifest records %.12s): "+
				"the directory holds files of different runs or a damaged file; run again to rewrite it",
				filepath.Join(dir, name), ManifestFile, got, want)
		}
	}
	return nil
}

// ReadSummary reads summary.csv from a results directory. The rows' Unit is
// left empty: units are in the manifest's Metrics.
func ReadSummary(dir string) ([]Row, error) {
	name := filepath.Join(dir, SummaryFile)
	f, err := OpenRegular(context.Background(), name, MaxDataFileBytes, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(summaryHeader)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !slices.Equal(header, summaryHeader) {
		return nil, fmt.Errorf("%s: header %q; want %q", name, header, summaryHeader)
	}
	var rows []Row
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return rows, nil
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		row := Row{Metric: rec[0]}
		for i, p := range []*float64{&row.Mean, &row.SD, &row.Lo95, &row.Hi95} {
			if *p, err = ParseFloat(rec[i+1]); err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %w", name, line, summaryHeader[i+1], err)
			}
		}
		if row.N, err = strconv.Atoi(rec[5]); err != nil || row.N < 0 {
			return nil, fmt.Errorf("%s:%d: n: invalid count %q", name, line, rec[5])
		}
		rows = append(rows, row)
	}
}

// ReadRuns reads each run directory with ReadRun, in order. Errors name the
// directory: "read run DIR: ...".
func ReadRuns(dirs []string) ([]*RunData, error) {
	return ReadRunsContext(context.Background(), dirs)
}

// ReadRunsContext is ReadRuns, stopping with ctx's error once ctx is done.
func ReadRunsContext(ctx context.Context, dirs []string) ([]*RunData, error) {
	runs := make([]*RunData, len(dirs))
	for i, dir := range dirs {
		d, err := ReadRunContext(ctx, dir)
		if err != nil {
			return nil, fmt.Errorf("read run %s: %w", dir, err)
		}
		runs[i] = d
	}
	return runs, nil
}
