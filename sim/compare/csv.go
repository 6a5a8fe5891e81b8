package compare

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/sibsim/sibsim/sim/results"
)

// File is the name of the comparison table in a compare output directory.
const File = "comparison.csv"

var csvHeader = []string{"scenario", "metric", "mean", "lo95", "hi95", "diff", "diff_lo95", "diff_hi95", "payments_scaled", "payment_scale"}

// csvHeaderV1 is the header of comparison.csv before the equal-cost
// columns; ReadTable still reads it.
var csvHeaderV1 = csvHeader[:8]

// NotScaled is the payments_scaled value of a scenario whose payments were
// not rescaled.
const NotScaled = "none"

// CSVHeader returns the header row of comparison.csv.
func CSVHeader() []string { return slices.Clone(csvHeader) }

// WriteCSV writes c as a tidy table (comparison.csv): the header
// scenario,metric,mean,lo95,hi95,diff,diff_lo95,diff_hi95,payments_scaled,payment_scale,
// then one row per scenario and metric, scenarios in order (the reference
// first) and metrics in order within each. Numbers are formatted by
// results.FormatFloat; an undefined value is NA, and the reference's diff
// columns are always NA. payments_scaled and payment_scale repeat, on each
// row of a scenario, c.Scale(s): the rule rescaled (NotScaled when none)
// and its factor (1 when none).
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
			sc := c.Scale(s)
			rec[8], rec[9] = NotScaled, results.FormatFloat(sc.Factor)
			if sc.Rescaled() {
				rec[8] = sc.Rule
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
	names, _, err := ReadTable(r)
	return names, err
}

// ReadTable reads a comparison table written by WriteCSV and returns its
// scenario names in order, the reference first, and how each was rescaled
// (Scale{Factor: 1} when not). A table without the payments_scaled and
// payment_scale columns (written before they were added) reads as not
// rescaled.
func ReadTable(r io.Reader) ([]string, []Scale, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, errors.New("empty file")
		}
		return nil, nil, err
	}
	if !slices.Equal(header, csvHeader) && !slices.Equal(header, csvHeaderV1) {
		return nil, nil, fmt.Errorf("header %q; want %q", header, csvHeader)
	}
	width := len(header)
	var names []string
	var scales []Scale
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != width {
			return nil, nil, fmt.Errorf("line %d: %d fields; want %d", line, len(rec), width)
		}
		sc := Scale{Factor: 1}
		if width == len(csvHeader) && rec[8] != NotScaled {
			f, err := results.ParseFloat(rec[9])
			if err != nil || !(f > 0) || math.IsInf(f, 0) {
				return nil, nil, fmt.Errorf("line %d: payment_scale %q is not a number > 0", line, rec[9])
			}
			sc = Scale{Rule: rec[8], Factor: f}
		}
		if n := len(names); n == 0 || names[n-1] != rec[0] {
			if slices.Contains(names, rec[0]) {
				return nil, nil, fmt.Errorf("line %d: rows of scenario %q are not together", line, rec[0])
			}
			names = append(names, rec[0])
			scales = append(scales, sc)
		} else if scales[n-1] != sc {
			return nil, nil, fmt.Errorf("line %d: scenario %q has two payment scales", line, rec[0])
		}
	}
	if len(names) == 0 {
		return nil, nil, errors.New("no rows")
	}
	return names, scales, nil
}
