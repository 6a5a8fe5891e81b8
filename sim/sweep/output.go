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
	"path/filepath"
	"strings"

	"github.com/sibsim/sibsim/sim/results"
)

// ErrShards is wrapped by every error Merge returns for shard directories
// that do not make up one sweep: different experiments or builds (sibsim
// version, Go toolchain or architecture), a chunk missing or in two
// directories.
var ErrShards = errors.New("shards do not make one sweep")

// finish writes the final results into dir from complete chunks:
// points.csv (copied from pointsSrc unless that is ""), the runs file in
// format, and manifest.json last, recording the SHA-256 of the other two.
// Each file is written atomically, and the manifest only once the others
// are in place and synced: a directory with a manifest holds one complete
// result, which readers check against the recorded hashes. It returns the
// manifest written.
func finish(ctx context.Context, dir string, m Manifest, chunk func(c int) string, pointsSrc string, format Format) (Manifest, error) {
	if pointsSrc != "" {
		data, err := results.ReadRegularFile(ctx, pointsSrc, results.MaxDataFileBytes)
		if err != nil {
			return m, err
		}
		if err := writeAtomic(dir, PointsFile, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return m, err
		}
	}
	lay := layoutOf(&m)
	var write func(w io.Writer) error
	switch format {
	case Parquet:
		write = func(w io.Writer) error { return writeParquet(ctx, w, m, lay, dir, chunk) }
	default:
		write = func(w io.Writer) error {
			bw := bufio.NewWriterSize(w, 1<<16)
			bw.WriteString(lay.header)
			for c := range m.Chunks {
				if err := ctx.Err(); err != nil {
					return err
				}
				data, err := readChunkFile(chunk(c), maxChunkBytes) // checked again: read afresh
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
	h := sha256.New()
	if err := writeAtomic(dir, format.runsFile(), func(w io.Writer) error { return write(io.MultiWriter(w, h)) }); err != nil {
		return m, err
	}
	if sum, err := fileSHA256(filepath.Join(dir, PointsFile)); err != nil {
		return m, err
	} else if sum != m.PointsSHA256 {
		return m, fmt.Errorf("%s does not match the sweep's design points (sha256 %s; want %s)", filepath.Join(dir, PointsFile), short(sum), short(m.PointsSHA256))
	}
	if len(lay.series) > 0 {
		err := writeAtomic(dir, format.seriesFile(), func(w io.Writer) error {
			return writeSeries(ctx, w, m, lay, m.Chunks, chunk, format)
		})
		if err != nil {
			return m, err
		}
	}
	if err := ctx.Err(); err != nil {
		return m, err
	}
	syncDir(dir) // points, runs and series are in place before the manifest
	m.Files = resultFiles(m, format)
	m.SHA256 = map[string]string{PointsFile: m.PointsSHA256, format.runsFile(): hex.EncodeToString(h.Sum(nil))}
	if len(lay.series) > 0 {
		sum, err := fileSHA256(filepath.Join(dir, format.seriesFile()))
		if err != nil {
			return m, err
		}
		m.SHA256[format.seriesFile()] = sum
	}
	if err := writeJSON(dir, ManifestFile, m); err != nil {
		return m, err
	}
	syncDir(dir)
	return m, nil
}

// Merge checks that the shard directories dirs together hold one sweep:
// the same experiment (hash), run by the same build (sibsim version, Go
// toolchain and architecture), and every chunk exactly once, each matching
// its checksum. It then writes the final results into out, byte-identical
// to an unsharded run of the same sweep. out must be new or empty. The
// shard directories are left as they are.
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
	// An unusable output is refused before the shards are read and hashed.
	if _, err := checkMergeOut(out); err != nil {
		return nil, err
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
		if d, ok := buildDiff(&m, &s.Manifest); ok {
			return nil, fmt.Errorf("%w: %s and %s were run by different builds: %s %s and %s", ErrShards, dirs[0], dirs[i+1], d.Whats, d.A, d.B)
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
	if err := missingShards(dirs, states, owner); err != nil {
		return nil, err
	}
	lay := layoutOf(&m)
	chunk := func(c int) string { return filepath.Join(dirs[owner[c]-1], ChunksDir, ChunkName(c)) }
	for c := range m.Chunks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := lay.verifyAll(chunk(c), c); err != nil {
			return nil, fmt.Errorf("%w: %v%s", ErrShards, err, chunkAdvice(err, dirs[owner[c]-1], states[owner[c]-1]))
		}
	}
	points := filepath.Join(dirs[0], PointsFile)
	if sum, err := fileSHA256(points); err != nil {
		return nil, err
	} else if sum != m.PointsSHA256 {
		return nil, fmt.Errorf("%w: %s does not match the sweep's design points", ErrShards, points)
	}

	stage, err := results.NewStage(out, checkMergeOut)
	if err != nil {
		return nil, err
	}
	defer stage.Cleanup()
	if m, err = finish(ctx, stage.Tmp, m, chunk, points, format); err != nil {
		return nil, err
	}
	if err := stage.Commit(); err != nil {
		return nil, err
	}
	return &m, nil
}

// checkMergeOut is the results.DirCheck of Merge's output: new or empty.
// The merged directory replaces it in one step (results.Stage), so it is
// complete or absent.
func checkMergeOut(dir string) (bool, error) {
	entries, exists, err := results.ReadOutDir(dir)
	if err == nil && len(entries) > 0 {
		err = fmt.Errorf("%w: %s is not empty; merge into a new or empty directory", ErrOutDir, dir)
	}
	return exists, err
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
	write := copyFrom(ctx, runs)
	if !exists(runs) {
		csv := filepath.Join(dir, RunsFile)
		if format != Parquet || !exists(csv) {
			if format != Parquet && exists(filepath.Join(dir, RunsParquetFile)) {
				return nil, fmt.Errorf("%w: %s has no %s but has %s: merge with --format parquet", ErrShards, dir, RunsFile, RunsParquetFile)
			}
			return nil, fmt.Errorf("%w: %s has no %s", ErrShards, dir, format.runsFile())
		}
		// runs.csv has the layout of one chunk holding every run.
		one := *m
		one.ChunkSize, one.Chunks = m.Runs, 1
		write = func(w io.Writer) error {
			return writeParquet(ctx, w, one, layoutOf(&one), dir, func(int) string { return csv })
		}
	}
	if m.SHA256 != nil {
		// The source is checked as analyze would check it.
		if _, err := ReadResults(ctx, dir, nil); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrShards, err)
		}
	}
	stage, err := results.NewStage(out, checkMergeOut)
	if err != nil {
		return nil, err
	}
	defer stage.Cleanup()
	tmp := stage.Tmp
	if err := writeAtomic(tmp, PointsFile, copyFrom(ctx, filepath.Join(dir, PointsFile))); err != nil {
		return nil, err
	}
	h := sha256.New()
	if err := writeAtomic(tmp, format.runsFile(), func(w io.Writer) error { return write(io.MultiWriter(w, h)) }); err != nil {
		return nil, err
	}
	if sum, err := fileSHA256(filepath.Join(tmp, PointsFile)); err != nil {
		return nil, err
	} else if sum != m.PointsSHA256 {
		return nil, fmt.Errorf("%w: %s does not match the sweep's design points", ErrShards, filepath.Join(dir, PointsFile))
	}
	mm := *m
	mm.Files = resultFiles(*m, format)
	mm.SHA256 = map[string]string{PointsFile: m.PointsSHA256, format.runsFile(): hex.EncodeToString(h.Sum(nil))}
	if len(m.Experiment.Series) > 0 {
		series := filepath.Join(dir, format.seriesFile())
		write := copyFrom(ctx, series)
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
		hs := sha256.New()
		if err := writeAtomic(tmp, format.seriesFile(), func(w io.Writer) error { return write(io.MultiWriter(w, hs)) }); err != nil {
			return nil, err
		}
		mm.SHA256[format.seriesFile()] = hex.EncodeToString(hs.Sum(nil))
	}
	syncDir(tmp)
	if err := writeJSON(tmp, ManifestFile, mm); err != nil {
		return nil, err
	}
	syncDir(tmp)
	if err := stage.Commit(); err != nil {
		return nil, err
	}
	return &mm, nil
}

func copyFrom(ctx context.Context, name string) func(io.Writer) error {
	return func(w io.Writer) error {
		f, err := results.OpenRegular(ctx, name, results.MaxDataFileBytes, false)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	}
}

func fileSHA256(name string) (string, error) {
	return results.FileSHA256(context.Background(), name, results.MaxDataFileBytes)
}

// ReadManifest reads manifest.json of a finished sweep directory.
func ReadManifest(dir string) (*Manifest, error) {
	var m Manifest
	if err := readJSON(filepath.Join(dir, ManifestFile), &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// chunkAdvice is what to do about shard directory dir (state st) whose
// chunk failed verification with err: run the shard again with --resume,
// which recomputes it, or, when no chunk of dir has a checksum file (it
// was written by a sibsim that did not write them), merge with the build
// that wrote it. It is "" for other errors.
func chunkAdvice(err error, dir string, st *State) string {
	var se *chunkSumError
	if !errors.As(err, &se) {
		return ""
	}
	if se.missing {
		sums, _ := filepath.Glob(filepath.Join(dir, ChunksDir, "*"+SumSuffix))
		if len(sums) == 0 {
			return fmt.Sprintf("; no chunk in %s has a checksum file, as when a sibsim older than this one wrote it (sibsim %s): merge it with that build, or run the shard again with --resume", dir, st.Manifest.Version)
		}
	}
	return fmt.Sprintf("; run the shard in %s again with --resume to compute it again", dir)
}

// missingShards names every shard whose chunks are missing: shards no
// directory holds, and shard directories that are unfinished.
func missingShards(dirs []string, states []*State, owner []int) error {
	n := states[0].Shards
	if n < 1 {
		n = 1
	}
	byShard := make(map[int][]int) // shard -> indices of dirs holding it
	for i, s := range states {
		if s.Shards != states[0].Shards {
			return fmt.Errorf("%w: %s holds %s and %s holds %s: shards of different splits cannot be merged",
				ErrShards, dirs[0], shardName(states[0].Shard, states[0].Shards), dirs[i], shardName(s.Shard, s.Shards))
		}
		byShard[s.Shard] = append(byShard[s.Shard], i)
	}
	missing := make(map[int]int) // shard -> chunks missing
	total := 0
	for c, o := range owner {
		if o == 0 {
			missing[c%n]++
			total++
		}
	}
	if total == 0 {
		return nil
	}
	var absent, unfinished []string
	for k := range n {
		if missing[k] == 0 {
			continue
		}
		if len(byShard[k]) == 0 {
			absent = append(absent, fmt.Sprintf("%d/%d", k, n))
			continue
		}
		var ds []string
		for _, i := range byShard[k] {
			ds = append(ds, dirs[i])
		}
		unfinished = append(unfinished, fmt.Sprintf("shard %d/%d in %s lacks %d chunks", k, n, strings.Join(ds, " and "), missing[k]))
	}
	var parts []string
	if len(absent) > 0 {
		word := "shard"
		if len(absent) > 1 {
			word = "shards"
		}
		parts = append(parts, fmt.Sprintf("no directory given holds %s %s (give its directory, or run it)", word, strings.Join(absent, ", ")))
	}
	if len(unfinished) > 0 {
		parts = append(parts, strings.Join(unfinished, "; ")+" (unfinished: rerun it with --resume)")
	}
	return fmt.Errorf("%w: %d of %d chunks missing: %s", ErrShards, total, len(owner), strings.Join(parts, "; "))
}
