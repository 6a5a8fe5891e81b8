package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/sibsim/sibsim/plots/internal/browsertest"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
)

// browser starts headless chromium for a report test: pages may load only
// file: and data: URLs (browsertest.Start).
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	return browsertest.Start(t, 90*time.Second, func(u string) bool {
		return strings.HasPrefix(u, "file:") || strings.HasPrefix(u, "data:")
	})
}

// TestReportInBrowser opens a report of a small comparison (two shipped
// scenarios, two replications, 52 weeks) in headless chromium and checks
// that every figure renders with a non-zero size, the key-metrics table is
// laid out with a group of rows per key metric, and the page reports no console
// error, exception, dialog or network request.
func TestReportInBrowser(t *testing.T) {
	ctx, problems := browser(t)

	// First, a page with known problems: the listener must see them, or a
	// clean report would prove nothing.
	t.Run("listener", func(t *testing.T) {
		const bad = `data:text/html,<script>console.error("boom")</script><img src="https://example.invalid/x.png">`
		if err := chromedp.Run(ctx, chromedp.Navigate(bad), chromedp.Sleep(200*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(problems(), "\n")
		if !strings.Contains(got, "boom") || !strings.Contains(got, "example.invalid") {
			t.Fatalf("problems of a bad page = %q; want the console error and the request", got)
		}
	})
	before := len(problems())

	in := input(t, runDir(t, "ways-to-wellness", 2, 52), runDir(t, "block-grant", 2, 52))
	name := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(name, []byte(write(t, in)), 0o644); err != nil {
		t.Fatal(err)
	}
	var svgs, rows, tableW, tableH int
	var firstMetric string
	err := chromedp.Run(ctx,
		chromedp.Navigate("file://"+name),
		chromedp.WaitReady("#notes", chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("svg")].filter(s => {
			const r = s.getBoundingClientRect(); return r.width > 0 && r.height > 0 }).length`, &svgs),
		chromedp.Evaluate(`document.querySelectorAll("#key-metrics tbody").length`, &rows),
		chromedp.Evaluate(`Math.round(document.querySelector("#key-metrics").getBoundingClientRect().width)`, &tableW),
		chromedp.Evaluate(`Math.round(document.querySelector("#key-metrics").getBoundingClientRect().height)`, &tableH),
		chromedp.Text(`#key-metrics tbody th code`, &firstMetric, chromedp.ByQuery),
		chromedp.Sleep(200*time.Millisecond), // let late console messages arrive
	)
	if err != nil {
		t.Fatal(err)
	}
	if svgs != len(in.Figures) || svgs == 0 {
		t.Errorf("rendered <svg> elements with a non-zero box = %d; want %d (one per figure)", svgs, len(in.Figures))
	}
	if want := len(compare.KeyMetrics()); rows != want {
		t.Errorf("key-metrics table row groups = %d; want %d", rows, want)
	}
	if tableW <= 0 || tableH <= 0 {
		t.Errorf("key-metrics table box = %d x %d; want it laid out", tableW, tableH)
	}
	if firstMetric != compare.KeyMetrics()[0] {
		t.Errorf("first key metric shown = %q; want %q", firstMetric, compare.KeyMetrics()[0])
	}
	if p := problems()[before:]; len(p) > 0 {
		t.Errorf("the report caused %d problems in chromium:\n%s", len(p), strings.Join(p, "\n"))
	}
}

// pdftotextPath is where Debian's poppler-utils installs pdftotext.
const pdftotextPath = "/usr/bin/pdftotext"

// TestReportFitsAndPrints opens a report of four scenarios, one with a
// 160-character name, at 1280 CSS pixels wide: the key-metrics table and
// every paired difference fit without horizontal scrolling. It then prints
// the page to PDF as chromium's print dialog would and extracts the text:
// every scenario name, every paired difference of the key metrics, every
// figure title, the folded parameter differences and the folded table of
// all metrics are in the printed document.
func TestReportFitsAndPrints(t *testing.T) {
	ctx, problems := browser(t)
	if _, err := os.Stat(pdftotextPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("pdftotext not installed (%v); apt-get install poppler-utils to run this test", err)
		}
		t.Fatalf("pdftotext not installed in CI (%v); .ci/run installs it", err)
	}
	runs := []*results.RunData{runDir(t, "ways-to-wellness", 2, 30), runDir(t, "block-grant", 2, 30),
		runDir(t, "long.yaml", 2, 30), runDir(t, "per-referral", 2, 30)}
	in := input(t, runs...)
	dir := t.TempDir()
	name := filepath.Join(dir, "report.html")
	if err := os.WriteFile(name, []byte(write(t, in)), 0o644); err != nil {
		t.Fatal(err)
	}

	var fit struct {
		ViewportWidth  int     `json:"viewportWidth"`
		PageScroll     int     `json:"pageScroll"`
		TableScroll    int     `json:"tableScroll"`
		TableClient    int     `json:"tableClient"`
		DiffCells      int     `json:"diffCells"`
		DiffRightMost  float64 `json:"diffRightMost"`
		HeadlineBottom float64 `json:"headlineBottom"`
	}
	var pdf []byte
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate("file://"+name),
		chromedp.WaitReady("#notes", chromedp.ByQuery),
		chromedp.Evaluate(`(() => {
			const t = document.querySelector("#key-metrics");
			const cells = [...t.querySelectorAll("td.diff")];
			return {
				viewportWidth: window.innerWidth,
				pageScroll: document.documentElement.scrollWidth,
				tableScroll: t.scrollWidth, tableClient: t.clientWidth,
				diffCells: cells.length,
				diffRightMost: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
				headlineBottom: document.querySelector("#headline dl").getBoundingClientRect().bottom,
			};
		})()`, &fit),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().WithPrintBackground(true).WithPaperWidth(8.27).WithPaperHeight(11.69).Do(ctx)
			return err
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if fit.ViewportWidth != 1280 {
		t.Fatalf("viewport %d px wide; want 1280", fit.ViewportWidth)
	}
	if fit.PageScroll > fit.ViewportWidth {
		t.Errorf("page scrolls sideways: %d px wide in a %d px viewport", fit.PageScroll, fit.ViewportWidth)
	}
	if fit.TableScroll > fit.TableClient {
		t.Errorf("key-metrics table scrollWidth %d > clientWidth %d", fit.TableScroll, fit.TableClient)
	}
	if want := len(compare.KeyMetrics()) * (len(runs) - 1); fit.DiffCells != want {
		t.Errorf("key-metrics table has %d difference cells; want %d", fit.DiffCells, want)
	}
	if fit.DiffRightMost > float64(fit.ViewportWidth) {
		t.Errorf("a paired difference ends at x = %.0f px, past the %d px viewport", fit.DiffRightMost, fit.ViewportWidth)
	}

	pdfName := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(pdfName, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotextPath, "-raw", "-enc", "UTF-8", pdfName, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Text in content-stream order (-raw), which is the page's order.
	// Lines wrap where the page does: compare without white space, and
	// names also without hyphens, which pdftotext drops at the end of a
	// line.
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	text := squash(string(out))
	noHyphens := strings.ReplaceAll(text, "-", "")
	missing := func(what, s string) {
		if !strings.Contains(text, squash(s)) {
			t.Errorf("printed report lacks %s %q", what, s)
		}
	}
	missingName := func(what, s string) {
		if !strings.Contains(noHyphens, strings.ReplaceAll(squash(s), "-", "")) {
			t.Errorf("printed report lacks %s %q", what, s)
		}
	}
	for _, s := range in.Comparison.Scenarios {
		missingName("scenario", s)
	}
	missing("heading", "Headline results")
	for _, m := range compare.KeyMetrics() {
		missing("key metric", m)
		for s := 1; s < len(runs); s++ {
			st, _ := in.Comparison.Stat(s, m)
			missing("paired difference of "+m, signed(st.Diff))
		}
	}
	for _, f := range in.Figures {
		missingName("figure title", f.Title)
	}
	changes, err := compare.DiffParams([]byte(runs[0].Manifest.ScenarioYAML), []byte(runs[1].Manifest.ScenarioYAML))
	if err != nil || len(changes) == 0 {
		t.Fatalf("DiffParams = %d changes, %v", len(changes), err)
	}
	missing("folded parameter difference", changes[0].Path)
	missing("metric of the folded table of all metrics", "culture_gap_end")
	if p := problems(); len(p) > 0 {
		t.Errorf("the report caused %d problems in chromium:\n%s", len(p), strings.Join(p, "\n"))
	}
	if t.Failed() {
		t.Logf("printed text:\n%s", out)
	}
}
