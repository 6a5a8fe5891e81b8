package compare

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/sibsim/sibsim/sim/results"
)

// File is the name of the comparison table in a compare output directory.
const File = "comparison.csv"

var csvHeader = []string{"scenario", "metric", "mean", "lo95", "hi95", "diff", "diff_lo95", "diff_hi95"}

// CSVHeader returns the header row of comparison.csv.
func CSVHeader() []string { return slices.Clone(csvHeader) }

// WriteCSV writes c as a tidy table (comparison.csv): the header
// scenario,metric,mean,lo95,hi95,diff,diff_lo95,diff_hi95, then one row per
// scenario and metric, scenarios in order (the reference first) and metrics
// in order within each. Numbers are formatted by results.FormatFloat; an
// undefined value is NA, and the reference's diff columns are always NA.
func (c *Comparison) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	rec := make([]string, len(csvHeader))
	for s, name := range c.Scenarios {
		for m, metric := range c.Metrics {
			st := c.Stats[s][m]
			rec[0], rec[1] = name, metric
			for i, v := range []float64{st.Mean, st.Lo95, st.Hi95, st.Diff, st.DiffLo95, st.DiffHi95} {
				rec[2+i] = results.FormatFloat(v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadScenarioNames reads a comparison table written by WriteCSV and returns
// its scenario names in order, the reference first.
func ReadScenarioNames(r io.Reader) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(csvHeader)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file")
		}
		return nil, err
	}
	if !slices.Equal(header, csvHeader) {
		return nil, fmt.Errorf("header %q; want %q", header, csvHeader)
	}
	var names []string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if n := len(names); n == 0 || names[n-1] != rec[0] {
			if slices.Contains(names, rec[0]) {
				line, _ := cr.FieldPos(0)
				return nil, fmt.Errorf("line %d: rows of scenario %q are not together", line, rec[0])
			}
			names = append(names, rec[0])
		}
	}
	if len(names) == 0 {
		return nil, errors.New("no rows")
	}
	return names, nil
}
