package results

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
)

// RunData is everything a run directory holds, read back from its files.
//
// Replications are indexed by their row order in replications.csv (rep 0 is
// the first row); ReplicationIDs gives each one's replication index as
// written. Weeks are indexed from 0: Weekly[r][0] is week 1.
type RunData struct {
	// Dir is the directory read, as passed to ReadRun.
	Dir string
	// Manifest is manifest.json.
	Manifest *Manifest
	// Summary is summary.csv, with each row's Unit taken from the manifest.
	Summary []Row

	// Metrics names the metrics, in replications.csv column order.
	Metrics []string
	// ReplicationIDs[r] is the replication column of row r of
	// replications.csv (the index passed to sim.RunOne). Rows are told
	// apart by position, not by this value.
	ReplicationIDs []int
	// Replications[r][m] is metric Metrics[m] of replication r; NaN for NA.
	Replications [][]float64

	// WeeklyColumns names the columns of weekly.csv after replication,week.
	WeeklyColumns []string
	// Weekly[r][w][c] is weekly column c of replication r in week w+1.
	Weekly [][][]float64

	// Providers names the providers in first-appearance order in
	// weekly_by_provider.csv (the manifest's when it has no rows).
	Providers []string
	// ProviderColumns names the columns of weekly_by_provider.csv after
	// replication,week,provider.
	ProviderColumns []string
	// ProviderWeekly[r][p][w][c] is provider column c of provider p in
	// replication r, week w+1.
	ProviderWeekly [][][][]float64

	ctx context.Context // while reading
}

// ReadRun reads every file of the results directory dir. It checks that
// every file has the SHA-256 the manifest records (VerifyFiles), that the
// files agree with each other and with the manifest (columns,
// replications, weeks, providers, row order), and reports the first
// problem with the file and line where it is. Only regular files are read,
// within MaxManifestBytes, MaxDataFileBytes and MaxLineBytes.
func ReadRun(dir string) (*RunData, error) {
	return ReadRunContext(context.Background(), dir)
}

// ReadRunContext is ReadRun, stopping with ctx's error once ctx is done.
func ReadRunContext(ctx context.Context, dir string) (*RunData, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if err := VerifyFiles(ctx, dir, m); err != nil {
		return nil, err
	}
	d := &RunData{Dir: dir, Manifest: m, ctx: ctx}
	if d.Summary, err = ReadSummary(dir); err != nil {
		return nil, err
	}
	units := make(map[string]string, len(m.Metrics))
	for _, c := range m.Metrics {
		units[c.Name] = c.Unit
	}
	for i := range d.Summary {
		d.Summary[i].Unit = units[d.Summary[i].Metric]
	}
	if err := d.readReplications(); err != nil {
		return nil, err
	}
	if err := d.readWeekly(); err != nil {
		return nil, err
	}
	if err := d.readProviders(); err != nil {
		return nil, err
	}
	d.ctx = nil
	return d, nil
}

// Metric returns metric name of each replication, or false if the run has
// no such metric.
func (d *RunData) Metric(name string) ([]float64, bool) {
	i := slices.Index(d.Metrics, name)
	if i < 0 {
		return nil, false
	}
	out := make([]float64, len(d.Replications))
	for r, row := range d.Replications {
		out[r] = row[i]
	}
	return out, true
}

// WeeklyColumn returns weekly column name as [replication][week], or false
// if weekly.csv has no such column.
func (d *RunData) WeeklyColumn(name string) ([][]float64, bool) {
	i := slices.Index(d.WeeklyColumns, name)
	if i < 0 {
		return nil, false
	}
	out := make([][]float64, len(d.Weekly))
	for r, weeks := range d.Weekly {
		out[r] = make([]float64, len(weeks))
		for w, row := range weeks {
			out[r][w] = row[i]
		}
	}
	return out, true
}

// ProviderColumn returns provider column name as
// [replication][provider][week], or false if weekly_by_provider.csv has no
// such column.
func (d *RunData) ProviderColumn(name string) ([][][]float64, bool) {
	i := slices.Index(d.ProviderColumns, name)
	if i < 0 {
		return nil, false
	}
	out := make([][][]float64, len(d.ProviderWeekly))
	for r, providers := range d.ProviderWeekly {
		out[r] = make([][]float64, len(providers))
		for p, weeks := range providers {
			out[r][p] = make([]float64, len(weeks))
			for w, row := range weeks {
				out[r][p][w] = row[i]
			}
		}
	}
	return out, true
}

// csvFile reads one CSV file of a results directory, tracking positions for
// error messages.
type csvFile struct {
	name string // path shown in errors
	f    *File
	r    *csv.Reader
	keys []string // key column names
	cols []string // value column names
}

// openCSV opens file in dir, reads its header, checks that it begins with
// keys and, when want is not nil, that the value columns equal want (the
// manifest's).
func openCSV(ctx context.Context, dir, file string, keys []string, want []Column) (*csvFile, error) {
	name := filepath.Join(dir, file)
	f, err := OpenRegular(ctx, name, MaxDataFileBytes, true)
	if err != nil {
		return nil, err
	}
	c := &csvFile{name: name, f: f, r: csv.NewReader(f), keys: keys}
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err != nil {
		f.Close()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file; want a header row", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(header) < len(keys) || !slices.Equal(header[:len(keys)], keys) {
		f.Close()
		return nil, fmt.Errorf("%s:1: header begins %q; want %q", name, header[:min(len(keys), len(header))], keys)
	}
	c.cols = slices.Clone(header[len(keys):])
	if want != nil {
		names := make([]string, len(want))
		for i, col := range want {
			names[i] = col.Name
		}
		if !slices.Equal(c.cols, names) {
			f.Close()
			return nil, fmt.Errorf("%s:1: columns %q do not match the manifest's %q", name, c.cols, names)
		}
	}
	c.r.FieldsPerRecord = len(header)
	return c, nil
}

func (c *csvFile) close() { c.f.Close() }

// next reads the next record; it returns nil, nil at the end of the file.
func (c *csvFile) next() ([]string, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	return rec, nil
}

// errorf returns an error located at field i of the current record.
func (c *csvFile) errorf(i int, format string, args ...any) error {
	line, col := c.r.FieldPos(i)
	return fmt.Errorf("%s:%d:%d: %s", c.name, line, col, fmt.Sprintf(format, args...))
}

// int parses key field i of the current record.
func (c *csvFile) int(rec []string, i int) (int, error) {
	n, err := strconv.Atoi(rec[i])
	if err != nil {
		return 0, c.errorf(i, "%s: invalid integer %q", c.keys[i], rec[i])
	}
	return n, nil
}

// values parses the value fields of the current record into a new slice.
func (c *csvFile) values(rec []string) ([]float64, error) {
	k := len(c.keys)
	out := make([]float64, len(rec)-k)
	for i := range out {
		x, err := ParseFloat(rec[k+i])
		if err != nil {
			return nil, c.errorf(k+i, "%s: invalid number %q", c.cols[i], rec[k+i])
		}
		out[i] = x
	}
	return out, nil
}

func (d *RunData) readReplications() error {
	c, err := openCSV(d.ctx, d.Dir, ReplicationsFile, []string{"replication"}, d.Manifest.Metrics)
	if err != nil {
		return err
	}
	defer c.close()
	d.Metrics = c.cols
	for {
		rec, err := c.next()
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		id, err := c.int(rec, 0)
		if err != nil {
			return err
		}
		row, err := c.values(rec)
		if err != nil {
			return err
		}
		d.ReplicationIDs = append(d.ReplicationIDs, id)
		d.Replications = append(d.Replications, row)
	}
	if len(d.Replications) != d.Manifest.Replications {
		return fmt.Errorf("%s: %d replications; the manifest says %d", c.name, len(d.Replications), d.Manifest.Replications)
	}
	return nil
}

// keyCheck checks that the current record of c has the replication of row
// wantRep of replications.csv and week wantWeek+1: rows are sorted by
// replication, in replications.csv order, then week, from 1.
func (d *RunData) keyCheck(c *csvFile, rec []string, wantRep, wantWeek int) error {
	id, err := c.int(rec, 0)
	if err != nil {
		return err
	}
	week, err := c.int(rec, 1)
	if err != nil {
		return err
	}
	if wantRep >= len(d.ReplicationIDs) || wantWeek >= d.Manifest.Weeks {
		return c.errorf(0, "more rows than %d replications of %d weeks", len(d.ReplicationIDs), d.Manifest.Weeks)
	}
	if id != d.ReplicationIDs[wantRep] {
		return c.errorf(0, "replication %d; want %d (rows are sorted by replication, in replications.csv order, then week)", id, d.ReplicationIDs[wantRep])
	}
	if week != wantWeek+1 {
		return c.errorf(1, "week %d; want %d (each replication has weeks 1 to %d in order)", week, wantWeek+1, d.Manifest.Weeks)
	}
	return nil
}

func (d *RunData) readWeekly() error {
	c, err := openCSV(d.ctx, d.Dir, WeeklyFile, []string{"replication", "week"}, d.Manifest.WeeklyColumns)
	if err != nil {
		return err
	}
	defer c.close()
	d.WeeklyColumns = c.cols
	weeks := d.Manifest.Weeks
	d.Weekly = make([][][]float64, len(d.ReplicationIDs))
	for r := range d.Weekly {
		d.Weekly[r] = make([][]float64, 0, weeks)
	}
	n := 0
	for ; ; n++ {
		rec, err := c.next()
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		r, w := 0, n
		if weeks > 0 {
			r, w = n/weeks, n%weeks
		}
		if err := d.keyCheck(c, rec, r, w); err != nil {
			return err
		}
		row, err := c.values(rec)
		if err != nil {
			return err
		}
		d.Weekly[r] = append(d.Weekly[r], row)
	}
	if want := len(d.ReplicationIDs) * weeks; n != want {
		return fmt.Errorf("%s: %d rows; want %d (%d replications of %d weeks)", c.name, n, want, len(d.ReplicationIDs), weeks)
	}
	return nil
}

func (d *RunData) readProviders() error {
	c, err := openCSV(d.ctx, d.Dir, ProviderFile, []string{"replication", "week", "provider"}, d.Manifest.ProviderColumns)
	if err != nil {
		return err
	}
	defer c.close()
	d.ProviderColumns = c.cols
	weeks := d.Manifest.Weeks
	reps := len(d.ReplicationIDs)
	d.Providers = []string{}
	d.ProviderWeekly = make([][][][]float64, reps)
	// The rows of the first week of the first replication name the
	// providers and fix their order; after them, row n is provider n%P of
	// week (n/P)%weeks of replication n/P/weeks.
	var firstKeys [2]string
	inFirstWeek := true
	n := 0
	for ; ; n++ {
		rec, err := c.next()
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		if n == 0 {
			firstKeys = [2]string{rec[0], rec[1]}
		} else if inFirstWeek && [2]string{rec[0], rec[1]} != firstKeys {
			inFirstWeek = false
		}
		r, w, p := 0, 0, n
		if !inFirstWeek {
			np := len(d.Providers)
			r, w, p = n/np/weeks, n/np%weeks, n%np
		}
		if err := d.keyCheck(c, rec, r, w); err != nil {
			return err
		}
		name := rec[2]
		if inFirstWeek {
			if slices.Contains(d.Providers, name) {
				return c.errorf(2, "provider %q appears twice in one week", name)
			}
			d.Providers = append(d.Providers, name)
		} else if name != d.Providers[p] {
			return c.errorf(2, "provider %q; want %q (every week lists the providers in the same order)", name, d.Providers[p])
		}
		row, err := c.values(rec)
		if err != nil {
			return err
		}
		if len(d.ProviderWeekly[r]) <= p {
			d.ProviderWeekly[r] = append(d.ProviderWeekly[r], make([][]float64, 0, weeks))
		}
		d.ProviderWeekly[r][p] = append(d.ProviderWeekly[r][p], row)
	}
	if n == 0 {
		// No weeks: only the manifest names the providers.
		d.Providers = slices.Clone(d.Manifest.Providers)
	}
	np := len(d.Providers)
	if want := reps * weeks * np; n != want {
		return fmt.Errorf("%s: %d rows; want %d (%d replications of %d weeks, %d providers)", c.name, n, want, reps, weeks, np)
	}
	if m := d.Manifest.Providers; !slices.Equal(d.Providers, m) && len(m)+np > 0 {
		return fmt.Errorf("%s: providers %q do not match the manifest's %q", c.name, d.Providers, m)
	}
	for r := range d.ProviderWeekly {
		for len(d.ProviderWeekly[r]) < np {
			d.ProviderWeekly[r] = append(d.ProviderWeekly[r], [][]float64{})
		}
	}
	return nil
}
