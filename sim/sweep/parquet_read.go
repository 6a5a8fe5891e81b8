package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/parquet-go/parquet-go"

	"github.com/sibsim/sibsim/sim/results"
)

// parquetRuns is runs.parquet opened for reading: the file and where its
// columns are.
type parquetRuns struct {
	file *parquet.File
	// params is true when the file carries the parameter columns (files
	// written before they were added do not).
	params bool
	// names are the leaf columns' names, in order; metrics start at first.
	names []string
	first int
}

// openParquetRuns opens runs.parquet and checks its columns: point and
// replication (INT64, required), for an experiment with policies the
// scenario (UTF-8 string, required), then, optionally, the manifest's
// parameters in order (DOUBLE, required), then the metrics (DOUBLE,
// optional), each named once. The file is read into memory: Parquet's
// footer comes last and its columns are read by offset. A file the Parquet
// reader cannot decode gives an error, never a panic.
func (r *Results) openParquetRuns() (pr *parquetRuns, err error) {
	name := r.file(RunsParquetFile)
	data, err := results.ReadRegularFile(r.ctx, name, results.MaxDataFileBytes)
	if err != nil {
		return nil, err
	}
	defer recoverParquet(name, &err)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	pr = &parquetRuns{file: f}
	cols := f.Root().Columns()
	for _, c := range cols {
		pr.names = append(pr.names, c.Name())
	}
	want := func(i int, kind parquet.Kind, optional bool) error {
		c := cols[i]
		req := "required"
		if optional {
			req = "optional"
		}
		if len(c.Columns()) > 0 || c.Type() == nil || c.Type().Kind() != kind || c.Optional() != optional || c.Repeated() {
			return fmt.Errorf("%s: column %d (%s) is not a %s %s", name, i+1, c.Name(), req, kind)
		}
		return nil
	}
	keys := r.keys()
	if len(cols) < keys+1 || pr.names[0] != "point" || pr.names[1] != "replication" || keys == 3 && pr.names[2] != ScenarioColumn {
		if keys == 3 {
			return nil, fmt.Errorf("%s: columns %q; want point, replication, scenario, the parameters, then metrics", name, pr.names)
		}
		return nil, fmt.Errorf("%s: columns %q; want point, replication, the parameters, then metrics", name, pr.names)
	}
	for i := range 2 {
		if err := want(i, parquet.Int64, false); err != nil {
			return nil, err
		}
	}
	if keys == 3 {
		c := cols[2]
		if len(c.Columns()) > 0 || c.Type() == nil || c.Type().Kind() != parquet.ByteArray || c.Optional() || c.Repeated() {
			return nil, fmt.Errorf("%s: column 3 (%s) is not a required string", name, c.Name())
		}
	}
	pr.first = keys
	k := len(r.Params)
	if len(cols) > keys+k && slices.Equal(pr.names[keys:keys+k], r.Params) {
		pr.params, pr.first = true, keys+k
		for i := keys; i < keys+k; i++ {
			if err := want(i, parquet.Double, false); err != nil {
				return nil, err
			}
		}
	}
	for i := pr.first; i < len(cols); i++ {
		h := pr.names[i]
		if h == "" || slices.Contains(pr.names[:i], h) {
			return nil, fmt.Errorf("%s: column %d: empty or repeated name %q", name, i+1, h)
		}
		if err := want(i, parquet.Double, true); err != nil {
			return nil, err
		}
	}
	return pr, nil
}

// recoverParquet turns a panic of the Parquet reader on a malformed file
// into an error naming the file.
func recoverParquet(name string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%s: malformed Parquet file: %v", name, p)
	}
}

// readParquetRuns reads the values of metrics from runs.parquet, checking
// as readRuns checks runs.csv that rows come in order of point, then
// replication (then policy, in the manifest's order), one per run, and that the parameter columns, when the file
// has them, hold each point's values in points.csv.
func (r *Results) readParquetRuns(ctx context.Context, pr *parquetRuns, metrics []string) (err error) {
	name := r.file(RunsParquetFile)
	defer recoverParquet(name, &err)
	if n := pr.file.NumRows(); n != int64(r.runs) {
		return fmt.Errorf("%s: %d runs; the manifest says %d", name, n, r.runs)
	}
	cols := make([]int, len(metrics))
	for i, m := range metrics {
		cols[i] = slices.Index(pr.names, m)
	}
	reps, np, keys := r.Replications, r.NumPolicies(), r.keys()
	r.Metrics = metrics
	r.Values = make([][]float64, len(metrics))
	for i := range r.Values {
		r.Values[i] = make([]float64, r.runs)
	}
	rd := parquet.NewReader(pr.file)
	defer rd.Close()
	buf := make([]parquet.Row, 1024)
	run := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := rd.ReadRows(buf)
		for _, row := range buf[:n] {
			if run >= r.runs {
				return fmt.Errorf("%s: more runs than the manifest's %d", name, r.runs)
			}
			if len(row) != len(pr.names) {
				return fmt.Errorf("%s: run %d has %d values; want %d", name, run, len(row), len(pr.names))
			}
			pol, pr0 := run%np, run/np
			p, rep := int64(pr0/reps), int64(pr0%reps)
			if row[0].Int64() != p || row[1].Int64() != rep {
				order := "point, then replication"
				if keys == 3 {
					order += ", then scenario"
				}
				return fmt.Errorf("%s: row %d: point %d replication %d; want point %d replication %d (rows are ordered by %s, from 0)",
					name, run+1, row[0].Int64(), row[1].Int64(), p, rep, order)
			}
			if keys == 3 && string(row[2].ByteArray()) != r.Policies[pol] {
				return fmt.Errorf("%s: row %d: scenario %q; want %s (each point and replication has a row per policy, in the manifest's order)",
					name, run+1, row[2].ByteArray(), r.Policies[pol])
			}
			if pr.params {
				for i, x := range r.Points[p] {
					if v := row[keys+i].Double(); v != x {
						return fmt.Errorf("%s: row %d: %s is %v; %s has %v at point %d",
							name, run+1, r.Params[i], v, PointsFile, x, p)
					}
				}
			}
			for i, c := range cols {
				v := row[c]
				if v.IsNull() {
					r.Values[i][run] = math.NaN()
				} else {
					r.Values[i][run] = v.Double()
				}
			}
			run++
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return fmt.Errorf("%s: %w", name, rerr)
		}
	}
	if run != r.runs {
		return fmt.Errorf("%s: %d runs; the manifest says %d", name, run, r.runs)
	}
	return nil
}
