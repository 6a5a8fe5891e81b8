package sweep

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrShards is wrapped by every error Merge returns for shard directories
// that do not make up one sweep: different experiments or versions, a
// chunk missing or in two directories.
var ErrShards = errors.New("shards do not make one sweep")

// finish writes the final results into dir from complete chunks:
// points.csv (copied from pointsSrc unless that is ""), the runs file in
// format, and manifest.json last. Each file is written atomically.
func finish(ctx context.Context, dir string, m Manifest, chunk func(c int) string, pointsSrc string, format Format) error {
	if pointsSrc != "" {
		data, err := os.ReadFile(pointsSrc)
		if err != nil {
			return err
		}
		if err := writeAtomic(dir, PointsFile, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return err
		}
	}
	lay := layoutOf(&m)
	var write func(w io.Writer) error
	switch format {
	case Parquet:
		write = func(w io.Writer) error { return writeParquet(ctx, w, m, lay, chunk) }
	default:
		write = func(w io.Writer) error {
			bw := bufio.NewWriterSize(w, 1<<16)
			bw.WriteString(lay.header)
			for c := range m.Chunks {
				if err := ctx.Err(); err != nil {
					return err
				}
				data, err := os.ReadFile(chunk(c))
				if err != nil {
					return err
				}
				rows, ok := bytes.CutPrefix(data, []byte(lay.header))
				if !ok {
					return fmt.Errorf("chunk %s: wrong header", chunk(c))
				}
				bw.Write(rows)
			}
			return bw.Flush()
		}
	}
	if err := writeAtomic(dir, format.runsFile(), write); err != nil {
		return err
	}
	if len(lay.series) > 0 {
		err := writeAtomic(dir, format.seriesFile(), func(w io.Writer) error {
			return writeSeries(ctx, w, m, lay, m.Chunks, chunk, format)
		})
		if err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	syncDir(dir) // points, runs and series are in place before the manifest
	m.Files = resultFiles(m, format)
	if err := writeJSON(dir, ManifestFile, m); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// Merge checks that the shard directories dirs together hold one sweep:
// the same experiment (hash) and sibsim version, and every chunk exactly
// once. It then writes the final results into out, byte-identical to an
// unsharded run of the same sweep. out must be new or empty. The shard
// directories are left as they are.
func Merge(ctx context.Context, dirs []string, out string, format Format) (*Manifest, error) {
	if format == "" {
		format = CSV
	}
	if format != CSV && format != Parquet {
		return nil, fmt.Errorf("unknown format %q", format)
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%w: no shard directories", ErrShards)
	}
	states := make([]*State, len(dirs))
	for i, d := range dirs {
		st, err := inspectDir(d)
		if err != nil {
			return nil, err
		}
		switch {
		case st.state == nil && st.manifest != nil && len(dirs) == 1:
			return copyFinished(ctx, d, st.manifest, out, format)
		case st.state == nil && st.manifest != nil:
			return nil, fmt.Errorf("%w: %s holds a finished sweep, not a shard: it cannot be merged with others", ErrShards, d)
		case st.state == nil:
			return nil, fmt.Errorf("%w: %s is not a shard directory (no %s)", ErrShards, d, StateFile)
		}
		states[i] = st.state
	}
	m := states[0].Manifest
	for i, s := range states[1:] {
		if s.Manifest.ExperimentSHA256 != m.ExperimentSHA256 {
			return nil, fmt.Errorf("%w: %s and %s hold different experiments (sha256 %s and %s)",
				ErrShards, dirs[0], dirs[i+1], short(m.ExperimentSHA256), short(s.Manifest.ExperimentSHA256))
		}
		if s.Manifest.Version != m.Version {
			return nil, fmt.Errorf("%w: %s and %s were run by different sibsim versions (%s and %s)",
				ErrShards, dirs[0], dirs[i+1], m.Version, s.Manifest.Version)
		}
	}
	if experimentHash(m) != m.ExperimentSHA256 {
		return nil, fmt.Errorf("%w: %s: %s does not match its experiment hash", ErrShards, dirs[0], StateFile)
	}
	owner := make([]int, m.Chunks) // chunk -> index of its dir + 1
	for i, d := range dirs {
		have, err := listChunks(filepath.Join(d, ChunksDir), m.Chunks)
		if err != nil {
			return nil, err
		}
		for c := range m.Chunks {
			if !have[c] {
				continue
			}
			if owner[c] != 0 {
				return nil, fmt.Errorf("%w: %s is in both %s and %s", ErrShards, ChunkName(c), dirs[owner[c]-1], d)
			}
			owner[c] = i + 1
		}
	}
	var missing []string
	for c, o := range owner {
		if o == 0 {
			missing = append(missing, fmt.Sprint(c))
		}
	}
	if len(missing) > 0 {
		n := len(missing)
		if n > 10 {
			missing = append(missing[:10], "...")
		}
		return nil, fmt.Errorf("%w: %d of %d chunks missing (%s): finish every shard (rerun it with --resume) and give all the shard directories",
			ErrShards, n, m.Chunks, strings.Join(missing, ", "))
	}
	lay := layoutOf(&m)
	chunk := func(c int) string { return filepath.Join(dirs[owner[c]-1], ChunksDir, ChunkName(c)) }
	for c := range m.Chunks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := lay.verifyAll(chunk(c), c); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrShards, err)
		}
	}
	points := filepath.Join(dirs[0], PointsFile)
	if sum, err := fileSHA256(points); err != nil {
		return nil, err
	} else if sum != m.PointsSHA256 {
		return nil, fmt.Errorf("%w: %s does not match the sweep's design points", ErrShards, points)
	}

	st, err := inspectDir(out)
	if err != nil {
		return nil, err
	}
	if st.foreign != "" || st.ours {
		return nil, fmt.Errorf("%w: %s is not empty; merge into a new or empty directory", ErrOutDir, out)
	}
	if err := os.MkdirAll(out, 0o777); err != nil {
		return nil, err
	}
	if err := finish(ctx, out, m, chunk, points, format); err != nil {
		return nil, err
	}
	if err := cleanTemps(out); err != nil {
		return nil, err
	}
	m.Files = resultFiles(m, format)
	return &m, nil
}

// resultFiles lists the files of a finished sweep of m in format.
func resultFiles(m Manifest, format Format) []string {
	files := []string{ManifestFile, PointsFile, format.runsFile()}
	if len(m.Experiment.Series) > 0 {
		files = append(files, format.seriesFile())
	}
	return files
}

// copyFinished "merges" a single finished sweep directory (a sweep run as
// one shard of one): copies its files to out, converting runs.csv to
// runs.parquet if format asks for it.
func copyFinished(ctx context.Context, dir string, m *Manifest, out string, format Format) (*Manifest, error) {
	if experimentHash(*m) != m.ExperimentSHA256 {
		return nil, fmt.Errorf("%w: %s: %s does not match its experiment hash", ErrShards, dir, ManifestFile)
	}
	runs := filepath.Join(dir, format.runsFile())
	write := copyFrom(runs)
	if !exists(runs) {
		csv := filepath.Join(dir, RunsFile)
		if format != Parquet || !exists(csv) {
			return nil, fmt.Errorf("%w: %s has no %s", ErrShards, dir, format.runsFile())
		}
		// runs.csv has the layout of one chunk holding every run.
		one := *m
		one.ChunkSize, one.Chunks = m.Runs, 1
		write = func(w io.Writer) error {
			return writeParquet(ctx, w, one, layoutOf(&one), func(int) string { return csv })
		}
	}
	st, err := inspectDir(out)
	if err != nil {
		return nil, err
	}
	if st.foreign != "" || st.ours {
		return nil, fmt.Errorf("%w: %s is not empty; merge into a new or empty directory", ErrOutDir, out)
	}
	if err := os.MkdirAll(out, 0o777); err != nil {
		return nil, err
	}
	if err := writeAtomic(out, PointsFile, copyFrom(filepath.Join(dir, PointsFile))); err != nil {
		return nil, err
	}
	if err := writeAtomic(out, format.runsFile(), write); err != nil {
		return nil, err
	}
	if len(m.Experiment.Series) > 0 {
		series := filepath.Join(dir, format.seriesFile())
		write := copyFrom(series)
		if !exists(series) {
			csv := filepath.Join(dir, SeriesFile)
			if format != Parquet || !exists(csv) {
				return nil, fmt.Errorf("%w: %s has no %s", ErrShards, dir, format.seriesFile())
			}
			one := *m
			one.ChunkSize, one.Chunks = m.Runs, 1
			write = func(w io.Writer) error {
				return writeSeriesParquet(ctx, w, one, layoutOf(&one), 1, func(int) string { return csv })
			}
		}
		if err := writeAtomic(out, format.seriesFile(), write); err != nil {
			return nil, err
		}
	}
	syncDir(out)
	mm := *m
	mm.Files = resultFiles(*m, format)
	if err := writeJSON(out, ManifestFile, mm); err != nil {
		return nil, err
	}
	syncDir(out)
	return &mm, nil
}

func copyFrom(name string) func(io.Writer) error {
	return func(w io.Writer) error {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	}
}

func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadManifest reads manifest.json of a finished sweep directory.
func ReadManifest(dir string) (*Manifest, error) {
	var m Manifest
	if err := readJSON(filepath.Join(dir, ManifestFile), &m); err != nil {
		return nil, err
	}
	return &m, nil
}
