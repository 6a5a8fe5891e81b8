package report

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

const evilName = "<script>alert(1)</script>"

// files holds scenario files for tests: one whose name and description
// are markup.
var files = fstest.MapFS{
	"evil.yaml": {Data: []byte("extends: block-grant\nname: \"" + evilName + "\"\n" +
		"description: \"A <b>bold</b> & <img src=x onerror=alert(2)> description\"\n")},
	"long.yaml": {Data: []byte("extends: capitation\nname: " + longName + "\n")},
}

// longName is a scenario name of 160 characters.
var longName = strings.TrimSuffix(strings.Repeat("capitation-with-a-long-name-", 6), "-")[:160]

// runDir simulates scenario ref (a shipped name or a file of files) and
// writes and reads back its results, as "sibsim compare --out" does.
func runDir(t testing.TB, ref string, reps, weeks int) *results.RunData {
	t.Helper()
	res, err := scenario.Loader{Shipped: scenarios.FS, Files: files}.Load(ref)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sim.RunBatch(context.Background(), res.Scenario, sim.Options{Replications: reps, Seed: 3, Weeks: weeks})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	if err := results.Write(context.Background(), dir, results.Run{Batch: b, Scenario: res, Version: "v0.0.0-test", Command: []string{"sibsim", "test"}}); err != nil {
		t.Fatal(err)
	}
	d, err := results.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// input builds the report input for runs, as the command line does.
func input(t testing.TB, runs ...*results.RunData) Input {
	t.Helper()
	var ins []compare.Input
	for _, d := range runs {
		ins = append(ins, compare.FromRun(d))
	}
	c, err := compare.Compare(ins)
	if err != nil {
		t.Fatal(err)
	}
	figs, err := plots.Figures(runs)
	if err != nil {
		t.Fatal(err)
	}
	return Input{Runs: runs, Comparison: c, Figures: figs}
}

func write(t testing.TB, in Input) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteEscapesScenarioText(t *testing.T) {
	in := input(t, runDir(t, "ways-to-wellness", 2, 10), runDir(t, "evil.yaml", 2, 10))
	html := write(t, in)
	// The markup must appear only as text: escaped, never as tags.
	for _, bad := range []string{"<script", "<b>bold", "<img"} {
		if strings.Contains(strings.ToLower(html), bad) {
			i := strings.Index(strings.ToLower(html), bad)
			t.Errorf("report holds %q unescaped: ...%s...", bad, html[max(0, i-80):min(len(html), i+80)])
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "A &lt;b&gt;bold&lt;/b&gt; &amp; &lt;img"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks the escaped text %q", want)
		}
	}
}

// TestWriteSelfContained checks that the report names nothing outside
// itself: no scripts, style sheets, images or fonts to fetch.
func TestWriteSelfContained(t *testing.T) {
	in := input(t, runDir(t, "ways-to-wellness", 2, 10), runDir(t, "block-grant", 2, 10))
	html := write(t, in)
	external := regexp.MustCompile(`(?i)(<script|<link[^>]+stylesheet|<img|<iframe|<object|<embed|@import|url\(\s*['"]?(https?:|//)|(src|href)\s*=\s*["']?(https?:|//))`)
	if m := external.FindString(html); m != "" {
		t.Errorf("report refers outside itself: %q", m)
	}
	// The only URLs are XML namespaces of the inline SVG.
	for _, u := range regexp.MustCompile(`https?://[^"'\s<>]+`).FindAllString(html, -1) {
		if u != "http://www.w3.org/2000/svg" && u != "http://www.w3.org/1999/xlink" {
			t.Errorf("report holds URL %s", u)
		}
	}
	if got, want := strings.Count(html, "<svg"), len(in.Figures); got != want {
		t.Errorf("report holds %d <svg> elements; want one per figure (%d)", got, want)
	}
	if strings.Contains(html, "<?xml") {
		t.Errorf("report holds an XML declaration from an SVG file")
	}
	for _, f := range in.Figures {
		if !strings.Contains(html, `id="figure-`+f.Name+`"`) {
			t.Errorf("report lacks figure %s", f.Name)
		}
	}
	for _, want := range []string{
		`<title>sibsim: ways-to-wellness and block-grant compared</title>`,
		`id="key-metrics"`, `id="all-metrics-table"`, `href="docs/ODD.md"`,
		"2 replications each, seed 3", "sibsim v0.0.0-test",
		"contract.<wbr>investor.<wbr>capital_<wbr>gbp", // a parameter that differs
		"difference from ways-to-wellness",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	text := strings.ReplaceAll(html, "<wbr>", "") // line-break hints in names
	for _, m := range compare.KeyMetrics() {
		if !strings.Contains(text, "<code>"+m+"</code>") {
			t.Errorf("report lacks key metric %s", m)
		}
	}
}

func TestWriteDeterministic(t *testing.T) {
	a, b := runDir(t, "ways-to-wellness", 2, 10), runDir(t, "block-grant", 2, 10)
	first := write(t, input(t, a, b))
	// Read the same files again, from another directory: the report does
	// not depend on where the runs are.
	for i, d := range []*results.RunData{a, b} {
		moved := filepath.Join(t.TempDir(), "elsewhere")
		if err := copyDir(d.Dir, moved); err != nil {
			t.Fatal(err)
		}
		d2, err := results.ReadRun(moved)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			a = d2
		} else {
			b = d2
		}
	}
	if second := write(t, input(t, a, b)); second != first {
		t.Errorf("two reports of the same runs differ")
	}
}

func TestWriteOneRun(t *testing.T) {
	html := write(t, input(t, runDir(t, "block-grant", 1, 5)))
	for _, want := range []string{"<title>sibsim: block-grant</title>", "Only one scenario", "1 replication each",
		"Each scenario ran a single replication, so no interval can be computed",
		"Under block-grant, link workers spend"} {
		if !strings.Contains(html, want) {
			t.Errorf("one-run report lacks %q", want)
		}
	}
	if strings.Contains(html, "difference from") {
		t.Errorf("one-run report has a difference column")
	}
}

func TestWriteErrors(t *testing.T) {
	a, b := runDir(t, "ways-to-wellness", 2, 5), runDir(t, "block-grant", 2, 5)
	good := input(t, a, b)
	swapped := good
	swapped.Runs = []*results.RunData{b, a}
	for name, in := range map[string]Input{
		"no runs":          {Comparison: good.Comparison},
		"no comparison":    {Runs: good.Runs},
		"too few runs":     {Runs: good.Runs[:1], Comparison: good.Comparison},
		"runs out of step": swapped,
	} {
		if err := Write(new(bytes.Buffer), in); err == nil {
			t.Errorf("Write(%s): no error", name)
		}
	}
}

func TestInlineSVG(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"<?xml version=\"1.0\"?>\n<!-- x -->\n<svg width=\"1\"><text>a &lt; b</text></svg>\n", `<svg width="1"><text>a &lt; b</text></svg>`, true},
		{"no svg here", "", false},
		{`<svg><script>alert(1)</script></svg>`, "", false},
		{`<svg><foreignObject></foreignObject></svg>`, "", false},
		{`<svg onload="alert(1)"></svg>`, "", false},
		{`<svg><a href="javascript:x"></a></svg>`, "", false},
		{`<svg><text>put it on = the list</text></svg>`, `<svg><text>put it on = the list</text></svg>`, true},
	}
	for _, tt := range tests {
		got, err := inlineSVG([]byte(tt.in))
		if (err == nil) != tt.ok || string(got) != tt.want {
			t.Errorf("inlineSVG(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestSigned(t *testing.T) {
	if got := signed(0.5); got != "+0.5000" {
		t.Errorf("signed(0.5) = %q; want +0.5000", got)
	}
}

func TestLabel(t *testing.T) {
	for i, want := range map[int]string{0: "A", 1: "B", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := label(i); got != want {
			t.Errorf("label(%d) = %q; want %q", i, got, want)
		}
	}
}

// TestWriteOpensWithTheAnswer checks the order of the report: the headline
// results first, then the key metrics, the figures, and only then what was
// compared, with the parameter differences collapsed.
func TestWriteOpensWithTheAnswer(t *testing.T) {
	html := write(t, input(t, runDir(t, "ways-to-wellness", 2, 10), runDir(t, "block-grant", 2, 10)))
	last := -1
	for _, marker := range []string{`<section id="headline">`, "<dt>Care share</dt>", "Under block-grant, link workers spend",
		`<section id="metrics">`, `<section id="figures">`, `<section id="compared">`, `id="parameters"`,
		`<details class="params">`, "contract.<wbr>investor.<wbr>capital_<wbr>gbp", `<section id="all-metrics">`} {
		i := strings.Index(html, marker)
		if i < 0 {
			t.Fatalf("report lacks %q", marker)
		}
		if i < last {
			t.Errorf("%q comes before the marker preceding it in the list", marker)
		}
		last = i
	}
	if strings.Contains(html, "<details class=\"params\" open") || strings.Contains(html, "<details open") {
		t.Errorf("report opens a <details>; the parameter differences and all metrics start collapsed")
	}
	for _, h := range []string{"Who is lost", "Wellbeing gain by tier", "The commissioner&#39;s cost", "Staff turnover"} {
		if !strings.Contains(html, "<dt>"+h+"</dt>") {
			t.Errorf("headline lacks %q", h)
		}
	}
}
