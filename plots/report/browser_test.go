package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sibsim/sibsim/sim/compare"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// browser starts a headless chromium for the test, or skips the test when
// chromium is missing outside CI (CI=true makes a missing browser a
// failure). It returns a browser context and the problems the pages
// reported: console errors, uncaught exceptions, log errors, dialogs and
// requests for anything but file: and data: URLs.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("chromium not installed (%v); apt-get install chromium to run this test", err)
		}
		t.Fatalf("chromium not installed in CI (%v); .ci/run installs it", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		// No UserDataDir: chromedp makes a temporary one and removes it
		// after the browser has exited (t.TempDir's cleanup could run while
		// chromium still writes there).
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)

	var mu sync.Mutex
	var problems []string
	add := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				add("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			add("exception: %s", ev.ExceptionDetails.Error())
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.LevelError {
				add("log error: %s (%s)", ev.Entry.Text, ev.Entry.URL)
			}
		case *page.EventJavascriptDialogOpening:
			add("dialog: %s", ev.Message)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false)) //nolint:errcheck // best effort
		case *network.EventRequestWillBeSent:
			if u := ev.Request.URL; !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") {
				add("request: %s", u)
			}
		}
	})
	// Start the browser.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
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
