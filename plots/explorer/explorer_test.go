package explorer

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
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

func TestLeversCoverTheGroups(t *testing.T) {
	base, err := scenario.Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		tariffPath: groupProvider,
		"contract.provider_payments[1].from_week":                           groupPhases,
		"contract.payers[0].cap_gbp":                                        groupPayers,
		"referrals.gp_engagement_mean":                                      groupGP,
		"allocation.caseload_max":                                           groupCaseload,
		"providers[0].culture":                                              groupProviders,
		"neighbourhoods[0].services.social_groups.places_per_1000_eligible": groupCommunity,
		"weeks": groupOther,
	}
	got := map[string]string{}
	for _, l := range Levers(base) {
		got[l.Path] = l.Group
		xs, err := scenario.GetPath(base, l.Path)
		if err != nil || len(xs) != 1 || formatNumber(xs[0]) != l.Value {
			t.Errorf("lever %s = %s; GetPath gives %v, %v", l.Path, l.Value, xs, err)
		}
	}
	for p, g := range want {
		if got[p] != g {
			t.Errorf("lever %s in group %q; want %q", p, got[p], g)
		}
	}
}

// TestVariantYAMLHoldsChangesOnly downloads a variant's scenario file and
// loads it as "sibsim validate" does: it extends the baseline, holds only
// the changed list (whole, as extends replaces lists) and gives the
// changed value, the rest as the baseline.
func TestVariantYAMLHoldsChangesOnly(t *testing.T) {
	_, srv := newTest(t, Options{})
	v := Variant{Baseline: "ways-to-wellness", Name: "higher first tariff", Replications: 2, Seed: 1, Overrides: []Override{{tariffPath, "200"}}}
	code, body, hdr := get(t, srv, "/api/yaml?v="+v.Token())
	if code != http.StatusOK || !strings.Contains(hdr.Get("Content-Disposition"), "higher-first-tariff.yaml") {
		t.Fatalf("GET yaml: %d %q\n%s", code, hdr.Get("Content-Disposition"), body)
	}
	var top map[string]any
	if err := yaml.Unmarshal([]byte(body), &top); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(top))
	if !slices.Equal(keys, []string{"contract", "description", "extends", "name"}) || top["extends"] != "ways-to-wellness" {
		t.Errorf("variant YAML top-level keys %v, extends %v; want contract, description, extends, name; extends ways-to-wellness", keys, top["extends"])
	}
	if c, _ := top["contract"].(map[string]any); len(c) != 1 || c["provider_payments"] == nil {
		t.Errorf("variant YAML contract = %v; want provider_payments only", c)
	}
	r, err := scenario.Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"v.yaml": {Data: []byte(body)}}}.Load("v.yaml")
	if err != nil {
		t.Fatalf("loading the downloaded variant: %v", err)
	}
	base, _ := scenario.Default(scenarios.FS)
	for _, c := range []struct {
		path string
		want float64
	}{
		{tariffPath, 200},
		{"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[1]", must(scenario.GetPath(base, "contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[1]"))[0]},
		{"contract.provider_payments[0].from_week", must(scenario.GetPath(base, "contract.provider_payments[0].from_week"))[0]},
	} {
		if got := must(scenario.GetPath(r.Scenario, c.path)); got[0] != c.want {
			t.Errorf("downloaded variant %s = %v; want %v", c.path, got[0], c.want)
		}
	}
}

func must(xs []float64, err error) []float64 {
	if err != nil || len(xs) == 0 {
		return []float64{math.NaN()}
	}
	return xs
}

func TestRunShowsResultsAndCaches(t *testing.T) {
	_, srv := newTest(t, Options{})
	v := Variant{Baseline: "ways-to-wellness", Replications: 2, Seed: 3, Overrides: []Override{{tariffPath, "200"}}}
	code, st := postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}})
	if code != http.StatusAccepted {
		t.Fatalf("run: %d %v; want 202", code, st)
	}
	id := st["id"].(string)
	if fin := waitDone(t, srv, id); fin["state"] != stateDone || fin["done"] != float64(4) {
		t.Fatalf("run ended %v; want done with 4 of 4 replications (2 of the baseline, 2 of the variant)", fin)
	}
	code, html, _ := get(t, srv, "/api/views/"+id)
	for _, want := range []string{"Care share", "Who is lost", "ways-to-wellness variant", `id="metrics"`, "care_share", "/care-share.svg", "/equity-gap.svg", "/money.svg"} {
		if code != http.StatusOK || !strings.Contains(html, want) {
			t.Errorf("results view (%d) lacks %q", code, want)
		}
	}
	for _, fig := range shownFigures {
		code, svg, hdr := get(t, srv, "/api/views/"+id+"/"+fig+".svg")
		if code != http.StatusOK || hdr.Get("Content-Type") != "image/svg+xml" || !strings.Contains(svg, "<svg") {
			t.Errorf("figure %s: %d %s", fig, code, hdr.Get("Content-Type"))
		}
	}
	// Asked again, the answer is at once: the job is already done.
	start := time.Now()
	code, st = postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}})
	if code != http.StatusOK || st["state"] != stateDone || st["id"] != id {
		t.Errorf("second run: %d %v; want 200 done with id %s", code, st, id)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cached run took %v", d)
	}
	code, csv, _ := get(t, srv, "/api/csv?v="+v.Token())
	if code != http.StatusOK || !strings.HasPrefix(csv, "scenario,metric,mean,lo95,hi95,diff,diff_lo95,diff_hi95,payments_scaled,payment_scale\n") ||
		!strings.Contains(csv, "\nways-to-wellness,care_share,") || !strings.Contains(csv, "\nways-to-wellness variant,care_share,") {
		t.Errorf("CSV: %d\n%.300s", code, csv)
	}
}

func TestPageEscapesUserText(t *testing.T) {
	_, srv := newTest(t, Options{})
	v := Variant{Baseline: "ways-to-wellness", Name: `<script>alert(1)</script>`, Replications: 2, Seed: 1,
		Overrides: []Override{{tariffPath, `"><img src=x onerror=alert(2)>`}}}
	code, page, hdr := get(t, srv, "/?v="+v.Token())
	if code != http.StatusOK {
		t.Fatalf("page: %d", code)
	}
	for _, bad := range []string{"<script>alert", "<img src=x"} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds unescaped %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("page does not show the escaped variant name")
	}
	if !strings.Contains(page, "must be a number") {
		t.Error("page does not show the problem of the bad value beside its lever")
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "http") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
}

func TestRefusesForeignRequests(t *testing.T) {
	_, srv := newTest(t, Options{})
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Host = "attacker.example:80"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("request for host attacker.example: %d; want 421", resp.StatusCode)
	}
	req, _ = http.NewRequest("POST", srv.URL+"/api/run", strings.NewReader(""))
	req.Header.Set("Origin", "https://attacker.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d; want 403", resp.StatusCode)
	}
	for _, p := range []string{"/static/../server.go", "/static/page.html.tmpl", "/api/views/nothing/care-share.svg"} {
		if code, _, _ := get(t, srv, p); code != http.StatusNotFound {
			t.Errorf("GET %s: %d; want 404", p, code)
		}
	}
}

func TestLimits(t *testing.T) {
	_, srv := newTest(t, Options{MaxReplications: 50, MaxUploadBytes: 4096})
	v := Variant{Baseline: "ways-to-wellness", Replications: 51, Seed: 1}
	if code, body := postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}}); code != http.StatusBadRequest {
		t.Errorf("run with 51 replications (limit 50): %d %v; want 400", code, body)
	}
	v = Variant{Baseline: "../../etc/passwd", Replications: 2, Seed: 1}
	if code, body := postForm(t, srv, "/api/validate", url.Values{"v": {v.Token()}}); code != http.StatusBadRequest || !strings.Contains(body["error"].(string), "no shipped scenario") {
		t.Errorf("baseline outside the shipped scenarios: %d %v; want 400 no shipped scenario", code, body)
	}
	resp, err := http.Post(srv.URL+"/api/upload?name=big.yaml", "application/yaml", strings.NewReader(strings.Repeat("#", 5000)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("upload of 5000 bytes (limit 4096): %d; want 413", resp.StatusCode)
	}
}

func TestUploadedBaseline(t *testing.T) {
	_, srv := newTest(t, Options{})
	up := func(name, body string) (int, map[string]any) {
		resp, err := http.Post(srv.URL+"/api/upload?name="+url.QueryEscape(name), "application/yaml", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	code, body := up("bad.yaml", "extends: ways-to-wellness\nweeks: -1\n")
	if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["problems"]), "bad.yaml:2:8: weeks: must be >= 1") {
		t.Errorf("invalid upload: %d %v; want 400 with the located problem", code, body)
	}
	code, body = up("My Plan.yaml", "name: my-plan\ndescription: a plan\nextends: block-grant\nreferrals:\n  gp_engagement_mean: 0.5\n")
	if code != http.StatusOK {
		t.Fatalf("upload: %d %v", code, body)
	}
	ref := body["baseline"].(string)
	v := Variant{Baseline: ref, Replications: 2, Seed: 1, Overrides: []Override{{"referrals.gp_engagement_mean", "0.6"}}}
	code, y, _ := get(t, srv, "/api/yaml?v="+v.Token())
	if code != http.StatusOK || !strings.Contains(y, "extends: my-plan.yaml") || !strings.Contains(y, "gp_engagement_mean: 0.6") {
		t.Errorf("variant of an upload: %d\n%s", code, y)
	}
	if code, page, _ := get(t, srv, "/"); code != http.StatusOK || !strings.Contains(page, "my-plan.yaml (uploaded)") {
		t.Errorf("page does not list the upload (%d)", code)
	}
}

// TestBusyRefusedAndCancelFrees starts more runs than the limits allow:
// those beyond are refused with 429, and cancelling frees the workers.
func TestBusyRefusedAndCancelFrees(t *testing.T) {
	_, srv := newTest(t, Options{MaxRunning: 1, MaxQueued: 1, Workers: 1})
	var ids []string
	for seed := uint64(1); seed <= 3; seed++ {
		v := Variant{Baseline: "ways-to-wellness", Replications: 100, Seed: seed}
		code, st := postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}})
		switch {
		case seed <= 2 && code != http.StatusAccepted:
			t.Fatalf("run %d: %d %v; want 202", seed, code, st)
		case seed == 3 && code != http.StatusTooManyRequests:
			t.Fatalf("run 3 beyond the limits: %d %v; want 429", code, st)
		}
		if code == http.StatusAccepted {
			ids = append(ids, st["id"].(string))
		}
	}
	for _, id := range ids {
		start := time.Now()
		code, st := postForm(t, srv, "/api/jobs/"+id+"/cancel", nil)
		if code != http.StatusOK || st["state"] != stateCancelled {
			t.Errorf("cancel %s: %d %v; want cancelled", id, code, st)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("cancel took %v", d)
		}
	}
	// With both cancelled, a new run is accepted.
	v := Variant{Baseline: "ways-to-wellness", Replications: 1, Seed: 9}
	if code, st := postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}}); code != http.StatusAccepted {
		t.Errorf("run after cancelling: %d %v; want 202", code, st)
	}
}

// TestLeverLabelsNameTheirPhase checks that each lever of a phase names
// its own phase (labels of list elements must not share storage).
func TestLeverLabelsNameTheirPhase(t *testing.T) {
	base, err := scenario.Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"contract.provider_payments[0].from_week":                                "provider payments, phase 1 (weeks 0 to 156) · from week",
		"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0]":   "provider payments, phase 2 (from week 156) · per assessment · tariff for reading 1 (GBP)",
		"contract.outcome_payments[0].rules[0].wellbeing_outcome.per_client_gbp": "outcome payments, phase 1 (from week 0) · rule 1 · wellbeing outcome · per client (GBP)",
		"contract.payers[0].cap_gbp":                                             "payer ccg · cap (GBP)",
	}
	for _, l := range Levers(base) {
		if w, ok := want[l.Path]; ok && l.Label != w {
			t.Errorf("label of %s = %q; want %q", l.Path, l.Label, w)
		}
	}
}

// TestLeversCarryTheirMeaning checks that every lever of every shipped
// scenario has its meaning and unit (and its source where the ODD's
// parameter table gives one) as plain text, and that the form shows them:
// the meaning beside the label, the unit and source in its title.
func TestLeversCarryTheirMeaning(t *testing.T) {
	infos, err := (scenario.Loader{Shipped: scenarios.FS}).List()
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range infos {
		name := info.Name
		r, err := scenario.Loader{Shipped: scenarios.FS}.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range Levers(r.Scenario) {
			if l.Help == "" || l.Unit == "" || strings.ContainsAny(l.Help+l.Unit+l.Source, "`*") || l.Source == "—" {
				t.Errorf("%s: lever %s: help %q, unit %q, source %q; want a meaning and a unit, all as plain text", name, l.Path, l.Help, l.Unit, l.Source)
			}
		}
	}
	_, srv := newTest(t, Options{})
	code, page, _ := get(t, srv, "/")
	if code != http.StatusOK {
		t.Fatalf("page: %d", code)
	}
	for _, want := range []string{
		`<small class="help">Relative rise of the secondary-care event rate while anxiety or low confidence is unmet</small>`,
		`title="health.anxiety_rate_effect · relative increase while anxiety/low confidence is unmet · source: assumption, range 0-0.45;`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not hold %q", want)
		}
	}
}

// TestSideBySide runs the shipped SIB against a block grant at its own
// amount: the view compares both with the first, and the page lists them.
func TestSideBySide(t *testing.T) {
	_, srv := newTest(t, Options{})
	sib := Variant{Baseline: "ways-to-wellness", Replications: 2, Seed: 1}
	grant := Variant{Baseline: "block-grant", Name: "grant at 900k", Replications: 7, Seed: 4,
		Overrides: []Override{{"contract.provider_payments[0].rules[0].block_grant.gbp_per_year", "900000"}}}
	form := url.Values{"mode": {"compare"}, "v": {sib.Token(), grant.Token()}}
	code, st := postForm(t, srv, "/api/run", form)
	if code != http.StatusAccepted || st["total"] != float64(4) {
		t.Fatalf("side-by-side run: %d %v; want 202 with 4 replications (2 each, the first's settings)", code, st)
	}
	id := st["id"].(string)
	if fin := waitDone(t, srv, id); fin["state"] != stateDone {
		t.Fatalf("side-by-side run: %v", fin)
	}
	_, html, _ := get(t, srv, "/api/views/"+id)
	for _, want := range []string{"ways-to-wellness (reference)", "grant at 900k", "The gap under grant at 900k minus the gap under ways-to-wellness"} {
		if !strings.Contains(html, want) {
			t.Errorf("side-by-side view lacks %q", want)
		}
	}
	code, page, _ := get(t, srv, "/compare?"+form.Encode())
	if code != http.StatusOK || !strings.Contains(page, "grant at 900k") || !strings.Contains(page, "block_grant.gbp_per_year = 900000") {
		t.Errorf("side-by-side page (%d) does not list the variants and their changes", code)
	}
}

// TestOverridesReadAsTheLoaderReads checks that a lever's value is read
// as a scenario file's number is: spellings the loader refuses are refused
// with its message beside the lever, and accepted ones reach the variant's
// YAML as typed.
func TestOverridesReadAsTheLoaderReads(t *testing.T) {
	_, srv := newTest(t, Options{})
	const (
		floatPath = "referrals.gp_engagement_mean"
		intPath   = "allocation.caseload_max"
	)
	// loaderMsg is the loader's message for value at path in a file.
	loaderMsg := func(path, value string) string {
		t.Helper()
		parent, field, _ := strings.Cut(path, ".")
		file := fmt.Sprintf("extends: ways-to-wellness\n%s:\n  %s: %s\n", parent, field, value)
		_, err := scenario.Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"f.yaml": {Data: []byte(file)}}}.Load("f.yaml")
		var se *scenario.Error
		if !errors.As(err, &se) || len(se.Problems) != 1 || se.Problems[0].Path != path {
			t.Fatalf("loader on %s: %s: %v; want one problem at %s", path, value, err, path)
		}
		return se.Problems[0].Msg
	}
	for _, c := range []struct{ path, value, want string }{
		{floatPath, "1e-400", "out of range: too close to 0"},
		{floatPath, "0x1p6", "must be a number"},
		{floatPath, "1_00", "without _ between digits"},
		{floatPath, "017", "without leading zeros"},
		{floatPath, ".inf", "must be a finite number"},
		{intPath, "1e2", "must be a whole number"},
		{intPath, "100.0", "must be a whole number"},
		{intPath, "0x64", "must be a decimal number"},
		{intPath, "017", "without leading zeros"},
	} {
		t.Run(c.path+"="+c.value, func(t *testing.T) {
			v := Variant{Baseline: "ways-to-wellness", Replications: 2, Seed: 1, Overrides: []Override{{c.path, c.value}}}
			code, body := postForm(t, srv, "/api/validate", url.Values{"v": {v.Token()}})
			ps, _ := body["problems"].([]any)
			if code != http.StatusBadRequest || len(ps) != 1 {
				t.Fatalf("validate: %d %v; want 400 with one problem", code, body)
			}
			p := ps[0].(map[string]any)
			want := loaderMsg(c.path, c.value)
			if p["field"] != c.path || p["msg"] != want || !strings.Contains(want, c.want) {
				t.Errorf("problem = %v; want field %s, msg %q (the loader's, containing %q)", p, c.path, want, c.want)
			}
			if code, y, _ := get(t, srv, "/api/yaml?v="+v.Token()); code != http.StatusBadRequest {
				t.Errorf("GET yaml of a refused value: %d; want 400\n%s", code, y)
			}
		})
	}
	// Accepted spellings reach the YAML as typed, and load to their value.
	for _, c := range []struct {
		path, value string
		want        float64
	}{
		{floatPath, " 6.5e-1 ", 0.65},
		{floatPath, ".7", 0.7},
		{intPath, "+131", 131},
	} {
		v := Variant{Baseline: "ways-to-wellness", Replications: 2, Seed: 1, Overrides: []Override{{c.path, c.value}}}
		code, y, _ := get(t, srv, "/api/yaml?v="+v.Token())
		_, field, _ := strings.Cut(c.path, ".")
		if code != http.StatusOK || !strings.Contains(y, field+": "+strings.TrimSpace(c.value)+"\n") {
			t.Errorf("GET yaml with %s = %q: %d; want it written as typed\n%s", c.path, c.value, code, y)
			continue
		}
		r, err := scenario.Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"v.yaml": {Data: []byte(y)}}}.Load("v.yaml")
		if err != nil {
			t.Fatalf("loading the downloaded variant: %v", err)
		}
		if got := must(scenario.GetPath(r.Scenario, c.path))[0]; got != c.want {
			t.Errorf("downloaded variant %s = %v; want %v", c.path, got, c.want)
		}
	}
}

// TestRunNeedsAVariant checks that a run request without a valid variant
// is refused and starts nothing, rather than running a default.
func TestRunNeedsAVariant(t *testing.T) {
	e, srv := newTest(t, Options{})
	empty := base64.RawURLEncoding.EncodeToString([]byte("{}"))
	noReps := Variant{Baseline: "ways-to-wellness", Seed: 1}.Token()
	for _, c := range []struct{ name, body, want string }{
		{"empty form", "", "no variant given"},
		{"no v field", "x=1", "no variant given"},
		{"garbage", "\x00%zz&&==", "invalid URL escape"},
		{"v not a token", "v=***", "not valid base64url"},
		{"empty variant", "v=" + empty, "names no baseline"},
		{"no replications", "v=" + noReps, "the variant has problems"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Post(srv.URL+"/api/run", "application/x-www-form-urlencoded", strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			json.NewDecoder(resp.Body).Decode(&body)
			if msg, _ := body["error"].(string); resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg, c.want) {
				t.Errorf("POST /api/run %q: %d %v; want 400 with an error containing %q", c.body, resp.StatusCode, body, c.want)
			}
		})
	}
	if code, body, _ := get(t, srv, "/api/csv"); code != http.StatusBadRequest || !strings.Contains(body, "no variant given") {
		t.Errorf("GET /api/csv without a variant: %d %s; want 400 no variant given", code, body)
	}
	e.runner.mu.Lock()
	n := len(e.runner.jobs)
	e.runner.mu.Unlock()
	if n != 0 {
		t.Errorf("refused requests started %d jobs; want 0", n)
	}
}

// TestOversizedUploadsRefused checks that a file beyond the limit is
// refused with 413 and the limit, whether sent raw or as a form, and
// whether the body is cut by the reader's limit or the file's.
func TestOversizedUploadsRefused(t *testing.T) {
	_, srv := newTest(t, Options{MaxUploadBytes: 4096})
	multipartBody := func(size int) (string, *bytes.Buffer) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, err := mw.CreateFormFile("file", "big.yaml")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(strings.Repeat("#", size)))
		mw.Close()
		return mw.FormDataContentType(), &buf
	}
	for _, c := range []struct {
		name      string
		multipart bool
		size      int
	}{
		{"raw, just over", false, 5000},
		{"raw, far over", false, 300 << 10},
		{"multipart, just over", true, 5000},
		{"multipart, far over", true, 300 << 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			ct, body := "application/yaml", bytes.NewBufferString(strings.Repeat("#", c.size))
			if c.multipart {
				ct, body = multipartBody(c.size)
			}
			resp, err := http.Post(srv.URL+"/api/upload?name=big.yaml", ct, body)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var m map[string]any
			json.NewDecoder(resp.Body).Decode(&m)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || m["error"] != "a scenario file may hold at most 4096 bytes" {
				t.Errorf("upload of %d bytes (limit 4096): %d %v; want 413 naming the limit", c.size, resp.StatusCode, m)
			}
		})
	}
}

// TestCancelAnswersAtOnce cancels a run of the national scenario, whose
// replications take seconds: the answer must not wait for them, and the
// workers must stop soon after.
func TestCancelAnswersAtOnce(t *testing.T) {
	e, srv := newTest(t, Options{Workers: 1})
	v := Variant{Baseline: "england-national", Replications: 3, Seed: 1}
	code, st := postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}})
	if code != http.StatusAccepted {
		t.Fatalf("run: %d %v; want 202", code, st)
	}
	id := st["id"].(string)
	j := e.runner.get(id)
	for deadline := time.Now().Add(10 * time.Second); j.status().State != stateRunning; {
		if time.Now().After(deadline) {
			t.Fatalf("job did not start: %v", j.status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // inside the first replication
	start := time.Now()
	code, st = postForm(t, srv, "/api/jobs/"+id+"/cancel", nil)
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("cancel took %v; want under 200ms", d)
	}
	if code != http.StatusOK || st["state"] != stateCancelled {
		t.Errorf("cancel: %d %v; want 200 cancelled", code, st)
	}
	// The same variant asked again is a new job, not the one stopping.
	if code, st := postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}}); code != http.StatusAccepted || st["state"] != stateQueued {
		t.Errorf("run again after cancelling: %d %v; want 202 queued", code, st)
	}
	select {
	case <-j.end:
		t.Logf("workers stopped %v after the cancel", time.Since(start))
	case <-time.After(20 * time.Second):
		t.Errorf("workers still running 20s after the cancel")
	}
	if s := j.status(); s.State != stateCancelled || s.Done != 0 {
		t.Errorf("cancelled job ended %+v; want cancelled with no replication done", s)
	}
}

// TestCountsAgreeWithTheirNouns checks the wording of one replication and
// one changed parameter.
func TestCountsAgreeWithTheirNouns(t *testing.T) {
	_, srv := newTest(t, Options{})
	v := Variant{Baseline: "ways-to-wellness", Replications: 1, Seed: 5, Overrides: []Override{{tariffPath, "200"}}}
	code, st := postForm(t, srv, "/api/run", url.Values{"v": {v.Token()}})
	if code != http.StatusAccepted {
		t.Fatalf("run: %d %v; want 202", code, st)
	}
	id := st["id"].(string)
	if fin := waitDone(t, srv, id); fin["state"] != stateDone {
		t.Fatalf("run ended %v; want done", fin)
	}
	_, html, _ := get(t, srv, "/api/views/"+id)
	if !strings.Contains(html, ">1 replication, seed 5,") || strings.Contains(html, "1 replications") {
		t.Errorf("results of one replication do not read \"1 replication, seed 5\":\n%.400s", html)
	}
	_, y, _ := get(t, srv, "/api/yaml?v="+v.Token())
	if !strings.Contains(y, "ways-to-wellness with 1 changed parameter, made in") {
		t.Errorf("variant description does not read \"with 1 changed parameter\":\n%.400s", y)
	}
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 replications"}, {1, "1 replication"}, {2, "2 replications"}} {
		if got := plural(c.n, "replication", "replications"); got != c.want {
			t.Errorf("plural(%d) = %q; want %q", c.n, got, c.want)
		}
	}
}

// TestAPIErrorsAreJSON: every refusal under /api/ is a JSON object with an
// error, which the page shows, and the status says what went wrong;
// pages outside /api/ keep plain-text errors.
func TestAPIErrorsAreJSON(t *testing.T) {
	_, srv := newTest(t, Options{})
	missing := Variant{Baseline: "upload:0123456789abcdef", Replications: 2, Seed: 1}.Token()
	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		code                     int
		want                     string
	}{
		{"wrong method", "GET", "/api/run", "", nil, http.StatusMethodNotAllowed, "GET /api/run is not allowed (allowed: POST)"},
		{"no endpoint", "POST", "/api/nothing", "", nil, http.StatusNotFound, "no such endpoint: /api/nothing"},
		{"foreign host", "POST", "/api/validate", "", map[string]string{"Host": "attacker.example"}, http.StatusMisdirectedRequest, "localhost only"},
		{"cross origin", "POST", "/api/run", "", map[string]string{"Origin": "null"}, http.StatusForbidden, "cross-origin"},
		{"no variant", "POST", "/api/validate", "", nil, http.StatusBadRequest, "no variant given"},
		{"two variants", "POST", "/api/validate", "v=" + missing + "&v=" + missing, nil, http.StatusBadRequest, "one variant expected (got 2)"},
		{"upload not held", "POST", "/api/validate", "v=" + missing, nil, http.StatusNotFound, "upload the file again"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				if k == "Host" {
					req.Host = v
				} else {
					req.Header.Set(k, v)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct{ Error string }
			derr := json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.code || derr != nil || !strings.Contains(body.Error, tc.want) {
				t.Errorf("%s %s = %d, %q (decode: %v); want %d, JSON error with %q", tc.method, tc.path, resp.StatusCode, body.Error, derr, tc.code, tc.want)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s %s: Content-Type %q; want JSON", tc.method, tc.path, ct)
			}
		})
	}
	if code, body, h := get(t, srv, "/nothing"); code != http.StatusNotFound || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Errorf("GET /nothing = %d %q (%s); want a plain 404", code, body, h.Get("Content-Type"))
	}
}

// TestParseTokenIsStrict: a token is read as strictly as a scenario file:
// unknown fields and trailing data are refused, and a value of the wrong
// type is named by its field, not by Go's types.
func TestParseTokenIsStrict(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct{ json, want string }{
		{`{"b":"ways-to-wellness","r":2,"s":1,"zz":1}`, `unknown field "zz"`},
		{`{"b":"ways-to-wellness","r":2,"s":1}{"b":"blended"}`, "more than one JSON value"},
		{`{"b":"ways-to-wellness","r":"2"}`, "r (replications) must be a whole number (got string)"},
		{`{"b":"ways-to-wellness","r":2,"s":-1}`, "s (seed) must be a whole number from 0 to 18446744073709551615 (got number -1)"},
		{`{"b":"ways-to-wellness","o":{"a":"1"}}`, "o (overrides) must be a list of [path, value] pairs (got object)"},
		{`{"b":7}`, "b (baseline) must be a string (got number)"},
	} {
		_, err := ParseToken(enc(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "Go struct") {
			t.Errorf("ParseToken(%s) = %v; want an error with %q", tc.json, err, tc.want)
		}
	}
	v, err := ParseToken(enc(`{"b":"ways-to-wellness","n":"x","o":[["weeks","52"]],"r":2,"s":9}`))
	if err != nil || v.Baseline != "ways-to-wellness" || v.Name != "x" || len(v.Overrides) != 1 || v.Replications != 2 || v.Seed != 9 {
		t.Errorf("ParseToken(a whole variant) = %+v, %v", v, err)
	}
}

// TestSeriesBytesIsWhatTheCacheCounts: the estimate made before a job runs
// is the size the batch cache then counts for it.
func TestSeriesBytesIsWhatTheCacheCounts(t *testing.T) {
	res, err := scenario.Loader{Shipped: scenarios.FS}.Load("ways-to-wellness")
	if err != nil {
		t.Fatal(err)
	}
	sc := *res.Scenario
	sc.Weeks = 30
	b, err := sim.RunBatch(t.Context(), &sc, sim.Options{Replications: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	d, err := results.FromRun(results.Run{Batch: b, Scenario: &scenario.Resolved{Scenario: &sc, YAML: res.YAML, Hash: res.Hash, Chain: res.Chain}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := seriesBytes(&sc, 3), runBytes(d); got != want {
		t.Errorf("seriesBytes(30 weeks, 3 replications) = %d; runBytes of the run = %d", got, want)
	}
}

// TestRunsBeyondMemoryRefused: a request whose series would not fit the
// cache is refused before it runs, saying how many replications fit.
func TestRunsBeyondMemoryRefused(t *testing.T) {
	_, srv := newTest(t, Options{CacheBytes: 1 << 20})
	res, err := scenario.Loader{Shipped: scenarios.FS}.Load("ways-to-wellness")
	if err != nil {
		t.Fatal(err)
	}
	perRep := seriesBytes(res.Scenario, 1) - 4096
	fit := (1<<20 - 4096) / perRep
	tok := Variant{Baseline: "ways-to-wellness", Replications: int(fit) + 1, Seed: 1}.Token()
	code, body := postForm(t, srv, "/api/run", url.Values{"v": {tok}})
	want := fmt.Sprintf("at most %d fit", fit)
	if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["problems"]), want) {
		t.Errorf("run of %d replications within 1 MiB = %d %v; want 400 with %q", fit+1, code, body, want)
	}
	tok = Variant{Baseline: "ways-to-wellness", Replications: int(fit), Seed: 1}.Token()
	if code, body := postForm(t, srv, "/api/run", url.Values{"v": {tok}}); code != http.StatusAccepted && code != http.StatusOK {
		t.Errorf("run of %d replications within 1 MiB = %d %v; want it started", fit, code, body)
	}
}

// TestAbandonedJobsCancelled: a job nobody asks about (its page was
// closed, or its download's client went away) is cancelled, freeing the
// running slot; a job whose page keeps polling runs to the end.
func TestAbandonedJobsCancelled(t *testing.T) {
	e, srv := newTest(t, Options{AbandonAfter: 300 * time.Millisecond, Workers: 1})
	long := Variant{Baseline: "england-national", Replications: 50, Seed: 1}.Token()
	code, st := postForm(t, srv, "/api/run", url.Values{"v": {long}})
	if code != http.StatusAccepted {
		t.Fatalf("run: %d %v", code, st)
	}
	id := st["id"].(string)

	// A download whose client gives up at once.
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	other := Variant{Baseline: "england-national", Replications: 50, Seed: 2}.Token()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/csv?v="+other, nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("download of a long run answered %d at once", resp.StatusCode)
	}

	time.Sleep(1500 * time.Millisecond)
	e.runner.mu.Lock()
	jobs := slices.Collect(maps.Values(e.runner.jobs))
	e.runner.mu.Unlock()
	if len(jobs) != 2 {
		t.Fatalf("%d jobs; want the run and the download's", len(jobs))
	}
	for _, j := range jobs {
		if s := j.status(); s.State != stateCancelled || !strings.Contains(s.Error, "abandoned") {
			t.Errorf("job %s left for 1.5s: %+v; want cancelled as abandoned", j.id, s)
		}
	}
	if code, body, _ := get(t, srv, "/api/jobs/"+id); code != http.StatusOK || !strings.Contains(body, "abandoned: nobody asked about it for 300ms") {
		t.Errorf("GET /api/jobs/%s after: %d %s", id, code, body)
	}

	// A polled job is not abandoned, though each poll waits longer than
	// AbandonAfter before it answers.
	short := Variant{Baseline: "ways-to-wellness", Replications: 8, Seed: 3}.Token()
	_, st = postForm(t, srv, "/api/run", url.Values{"v": {short}})
	if end := waitDone(t, srv, st["id"].(string)); end["state"] != stateDone {
		t.Errorf("polled job ended %v; want done", end)
	}
}

// TestDownloadOfCancelledRun: a download whose run is cancelled while it
// waits answers 503 (asking again starts the run afresh), not 500, which
// would blame the server.
func TestDownloadOfCancelledRun(t *testing.T) {
	e, srv := newTest(t, Options{Workers: 1})
	long := Variant{Baseline: "england-national", Replications: 50, Seed: 4}.Token()
	type answer struct {
		code int
		body string
	}
	done := make(chan answer, 1)
	go func() {
		code, body, _ := get(t, srv, "/api/csv?v="+long)
		done <- answer{code, body}
	}()
	var id string
	for deadline := time.Now().Add(10 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		e.runner.mu.Lock()
		for k := range e.runner.jobs {
			id = k
		}
		e.runner.mu.Unlock()
	}
	if id == "" {
		t.Fatal("the download started no job")
	}
	if code, st := postForm(t, srv, "/api/jobs/"+id+"/cancel", nil); code != http.StatusOK && code != http.StatusAccepted {
		t.Fatalf("cancel: %d %v", code, st)
	}
	select {
	case a := <-done:
		if a.code != http.StatusServiceUnavailable || !strings.Contains(a.body, `"error"`) || !strings.Contains(a.body, "cancelled") {
			t.Errorf("download of a cancelled run = %d %s; want 503 with a JSON error", a.code, a.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("download did not answer after its run was cancelled")
	}
}
