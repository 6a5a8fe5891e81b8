package explorer

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/plots/report"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
)

// shownFigures are the figures a view draws, in order: care share over
// time, the equity gap and the money.
var shownFigures = []string{"care-share", "equity-gap", "money"}

// view is what the explorer shows for scenarios run together: the first is
// the reference every other is compared with, replication by replication
// (common random numbers).
type view struct {
	ID           string
	Scenarios    []string
	Seed         uint64
	Replications int
	Headlines    []report.Headline
	Rows         []metricRow
	Figures      []figure
	// CSV is the comparison as comparison.csv ("sibsim compare --out").
	CSV []byte
}

// metricRow is one key metric: its name, unit, meaning and one cell per
// scenario.
type metricRow struct {
	Metric, Unit, Doc string
	Cells             []metricCell
}

type metricCell struct {
	Mean, Interval string
	// Diff and DiffInterval are against the reference ("" for it); Clear
	// marks a difference whose interval excludes zero.
	Diff, DiffInterval string
	Clear              bool
}

// figure is a rendered figure, served as an SVG image.
type figure struct {
	Name, Title, Reading string
	SVG                  []byte
}

// buildView compares runs (the first is the reference), states the
// headlines, tabulates the key metrics and draws the figures.
func buildView(id string, runs []*results.RunData) (*view, error) {
	if len(runs) == 0 {
		return nil, errors.New("no scenarios to show")
	}
	inputs := make([]compare.Input, len(runs))
	seen := map[string]int{}
	for i, d := range runs {
		inputs[i] = compare.FromRun(d)
		seen[inputs[i].Name]++
		if n := seen[inputs[i].Name]; n > 1 {
			inputs[i].Name = fmt.Sprintf("%s (%d)", inputs[i].Name, n)
		}
	}
	c, err := compare.Compare(inputs)
	if err != nil {
		return nil, err
	}
	v := &view{ID: id, Scenarios: c.Scenarios, Seed: c.Seed, Replications: c.Replications,
		Headlines: report.Headlines(c, runs)}
	units := map[string]sim.Column{}
	for _, m := range sim.Metrics() {
		units[m.Name] = m
	}
	for _, m := range compare.KeyMetrics() {
		row := metricRow{Metric: m, Unit: units[m].Unit, Doc: units[m].Doc}
		for s := range c.Scenarios {
			st, ok := c.Stat(s, m)
			if !ok {
				continue
			}
			cell := metricCell{Mean: results.Human(st.Mean), Interval: interval(st.Lo95, st.Hi95)}
			if s > 0 {
				cell.Diff, cell.DiffInterval, cell.Clear = signed(st.Diff), interval(st.DiffLo95, st.DiffHi95), st.ExcludesZero()
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	figs, err := plots.Figures(runs)
	if err != nil {
		return nil, fmt.Errorf("draw figures: %w", err)
	}
	for _, name := range shownFigures {
		i := slices.IndexFunc(figs, func(f plots.Figure) bool { return f.Name == name })
		if i < 0 {
			continue
		}
		svg, err := plots.Render(figs[i], "svg")
		if err != nil {
			return nil, err
		}
		v.Figures = append(v.Figures, figure{Name: name, Title: figs[i].Title, Reading: figs[i].Reading, SVG: svg})
	}
	var buf bytes.Buffer
	if err := c.WriteCSV(&buf); err != nil {
		return nil, err
	}
	v.CSV = buf.Bytes()
	return v, nil
}

func interval(lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return ""
	}
	return results.Human(lo) + " to " + results.Human(hi)
}

func signed(x float64) string {
	s := results.Human(x)
	if x > 0 && s != "0" {
		s = "+" + s
	}
	return s
}
