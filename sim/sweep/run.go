package sweep

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

// Names in a sweep directory.
const (
	ManifestFile    = "manifest.json" // written last: the sweep is complete
	PointsFile      = "points.csv"
	RunsFile        = "runs.csv"
	RunsParquetFile = "runs.parquet"
	// StateFile and ChunksDir hold a sweep in progress, or a shard.
	StateFile = "sweep.json"
	ChunksDir = "chunks"
	// AnalysisDir is where "sibsim analyze" writes by default, inside a
	// finished sweep directory; a sweep leaves it alone.
	AnalysisDir = "analysis"
)

// ChunkName is the file name of chunk c in ChunksDir.
func ChunkName(c int) string { return fmt.Sprintf("chunk-%06d.csv", c) }

// Format is the format of the runs file.
type Format string

// Formats of the runs file.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

func (f Format) runsFile() string {
	if f == Parquet {
		return RunsParquetFile
	}
	return RunsFile
}

// ErrBusy is wrapped by the error of Run for a sweep directory that
// another sibsim process is working in (it holds the directory's lock).
var ErrBusy = errors.New("another sibsim sweep is running in this directory; wait for it to finish or stop it, or use another directory")

// ErrOutDir is wrapped by every error that rejects a sweep directory: it
// holds other files, a different experiment or shard, or a finished sweep
// when not resuming.
var ErrOutDir = errors.New("unusable sweep directory")

// Options control Run. The output never depends on Workers, on the
// sharding or on interruptions.
type Options struct {
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Shard and Shards select the chunks c with c % Shards == Shard
	// (0 <= Shard < Shards). Shards 0 or 1 runs every chunk and writes the
	// final results; a shard keeps its chunks for Merge.
	Shard, Shards int
	// Resume continues a sweep in dir: chunks already complete are kept.
	Resume bool
	// Format of the runs file; "" means CSV.
	Format Format
	// Version is the sibsim version recorded in the manifest.
	Version string
	// Progress, if set, is called after every run with the runs done and
	// to do in this call. Calls are serialised.
	Progress func(done, total int)
}

// Report says what Run did.
type Report struct {
	// Chunks is the number of chunks of this shard (all of them unsharded);
	// Skipped were already complete; Written were computed now.
	Chunks, Skipped, Written int
	// Runs is the number of runs computed now.
	Runs int
	// Recomputed lists chunk files found incomplete or corrupt on resume
	// (after a machine crash), which were deleted and computed again.
	Recomputed []int
	// Complete is true when the final results were written (or had been).
	Complete bool
	// AlreadyComplete is true when dir held the finished sweep already.
	AlreadyComplete bool
}

// State is sweep.json: the sweep in progress in a directory, or a shard.
type State struct {
	Format   int      `json:"format"`
	Shard    int      `json:"shard"`
	Shards   int      `json:"shards"`
	Manifest Manifest `json:"manifest"`
}

// Run runs the sweep p in dir. Runs are grouped into chunks of
// p.ChunkSize; each chunk is written to dir/chunks/chunk-NNNNNN.csv under a
// temporary name and renamed when complete, so a chunk file that exists is
// complete. Only in-flight chunks are held in memory. Unsharded, when
// every chunk is done Run writes points.csv, runs.csv (or runs.parquet)
// and last manifest.json, then removes the chunks and sweep.json.
//
// dir must be new or empty, or, with opts.Resume, hold an unfinished or
// finished run of the same experiment and shard, started by the same build
// (sibsim version, Go toolchain and architecture; otherwise an error
// wrapping ErrOutDir names the one that differs): complete chunks are
// verified and kept, the rest recomputed. Run holds an exclusive lock
// (flock) on dir while it works: a second Run in the same directory, from
// any process, fails at once with an error wrapping ErrBusy. If ctx is cancelled, Run
// stops, keeps the completed chunks and returns ctx's error.
func Run(ctx context.Context, p *Plan, dir string, opts Options) (*Report, error) {
	if opts.Shards <= 1 {
		opts.Shard, opts.Shards = 0, 1
	}
	if opts.Shard < 0 || opts.Shard >= opts.Shards {
		return nil, fmt.Errorf("shard %d out of range for %d shards", opts.Shard, opts.Shards)
	}
	if opts.Format == "" {
		opts.Format = CSV
	}
	if opts.Format != CSV && opts.Format != Parquet {
		return nil, fmt.Errorf("unknown format %q", opts.Format)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &Report{}
	for c := opts.Shard; c < p.Chunks; c += opts.Shards {
		rep.Chunks++
	}
	want := State{Format: FormatVersion, Shard: opts.Shard, Shards: opts.Shards, Manifest: p.Manifest(opts.Version, nil)}

	// Refuse an unusable directory before creating it, then create and
	// lock it, and look again: what it holds counts only under the lock.
	st, err := inspectDir(dir)
	if err != nil {
		return nil, err
	}
	if st.foreign == "" {
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return nil, err
		}
		lock, err := results.Lock(dir)
		if errors.Is(err, results.ErrLocked) {
			return nil, fmt.Errorf("%w: %s", ErrBusy, dir)
		}
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		defer lock.Close()
		if st, err = inspectDir(dir); err != nil {
			return nil, err
		}
	}
	switch {
	case st.foreign != "":
		return nil, fmt.Errorf("%w: %s holds %s, which a sweep does not write; use a new or empty directory", ErrOutDir, dir, st.foreign)
	case st.manifest != nil:
		if !opts.Resume {
			return nil, fmt.Errorf("%w: %s holds a finished sweep; use a new directory (or --resume to check it)", ErrOutDir, dir)
		}
		if err := sameSweep(dir, st.manifest, want); err != nil {
			return nil, err
		}
		if opts.Shards > 1 {
			return nil, fmt.Errorf("%w: %s holds a finished unsharded sweep, not shard %d/%d", ErrOutDir, dir, opts.Shard, opts.Shards)
		}
		if !exists(filepath.Join(dir, opts.Format.runsFile())) {
			return nil, fmt.Errorf("%w: %s holds this sweep finished, but without %s", ErrOutDir, dir, opts.Format.runsFile())
		}
		if err := cleanWork(dir); err != nil {
			return nil, err
		}
		rep.Skipped, rep.Complete, rep.AlreadyComplete = rep.Chunks, true, true
		return rep, nil
	case st.state != nil:
		if !opts.Resume {
			return nil, fmt.Errorf("%w: %s holds an unfinished sweep; add --resume to continue it, or use a new directory", ErrOutDir, dir)
		}
		s := st.state
		if err := sameSweep(dir, &s.Manifest, want); err != nil {
			return nil, err
		}
		if s.Shard != opts.Shard || s.Shards != opts.Shards {
			return nil, fmt.Errorf("%w: %s holds %s; this is %s", ErrOutDir, dir, shardName(s.Shard, s.Shards), shardName(opts.Shard, opts.Shards))
		}
	case st.ours:
		return nil, fmt.Errorf("%w: %s holds sweep files but no %s; use a new or empty directory", ErrOutDir, dir, StateFile)
	default: // new or empty
		if err := writeJSON(dir, StateFile, want); err != nil {
			return nil, err
		}
		syncDir(dir)
	}
	if err := cleanTemps(dir); err != nil {
		return nil, err
	}
	if !exists(filepath.Join(dir, PointsFile)) {
		if err := writeAtomic(dir, PointsFile, p.WritePoints); err != nil {
			return nil, err
		}
		syncDir(dir)
	}
	chunks := filepath.Join(dir, ChunksDir)
	if err := os.MkdirAll(chunks, 0o777); err != nil {
		return nil, err
	}
	have, err := listChunks(chunks, p.Chunks)
	if err != nil {
		return nil, err
	}
	lay := layoutOf(&want.Manifest)
	var pending []int
	for c := opts.Shard; c < p.Chunks; c += opts.Shards {
		if !have[c] {
			pending = append(pending, c)
			continue
		}
		// A chunk file is written under a temporary name and renamed, so it
		// is complete unless the machine crashed before its data reached the
		// disk: then it fails verification and is computed again.
		if err := lay.verifyAll(filepath.Join(chunks, ChunkName(c)), c); err != nil {
			for _, name := range []string{ChunkName(c), ChunkName(c) + SumSuffix, SeriesChunkName(c), SeriesChunkName(c) + SumSuffix} {
				if err := os.Remove(filepath.Join(chunks, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return nil, err
				}
			}
			rep.Recomputed = append(rep.Recomputed, c)
			pending = append(pending, c)
			continue
		}
		rep.Skipped++
	}
	slices.Sort(pending)
	for c := range have {
		if c%opts.Shards != opts.Shard {
			return nil, fmt.Errorf("%w: %s holds %s, which is not in %s", ErrOutDir, dir, ChunkName(c), shardName(opts.Shard, opts.Shards))
		}
	}
	runs, err := p.execute(ctx, chunks, pending, opts, rep)
	rep.Runs = runs
	if err != nil {
		return rep, err
	}
	if opts.Shards > 1 {
		return rep, nil
	}
	m := p.Manifest(opts.Version, nil)
	if _, err := finish(ctx, dir, m, func(c int) string { return filepath.Join(chunks, ChunkName(c)) }, "", opts.Format); err != nil {
		return rep, err
	}
	if err := cleanWork(dir); err != nil {
		return rep, err
	}
	rep.Complete = true
	return rep, nil
}

func shardName(k, n int) string {
	if n <= 1 {
		return "an unsharded sweep"
	}
	return fmt.Sprintf("shard %d/%d", k, n)
}

// sameSweep checks that the sweep found in dir, whose manifest is got, is
// the one wanted, run by the same build.
func sameSweep(dir string, got *Manifest, want State) error {
	if got.ExperimentSHA256 != want.Manifest.ExperimentSHA256 {
		return fmt.Errorf("%w: %s holds a different experiment (sha256 %s; this one is %s)", ErrOutDir, dir, short(got.ExperimentSHA256), short(want.Manifest.ExperimentSHA256))
	}
	if d, ok := buildDiff(got, &want.Manifest); ok {
		return fmt.Errorf("%w: %s was started by a build of another %s (%s; this one is %s), whose results may differ",
			ErrOutDir, dir, d.What, d.A, d.B)
	}
	return nil
}

// buildDiff returns how the builds that wrote manifests a and b differ
// (results.DiffBuilds), and false when they agree.
func buildDiff(a, b *Manifest) (results.BuildDifference, bool) {
	return results.DiffBuilds(results.Build{Version: a.Version, GoVersion: a.GoVersion, Arch: a.Arch},
		results.Build{Version: b.Version, GoVersion: b.GoVersion, Arch: b.Arch})
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// dirState is what a directory holds.
type dirState struct {
	state    *State
	manifest *Manifest
	ours     bool   // holds sweep files (besides temporary ones)
	foreign  string // an entry a sweep does not write
}

func isTemp(name string) bool { return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") }

func inspectDir(dir string) (*dirState, error) {
	st := &dirState{}
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if l, lerr := os.Lstat(dir); lerr == nil && l.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%w: %s is a symbolic link that does not resolve", ErrOutDir, dir)
		}
		return st, nil
	}
	if err != nil {
		// A parent that is a file, a loop of links, no permission.
		return nil, fmt.Errorf("%w: %v", ErrOutDir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory", ErrOutDir, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case isTemp(name) && e.Type().IsRegular():
		case name == ChunksDir && e.IsDir():
			st.ours = true
		case (name == AnalysisDir || name == DiscoverDir) && e.IsDir():
		case (name == StateFile || name == ManifestFile || name == PointsFile || name == RunsFile || name == RunsParquetFile ||
			name == SeriesFile || name == SeriesParquetFile) && e.Type().IsRegular():
			st.ours = true
		default:
			if st.foreign == "" {
				st.foreign = name
			}
		}
	}
	if st.foreign != "" {
		return st, nil
	}
	if exists(filepath.Join(dir, ManifestFile)) {
		var m Manifest
		if err := readJSON(filepath.Join(dir, ManifestFile), &m); err != nil {
			return nil, err
		}
		st.manifest = &m
	} else if exists(filepath.Join(dir, StateFile)) {
		var s State
		if err := readJSON(filepath.Join(dir, StateFile), &s); err != nil {
			return nil, err
		}
		st.state = &s
	}
	return st, nil
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

func readJSON(name string, v any) error {
	data, err := results.ReadRegularFile(context.Background(), name, results.MaxManifestBytes)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: not a sweep file: %w", name, err)
	}
	return nil
}

// cleanTemps removes temporary files left in dir and its chunks by an
// interrupted run.
func cleanTemps(dir string) error {
	for _, d := range []string{dir, filepath.Join(dir, ChunksDir)} {
		entries, err := os.ReadDir(d)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		for _, e := range entries {
			if isTemp(e.Name()) {
				if err := os.Remove(filepath.Join(d, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// cleanWork removes the work files of a finished sweep: chunks, state and
// temporary files.
func cleanWork(dir string) error {
	if err := cleanTemps(dir); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(dir, ChunksDir)); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, StateFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	syncDir(dir)
	return nil
}

// listChunks returns the complete chunk files in dir (by index).
func listChunks(dir string, chunks int) (map[int]bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	have := map[int]bool{}
	for _, e := range entries {
		name := e.Name()
		if isTemp(name) {
			continue
		}
		if base, ok := strings.CutSuffix(name, SumSuffix); ok && e.Type().IsRegular() {
			if c, ok := chunkIndex(strings.Replace(base, "series-", "chunk-", 1)); ok && c < chunks {
				continue // a chunk's checksum, checked with it
			}
		}
		if sc, ok := chunkIndex(strings.Replace(name, "series-", "chunk-", 1)); ok && strings.HasPrefix(name, "series-") && e.Type().IsRegular() && sc < chunks {
			continue // a chunk's weekly series, checked with its runs
		}
		c, ok := chunkIndex(name)
		if !ok || !e.Type().IsRegular() {
			return nil, fmt.Errorf("%w: %s holds %s, which a sweep does not write", ErrOutDir, dir, name)
		}
		if c >= chunks {
			return nil, fmt.Errorf("%w: %s holds %s, beyond the sweep's %d chunks", ErrOutDir, dir, name, chunks)
		}
		have[c] = true
	}
	return have, nil
}

// chunkIndex parses a chunk file name.
func chunkIndex(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, "chunk-")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ".csv")
	if !ok || len(s) < 6 {
		return 0, false
	}
	c, err := strconv.Atoi(s)
	if err != nil || c < 0 || ChunkName(c) != name {
		return 0, false
	}
	return c, true
}

// maxChunkBytes bounds a chunk file: at most 256 runs of at most 64
// metrics, far less than this.
const maxChunkBytes = 64 << 20

// layout is what a chunk must hold.
type layout struct {
	header                   string
	replications, runs, size int
	metrics                  int
	// policies are the policies' names (nil with a base): the scenario
	// column, after replication.
	policies []string
	// series are the weekly series recorded (nil for none), over weeks
	// weeks.
	series []string
	weeks  int
}

func layoutOf(m *Manifest) layout {
	h := []string{"point", "replication"}
	var pols []string
	for _, pol := range m.Policies {
		pols = append(pols, pol.Name)
	}
	if len(pols) > 0 {
		h = append(h, ScenarioColumn)
	}
	return layout{
		header:       strings.Join(append(h, m.Experiment.Metrics...), ",") + "\n",
		replications: m.Experiment.Replications,
		runs:         m.Runs,
		size:         m.ChunkSize,
		metrics:      len(m.Experiment.Metrics),
		policies:     pols,
		series:       m.Experiment.Series,
		weeks:        m.Experiment.Weeks,
	}
}

// keys is the number of columns before the metrics: point, replication
// and, with policies, scenario.
func (l layout) keys() int {
	if len(l.policies) > 0 {
		return 3
	}
	return 2
}

// runOf returns the point, replication and policy of run (Plan.RunOf).
func (l layout) runOf(run int) (point, rep, policy int) {
	np := max(1, len(l.policies))
	policy, run = run%np, run/np
	return run / l.replications, run % l.replications, policy
}

// chunkRuns returns the first run of chunk c and its number of runs.
func (l layout) chunkRuns(c int) (first, n int) {
	first = c * l.size
	return first, min(l.size, l.runs-first)
}

// verifyAll checks the runs chunk file name of chunk c and, when series
// are recorded, its series chunk beside it.
func (l layout) verifyAll(name string, c int) error {
	if err := l.verifyChunk(name, c); err != nil {
		return err
	}
	if len(l.series) > 0 {
		return l.verifySeriesChunk(seriesPath(name, c), c)
	}
	return nil
}

// verifyChunk checks a chunk file: its checksum (readChunkFile), the
// header, one row per run in run order with the right point and
// replication, and a number in every cell.
func (l layout) verifyChunk(name string, c int) error {
	data, err := readChunkFile(name, maxChunkBytes)
	if err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("chunk file %s is not a complete chunk %d of this sweep: %s", name, c, fmt.Sprintf(format, args...))
	}
	rest, ok := bytes.CutPrefix(data, []byte(l.header))
	if !ok {
		return bad("wrong header")
	}
	first, n := l.chunkRuns(c)
	if len(rest) == 0 {
		return bad("0 rows; want %d", n)
	}
	if rest[len(rest)-1] != '\n' {
		return bad("does not end with a full line")
	}
	lines := bytes.Split(rest[:len(rest)-1], []byte("\n"))
	if len(lines) != n {
		return bad("%d rows; want %d", len(lines), n)
	}
	keys := l.keys()
	for i, line := range lines {
		point, rep, pol := l.runOf(first + i)
		fields := strings.Split(string(line), ",")
		if len(fields) != keys+l.metrics {
			return bad("row %d has %d fields; want %d", i+1, len(fields), keys+l.metrics)
		}
		if fields[0] != strconv.Itoa(point) || fields[1] != strconv.Itoa(rep) {
			return bad("row %d is point %s replication %s; want %d and %d", i+1, fields[0], fields[1], point, rep)
		}
		if keys == 3 && fields[2] != l.policies[pol] {
			return bad("row %d is scenario %q; want %s", i+1, fields[2], l.policies[pol])
		}
		for _, f := range fields[keys:] {
			if _, err := results.ParseFloat(f); err != nil {
				return bad("row %d: %v", i+1, err)
			}
		}
	}
	return nil
}

// execute runs the pending chunks on opts.Workers goroutines and writes
// each as it completes. It returns the runs computed.
func (p *Plan) execute(ctx context.Context, dir string, pending []int, opts Options, rep *Report) (int, error) {
	if len(pending) == 0 {
		return 0, nil
	}
	lay := layoutOf(&p.manifest)
	offsets := make([]int, len(pending)+1) // offsets[j]: first of pending chunk j's runs in this call
	for j, c := range pending {
		_, n := lay.chunkRuns(c)
		offsets[j+1] = offsets[j] + n
	}
	total := offsets[len(pending)]
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, total)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type chunkBuf struct {
		rows, series [][]float64
		left         int
	}
	recordSeries := len(p.series) > 0
	var (
		next     atomic.Int64
		mu       sync.Mutex
		bufs     = make([]*chunkBuf, len(pending))
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	header := p.RunsHeader()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lastPoint, lastPolicy := -1, -1
			var sc *scenario.Scenario
			for {
				k := int(next.Add(1) - 1)
				if k >= total || ctx.Err() != nil {
					return
				}
				j := sort.Search(len(pending), func(j int) bool { return offsets[j+1] > k })
				c := pending[j]
				first, n := lay.chunkRuns(c)
				run := first + k - offsets[j]
				point, r, pol := p.RunOf(run)
				if point != lastPoint || pol != lastPolicy {
					var err error
					if sc, err = p.PolicyScenario(pol, point); err != nil {
						fail(err)
						return
					}
					lastPoint, lastPolicy = point, pol
				}
				res, err := sim.RunOne(ctx, sc, p.seedOf(point), r, p.Weeks, recordSeries)
				if err != nil {
					if ctx.Err() == nil {
						fail(fmt.Errorf("run %d (%s): %w", run, p.describeRun(run), err))
					}
					return
				}
				row := make([]float64, len(p.metrics))
				for i, m := range p.metrics {
					row[i] = res.Metrics[m]
				}
				var weekly []float64
				if recordSeries {
					weekly = make([]float64, 0, p.Weeks*len(p.series))
					for _, wr := range res.Weekly {
						for _, c := range p.series {
							weekly = append(weekly, wr[c])
						}
					}
				}
				mu.Lock()
				b := bufs[j]
				if b == nil {
					b = &chunkBuf{rows: make([][]float64, n), series: make([][]float64, n), left: n}
					bufs[j] = b
				}
				b.rows[run-first] = row
				b.series[run-first] = weekly
				b.left--
				complete := b.left == 0
				if complete {
					bufs[j] = nil
				}
				done++
				if opts.Progress != nil {
					opts.Progress(done, total)
				}
				mu.Unlock()
				if complete {
					if recordSeries {
						if err := writeSeriesChunk(dir, c, first, lay, b.series); err != nil {
							fail(err)
							return
						}
					}
					if err := writeChunk(dir, c, header, first, lay, b.rows); err != nil {
						fail(err)
						return
					}
					mu.Lock()
					rep.Written++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return done, firstErr
	}
	if err := ctx.Err(); err != nil {
		return done, err
	}
	return done, nil
}

// writeChunk writes chunk c (runs first, first+1, ...) to a temporary file
// in dir and renames it into place. It does not sync: a chunk that a
// machine crash leaves incomplete fails verification on resume and is
// computed again, so chunks are not worth an fsync each.
func writeChunk(dir string, c int, header []string, first int, lay layout, rows [][]float64) error {
	return writeChunkFile(dir, ChunkName(c), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		writeRecord(bw, header)
		var b []byte
		for i, row := range rows {
			point, rep, pol := lay.runOf(first + i)
			b = strconv.AppendInt(b[:0], int64(point), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(rep), 10)
			if len(lay.policies) > 0 {
				b = append(b, ',')
				b = append(b, lay.policies[pol]...)
			}
			for _, v := range row {
				b = append(b, ',')
				b = append(b, results.FormatFloat(v)...)
			}
			b = append(b, '\n')
			bw.Write(b)
		}
		return bw.Flush()
	})
}

// SumSuffix names a chunk file's checksum file: chunk-000001.csv.sha256
// holds the hex SHA-256 of the bytes of chunk-000001.csv and a newline. It
// is written after its chunk is in place, so a chunk whose checksum file
// exists and matches is whole and unchanged since it was written.
const SumSuffix = ".sha256"

// writeChunkFile writes the chunk file name in dir through fn, under a
// temporary name and renamed (writeFileAtomic, not synced), then its
// checksum file (SumSuffix).
func writeChunkFile(dir, name string, fn func(io.Writer) error) error {
	h := sha256.New()
	if err := writeFileAtomic(dir, name, false, func(w io.Writer) error { return fn(io.MultiWriter(w, h)) }); err != nil {
		return err
	}
	return writeFileAtomic(dir, name+SumSuffix, false, func(w io.Writer) error {
		_, err := io.WriteString(w, hex.EncodeToString(h.Sum(nil))+"\n")
		return err
	})
}

// chunkSumError is a chunk file missing its checksum file (missing) or not
// matching it (readChunkFile): merge says how to recover from either.
type chunkSumError struct {
	msg     string
	missing bool
}

func (e *chunkSumError) Error() string { return e.msg }

// readChunkFile returns the bytes of the chunk file name, at most max,
// after checking them against its checksum file (SumSuffix). Errors: the
// file's (missing, not regular, too large), a missing checksum file (the
// run writing it was interrupted between the two), or a mismatch (the
// chunk was changed or damaged after it was written); the last two are
// *chunkSumError.
func readChunkFile(name string, max int64) ([]byte, error) {
	data, err := results.ReadRegularFile(context.Background(), name, max)
	if err != nil {
		return nil, err
	}
	sum, err := results.ReadRegularFile(context.Background(), name+SumSuffix, 2*sha256.Size+2)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &chunkSumError{fmt.Sprintf("%s has no checksum file %s: the run writing it was interrupted", name, filepath.Base(name)+SumSuffix), true}
	}
	if err != nil {
		return nil, err
	}
	if got := sha256.Sum256(data); strings.TrimSuffix(string(sum), "\n") != hex.EncodeToString(got[:]) {
		return nil, &chunkSumError{fmt.Sprintf("%s does not match its checksum file %s: it was changed or damaged after it was written", name, filepath.Base(name)+SumSuffix), false}
	}
	return data, nil
}

// describeRun names run's point, replication and, with policies, policy.
func (p *Plan) describeRun(run int) string {
	point, rep, pol := p.RunOf(run)
	if len(p.Policies) > 0 {
		return fmt.Sprintf("point %d, replication %d, policy %s", point, rep, p.Policies[pol].Name)
	}
	return fmt.Sprintf("point %d, replication %d", point, rep)
}

// writeAtomic writes name in dir through fn: to a temporary file in dir,
// synced, then renamed, so that name is complete whenever it exists. The
// rename is made durable by syncDir, which callers call once for many
// files.
func writeAtomic(dir, name string, fn func(io.Writer) error) error {
	return writeFileAtomic(dir, name, true, fn)
}

// writeFileAtomic is writeAtomic, syncing the file only if sync.
func writeFileAtomic(dir, name string, sync bool, fn func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = fn(f); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if sync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

func writeJSON(dir, name string, v any) error {
	return writeAtomic(dir, name, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// syncDir makes renames in dir durable where directories can be synced.
func syncDir(dir string) { results.SyncDir(dir) }
