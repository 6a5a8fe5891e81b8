package plots

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

var (
	update = flag.Bool("update", false, "rewrite the golden SVG files in testdata")
	pngDir = flag.String("png", "", "also write every figure as PNG and PDF into this directory, to look at")
)

// Test input: two shipped scenarios, seed 1, 3 replications of 104 weeks,
// written with results.Write and read back with results.ReadRun.
const (
	testSeed  = 1
	testReps  = 3
	testWeeks = 104
)

var testScenarios = []string{"ways-to-wellness", "block-grant"}

var (
	testRunsOnce sync.Once
	testRunsData []*results.RunData
	testRunsErr  error
)

// testRuns returns the test input, simulated once per test binary.
func testRuns(t testing.TB) []*results.RunData {
	t.Helper()
	testRunsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sibsim-plots-")
		if err != nil {
			testRunsErr = err
			return
		}
		defer os.RemoveAll(dir)
		for _, name := range testScenarios {
			d, err := simulate(dir, name, testReps, testWeeks)
			if err != nil {
				testRunsErr = err
				return
			}
			testRunsData = append(testRunsData, d)
		}
	})
	if testRunsErr != nil {
		t.Fatal(testRunsErr)
	}
	return testRunsData
}

// simulate runs a shipped scenario, writes its results under dir and reads
// them back.
func simulate(dir, name string, reps, weeks int) (*results.RunData, error) {
	res, err := scenario.Loader{Shipped: scenarios.FS}.Load(name)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	b, err := sim.RunBatch(ctx, res.Scenario, sim.Options{Replications: reps, Seed: testSeed, Weeks: weeks})
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, name)
	run := results.Run{Batch: b, Scenario: res, Version: "test", Command: []string{"sibsim", "run", name}}
	if err := results.Write(ctx, out, run); err != nil {
		return nil, err
	}
	return results.ReadRun(out)
}

func figureNames(figs []Figure) []string {
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
	}
	return names
}

// TestGolden renders every figure of the test input as SVG and compares it
// with testdata/NAME.svg. Regenerate with: go test ./plots -run Golden -update
func TestGolden(t *testing.T) {
	figs, err := Figures(testRuns(t))
	if err != nil {
		t.Fatalf("Figures: %v", err)
	}
	want := []string{
		"care-share", "care-share-by-provider", "hours-ways-to-wellness", "hours-block-grant", "referrals",
		"disengagement-by-tier", "equity-gap", "star-gain-by-tier", "money", "distress", "quits", "vacancies",
	}
	if got := figureNames(figs); !slices.Equal(got, want) {
		t.Fatalf("Figures names = %q; want %q", got, want)
	}
	if *update {
		old, _ := filepath.Glob(filepath.Join("testdata", "*.svg"))
		for _, f := range old {
			os.Remove(f)
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range figs {
		t.Run(f.Name, func(t *testing.T) {
			got, err := Render(f, "svg")
			if err != nil {
				t.Fatalf("Render(%s, svg): %v", f.Name, err)
			}
			if again, _ := Render(f, "svg"); !bytes.Equal(again, got) {
				t.Errorf("Render(%s, svg) differs between two calls", f.Name)
			}
			if *pngDir != "" {
				for _, format := range []string{"png", "pdf"} {
					out, err := Render(f, format)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(*pngDir, f.Name+"."+format), out, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				t.Logf("%s: %s", f.Name, f.Reading)
			}
			golden := filepath.Join("testdata", f.Name+".svg")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./plots -run Golden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render(%s, svg) differs from %s; if the change is intended, run go test ./plots -run Golden -update and look at the result", f.Name, golden)
			}
		})
	}
}

func TestFiguresOneRun(t *testing.T) {
	runs := testRuns(t)[:1]
	figs, err := Figures(runs)
	if err != nil {
		t.Fatalf("Figures(one run): %v", err)
	}
	want := []string{"care-share", "care-share-by-provider", "hours-ways-to-wellness", "referrals", "disengagement-by-tier",
		"equity-gap", "star-gain-by-tier", "money", "distress", "quits", "vacancies"}
	if got := figureNames(figs); !slices.Equal(got, want) {
		t.Fatalf("Figures(one run) names = %q; want %q", got, want)
	}
	for _, f := range figs {
		if !strings.Contains(f.Reading, "ways-to-wellness") || strings.Contains(f.Reading, "block-grant") {
			t.Errorf("%s: Reading = %q; want it to name ways-to-wellness only", f.Name, f.Reading)
		}
		if _, err := Render(f, "svg"); err != nil {
			t.Errorf("Render(%s, svg): %v", f.Name, err)
		}
	}
}

// TestFiguresShortRun draws a run of one replication, shorter than the
// moving-average and rolling-sum windows.
func TestFiguresShortRun(t *testing.T) {
	d, err := simulate(t.TempDir(), "block-grant", 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	figs, err := Figures([]*results.RunData{d, testRuns(t)[0]})
	if err != nil {
		t.Fatalf("Figures: %v", err)
	}
	for _, f := range figs {
		for _, format := range []string{"svg", "png", "pdf"} {
			out, err := Render(f, format)
			if err != nil || len(out) == 0 {
				t.Errorf("Render(%s, %s) = %d bytes, %v", f.Name, format, len(out), err)
			}
			if *pngDir != "" && format == "png" {
				os.WriteFile(filepath.Join(*pngDir, "short-"+f.Name+".png"), out, 0o644)
			}
		}
	}
}

func TestFiguresThreeRuns(t *testing.T) {
	runs := testRuns(t)
	figs, err := Figures([]*results.RunData{runs[0], runs[1], runs[0]})
	if err != nil {
		t.Fatalf("Figures: %v", err)
	}
	names := figureNames(figs)
	if !slices.Contains(names, "hours-ways-to-wellness-2") {
		t.Errorf("Figures names = %q; want a distinct hours figure for the repeated scenario", names)
	}
	if r := figs[0].Reading; !strings.Contains(r, "ways-to-wellness (2)") {
		t.Errorf("care-share Reading = %q; want the repeated scenario named ways-to-wellness (2)", r)
	}
}

func TestReadings(t *testing.T) {
	figs, err := Figures(testRuns(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		r := f.Reading
		switch {
		case f.Title == "" || f.Plot == nil || f.Width <= 0 || f.Height <= 0:
			t.Errorf("%s: Title %q, Plot %v, size %v x %v; want all set", f.Name, f.Title, f.Plot, f.Width, f.Height)
		case strings.Count(r, ". ") > 0 || !strings.HasSuffix(r, "."):
			t.Errorf("%s: Reading = %q; want one sentence", f.Name, r)
		case strings.Contains(r, "undefined") || strings.Contains(r, "NaN"):
			t.Errorf("%s: Reading = %q; want every value defined", f.Name, r)
		}
		names := testScenarios
		if s, ok := strings.CutPrefix(f.Name, "hours-"); ok {
			names = []string{s}
		}
		for _, n := range names {
			if !strings.Contains(r, n) {
				t.Errorf("%s: Reading = %q; want it to name %s", f.Name, r, n)
			}
		}
	}
	if want := "By the last year, the care share of link-worker hours is "; !strings.HasPrefix(figs[0].Reading, want) {
		t.Errorf("care-share Reading = %q; want it to begin %q", figs[0].Reading, want)
	}
}

func TestFiguresErrors(t *testing.T) {
	runs := testRuns(t)
	with := func(edit func(d *results.RunData)) *results.RunData {
		d := *runs[1]
		m := *d.Manifest
		d.Manifest = &m
		edit(&d)
		return &d
	}
	tests := []struct {
		name string
		runs []*results.RunData
		want string
	}{
		{"no runs", nil, "plots: no runs to plot"},
		{"nil run", []*results.RunData{runs[0], nil}, "plots: run 2 has no data"},
		{"renamed weekly column", []*results.RunData{runs[0], with(func(d *results.RunData) {
			d.WeeklyColumns = slices.Clone(d.WeeklyColumns)
			d.WeeklyColumns[2] = "hours_followup"
		})}, `plots: run 2 (block-grant, ` + runs[1].Dir + `) cannot be compared with run 1 (ways-to-wellness, ` +
			runs[0].Dir + `): the columns of weekly.csv differ: column 3 is "hours_followup", not "hours_followup_assessment"`},
		{"extra metric", []*results.RunData{runs[0], with(func(d *results.RunData) {
			d.Metrics = append(slices.Clone(d.Metrics), "new_metric")
		})}, fmt.Sprintf(`the columns of replications.csv differ: it has %d columns, not %d (extra "new_metric")`, len(runs[0].Metrics)+1, len(runs[0].Metrics))},
		{"missing provider column", []*results.RunData{with(func(d *results.RunData) {
			d.ProviderColumns = slices.DeleteFunc(slices.Clone(d.ProviderColumns), func(s string) bool { return s == "hours_care" })
		})}, `weekly_by_provider.csv has no column "hours_care"`},
		{"bad scenario_yaml", []*results.RunData{runs[0], with(func(d *results.RunData) {
			d.Manifest.ScenarioYAML = "shocks: {"
		})}, "scenario_yaml of manifest.json"},
		{"fewer provider columns", []*results.RunData{runs[0], with(func(d *results.RunData) {
			d.ProviderColumns = d.ProviderColumns[:3]
		})}, `the columns of weekly_by_provider.csv differ: it has 3 columns, not 16 (no "hours_outreach")`},
		{"missing column", []*results.RunData{with(func(d *results.RunData) {
			d.WeeklyColumns = slices.DeleteFunc(slices.Clone(d.WeeklyColumns), func(s string) bool { return s == "quits" })
		})}, `plots: run 1 (block-grant, ` + runs[1].Dir + `): weekly.csv has no column "quits"`},
		{"missing metric", []*results.RunData{with(func(d *results.RunData) {
			d.Metrics = slices.DeleteFunc(slices.Clone(d.Metrics), func(s string) bool { return s == "star_gain_complex" })
		})}, `replications.csv has no metric "star_gain_complex"`},
		{"no replications", []*results.RunData{runs[0], with(func(d *results.RunData) {
			d.Replications, d.Weekly = nil, nil
		})}, "run 2 (block-grant, " + runs[1].Dir + ") has no replications"},
		{"no weeks", []*results.RunData{runs[0], with(func(d *results.RunData) {
			d.Weekly = [][][]float64{{}}
		})}, "run 2 (block-grant, " + runs[1].Dir + ") has no weeks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			figs, err := Figures(tt.runs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Figures = %d figures, %v; want error containing %q", len(figs), err, tt.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	figs, err := Figures(testRuns(t))
	if err != nil {
		t.Fatal(err)
	}
	f := figs[0]
	tests := []struct {
		format string
		magic  string
	}{
		{"svg", "<?xml"},
		{"png", "\x89PNG\r\n\x1a\n"},
		{"pdf", "%PDF-"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got, err := Render(f, tt.format)
			if err != nil {
				t.Fatalf("Render(%s, %s): %v", f.Name, tt.format, err)
			}
			if len(got) < 1000 || !bytes.HasPrefix(got, []byte(tt.magic)) {
				t.Fatalf("Render(%s, %s) = %d bytes beginning %q; want more, beginning %q", f.Name, tt.format, len(got), got[:min(len(got), 8)], tt.magic)
			}
			// Several times: map iteration order would show within a few.
			for range 5 {
				again, err := Render(f, tt.format)
				if err != nil || !bytes.Equal(again, got) {
					t.Fatalf("Render(%s, %s) again gives different bytes (err %v)", f.Name, tt.format, err)
				}
			}
		})
	}
	t.Run("svg text as glyphs", func(t *testing.T) {
		svg, _ := Render(f, "svg")
		for _, bad := range []string{"<text", "font-family", "@font-face"} {
			if bytes.Contains(svg, []byte(bad)) {
				t.Errorf("Render(svg) holds %q; want text drawn as glyph outlines", bad)
			}
		}
		if want := "<title>" + f.Title + "</title>"; !bytes.Contains(svg, []byte(want)) {
			t.Errorf("Render(svg) lacks %s", want)
		}
		// Every glyph placed is defined, once, with an id of this figure.
		defined := map[string]int{}
		for _, m := range regexp.MustCompile(`<path id="([^"]+)"`).FindAllSubmatch(svg, -1) {
			defined[string(m[1])]++
		}
		uses := regexp.MustCompile(`<use xlink:href="#([^"]+)"`).FindAllSubmatch(svg, -1)
		if len(uses) < 50 || len(defined) < 10 {
			t.Fatalf("Render(svg) places %d glyphs of %d defined; want a figure's worth", len(uses), len(defined))
		}
		for _, m := range uses {
			id := string(m[1])
			if defined[id] != 1 || !strings.HasPrefix(id, "g-care-share-") {
				t.Errorf("glyph %s is defined %d times; want once, with the figure's prefix", id, defined[id])
			}
		}
		// The strings drawn are kept, escaped, for search and screen readers.
		if !bytes.Contains(svg, []byte("<desc>"+f.Title+"</desc>")) {
			t.Errorf("Render(svg) lacks the title as a <desc> of its glyphs")
		}
	})
	t.Run("pdf date", func(t *testing.T) {
		pdf, _ := Render(f, "pdf")
		if !bytes.Contains(pdf, []byte("/CreationDate (D:20000101000000)")) || !bytes.Contains(pdf, []byte("/ModDate (D:20000101000000)")) {
			t.Errorf("Render(pdf) does not carry the fixed dates")
		}
	})
	t.Run("size", func(t *testing.T) {
		small := f
		small.Width, small.Height = 3*vg.Inch, 2*vg.Inch
		svg, err := Render(small, "svg")
		if err != nil || !bytes.Contains(svg, []byte(`width="216pt" height="144pt"`)) {
			t.Errorf("Render(3x2 inch figure) = %.200q, %v; want a 216pt x 144pt SVG", svg, err)
		}
	})
	for _, tt := range []struct {
		name   string
		f      Figure
		format string
		want   string
	}{
		{"unknown format", f, "gif", `plots: unknown format "gif" (want svg, png or pdf)`},
		{"no plot", Figure{Name: "empty"}, "svg", `plots: figure "empty" has no plot`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Render(tt.f, tt.format); err == nil || err.Error() != tt.want {
				t.Errorf("Render = %v; want %q", err, tt.want)
			}
		})
	}
}

func TestColour(t *testing.T) {
	seen := map[color.Color]bool{}
	for i := range len(palette) {
		c := Colour(i)
		if seen[c] {
			t.Errorf("Colour(%d) = %v repeats an earlier colour", i, c)
		}
		seen[c] = true
		if Colour(i+len(palette)) != c || Colour(i-len(palette)) != c {
			t.Errorf("Colour(%d) does not cycle", i)
		}
	}
}

func TestFileStem(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"ways-to-wellness", "ways-to-wellness"},
		{"Block Grant (2)", "block-grant-2"},
		{"a/b\\c", "a-b-c"},
		{"../x", "x"},
		{"???", "run"},
		{"v1.2_x", "v1.2_x"},
	} {
		if got := fileStem(tt.in); got != tt.want {
			t.Errorf("fileStem(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSeries(t *testing.T) {
	nan := math.NaN()
	near := func(a, b []float64) bool {
		return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Abs(x-y) < 1e-9 || math.IsNaN(x) && math.IsNaN(y) })
	}
	tests := []struct {
		name      string
		got, want []float64
	}{
		{"movingSum", movingSum([]float64{1, 2, 3, 4}, 2), []float64{nan, 3, 5, 7}},
		{"movingSum k=1", movingSum([]float64{1, 2}, 1), []float64{1, 2}},
		{"movingSum NaN", movingSum([]float64{1, nan, 3, 4}, 2), []float64{nan, nan, nan, 7}},
		{"movingMean", movingMean([]float64{1, 2, 3, 5}, 2), []float64{nan, 1.5, 2.5, 4}},
		{"cumulative", cumulative([]float64{1, -2, 3}), []float64{1, -1, 2}},
		{"ratio", ratio(series{{1, 0, 3}}, series{{3, 0, 1}})[0], []float64{0.25, nan, 0.75}},
		{"mean", series{{1, 2}, {3, nan}}.mean(), []float64{2, 2}},
		{"band lo", series{{1, 2}, {3, nan}}.band().lo, []float64{2 - 12.7062047361747, nan}},
		{"band hi", series{{1, 2}, {3, nan}}.band().hi, []float64{2 + 12.7062047361747, nan}},
	}
	for _, tt := range tests {
		if !near(tt.got, tt.want) {
			t.Errorf("%s = %v; want %v", tt.name, tt.got, tt.want)
		}
	}
	if got := lastYearMean(append(make([]float64, 10), slices.Repeat([]float64{2}, 52)...)); got != 2 {
		t.Errorf("lastYearMean = %v; want 2", got)
	}
}

func TestTicks(t *testing.T) {
	labels := func(ticks []plot.Tick) []string {
		var out []string
		for _, tk := range ticks {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	tests := []struct {
		name   string
		ticker plot.Ticker
		lo, hi float64
		want   []string
	}{
		{"shares", niceTicks{}, 0, 0.61, []string{"0.0", "0.2", "0.4", "0.6"}},
		{"points", niceTicks{}, 0, 2.8, []string{"0.0", "0.5", "1.0", "1.5", "2.0", "2.5"}},
		{"hours", niceTicks{}, 0, 830, []string{"0", "200", "400", "600", "800"}},
		{"negative", niceTicks{}, -1.6, 2.1, []string{"-1", "0", "1", "2"}},
		{"small negative", niceTicks{}, -0.12, 0.05, []string{"-0.10", "-0.05", "0.00", "0.05"}},
		{"flat", niceTicks{}, 3, 3, []string{"3"}},
		{"two years", yearTicks{}, 0, 2, []string{"0", "1", "2"}},
		{"seven years", yearTicks{}, 0, 7, []string{"0", "1", "2", "3", "4", "5", "6", "7"}},
		{"one year", yearTicks{}, 0, 1, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		{"ten weeks", yearTicks{}, 0, 10.0 / 52, []string{"0", "0.05", "0.1", "0.15"}},
		{"twenty years", yearTicks{}, 0, 20, []string{"0", "5", "10", "15", "20"}},
	}
	for _, tt := range tests {
		if got := labels(tt.ticker.Ticks(tt.lo, tt.hi)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Ticks(%v, %v) labels = %q; want %q", tt.name, tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestReadingPhrases(t *testing.T) {
	scs := []*plotted{{name: "a"}, {name: "b"}, {name: "c"}}
	for _, tt := range []struct {
		n    int
		want string
	}{
		{1, "1 under a"},
		{2, "2 under b against 1 under a"},
		{3, "1 under a, 2 under b and 3 under c"},
	} {
		if got := compare(scs[:tt.n], []string{"1", "2", "3"}[:tt.n]); got != tt.want {
			t.Errorf("compare(%d scenarios) = %q; want %q", tt.n, got, tt.want)
		}
	}
	for _, tt := range []struct {
		x    float64
		want string
	}{
		{2_110_000, "£2.11 million"},
		{-1_580_000, "-£1.58 million"},
		{375_400, "£375 thousand"},
		{12, "£12"},
		{0, "£0"},
		{-0.1, "£0"},
		{math.NaN(), "undefined"},
	} {
		if got := gbp(tt.x); got != tt.want {
			t.Errorf("gbp(%v) = %q; want %q", tt.x, got, tt.want)
		}
	}
	if got := num("%.2f", -0.001); got != "0.00" {
		t.Errorf(`num("%%.2f", -0.001) = %q; want "0.00"`, got)
	}
}

// withShock returns a copy of d whose scenario has one more shock, named
// name, in force in weeks start+1 to end.
func withShock(t *testing.T, d *results.RunData, name string, start, end int) *results.RunData {
	t.Helper()
	c := *d
	m := *d.Manifest
	var sc map[string]any
	if err := yaml.Unmarshal([]byte(m.ScenarioYAML), &sc); err != nil {
		t.Fatal(err)
	}
	shocks, _ := sc["shocks"].([]any)
	sc["shocks"] = append(shocks, map[string]any{"name": name, "start_week": start, "end_week": end})
	out, err := yaml.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	m.ScenarioYAML = string(out)
	c.Manifest = &m
	return &c
}

// TestShocksShaded checks that every figure over time, and only those,
// shades the weeks of a shock within the run, and that shocks outside the
// run are left out.
func TestShocksShaded(t *testing.T) {
	runs := testRuns(t)
	a := withShock(t, runs[0], "lockdown", 20, 40)
	b := withShock(t, runs[1], "lockdown", 20, 40)
	b = withShock(t, b, "cuts", 90, 200)
	if got := shocksOf([]*plotted{{data: a, shocks: mustShocks(t, a)}, {data: b, shocks: mustShocks(t, b)}}); len(got) != 2 ||
		got[0] != (shock{name: "lockdown", start: 20, end: 40}) || got[1] != (shock{name: "cuts", start: 90, end: 200, some: true}) {
		t.Errorf("shocksOf = %+v; want lockdown (both) and cuts (some scenarios)", got)
	}
	late := withShock(t, runs[0], "later", 104, 120)
	if got := shocksOf([]*plotted{{data: late, shocks: mustShocks(t, late)}}); len(got) != 0 {
		t.Errorf("shocksOf(a shock after the run) = %+v; want none", got)
	}
	figs, err := Figures([]*results.RunData{a, b})
	if err != nil {
		t.Fatal(err)
	}
	bars := []string{"disengagement-by-tier", "equity-gap", "star-gain-by-tier"}
	for _, f := range figs {
		svg, err := Render(f, "svg")
		if err != nil {
			t.Fatal(err)
		}
		shaded := bytes.Contains(svg, []byte("fill:#7F7F7F;fill-opacity:0.18"))
		if want := !slices.Contains(bars, f.Name); shaded != want {
			t.Errorf("%s: shock shaded = %v; want %v", f.Name, shaded, want)
		}
	}
}

func mustShocks(t *testing.T, d *results.RunData) []shock {
	t.Helper()
	sh, err := readShocks(d.Manifest.ScenarioYAML)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// renamed returns a copy of d whose scenario is called name.
func renamed(d *results.RunData, name string) *results.RunData {
	c := *d
	m := *d.Manifest
	m.Scenario = name
	c.Manifest = &m
	return &c
}

// TestLongNames draws figures of four scenarios, one with a 160-character
// name: every data area keeps at least half the figure's width, legends
// give each scenario its key, titles wrap within the figure, and readings
// keep the full names.
func TestLongNames(t *testing.T) {
	runs := testRuns(t)
	long := strings.Repeat("a-very-long-scenario-name ", 7)[:160]
	in := []*results.RunData{runs[0], renamed(runs[1], long), renamed(runs[0], "third"), renamed(runs[1], "fourth")}
	figs, err := Figures(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		c := draw.New(vgimg.New(f.Width, f.Height))
		if w := f.Plot.DataCanvas(c).Size().X; w < f.Width/2 {
			t.Errorf("%s: data area %.0f pt wide in a figure of %.0f pt; want at least half", f.Name, w.Points(), f.Width.Points())
		}
		title := titleStyle()
		for _, line := range strings.Split(f.Plot.Title.Text, "\n") {
			if w := title.Width(line); w > titleWidth {
				t.Errorf("%s: title line %q is %.0f pt wide; want at most %.0f", f.Name, line, w.Points(), titleWidth.Points())
			}
		}
		if n := strings.Count(f.Plot.Title.Text, "\n"); n >= titleLines {
			t.Errorf("%s: title has %d lines; want at most %d", f.Name, n+1, titleLines)
		}
		if !strings.HasPrefix(f.Name, "hours-") && !strings.Contains(f.Reading, long) {
			t.Errorf("%s: Reading lacks the full long name", f.Name)
		}
	}
	scs, err := prepare(in)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range scs {
		if want := Key(i) + ": "; !strings.HasPrefix(s.legend, want) {
			t.Errorf("legend label %q; want it to begin with the key %q", s.legend, want)
		}
	}
	lines, cut := wrapText(legendTextStyle(), scs[1].legend, legendTextWidth, legendLines)
	if !cut || len(lines) != legendLines || !strings.HasSuffix(lines[legendLines-1], "…") {
		t.Errorf("wrapText(long name) = %q, cut %v; want %d lines ending in an ellipsis", lines, cut, legendLines)
	}
	// Short names are left alone.
	scs, _ = prepare(runs)
	if scs[0].legend != "ways-to-wellness" {
		t.Errorf("legend label of a short name = %q; want the name alone", scs[0].legend)
	}
}

// TestManyScenarios draws figures of 30 scenarios: every legend entry fits
// in its figure (which grows taller for it, keeping the data area's
// height), while figures of few scenarios keep the default size.
func TestManyScenarios(t *testing.T) {
	runs := testRuns(t)
	var in []*results.RunData
	for i := range 30 {
		in = append(in, renamed(runs[i%len(runs)], fmt.Sprintf("scenario number %d", i+1)))
	}
	figs, err := Figures(in)
	if err != nil {
		t.Fatal(err)
	}
	few, err := Figures(runs)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range figs {
		if f.legend == nil {
			continue
		}
		rows := 0
		for _, e := range f.legend.entries {
			rows += len(f.legend.lines(e))
		}
		c := draw.New(vgimg.New(f.Width, f.Height))
		data := f.Plot.DataCanvas(c).Size().Y
		if need := f.legend.rowHeight() * vg.Length(rows); need > data+0.01 {
			t.Errorf("%s: legend of %d rows needs %.0f pt; the data area beside it is %.0f pt", f.Name, rows, need.Points(), data.Points())
		}
		if strings.HasPrefix(f.Name, "hours-") {
			continue // one scenario each, and the activities' legend
		}
		if !(f.Height > height) {
			t.Errorf("%s: %d scenarios drawn %.1f in tall; want taller than the default %.1f in", f.Name, len(in), f.Height/vg.Inch, height/vg.Inch)
		}
		if i < len(few) && few[i].Height != height {
			t.Errorf("%s of %d scenarios: height %.1f in; want the default %.1f in", few[i].Name, len(runs), few[i].Height/vg.Inch, height/vg.Inch)
		}
	}
}

func TestWrapText(t *testing.T) {
	sty := legendTextStyle()
	for _, tt := range []struct {
		in   string
		want []string
		cut  bool
	}{
		{"short", []string{"short"}, false},
		{"ways-to-wellness with a much longer tail of words here", []string{"ways-to-wellness with a much", "longer tail of words here"}, false},
		{strings.Repeat("x", 60), []string{strings.Repeat("x", 31), strings.Repeat("x", 29)}, false},
		{strings.Repeat("x", 90), []string{strings.Repeat("x", 31), strings.Repeat("x", 29) + "…"}, true},
	} {
		got, cut := wrapText(sty, tt.in, legendTextWidth, legendLines)
		for _, line := range got {
			if sty.Width(line) > legendTextWidth {
				t.Errorf("wrapText(%q): line %q wider than %v", tt.in, line, legendTextWidth)
			}
		}
		if !slices.Equal(got, tt.want) || cut != tt.cut {
			t.Errorf("wrapText(%q) = %q, %v; want %q, %v", tt.in, got, cut, tt.want, tt.cut)
		}
	}
}

// TestDegenerateRuns draws runs of one replication, too short for a
// first and last year or for the moving windows: every figure draws its
// data (no empty axes) and the titles and readings say what the run
// cannot show.
func TestDegenerateRuns(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name  string
		weeks int
		want  map[string]string // figure name: text its title or reading must hold
	}{
		{"one week", 1, map[string]string{
			"care-share":        "The run is shorter than two years, so it has no separate first and last year; over the whole run (shorter than a year)",
			"care-share-title":  "week by week for runs shorter than 13 weeks",
			"quits-title":       "week by week for runs shorter than 52 weeks",
			"hours-block-grant": "Over the whole run (shorter than a year) under block-grant",
			"distress":          "Over the whole run (shorter than a year), the mean distress",
			"equity-gap":        "(one replication: no interval)",
		}},
		{"sixty weeks", 60, map[string]string{
			"care-share":             "The run is shorter than two years, so it has no separate first and last year; in the last year",
			"care-share-by-provider": "The run is shorter than two years, so it has no separate first and last year",
			"quits-title":            "(rolling 52-week total)",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := simulate(filepath.Join(dir, tt.name), "block-grant", 1, tt.weeks)
			if err != nil {
				t.Fatal(err)
			}
			figs, err := Figures([]*results.RunData{d})
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]Figure{}
			for _, f := range figs {
				byName[f.Name] = f
				byName[f.Name+"-title"] = f
				svg, err := Render(f, "svg")
				if err != nil {
					t.Fatalf("Render(%s): %v", f.Name, err)
				}
				// The scenario's colour or the activities' colours, filled or
				// stroked: the data are drawn.
				drawn := bytes.Contains(svg, []byte("#0071B1")) || bytes.Contains(svg, []byte("#0072B2")) ||
					bytes.Contains(svg, []byte("#1B5E20"))
				if !drawn {
					t.Errorf("%s: nothing drawn in the scenario's colour (empty axes)", f.Name)
				}
				if strings.Contains(f.Reading, "NaN") {
					t.Errorf("%s: Reading = %q", f.Name, f.Reading)
				}
			}
			for name, want := range tt.want {
				f, ok := byName[name]
				if !ok {
					t.Fatalf("no figure %s", name)
				}
				got := f.Reading
				if strings.HasSuffix(name, "-title") {
					got = f.Title
				}
				if !strings.Contains(got, want) {
					t.Errorf("%s = %q; want it to contain %q", name, got, want)
				}
			}
		})
	}
}

func TestLinesAndRibbonsOfLoneWeeks(t *testing.T) {
	nan := math.NaN()
	sty := lineStyle(Colour(0), solid)
	ls := lines([]float64{nan, 1, nan, 2, 3}, sty)
	if len(ls) != 2 {
		t.Fatalf("lines = %d plotters; want a dot and a line", len(ls))
	}
	if dot, ok := ls[0].(*plotter.Scatter); !ok || len(dot.XYs) != 1 || dot.XYs[0] != (plotter.XY{X: year(1), Y: 1}) {
		t.Errorf("lines: lone week drawn as %#v; want a dot at week 2", ls[0])
	}
	if l, ok := ls[1].(*plotter.Line); !ok || len(l.XYs) != 2 {
		t.Errorf("lines: weeks 4-5 drawn as %#v; want a line of two points", ls[1])
	}
	rs := ribbon([]float64{1}, []float64{2}, Colour(0))
	if len(rs) != 1 {
		t.Fatalf("ribbon of one week = %d plotters; want 1", len(rs))
	}
	if poly := rs[0].(*plotter.Polygon); len(poly.XYs[0]) != 4 || poly.XYs[0][0].X != 0 || poly.XYs[0][1].X != year(0) {
		t.Errorf("ribbon of one week = %v; want the week's span, 0 to %v", poly.XYs, year(0))
	}
}
