package explorer

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sibsim/sibsim/plots/internal/browsertest"
)

// TestExplorerInBrowser drives the explorer in headless chromium as a
// commissioner would: it opens the page, which runs the baseline; changes
// the first assessment tariff in the form; runs; sees the table gain the
// variant's column and the figures load; follows the shareable link to a
// fresh page that shows the same variant and its results; and checks that
// no page reported a console error, an exception, a dialog or a request to
// anywhere but the server. Without chromium it skips, except in CI.
func TestExplorerInBrowser(t *testing.T) {
	_, srv := newTest(t, Options{})
	ctx, problems := browsertest.Start(t, 150*time.Second, func(u string) bool {
		return strings.HasPrefix(u, srv.URL+"/") || strings.HasPrefix(u, "data:")
	})

	const variantHeader = `document.querySelector("#metrics thead") && document.querySelector("#metrics thead").textContent.includes("ways-to-wellness variant")`
	const figuresLoaded = `(() => { const im = [...document.querySelectorAll("#results img")];
		return im.length === 3 && im.every(i => i.complete && i.naturalWidth > 0) })()`
	start := Variant{Baseline: "ways-to-wellness", Replications: 2, Seed: 1}
	input := fmt.Sprintf(`document.querySelector('.lever-input[data-path=%q]')`, tariffPath)
	var baselineCols, share, value string
	var variantCols int
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/?v="+start.Token()),
		chromedp.WaitVisible("#metrics", chromedp.ByQuery),
		chromedp.Poll(figuresLoaded, nil, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.Evaluate(`document.querySelector("#metrics thead").textContent`, &baselineCols),
		chromedp.Evaluate(input+`.value = "200"; `+input+`.dispatchEvent(new Event("input", {bubbles: true})); true`, nil),
		chromedp.Click("#run", chromedp.ByQuery),
		chromedp.Poll(variantHeader, nil, chromedp.WithPollingTimeout(90*time.Second)),
		chromedp.Poll(figuresLoaded, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(`document.querySelectorAll("#metrics thead th").length`, &variantCols),
		chromedp.Evaluate(`document.querySelector("#share").href`, &share),
	)
	if err != nil {
		t.Fatalf("change a tariff and run: %v (problems: %q)", err, problems())
	}
	if strings.Contains(baselineCols, "variant") {
		t.Errorf("first table header %q; want the baseline alone", baselineCols)
	}
	if variantCols != 3 {
		t.Errorf("table after the run has %d header cells; want 3 (metric, baseline, variant)", variantCols)
	}
	if !strings.HasPrefix(share, srv.URL+"/?v=") {
		t.Fatalf("shareable link %q", share)
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate(share),
		chromedp.Poll(variantHeader, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Poll(figuresLoaded, nil, chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(input+`.value`, &value),
		chromedp.Sleep(200*time.Millisecond), // let late console messages arrive
	)
	if err != nil {
		t.Fatalf("follow the shareable link: %v (problems: %q)", err, problems())
	}
	if value != "200" {
		t.Errorf("tariff after following the link = %q; want 200", value)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the explorer caused %d problems in chromium:\n%s", len(p), strings.Join(p, "\n"))
	}
}
