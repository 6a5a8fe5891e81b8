package sweep

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/sibsim/sibsim/sim/results"
)

// parquetRowGroup is the number of rows per row group: bounded, so memory
// stays flat however many runs there are, and fixed, so the bytes do not
// depend on anything but the rows.
const parquetRowGroup = 1 << 16

// parquetSchema is the schema of runs.parquet: point and replication as
// required INT64, with policies the scenario as a required UTF-8 string,
// then each varied parameter's value at the run's point as a required
// DOUBLE named by its path (as in points.csv), then one optional DOUBLE per
// metric (null for NA), in the order of runs.csv. With the parameters
// beside the metrics, the file stands alone in a data frame (pandas, R,
// DuckDB) without a join on points.csv.
func parquetSchema(params, metrics []string, policies bool) *parquet.Schema {
	fields := []reflect.StructField{
		{Name: "Point", Type: reflect.TypeFor[int64](), Tag: `parquet:"point"`},
		{Name: "Replication", Type: reflect.TypeFor[int64](), Tag: `parquet:"replication"`},
	}
	if policies {
		fields = append(fields, reflect.StructField{Name: "Scenario", Type: reflect.TypeFor[string](), Tag: `parquet:"scenario"`})
	}
	for i, p := range params {
		fields = append(fields, reflect.StructField{
			Name: "P" + strconv.Itoa(i),
			Type: reflect.TypeFor[float64](),
			Tag:  reflect.StructTag(`parquet:"` + p + `"`),
		})
	}
	for i, m := range metrics {
		fields = append(fields, reflect.StructField{
			Name: "M" + strconv.Itoa(i),
			Type: reflect.TypeFor[*float64](),
			Tag:  reflect.StructTag(`parquet:"` + m + `,optional"`),
		})
	}
	// A struct type keeps the columns in order (a parquet.Group sorts them).
	return parquet.NewSchema("runs", parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Elem().Interface()))
}

// writeParquet writes runs.parquet from the chunks: the same rows and
// values as runs.csv (NA as null), zstd-compressed, with each run's
// parameter values from the sweep's points.csv in pointsDir, after point
// and replication. Errors: a parameter path that cannot name a column, a
// points.csv or chunk that does not match the manifest.
func writeParquet(ctx context.Context, w io.Writer, m Manifest, lay layout, pointsDir string, chunk func(c int) string) error {
	metrics := m.Experiment.Metrics
	params := make([]string, len(m.Experiment.Parameters))
	for i, p := range m.Experiment.Parameters {
		params[i] = p.Path
		if strings.ContainsAny(p.Path, ",\"`") || p.Path == "" || slices.Contains(metrics, p.Path) ||
			p.Path == "point" || p.Path == "replication" || p.Path == ScenarioColumn || slices.Contains(params[:i], p.Path) {
			return fmt.Errorf("parameter %q cannot name a column of %s", p.Path, RunsParquetFile)
		}
	}
	points, err := loadPoints(ctx, pointsDir, params, m.Points)
	if err != nil {
		return err
	}
	pw := parquet.NewWriter(w, parquetSchema(params, metrics, len(lay.policies) > 0),
		parquet.Compression(&zstd.Codec{}),
		parquet.CreatedBy("sibsim", m.Version, ""),
		parquet.MaxRowsPerRowGroup(parquetRowGroup),
		parquet.KeyValueMetadata("sibsim.experiment_sha256", m.ExperimentSHA256),
	)
	rows := make([]parquet.Row, 0, m.ChunkSize)
	var rowErr error
	for c := range m.Chunks {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows = rows[:0]
		keys := lay.keys()
		first := keys + len(params)
		if err := readChunkRows(chunk(c), lay, func(point, rep int64, policy string, vals []float64) {
			row := make(parquet.Row, 0, first+len(vals))
			row = append(row, parquet.Int64Value(point).Level(0, 0, 0), parquet.Int64Value(rep).Level(0, 0, 1))
			if keys == 3 {
				row = append(row, parquet.ByteArrayValue([]byte(policy)).Level(0, 0, 2))
			}
			if point < 0 || point >= int64(len(points)) {
				rowErr = fmt.Errorf("chunk %s: point %d; the sweep has %d", chunk(c), point, len(points))
				return
			}
			for i, x := range points[point] {
				row = append(row, parquet.DoubleValue(x).Level(0, 0, keys+i))
			}
			for i, v := range vals {
				if math.IsNaN(v) {
					row = append(row, parquet.NullValue().Level(0, 0, first+i))
				} else {
					row = append(row, parquet.DoubleValue(v).Level(0, 1, first+i))
				}
			}
			rows = append(rows, row)
		}); err != nil {
			return err
		}
		if rowErr != nil {
			return rowErr
		}
		if _, err := pw.WriteRows(rows); err != nil {
			return err
		}
	}
	return pw.Close()
}

// loadPoints reads the parameter values of points.csv in dir, with the
// given parameter columns and n points, as ReadResults checks it:
// points[point][parameter].
func loadPoints(ctx context.Context, dir string, params []string, n int) ([][]float64, error) {
	r := &Results{Dir: dir, Params: params, points: n, ctx: ctx}
	if err := r.readPoints(); err != nil {
		return nil, err
	}
	return r.Points, nil
}

// readChunkRows calls fn for every row of a chunk file (header checked).
func readChunkRows(name string, lay layout, fn func(point, rep int64, policy string, vals []float64)) error {
	f, err := results.OpenRegular(context.Background(), name, results.MaxDataFileBytes, true)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	if !sc.Scan() || sc.Text()+"\n" != lay.header {
		return fmt.Errorf("chunk %s: wrong header", name)
	}
	vals := make([]float64, lay.metrics)
	keys := lay.keys()
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ",")
		if len(fields) != keys+lay.metrics {
			return fmt.Errorf("chunk %s: a row has %d fields; want %d", name, len(fields), keys+lay.metrics)
		}
		point, err1 := strconv.ParseInt(fields[0], 10, 64)
		rep, err2 := strconv.ParseInt(fields[1], 10, 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("chunk %s: bad point or replication %q", name, fields[0]+","+fields[1])
		}
		for i, s := range fields[keys:] {
			v, err := results.ParseFloat(s)
			if err != nil {
				return fmt.Errorf("chunk %s: %w", name, err)
			}
			vals[i] = v
		}
		policy := ""
		if keys == 3 {
			policy = fields[2]
		}
		fn(point, rep, policy, vals)
	}
	return sc.Err()
}
