// Package plots draws the figures that compare sibsim runs, from results
// read back with results.ReadRun (Figures), and the figures of a parameter
// sweep's sensitivity analysis (SensitivityFigures): functions from result
// data to *plot.Plot (gonum.org/v1/plot). The caller picks the format, with
// Render or the plot's own WriterTo.
//
// Every comparison figure gives a scenario the same colour (Colour), shows
// time in years since the start of the run, states its units on the axes,
// and keeps its legend outside the data area. Text is set in Liberation
// Sans, embedded in gonum.org/v1/plot, and drawn as glyph outlines in SVG:
// no system font is read or needed, nothing depends on the clock, and the
// same data always give the same SVG bytes.
package plots

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/results"
)

// Figure is one figure, ready to render.
type Figure struct {
	// Name is the file stem, e.g. "care-share" or "hours-block-grant":
	// lower case letters, digits, '-', '_' and '.'.
	Name string
	// Title is the figure's title, as drawn on the plot.
	Title string
	// Reading is one plain sentence reading the figure from the data.
	Reading string
	// Plot is the figure.
	Plot *plot.Plot
	// Width and Height are the size to draw it at.
	Width, Height vg.Length
	// legend is the figure's legend, if it has one: Figures makes the
	// figure taller when the legend needs it (fitHeight).
	legend *legend
}

// Default figure size.
const (
	width  = 7.5 * vg.Inch
	height = 4 * vg.Inch
)

// pngDPI is the resolution of PNG output: twice the CSS pixel density, so
// that figures stay sharp on high-density screens.
const pngDPI = 192

// palette holds the scenario colours: first six of the Okabe-Ito
// colour-blind-safe palette (its yellow left out as too pale on white),
// then five darker or duller hues from Paul Tol's muted scheme that none
// of the first six resembles (wine, olive, indigo, rose, brown), so that
// the eight funding scenarios of a full comparison each have their own
// colour, and Okabe-Ito's black last: black is also the colour of error
// bars and of the legends' generic swatches, which a black scenario would
// hide. Only the Okabe-Ito colours are chosen to be told apart under
// colour blindness.
var palette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0x88, 0x22, 0x55, 0xFF}, // wine
	{0x99, 0x99, 0x33, 0xFF}, // olive
	{0x33, 0x22, 0x88, 0xFF}, // indigo
	{0xCC, 0x66, 0x77, 0xFF}, // rose
	{0x8C, 0x51, 0x0A, 0xFF}, // brown
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// Colour returns scenario i's colour; the same scenario index has the same
// colour in every figure. Colours repeat after twelve scenarios.
func Colour(i int) color.Color {
	i %= len(palette)
	if i < 0 {
		i += len(palette)
	}
	return palette[i]
}

// Render writes f in format "svg", "png" or "pdf" at f.Width by f.Height
// (7.5 by 4 inches when unset). Text is set in Liberation Sans whatever the
// viewer has: SVG draws it as glyph outlines (defined once per document,
// with ids beginning "g-" and the figure's name, so that figures can share
// an HTML page) and gives the document the figure's title; PDF embeds the
// font. The output bytes depend only on f: PDF documents carry a fixed
// date, 2000-01-01 (see pdfDefaults).
func Render(f Figure, format string) ([]byte, error) {
	if f.Plot == nil {
		return nil, fmt.Errorf("plots: figure %q has no plot", f.Name)
	}
	w, h := f.Width, f.Height
	if w <= 0 {
		w = width
	}
	if h <= 0 {
		h = height
	}
	var c vg.CanvasWriterTo
	var glyphs *glyphCanvas
	switch format {
	case "svg":
		glyphs = &glyphCanvas{Canvas: vgsvg.New(w, h)}
		c = glyphs
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))}
	case "pdf":
		pdfDefaults.Do(func() {
			fpdf.SetDefaultCatalogSort(true)
			fpdf.SetDefaultCreationDate(pdfTime)
			fpdf.SetDefaultModificationDate(pdfTime)
		})
		c = pdfCanvas{vgpdf.New(w, h)}
	default:
		return nil, fmt.Errorf("plots: unknown format %q (want svg, png or pdf)", format)
	}
	f.Plot.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plots: render %s as %s: %w", f.Name, format, err)
	}
	out := buf.Bytes()
	if glyphs != nil {
		var err error
		if out, err = glyphs.outlineText(out, "g-"+fileStem(f.Name), f.Title); err != nil {
			return nil, fmt.Errorf("plots: render %s as svg: %w", f.Name, err)
		}
	}
	return out, nil
}

// The PDF writer (codeberg.org/go-pdf/fpdf, under vgpdf) stamps documents
// with the time and writes its fonts in map order unless told otherwise,
// and vgpdf gives no access to the document. Render therefore sets fpdf's
// package defaults, once, before the first PDF: sorted catalogs and a fixed
// date (pdfTime) for every document fpdf creates in this process.
var (
	pdfDefaults sync.Once
	pdfTime     = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// pdfCanvas works around vgpdf (gonum.org/v1/plot v0.17.0) registering every
// font with an empty PDF style but selecting bold and italic faces with
// style "B" or "I", which fails ("undefined font"): it names such a face as a
// variant of its own, in the regular style.
type pdfCanvas struct{ *vgpdf.Canvas }

// FillString implements vg.Canvas.
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, str string) {
	if f.Font.Weight != xfont.WeightNormal || f.Font.Style != xfont.StyleNormal {
		f.Font.Variant += font.Variant(fmt.Sprintf("-w%d-s%d", f.Font.Weight, f.Font.Style))
		f.Font.Weight, f.Font.Style = xfont.WeightNormal, xfont.StyleNormal
	}
	c.Canvas.FillString(f, pt, str)
}

// plotted is one run as the figures show it.
type plotted struct {
	data   *results.RunData
	index  int    // position in the runs, for its colour
	name   string // the scenario name, made unique
	legend string // legend label: name, or Key(index) and name when a name is abbreviated
	stem   string // name, safe in a file name
	colour color.Color
	shocks []shock // the scenario's shocks, from the manifest
}

// shock is an exogenous shock of a scenario (its shocks list), in force in
// week indices start to end-1 (weeks start+1 to end of weekly.csv).
type shock struct {
	name       string
	start, end int
	// some is set when only some of the scenarios drawn have the shock.
	some bool
}

func (s shock) label() string {
	if s.some {
		return s.name + " (some scenarios)"
	}
	return s.name
}

// readShocks returns the shocks of a resolved scenario (the manifest's
// scenario_yaml).
func readShocks(resolved string) ([]shock, error) {
	var sc struct {
		Shocks []struct {
			Name      string `yaml:"name"`
			StartWeek int    `yaml:"start_week"`
			EndWeek   int    `yaml:"end_week"`
		} `yaml:"shocks"`
	}
	if err := yaml.Unmarshal([]byte(resolved), &sc); err != nil {
		return nil, err
	}
	var out []shock
	for _, s := range sc.Shocks {
		out = append(out, shock{name: s.Name, start: s.StartWeek, end: s.EndWeek})
	}
	return out, nil
}

// shocksOf returns the shocks of scs that fall within the longest run, in
// order of start, each once; a shock not in every one of scs is marked.
func shocksOf(scs []*plotted) []shock {
	weeks := 0
	for _, s := range scs {
		weeks = max(weeks, len(s.data.Weekly[0]))
	}
	var out []shock
	count := map[shock]int{}
	for _, s := range scs {
		for _, sh := range s.shocks {
			if sh.start >= weeks || sh.end <= sh.start {
				continue
			}
			if count[sh] == 0 {
				out = append(out, sh)
			}
			count[sh]++
		}
	}
	for i := range out {
		out[i].some = count[out[i]] < len(scs)
	}
	slices.SortStableFunc(out, func(a, b shock) int { return a.start - b.start })
	return out
}

// Columns, metrics and provider data the figures read.
var (
	careHours   = []string{"hours_accompanied", "hours_informal", "hours_community_groups"}
	choiceHours = []string{"hours_outreach", "hours_initial_assessment", "hours_followup_assessment", "hours_coaching", "hours_signposting"}
	otherHours  = []string{"hours_admin_travel"}

	neededWeekly = slices.Concat(careHours, choiceHours, otherHours, []string{
		"referrals_gp", "referrals_outreach",
		"provider_revenue_gbp", "outcome_payments_gbp", "investor_flow_gbp",
		"mean_distress", "quits", "vacancies",
	})
	neededProvider = []string{"hours_care", "hours_choice"}
	neededMetrics  = []string{
		"care_share_first_year", "care_share_last_year",
		"disengaged_share_simple", "disengaged_share_complex",
		"star_gain_simple", "star_gain_complex",
	}
)

// Figures builds every comparison figure for the runs (one run per
// scenario, in order; the first is the reference), in this order:
//
//	care-share              care share of link-worker hours over time, 13-week moving average, mean and 95% band
//	care-share-by-provider  each provider's care share over time, 13-week moving average, mean
//	hours-<scenario>        hours by activity, stacked, one figure per scenario, on one scale
//	referrals               referrals per week by source (GP, outreach), 13-week moving average
//	disengagement-by-tier   share of engaged clients who disengaged, simple and complex tier, 95% error bars
//	equity-gap              complex- minus simple-tier share disengaged, per replication, mean and 95% error bar
//	star-gain-by-tier       true Well-being Star gain, simple and complex tier, 95% error bars
//	money                   cumulative provider revenue, outcome payments and investor net position
//	distress                mean link-worker distress, mean and 95% band
//	quits                   link workers leaving in the past 52 weeks, mean and 95% band
//	vacancies               vacant posts, mean and 95% band
//
// The runs must have the same columns and metrics, and at least one
// replication and one week each; they may differ in length and number of
// replications. Scenario names label the runs; a name used twice gets a
// suffix (" (2)"). Every figure over time shades and labels the weeks of
// the scenarios' shocks (the manifest's scenario_yaml).
func Figures(runs []*results.RunData) ([]Figure, error) {
	scs, err := prepare(runs)
	if err != nil {
		return nil, err
	}
	figs := []Figure{careShareFigure(scs), careShareByProviderFigure(scs)}
	figs = append(figs, hoursFigures(scs)...)
	figs = append(figs,
		referralsFigure(scs),
		disengagementFigure(scs),
		equityGapFigure(scs),
		starGainFigure(scs),
		moneyFigure(scs),
		distressFigure(scs),
		quitsFigure(scs),
		vacanciesFigure(scs),
	)
	for i := range figs {
		if figs[i].Width == 0 {
			figs[i].Width, figs[i].Height = width, fitHeight(figs[i].Plot, figs[i].legend, width, height)
		}
	}
	return figs, nil
}

// prepare checks the runs and labels them.
func prepare(runs []*results.RunData) ([]*plotted, error) {
	if len(runs) == 0 {
		return nil, errors.New("plots: no runs to plot")
	}
	describe := func(i int) string {
		d := runs[i]
		return fmt.Sprintf("run %d (%s, %s)", i+1, d.Manifest.Scenario, d.Dir)
	}
	for i, d := range runs {
		if d == nil || d.Manifest == nil {
			return nil, fmt.Errorf("plots: run %d has no data", i+1)
		}
	}
	ref := runs[0]
	for _, name := range neededWeekly {
		if !slices.Contains(ref.WeeklyColumns, name) {
			return nil, fmt.Errorf("plots: %s: %s has no column %q", describe(0), results.WeeklyFile, name)
		}
	}
	for _, name := range neededProvider {
		if !slices.Contains(ref.ProviderColumns, name) {
			return nil, fmt.Errorf("plots: %s: %s has no column %q", describe(0), results.ProviderFile, name)
		}
	}
	for _, name := range neededMetrics {
		if !slices.Contains(ref.Metrics, name) {
			return nil, fmt.Errorf("plots: %s: %s has no metric %q", describe(0), results.ReplicationsFile, name)
		}
	}
	var scs []*plotted
	seen := map[string]int{}
	stems := map[string]bool{}
	for i, d := range runs {
		for _, c := range []struct {
			file      string
			got, want []string
		}{
			{results.WeeklyFile, d.WeeklyColumns, ref.WeeklyColumns},
			{results.ReplicationsFile, d.Metrics, ref.Metrics},
			{results.ProviderFile, d.ProviderColumns, ref.ProviderColumns},
		} {
			if diff := differ(c.got, c.want); diff != "" {
				return nil, fmt.Errorf("plots: %s cannot be compared with %s: the columns of %s differ: %s",
					describe(i), describe(0), c.file, diff)
			}
		}
		if len(d.Replications) == 0 || len(d.Weekly) == 0 {
			return nil, fmt.Errorf("plots: %s has no replications", describe(i))
		}
		if len(d.Weekly[0]) == 0 {
			return nil, fmt.Errorf("plots: %s has no weeks", describe(i))
		}
		name := d.Manifest.Scenario
		if name == "" {
			name = fmt.Sprintf("run %d", i+1)
		}
		seen[name]++
		if n := seen[name]; n > 1 {
			name = fmt.Sprintf("%s (%d)", name, n)
		}
		stem := fileStem(name)
		for n := 2; stems[stem]; n++ {
			stem = fmt.Sprintf("%s-%d", fileStem(name), n)
		}
		stems[stem] = true
		shocks, err := readShocks(d.Manifest.ScenarioYAML)
		if err != nil {
			return nil, fmt.Errorf("plots: %s: scenario_yaml of %s: %w", describe(i), results.ManifestFile, err)
		}
		scs = append(scs, &plotted{data: d, index: i, name: name, stem: stem, colour: Colour(i), shocks: shocks})
	}
	// Legends wrap long names over two lines; if one is longer still, every
	// scenario's entry begins with its key (A, B, ...), by which the
	// report's table of scenarios gives the full names.
	keyed := false
	for _, s := range scs {
		if _, cut := wrapText(legendTextStyle(), s.name, legendTextWidth, legendLines); cut {
			keyed = true
		}
	}
	for _, s := range scs {
		s.legend = s.name
		if keyed {
			s.legend = Key(s.index) + ": " + s.name
		}
	}
	return scs, nil
}

// Key returns the short name of scenario i (from 0) in legends and
// reports: A, B, ..., Z, AA, AB, ...
func Key(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// differ describes the first difference between two column lists, or
// returns "" if they are equal.
func differ(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("column %d is %q, not %q", i+1, got[i], want[i])
		}
	}
	switch {
	case len(got) > len(want):
		return fmt.Sprintf("it has %d columns, not %d (extra %q)", len(got), len(want), got[len(want)])
	case len(got) < len(want):
		return fmt.Sprintf("it has %d columns, not %d (no %q)", len(got), len(want), want[len(got)])
	}
	return ""
}

// fileStem returns name in lower case with every run of characters other
// than letters, digits, '.', '_' and '-' replaced by '-'.
func fileStem(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		b.WriteRune(r)
		dash = false
	}
	s := strings.Trim(b.String(), "-.")
	if s == "" {
		s = "run"
	}
	return s
}

// weekly returns the weekly column name of s's run.
func (s *plotted) weekly(name string) series {
	col, ok := s.data.WeeklyColumn(name)
	if !ok {
		panic("plots: missing weekly column " + name) // checked by prepare
	}
	return col
}

// providerSeries is a provider column of a run: [replication][provider][week].
type providerSeries [][][]float64

// of returns provider p's series.
func (ps providerSeries) of(p int) series {
	out := make(series, len(ps))
	for r := range ps {
		if p < len(ps[r]) {
			out[r] = ps[r][p]
		}
	}
	return out
}

// provider returns the provider column name of s's run.
func (s *plotted) provider(name string) providerSeries {
	col, ok := s.data.ProviderColumn(name)
	if !ok {
		panic("plots: missing provider column " + name) // checked by prepare
	}
	return col
}

// weeklySum returns the sum of the weekly columns names.
func (s *plotted) weeklySum(names []string) series {
	cols := make([]series, len(names))
	for i, n := range names {
		cols[i] = s.weekly(n)
	}
	return sum(cols...)
}

// metric returns metric name of each replication of s's run.
func (s *plotted) metric(name string) []float64 {
	m, ok := s.data.Metric(name)
	if !ok {
		panic("plots: missing metric " + name) // checked by prepare
	}
	return m
}
