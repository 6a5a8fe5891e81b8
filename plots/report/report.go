// Package report writes a comparison of sibsim runs as one self-contained
// HTML file that opens with the answer: headline sentences generated from
// the results (care share, who is lost, wellbeing gain by tier, the
// commissioner's cost, staff turnover), each with its 95% interval and
// claiming only what the interval supports; then the key metrics with their
// intervals and paired differences, in a table whose width does not grow
// with the number of scenarios; every figure of package plots with the
// sentence that says how to read it; what was compared and how, with the
// parameter differences collapsed; all metrics; and notes on the model's
// assumptions. Printed (print to PDF), it gives every table and figure
// whole.
//
// The file needs nothing else: no network, no external style sheets,
// scripts or fonts. Figures are inline SVG. Every name and description
// from a scenario is escaped by html/template. The bytes depend only on the
// input: there are no timestamps and no file paths.
package report

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
)

// Input is what a report shows.
type Input struct {
	// Runs are the run directories compared, read by results.ReadRun, the
	// reference first.
	Runs []*results.RunData
	// Comparison compares Runs, in the same order (compare.Compare of
	// compare.FromRun of each run).
	Comparison *compare.Comparison
	// Figures are the figures to show, normally plots.Figures(Runs).
	Figures []plots.Figure
}

//go:embed report.html.tmpl
var pageTemplate string

var pageTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"inc": func(i int) int { return i + 1 },
	// breakable escapes a metric or parameter name and lets lines break
	// after its underscores and dots, not inside its words.
	"breakable": func(s string) template.HTML {
		e := template.HTMLEscapeString(s)
		e = strings.ReplaceAll(e, "_", "_<wbr>")
		return template.HTML(strings.ReplaceAll(e, ".", ".<wbr>")) // #nosec G203: escaped above
	},
}).Parse(pageTemplate))

// Write writes the report for in to w as one HTML document.
func Write(w io.Writer, in Input) error {
	v, err := build(in)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, v); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// view is the data the template renders.
type view struct {
	Title        string
	Reference    string
	Scenarios    []scenarioView
	Replications int
	Seed         uint64
	Weeks        string
	Versions     string
	Params       []paramView
	Headlines    []headline
	EqualCost    []string // how scenarios were rescaled to the reference's cost
	OneRep       bool     // a single replication: no intervals
	Key          metricTable
	All          metricTable
	Figures      []figureView
}

type scenarioView struct {
	Name, Description, Label string
	Reference                bool
	Weeks                    int
	Hash, ShortHash          string
	Chain                    string
	Providers                string
}

type paramView struct {
	Scenario string
	Changes  []compare.Change
}

type metricTable struct {
	ID        string
	Reference string
	Multi     bool // more than one scenario: a difference column
	Rows      []metricRow
}

// metricRow is one metric: a row per scenario, the reference first.
type metricRow struct {
	Metric, Unit, Doc string
	Scenarios         []scenarioCell
}

type scenarioCell struct {
	Label, Name string
	Reference   bool
	Value, Diff cell
}

type cell struct {
	Value, Interval string
	Marked          bool
	N               int
}

type figureView struct {
	Name, Title, Reading string
	SVG                  template.HTML
}

func build(in Input) (*view, error) {
	if len(in.Runs) == 0 {
		return nil, errors.New("report: no runs")
	}
	c := in.Comparison
	if c == nil {
		return nil, errors.New("report: no comparison")
	}
	if len(c.Scenarios) != len(in.Runs) {
		return nil, fmt.Errorf("report: comparison of %d scenarios for %d runs", len(c.Scenarios), len(in.Runs))
	}
	v := &view{Replications: c.Replications, Seed: c.Seed, Reference: c.Scenarios[0]}
	var weeks, versions []string
	units := map[string]results.Column{}
	for i, d := range in.Runs {
		m := d.Manifest
		if m == nil {
			return nil, fmt.Errorf("report: run %d has no manifest", i+1)
		}
		if m.Scenario != c.Scenarios[i] {
			return nil, fmt.Errorf("report: run %d is %s; the comparison has %s", i+1, m.Scenario, c.Scenarios[i])
		}
		for _, col := range m.Metrics {
			if _, ok := units[col.Name]; !ok {
				units[col.Name] = col
			}
		}
		v.Scenarios = append(v.Scenarios, scenarioView{
			Name:        m.Scenario,
			Description: description(m.ScenarioYAML),
			Label:       label(i),
			Reference:   i == 0,
			Weeks:       m.Weeks,
			Hash:        m.ScenarioSHA256,
			ShortHash:   m.ScenarioSHA256[:min(12, len(m.ScenarioSHA256))],
			Chain:       strings.Join(m.ScenarioChain, " → "),
			Providers:   strings.Join(m.Providers, ", "),
		})
		if w := strconv.Itoa(m.Weeks); !slices.Contains(weeks, w) {
			weeks = append(weeks, w)
		}
		if !slices.Contains(versions, m.Version) {
			versions = append(versions, m.Version)
		}
		if i > 0 {
			changes, err := compare.DiffParams([]byte(in.Runs[0].Manifest.ScenarioYAML), []byte(m.ScenarioYAML))
			if err != nil {
				return nil, fmt.Errorf("report: scenario %s: %w", m.Scenario, err)
			}
			v.Params = append(v.Params, paramView{Scenario: m.Scenario, Changes: changes})
		}
	}
	v.Weeks = strings.Join(weeks, ", ")
	v.Versions = strings.Join(versions, ", ")
	names := make([]string, len(c.Scenarios))
	copy(names, c.Scenarios)
	v.Title = "sibsim: " + title(names)

	var key []string
	for _, m := range compare.KeyMetrics() {
		if slices.Contains(c.Metrics, m) {
			key = append(key, m)
		}
	}
	v.Headlines = headlines(c, in.Runs)
	v.EqualCost = equalCostSentences(c)
	v.OneRep = c.Replications < 2
	v.Key = table("key-metrics", c, key, units)
	v.All = table("all-metrics-table", c, c.Metrics, units)

	for _, f := range in.Figures {
		svg, err := plots.Render(f, "svg")
		if err != nil {
			return nil, fmt.Errorf("report: figure %s: %w", f.Name, err)
		}
		markup, err := inlineSVG(svg)
		if err != nil {
			return nil, fmt.Errorf("report: figure %s: %w", f.Name, err)
		}
		v.Figures = append(v.Figures, figureView{Name: f.Name, Title: f.Title, Reading: f.Reading, SVG: markup})
	}
	return v, nil
}

// label is the short name of scenario i in tables, as in the figures'
// legends: A, B, ..., Z, AA, AB, ...
func label(i int) string { return plots.Key(i) }

func title(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1] + " compared"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " compared"
}

// description returns the description field of a resolved scenario.
func description(resolved string) string {
	var s struct {
		Description string `yaml:"description"`
	}
	if err := yaml.Unmarshal([]byte(resolved), &s); err != nil {
		return ""
	}
	return strings.Join(strings.Fields(s.Description), " ")
}

// table lays out metrics in long form: a group of rows per metric, one row
// per scenario, with its mean and, after the reference, its paired
// difference from the reference. The width does not grow with the number of
// scenarios.
func table(id string, c *compare.Comparison, metrics []string, units map[string]results.Column) metricTable {
	t := metricTable{ID: id, Reference: c.Scenarios[0], Multi: len(c.Scenarios) > 1}
	for _, name := range metrics {
		col := units[name]
		row := metricRow{Metric: name, Unit: col.Unit, Doc: col.Doc}
		for s, sc := range c.Scenarios {
			st, _ := c.Stat(s, name)
			sc := scenarioCell{Label: label(s), Name: sc, Reference: s == 0,
				Value: cell{Value: results.Human(st.Mean), Interval: interval(st.Lo95, st.Hi95), N: st.N}}
			if s > 0 {
				sc.Diff = cell{Value: signed(st.Diff), Interval: interval(st.DiffLo95, st.DiffHi95),
					Marked: st.ExcludesZero(), N: st.NPaired}
			}
			row.Scenarios = append(row.Scenarios, sc)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func interval(lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return ""
	}
	return "[" + results.Human(lo) + ", " + results.Human(hi) + "]"
}

func signed(x float64) string {
	s := results.Human(x)
	if x > 0 && s != "0" {
		return "+" + s
	}
	return s
}

// inlineSVG returns an SVG document as markup to place in HTML: from its
// <svg> element on, without the XML declaration and comments before it.
// The figures are drawn by package plots, which escapes text; as a second
// line of defence, markup that could run script is refused.
func inlineSVG(svg []byte) (template.HTML, error) {
	i := bytes.Index(svg, []byte("<svg"))
	if i < 0 {
		return "", errors.New("not an SVG document")
	}
	body := bytes.TrimSpace(svg[i:])
	lower := bytes.ToLower(body)
	for _, bad := range []string{"<script", "<foreignobject", "javascript:"} {
		if bytes.Contains(lower, []byte(bad)) {
			return "", fmt.Errorf("SVG holds %q", bad)
		}
	}
	if hasEventAttribute(lower) {
		return "", errors.New("SVG holds an event-handler attribute")
	}
	return template.HTML(body), nil // #nosec G203: drawn by package plots, checked above
}

// hasEventAttribute reports whether lower-cased markup holds an attribute
// such as onload= inside a tag (text between tags is not checked).
func hasEventAttribute(lower []byte) bool {
	inTag := false
	for i := 0; i < len(lower); i++ {
		switch lower[i] {
		case '<':
			inTag = true
		case '>':
			inTag = false
		case ' ', '\t', '\n', '\r':
			if inTag && i+3 < len(lower) && lower[i+1] == 'o' && lower[i+2] == 'n' {
				j := i + 3
				for j < len(lower) && lower[j] >= 'a' && lower[j] <= 'z' {
					j++
				}
				if j < len(lower) && lower[j] == '=' {
					return true
				}
			}
		}
	}
	return false
}

// equalCostSentences says, for each scenario whose payments were rescaled
// for an equal-cost comparison (compare.EqualCost), what was multiplied and
// by how much; nil when none was.
func equalCostSentences(c *compare.Comparison) []string {
	var out []string
	for s := 1; s < len(c.Scenarios); s++ {
		sc := c.Scale(s)
		if !sc.Rescaled() {
			continue
		}
		what := "every payment amount"
		if sc.Rule != compare.AllRules {
			what = "the amounts of its " + sc.Rule + " rules"
		}
		out = append(out, fmt.Sprintf("%s: %s multiplied by %s, so that its expected commissioner spend (%s) matches %s's.",
			c.Scenarios[s], what, strconv.FormatFloat(sc.Factor, 'g', 4, 64), compare.CommissionerSpendMetric, c.Scenarios[0]))
	}
	return out
}
