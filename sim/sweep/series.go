package sweep

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/sibsim/sibsim/sim/results"
)

// Names of the weekly series file of a sweep that records series.
const (
	SeriesFile        = "series.csv"
	SeriesParquetFile = "series.parquet"
)

// SeriesChunkName is the file name in ChunksDir of chunk c's weekly
// series: written before the chunk's runs file, so a complete runs chunk
// has its series beside it.
func SeriesChunkName(c int) string { return fmt.Sprintf("series-%06d.csv", c) }

func (f Format) seriesFile() string {
	if f == Parquet {
		return SeriesParquetFile
	}
	return SeriesFile
}

// seriesHeader is the header of the series file and its chunks: point,
// replication, scenario (with policies), week (from 1, as in weekly.csv),
// then the series.
func (l layout) seriesHeader() string {
	h := []string{"point", "replication"}
	if len(l.policies) > 0 {
		h = append(h, ScenarioColumn)
	}
	h = append(h, "week")
	return strings.Join(append(h, l.series...), ",") + "\n"
}

// seriesPath is the series chunk beside the runs chunk file name.
func seriesPath(runsChunk string, c int) string {
	return filepath.Join(filepath.Dir(runsChunk), SeriesChunkName(c))
}

// writeSeriesChunk writes chunk c's weekly series (runs first, first+1,
// ...; rows[i][w*S+s] is series s in week w of run first+i) to a
// temporary file in dir and renames it into place.
func writeSeriesChunk(dir string, c, first int, lay layout, rows [][]float64) error {
	return writeChunkFile(dir, SeriesChunkName(c), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		bw.WriteString(lay.seriesHeader())
		ns := len(lay.series)
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
			b = append(b, ',')
			key := len(b)
			for w := range lay.weeks {
				b = strconv.AppendInt(b[:key], int64(w+1), 10) // weeks count from 1, as in weekly.csv
				for _, v := range row[w*ns : (w+1)*ns] {
					b = append(b, ',')
					b = append(b, results.FormatFloat(v)...)
				}
				b = append(b, '\n')
				bw.Write(b)
			}
		}
		return bw.Flush()
	})
}

// verifySeriesChunk checks chunk c's series file: the header, one row per
// run and week in order with the right keys, and a number in every cell.
func (l layout) verifySeriesChunk(name string, c int) error {
	data, err := readChunkFile(name, results.MaxDataFileBytes)
	if err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("series chunk file %s is not the complete series of chunk %d of this sweep: %s", name, c, fmt.Sprintf(format, args...))
	}
	rest, ok := bytes.CutPrefix(data, []byte(l.seriesHeader()))
	if !ok {
		return bad("wrong header")
	}
	first, n := l.chunkRuns(c)
	if len(rest) == 0 || rest[len(rest)-1] != '\n' {
		return bad("does not end with a full line")
	}
	lines := bytes.Split(rest[:len(rest)-1], []byte("\n"))
	if len(lines) != n*l.weeks {
		return bad("%d rows; want %d", len(lines), n*l.weeks)
	}
	keys := l.keys() + 1
	for i, line := range lines {
		point, rep, pol := l.runOf(first + i/l.weeks)
		fields := strings.Split(string(line), ",")
		if len(fields) != keys+len(l.series) {
			return bad("row %d has %d fields; want %d", i+1, len(fields), keys+len(l.series))
		}
		want := []string{strconv.Itoa(point), strconv.Itoa(rep)}
		if len(l.policies) > 0 {
			want = append(want, l.policies[pol])
		}
		want = append(want, strconv.Itoa(i%l.weeks+1))
		for k, w := range want {
			if fields[k] != w {
				return bad("row %d is %s; want %s", i+1, strings.Join(fields[:keys], ","), strings.Join(want, ","))
			}
		}
		for _, f := range fields[keys:] {
			if _, err := results.ParseFloat(f); err != nil {
				return bad("row %d: %v", i+1, err)
			}
		}
	}
	return nil
}

// writeSeries writes the series file in format from the series chunks
// beside the runs chunks chunk(c).
func writeSeries(ctx context.Context, w io.Writer, m Manifest, lay layout, chunks int, chunk func(c int) string, format Format) error {
	if format == Parquet {
		return writeSeriesParquet(ctx, w, m, lay, chunks, func(c int) string { return seriesPath(chunk(c), c) })
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	header := lay.seriesHeader()
	bw.WriteString(header)
	for c := range chunks {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := seriesPath(chunk(c), c)
		data, err := readChunkFile(name, results.MaxDataFileBytes) // checked again: read afresh
		if err != nil {
			return err
		}
		rows, ok := bytes.CutPrefix(data, []byte(header))
		if !ok {
			return fmt.Errorf("series chunk %s: wrong header", name)
		}
		bw.Write(rows)
	}
	return bw.Flush()
}

// writeSeriesParquet writes series.parquet from series files (each with
// the series header): point, replication (INT64), with policies scenario
// (string), week (INT64), then one optional DOUBLE per series (null for
// NA), zstd-compressed, in row groups of parquetRowGroup rows.
func writeSeriesParquet(ctx context.Context, w io.Writer, m Manifest, lay layout, chunks int, file func(c int) string) error {
	fields := []reflect.StructField{
		{Name: "Point", Type: reflect.TypeFor[int64](), Tag: `parquet:"point"`},
		{Name: "Replication", Type: reflect.TypeFor[int64](), Tag: `parquet:"replication"`},
	}
	if len(lay.policies) > 0 {
		fields = append(fields, reflect.StructField{Name: "Scenario", Type: reflect.TypeFor[string](), Tag: `parquet:"scenario"`})
	}
	fields = append(fields, reflect.StructField{Name: "Week", Type: reflect.TypeFor[int64](), Tag: `parquet:"week"`})
	for i, s := range lay.series {
		fields = append(fields, reflect.StructField{Name: "S" + strconv.Itoa(i), Type: reflect.TypeFor[*float64](),
			Tag: reflect.StructTag(`parquet:"` + s + `,optional"`)})
	}
	schema := parquet.NewSchema("series", parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Elem().Interface()))
	pw := parquet.NewWriter(w, schema,
		parquet.Compression(&zstd.Codec{}),
		parquet.CreatedBy("sibsim", m.Version, ""),
		parquet.MaxRowsPerRowGroup(parquetRowGroup),
		parquet.KeyValueMetadata("sibsim.experiment_sha256", m.ExperimentSHA256),
	)
	keys := lay.keys() + 1
	header := lay.seriesHeader()
	for c := range chunks {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := file(c)
		f, err := results.OpenRegular(ctx, name, results.MaxDataFileBytes, false)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<16), 1<<24)
		if !sc.Scan() || sc.Text()+"\n" != header {
			f.Close()
			return fmt.Errorf("series chunk %s: wrong header", name)
		}
		var rows []parquet.Row
		for sc.Scan() {
			fs := strings.Split(sc.Text(), ",")
			if len(fs) != keys+len(lay.series) {
				f.Close()
				return fmt.Errorf("series chunk %s: a row has %d fields; want %d", name, len(fs), keys+len(lay.series))
			}
			row := make(parquet.Row, 0, len(fs))
			for k := range keys {
				if k == 2 && keys == 4 {
					row = append(row, parquet.ByteArrayValue([]byte(fs[k])).Level(0, 0, k))
					continue
				}
				v, err := strconv.ParseInt(fs[k], 10, 64)
				if err != nil {
					f.Close()
					return fmt.Errorf("series chunk %s: bad key %q", name, fs[k])
				}
				row = append(row, parquet.Int64Value(v).Level(0, 0, k))
			}
			for i, s := range fs[keys:] {
				v, err := results.ParseFloat(s)
				if err != nil {
					f.Close()
					return fmt.Errorf("series chunk %s: %w", name, err)
				}
				if math.IsNaN(v) {
					row = append(row, parquet.NullValue().Level(0, 0, keys+i))
				} else {
					row = append(row, parquet.DoubleValue(v).Level(0, 1, keys+i))
				}
			}
			rows = append(rows, row)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return err
		}
		if _, err := pw.WriteRows(rows); err != nil {
			return err
		}
	}
	return pw.Close()
}

// AnalysisSeriesFile: (with policies) scenario, series, week (from 1),
// n, median, p05, p95: the bands of each weekly series (SeriesBands).
const AnalysisSeriesFile = "series_bands.csv"

// SeriesBands summarises the weekly series of a sweep: for each policy,
// series and week, the median and the 5% and 95% quantiles of the series'
// value over every run of the policy (every design point and
// replication), so the band shows the spread over the uncertainty space
// and the replications together.
type SeriesBands struct {
	// Series are the series' names and Units their units, in order.
	Series, Units []string
	// Policies are the policies' names; nil with a base (one band per
	// series).
	Policies []string
	// Weeks is the number of weeks of every run.
	Weeks int
	// Median, P05 and P95 are indexed [policy][series][week] (policy 0
	// with a base; week w from 0 is week w+1 of the series file): quantiles of the finite values (Hyndman and Fan 1996
	// type 7, linear between order statistics, as R's default); NaN where
	// there is none. N counts the finite values.
	Median, P05, P95 [][][]float64
	N                [][][]int
}

// ErrSeriesParquet is ReadSeriesBands' error for a sweep whose weekly
// series are only in series.parquet, which it does not read.
var ErrSeriesParquet = errors.New("weekly series written as Parquet are not read; run or merge the sweep again with CSV output for their bands")

// ReadSeriesBands reads the weekly series of the finished sweep r (its
// series.csv) and returns their bands. It returns nil and no error when
// the sweep recorded no series. Errors: series written only as Parquet
// (ErrSeriesParquet), a malformed file or one that disagrees with the manifest,
// or ctx.Err().
func ReadSeriesBands(ctx context.Context, r *Results) (*SeriesBands, error) {
	var m Manifest
	if err := readJSON(r.file(ManifestFile), &m); err != nil {
		return nil, err
	}
	if len(m.Experiment.Series) == 0 {
		return nil, nil
	}
	lay := layoutOf(&m)
	name := r.file(SeriesFile)
	if !exists(name) && exists(r.file(SeriesParquetFile)) {
		return nil, fmt.Errorf("%s: %w", r.file(SeriesParquetFile), ErrSeriesParquet)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	np, ns, weeks := max(1, len(lay.policies)), len(lay.series), lay.weeks
	if weeks < 1 {
		return nil, fmt.Errorf("%s: experiment.weeks is %d", r.file(ManifestFile), weeks)
	}
	perRun := m.Runs / np // runs of each policy
	// vals[policy][series][week] holds the values over the policy's runs.
	vals := make([][][][]float64, np)
	for pol := range vals {
		vals[pol] = make([][][]float64, ns)
		for s := range vals[pol] {
			vals[pol][s] = make([][]float64, weeks)
			for w := range vals[pol][s] {
				vals[pol][s][w] = make([]float64, 0, perRun)
			}
		}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	if !sc.Scan() || sc.Text()+"\n" != lay.seriesHeader() {
		return nil, fmt.Errorf("%s:1: header %q; want %q", name, sc.Text(), strings.TrimSuffix(lay.seriesHeader(), "\n"))
	}
	keys := lay.keys() + 1
	line := 1
	for row := 0; sc.Scan(); row++ {
		line++
		if row%65536 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if row >= m.Runs*weeks {
			return nil, fmt.Errorf("%s:%d: more rows than the manifest's %d runs of %d weeks", name, line, m.Runs, weeks)
		}
		fs := strings.Split(sc.Text(), ",")
		if len(fs) != keys+ns {
			return nil, fmt.Errorf("%s:%d: %d fields; want %d", name, line, len(fs), keys+ns)
		}
		point, rep, pol := lay.runOf(row / weeks)
		want := strconv.Itoa(point) + "," + strconv.Itoa(rep) + ","
		if len(lay.policies) > 0 {
			want += lay.policies[pol] + ","
		}
		want += strconv.Itoa(row%weeks + 1)
		if got := strings.Join(fs[:keys], ","); got != want {
			return nil, fmt.Errorf("%s:%d: row %s; want %s (rows are ordered by point, replication, scenario, week)", name, line, got, want)
		}
		for s, x := range fs[keys:] {
			v, err := results.ParseFloat(x)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %w", name, line, lay.series[s], err)
			}
			if isFinite(v) {
				vals[pol][s][row%weeks] = append(vals[pol][s][row%weeks], v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if line-1 != m.Runs*weeks {
		return nil, fmt.Errorf("%s: %d rows; the manifest's %d runs of %d weeks make %d", name, line-1, m.Runs, weeks, m.Runs*weeks)
	}
	b := &SeriesBands{Series: lay.series, Policies: lay.policies, Weeks: weeks}
	for _, c := range m.SeriesColumns {
		b.Units = append(b.Units, c.Unit)
	}
	for len(b.Units) < ns {
		b.Units = append(b.Units, "")
	}
	mk := func() [][][]float64 {
		out := make([][][]float64, np)
		for pol := range out {
			out[pol] = make([][]float64, ns)
			for s := range out[pol] {
				out[pol][s] = make([]float64, weeks)
			}
		}
		return out
	}
	b.Median, b.P05, b.P95 = mk(), mk(), mk()
	b.N = make([][][]int, np)
	for pol := range np {
		b.N[pol] = make([][]int, ns)
		for s := range ns {
			b.N[pol][s] = make([]int, weeks)
			for w := range weeks {
				xs := vals[pol][s][w]
				slices.Sort(xs)
				b.N[pol][s][w] = len(xs)
				b.Median[pol][s][w], b.P05[pol][s][w], b.P95[pol][s][w] = Quantile(xs, 0.5), Quantile(xs, 0.05), Quantile(xs, 0.95)
			}
		}
	}
	return b, nil
}

// Quantile returns the q-quantile of sorted, finite xs by linear
// interpolation between order statistics (Hyndman and Fan 1996, type 7:
// h = (n−1)q, x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])); NaN for no values or
// q outside [0, 1].
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 || !(q >= 0 && q <= 1) {
		return math.NaN()
	}
	h := float64(len(xs)-1) * q
	lo := int(math.Floor(h))
	if lo >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// seriesFile returns the CSV file of the bands.
func (b *SeriesBands) file() analysisFile {
	h := []string{"series", "week", "n", "median", "p05", "p95"}
	if len(b.Policies) > 0 {
		h = append([]string{ScenarioColumn}, h...)
	}
	f := results.FormatFloat
	return analysisFile{name: AnalysisSeriesFile, header: h, rows: func(emit func(...string)) {
		for pol := range b.Median {
			for s, name := range b.Series {
				for w := range b.Weeks {
					row := []string{name, strconv.Itoa(w + 1), strconv.Itoa(b.N[pol][s][w]),
						f(b.Median[pol][s][w]), f(b.P05[pol][s][w]), f(b.P95[pol][s][w])}
					if len(b.Policies) > 0 {
						row = append([]string{b.Policies[pol]}, row...)
					}
					emit(row...)
				}
			}
		}
	}}
}
