package explorer

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoad fires 200 concurrent requests on loopback (pages, validation,
// cached runs, results and figures) and checks that every one succeeds in
// bounded time and that the heap does not grow beyond a bound; then it
// sends more distinct run requests at once than the limits allow and
// checks that those beyond are refused with 429, not queued without end.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	_, srv := newTest(t, Options{MaxRunning: 1, MaxQueued: 2})
	v := Variant{Baseline: "ways-to-wellness", Replications: 2, Seed: 5, Overrides: []Override{{tariffPath, "180"}}}
	tok := v.Token()
	code, st := postForm(t, srv, "/api/run", url.Values{"v": {tok}})
	if code != http.StatusAccepted {
		t.Fatalf("warm-up run: %d %v", code, st)
	}
	id := st["id"].(string)
	if fin := waitDone(t, srv, id); fin["state"] != stateDone {
		t.Fatalf("warm-up run: %v", fin)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	requests := []func() (*http.Response, error){
		func() (*http.Response, error) { return client.Get(srv.URL + "/?v=" + tok) },
		func() (*http.Response, error) {
			return client.PostForm(srv.URL+"/api/validate", url.Values{"v": {tok}})
		},
		func() (*http.Response, error) { return client.PostForm(srv.URL+"/api/run", url.Values{"v": {tok}}) },
		func() (*http.Response, error) { return client.Get(srv.URL + "/api/views/" + id) },
		func() (*http.Response, error) { return client.Get(srv.URL + "/api/views/" + id + "/care-share.svg") },
		func() (*http.Response, error) { return client.Get(srv.URL + "/api/csv?v=" + tok) },
		func() (*http.Response, error) { return client.Get(srv.URL + "/static/app.js") },
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	round := func() []string {
		var mu sync.Mutex
		var failures []string
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := requests[i%len(requests)]()
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("request %d: %v", i, err))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return failures
	}
	round() // warm caches and connections
	before := heap()
	start := time.Now()
	for r := range 3 {
		if f := round(); len(f) > 0 {
			t.Fatalf("round %d: %d of 200 requests failed: %s", r, len(f), strings.Join(f[:min(len(f), 5)], "; "))
		}
	}
	if d := time.Since(start); d > 90*time.Second {
		t.Errorf("600 requests took %v; want under 90 s", d)
	}
	after := heap()
	if after > before+64<<20 {
		t.Errorf("heap grew from %d to %d bytes over 600 requests; want under 64 MiB growth", before, after)
	}
	t.Logf("600 requests in %v; heap %d -> %d bytes", time.Since(start), before, after)

	// Ten distinct runs at once with room for 1 running and 2 queued.
	var mu sync.Mutex
	codes := map[int]int{}
	var ids []string
	var wg sync.WaitGroup
	for seed := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := Variant{Baseline: "ways-to-wellness", Replications: 50, Seed: uint64(100 + seed)}
			code, st := postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}})
			mu.Lock()
			defer mu.Unlock()
			codes[code]++
			if code == http.StatusAccepted {
				ids = append(ids, st["id"].(string))
			}
		}()
	}
	wg.Wait()
	if codes[http.StatusAccepted] != 3 || codes[http.StatusTooManyRequests] != 7 {
		t.Errorf("10 concurrent runs with 1 running and 2 queued allowed: status counts %v; want 3 accepted and 7 refused (429)", codes)
	}
	for _, id := range ids {
		postForm(t, srv, "/api/jobs/"+id+"/cancel", nil)
	}
}
