package explorer

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/sibsim/sibsim/sim/cputime"
)

// BenchmarkServe20Replications is the answer to a fresh request for 20
// replications of the default scenario: run request, replications on
// every core, comparison, headlines, figures, and the results fragment.
// Target: 1.5 s or less on 2 cores.
func BenchmarkServe20Replications(b *testing.B) {
	tok := Variant{Baseline: "ways-to-wellness", Replications: 20, Seed: 1}.Token()
	cpu := cputime.Process().Seconds()
	for b.Loop() {
		b.StopTimer()
		_, srv := newTest(b, Options{}) // empty caches
		b.StartTimer()
		answer(b, srv, tok)
		b.StopTimer()
		srv.Close()
		b.StartTimer()
	}
	// CPU seconds per answer; on an idle machine the wall time is about
	// this over the cores.
	b.ReportMetric((cputime.Process().Seconds()-cpu)/float64(b.N), "cpu-s/op")
}

// BenchmarkServeCached is the same request answered from the cache.
// Target: 100 ms or less.
func BenchmarkServeCached(b *testing.B) {
	tok := Variant{Baseline: "ways-to-wellness", Replications: 20, Seed: 1}.Token()
	_, srv := newTest(b, Options{})
	answer(b, srv, tok)
	cpu := cputime.Process().Seconds()
	for b.Loop() {
		answer(b, srv, tok)
	}
	b.ReportMetric((cputime.Process().Seconds()-cpu)/float64(b.N), "cpu-s/op")
}

// answer runs tok and fetches its results fragment, as the page does.
func answer(b *testing.B, ts *httptest.Server, tok string) {
	code, st := postForm(b, ts, "/api/run", url.Values{"v": {tok}})
	if code != http.StatusOK && code != http.StatusAccepted {
		b.Fatalf("run: %d %v", code, st)
	}
	id := st["id"].(string)
	if st["state"] != stateDone {
		if fin := waitDone(b, ts, id); fin["state"] != stateDone {
			b.Fatalf("run: %v", fin)
		}
	}
	if code, _, _ := get(b, ts, "/api/views/"+id); code != http.StatusOK {
		b.Fatalf("view: %d", code)
	}
}
