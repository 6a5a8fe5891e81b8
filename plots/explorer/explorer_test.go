package explorer

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sibsim/sibsim/scenarios"
)

// newTest starts an explorer on a loopback test server.
func newTest(t testing.TB, o Options) (*Explorer, *httptest.Server) {
	t.Helper()
	o.Shipped = scenarios.FS
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(func() { srv.Close(); e.Close() })
	return e, srv
}

func postForm(t testing.TB, srv *httptest.Server, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("POST %s: body is not JSON: %v", path, err)
	}
	return resp.StatusCode, body
}

func get(t testing.TB, srv *httptest.Server, path string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// waitDone polls a job until it ends and returns its last status.
func waitDone(t testing.TB, srv *httptest.Server, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(srv.URL + "/api/jobs/" + id + "?wait=500")
		if err != nil {
			t.Fatal(err)
		}
		var st map[string]any
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if s := st["state"]; s != stateQueued && s != stateRunning {
			return st
		}
	}
	t.Fatalf("job %s did not finish", id)
	return nil
}

const tariffPath = "contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0]"

func TestValidateLocatesProblemAtLever(t *testing.T) {
	_, srv := newTest(t, Options{})
	v := Variant{Baseline: "ways-to-wellness", Replications: 2, Seed: 1, Overrides: []Override{{tariffPath, "-5"}}}
	code, body := postForm(t, srv, "/api/validate", url.Values{"v": {v.Token()}})
	if code != http.StatusBadRequest {
		t.Fatalf("validate of a negative tariff: status %d; want 400 (%v)", code, body)
	}
	ps, _ := body["problems"].([]any)
	if len(ps) != 1 {
		t.Fatalf("validate: problems %v; want one", body["problems"])
	}
	p := ps[0].(map[string]any)
	if p["field"] != tariffPath || !strings.HasPrefix(p["text"].(string), "variant.yaml:") || !strings.Contains(p["msg"].(string), "must be >= 0") {
		t.Errorf("validate problem = %v; want field %s, located in variant.yaml, must be >= 0", p, tariffPath)
	}
}
