// Package explorer is the local web app of "sibsim serve": a commissioner
// picks a baseline scenario, changes funding levers in a form, runs
// replications in the background and reads the headlines, the key metrics
// with 95% intervals and paired differences against the baseline (common
// random numbers), and figures of care share, the equity gap and money.
//
// It lives under plots/ because, like plots/report, it presents results:
// it simulates through package sim, compares through sim/compare, states
// findings with plots/report's headlines and draws plots' figures. The
// HTTP handlers, the job runner and the caches are all here, so they are
// tested without the command; cmd/sibsim only listens and serves.
//
// A variant is a baseline and the numbers changed from it (Variant). Its
// scenario file extends the baseline and holds the changes only; it is
// loaded with sim/scenario's strict loader over an in-memory file system,
// so every problem is reported at its line, column and field, beside the
// lever. Nothing is read from disk: baselines are the shipped scenarios
// (an fs.FS) and files uploaded to the server, held in memory.
//
// Pages use only embedded assets and a Content-Security-Policy that
// forbids any other source; every user-supplied text goes through
// html/template. Work is bounded: replications per request, running and
// queued jobs (more are refused with 429), cached bytes, uploads in count
// and size. Cancelling a job answers at once; its replications stop at
// their next check of the context (every 16 simulated weeks).
package explorer

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/sibsim/sibsim/sim/scenario"
)

//go:embed assets
var assets embed.FS

// Options configures an Explorer. Zero values take the defaults given.
type Options struct {
	// Shipped holds the shipped scenarios as NAME.yaml (scenarios.FS).
	Shipped fs.FS
	// Default is the baseline of a fresh page (scenario.DefaultName).
	Default string
	// MaxReplications bounds the replications of one request (200).
	MaxReplications int
	// MaxRunning bounds the jobs simulating at once (1: one job already
	// uses every core); MaxQueued the jobs waiting (4). Further run
	// requests are refused with 429.
	MaxRunning, MaxQueued int
	// Workers is the replications a job runs in parallel (0: all cores).
	Workers int
	// AbandonAfter is how long a job runs while no request waits on it or
	// asks about it (30 s): then it is cancelled, as a page that was
	// closed or a download whose client went away no longer needs it.
	AbandonAfter time.Duration
	// CacheBytes bounds the memory of cached batches (512 MiB).
	CacheBytes int64
	// MaxViews bounds the cached views: comparisons with figures (64).
	MaxViews int
	// MaxUploadBytes bounds an uploaded scenario file (1 MiB);
	// MaxUploads the files held (32, oldest dropped first).
	MaxUploadBytes int64
	MaxUploads     int
}

func (o *Options) defaults() {
	setInt := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	if o.Default == "" {
		o.Default = scenario.DefaultName
	}
	setInt(&o.MaxReplications, 200)
	setInt(&o.MaxRunning, 1)
	setInt(&o.MaxQueued, 4)
	setInt(&o.MaxViews, 64)
	setInt(&o.MaxUploads, 32)
	if o.AbandonAfter <= 0 {
		o.AbandonAfter = 30 * time.Second
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = 512 << 20
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = 1 << 20
	}
}

// Explorer is the web app: an http.Handler.
type Explorer struct {
	opts    Options
	mux     *http.ServeMux
	runner  *runner
	stop    context.CancelFunc
	page    *template.Template
	shipped []string

	mu       sync.Mutex
	uploads  map[string]upload // by ID
	upOrder  []string
	baseMemo map[string]*baseline // resolved baselines by ref
}

type upload struct {
	name string // file name, as a variant extends it
	data []byte
}

// New returns an Explorer over opts.Shipped. Close stops its jobs.
func New(opts Options) (*Explorer, error) {
	opts.defaults()
	if opts.Shipped == nil {
		return nil, errors.New("explorer: no shipped scenarios")
	}
	names := scenario.YAMLNames(opts.Shipped)
	if !slices.Contains(names, opts.Default) {
		return nil, fmt.Errorf("explorer: no shipped scenario %q", opts.Default)
	}
	page, err := template.New("page.html.tmpl").Funcs(template.FuncMap{
		"token":  func(v Variant) string { return v.Token() },
		"plural": plural,
	}).ParseFS(assets, "assets/page.html.tmpl", "assets/result.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("explorer: templates: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	e := &Explorer{opts: opts, runner: newRunner(ctx, opts), stop: stop, page: page, shipped: names,
		uploads: map[string]upload{}, baseMemo: map[string]*baseline{}}
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", e.handlePage)
	m.HandleFunc("GET /compare", e.handleComparePage)
	m.HandleFunc("GET /static/{file}", e.handleStatic)
	m.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	m.HandleFunc("POST /api/validate", e.handleValidate)
	m.HandleFunc("POST /api/run", e.handleRun)
	m.HandleFunc("GET /api/jobs/{id}", e.handleJob)
	m.HandleFunc("POST /api/jobs/{id}/cancel", e.handleCancel)
	m.HandleFunc("GET /api/views/{id}", e.handleView)
	m.HandleFunc("GET /api/views/{id}/{fig}", e.handleFigure)
	m.HandleFunc("GET /api/yaml", e.handleYAML)
	m.HandleFunc("GET /api/csv", e.handleCSV)
	m.HandleFunc("POST /api/upload", e.handleUpload)
	e.mux = m
	return e, nil
}

// plural writes a count and its noun: "1 replication", "2 replications".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Close cancels every job. The Explorer must not be used afterwards.
func (e *Explorer) Close() { e.stop() }

// contentSecurity forbids every source but the server itself; figures are
// images, so their inline styles never reach the page.
const contentSecurity = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// ServeHTTP serves the app. It refuses requests whose Host or Origin is not
// the server's own loopback name when it listens on loopback (against DNS
// rebinding and cross-site requests).
func (e *Explorer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
		refuse(w, r, http.StatusForbidden, "cross-origin requests are refused")
		return
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		refuse(w, r, http.StatusForbidden, "cross-site requests are refused")
		return
	}
	if !loopbackHost(r.Host) && isLoopback(r.Context()) {
		refuse(w, r, http.StatusMisdirectedRequest, "this server answers to localhost only")
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if _, pattern := e.mux.Handler(r); pattern == "" {
			// No endpoint, or not with this method: the mux's own answer
			// is plain text, which the page cannot read as an error.
			rec := &headerRecorder{h: http.Header{}}
			e.mux.ServeHTTP(rec, r)
			switch rec.code {
			case http.StatusNotFound:
				refuse(w, r, rec.code, "no such endpoint: "+r.URL.Path)
				return
			case http.StatusMethodNotAllowed:
				w.Header().Set("Allow", rec.h.Get("Allow"))
				refuse(w, r, rec.code, fmt.Sprintf("%s %s is not allowed (allowed: %s)", r.Method, r.URL.Path, rec.h.Get("Allow")))
				return
			}
		}
	}
	e.mux.ServeHTTP(w, r)
}

// refuse answers a request the server will not serve: as JSON under /api/
// (where the page reads every answer as JSON), as plain text elsewhere.
func refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, code, map[string]any{"error": msg})
		return
	}
	http.Error(w, msg, code)
}

// headerRecorder keeps the status and headers a handler writes and drops
// its body.
type headerRecorder struct {
	h    http.Header
	code int
}

func (r *headerRecorder) Header() http.Header { return r.h }
func (r *headerRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *headerRecorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return len(b), nil
}

func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isLoopback reports whether the request came in on a loopback listener.
func isLoopback(ctx context.Context) bool {
	a, ok := ctx.Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// ErrNoUpload is returned for a variant whose baseline is an upload the
// server does not hold (never uploaded, or dropped for newer ones); the
// handlers answer 404 Not Found.
var ErrNoUpload = errors.New("no longer held by this server: upload the file again")

// baselineOf resolves a variant's baseline: a shipped name or upload:ID.
func (e *Explorer) baselineOf(ref string) (*baseline, error) {
	e.mu.Lock()
	b, ok := e.baseMemo[ref]
	e.mu.Unlock()
	if ok {
		return b, nil
	}
	b = &baseline{ref: ref, files: fstest.MapFS{}}
	l := scenario.Loader{Shipped: e.opts.Shipped, Files: b.files}
	var err error
	if id, ok := strings.CutPrefix(ref, "upload:"); ok {
		e.mu.Lock()
		u, held := e.uploads[id]
		e.mu.Unlock()
		if !held {
			return nil, fmt.Errorf("uploaded scenario %s: %w", id, ErrNoUpload)
		}
		b.extends = u.name
		b.files[u.name] = &fstest.MapFile{Data: u.data}
		b.resolved, err = l.Load(u.name)
	} else {
		if !slices.Contains(e.shipped, ref) {
			return nil, fmt.Errorf("no shipped scenario %q (shipped: %s)", ref, strings.Join(e.shipped, ", "))
		}
		b.extends = ref
		b.resolved, err = l.Load(ref)
	}
	if err != nil {
		return nil, err
	}
	b.setLevers()
	e.mu.Lock()
	if len(e.baseMemo) > 4*e.opts.MaxUploads+len(e.shipped) {
		clear(e.baseMemo)
	}
	e.baseMemo[ref] = b
	e.mu.Unlock()
	return b, nil
}

// defaultReps is the replications of a fresh page: 20, within the limit.
func (e *Explorer) defaultReps() int { return min(20, e.opts.MaxReplications) }

// resolved is a variant ready to run.
type resolved struct {
	v      Variant
	base   *baseline
	levers []Lever
	res    *scenario.Resolved // nil when v changes nothing (the baseline runs)
	yaml   []byte
}

// resolve checks v's settings and loads it. A variant names its baseline
// and replications: nothing runs by default (a seed of 0 is taken as 1).
func (e *Explorer) resolve(v Variant) (*resolved, error) {
	if v.Baseline == "" {
		return nil, errors.New("the variant names no baseline")
	}
	if v.Seed == 0 {
		v.Seed = 1
	}
	if v.Replications < 1 || v.Replications > e.opts.MaxReplications {
		return nil, &InvalidError{Problems: []VariantProblem{{Field: "replications", Msg: fmt.Sprintf("must be between 1 and %d (got %d)", e.opts.MaxReplications, v.Replications),
			Text: fmt.Sprintf("replications: must be between 1 and %d (got %d)", e.opts.MaxReplications, v.Replications)}}}
	}
	b, err := e.baselineOf(v.Baseline)
	if err != nil {
		return nil, err
	}
	out := &resolved{v: v, base: b, levers: b.levers}
	out.res, out.yaml, err = resolveVariant(e.opts.Shipped, b, v, out.levers)
	if err != nil {
		return out, err
	}
	return out, nil
}

// items lists what a single-variant page runs: the baseline, then the
// variant when it changes anything or is renamed.
func (r *resolved) items() []item {
	items := []item{{res: r.base.resolved}}
	if r.res.Hash != r.base.resolved.Hash {
		items = append(items, item{res: r.res})
	}
	return items
}

// tokens reads the variants of a request: v parameters (query or form).
func tokens(r *http.Request) ([]Variant, error) {
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	toks := r.Form["v"]
	if len(toks) > 12 {
		return nil, errors.New("at most 12 variants side by side")
	}
	var out []Variant
	for _, t := range toks {
		v, err := ParseToken(t)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// job starts (or finds) the job of a request: one variant against its
// baseline, or with mode=compare several variants side by side, the first
// the reference (they run with its replications and seed).
func (e *Explorer) job(r *http.Request) (*job, error) {
	vs, err := tokens(r)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, errors.New("no variant given: a run needs a v parameter (a variant's token)")
	}
	var items []item
	if r.Form.Get("mode") != "compare" {
		if len(vs) != 1 {
			return nil, errors.New("one variant expected (or mode=compare)")
		}
		rv, err := e.resolve(vs[0])
		if err != nil {
			return nil, err
		}
		items = rv.items()
		return e.runner.start(items, rv.v.Seed, rv.v.Replications)
	}
	var first *resolved
	for i, v := range vs {
		if i > 0 {
			v.Replications, v.Seed = first.v.Replications, first.v.Seed
		}
		rv, err := e.resolve(v)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			first = rv
		}
		items = append(items, item{res: rv.res})
	}
	return e.runner.start(items, first.v.Seed, first.v.Replications)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client went away
}

// writeError answers err as JSON: the variant's problems (400), busy (429),
// a missing upload (404) or anything else (400: it comes from the request).
func writeError(w http.ResponseWriter, err error) {
	var ie *InvalidError
	switch {
	case errors.As(err, &ie):
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the variant has problems", "problems": ie.Problems})
	case errors.Is(err, ErrNoUpload):
		writeJSON(w, http.StatusNotFound, map[string]any{"error": err.Error()})
	case errors.Is(err, ErrBusy):
		w.Header().Set("Retry-After", "2")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": err.Error()})
	default:
		var se *scenario.Error
		if errors.As(err, &se) {
			var ps []VariantProblem
			for _, p := range se.Problems {
				ps = append(ps, VariantProblem{Path: p.Path, Msg: p.Msg, Text: p.Error()})
			}
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the baseline has problems", "problems": ps})
			return
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
	}
}

// oneVariant resolves the single variant a request names, or writes the
// error (writeError: a request naming none or several variants, or one
// that does not resolve) and returns false.
func (e *Explorer) oneVariant(w http.ResponseWriter, r *http.Request) (*resolved, bool) {
	vs, err := tokens(r)
	switch {
	case err == nil && len(vs) == 0:
		err = errors.New("no variant given: the request needs a v parameter (a variant's token)")
	case err == nil && len(vs) > 1:
		err = fmt.Errorf("one variant expected (got %d)", len(vs))
	}
	if err != nil {
		writeError(w, err)
		return nil, false
	}
	rv, err := e.resolve(vs[0])
	if err != nil {
		writeError(w, err)
		return nil, false
	}
	return rv, true
}

func (e *Explorer) handleValidate(w http.ResponseWriter, r *http.Request) {
	rv, ok := e.oneVariant(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "name": rv.res.Scenario.Name, "sha256": rv.res.Hash})
}

func (e *Explorer) handleRun(w http.ResponseWriter, r *http.Request) {
	j, err := e.job(r)
	if err != nil {
		writeError(w, err)
		return
	}
	code := http.StatusAccepted
	if j.finished() {
		code = http.StatusOK
	}
	writeJSON(w, code, j.status())
}

func (e *Explorer) handleJob(w http.ResponseWriter, r *http.Request) {
	j := e.runner.get(r.PathValue("id"))
	if j == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such job"})
		return
	}
	defer j.watch()()
	// Wait briefly for progress, so that polling is cheap and prompt.
	if wait, _ := strconv.Atoi(r.URL.Query().Get("wait")); wait > 0 {
		select {
		case <-j.end:
		case <-time.After(time.Duration(min(wait, 2000)) * time.Millisecond):
		case <-r.Context().Done():
		}
	}
	writeJSON(w, http.StatusOK, j.status())
}

func (e *Explorer) handleCancel(w http.ResponseWriter, r *http.Request) {
	j := e.runner.get(r.PathValue("id"))
	if j == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "no such job"})
		return
	}
	j.stop() // its workers stop soon after; the answer does not wait
	writeJSON(w, http.StatusOK, j.status())
}

// handleView answers the results fragment of a finished job.
func (e *Explorer) handleView(w http.ResponseWriter, r *http.Request) {
	v := e.runner.views.get(r.PathValue("id"))
	if v == nil {
		http.Error(w, "no such results: run the variant again", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := e.page.ExecuteTemplate(w, "result", v); err != nil {
		http.Error(w, "render results: "+err.Error(), http.StatusInternalServerError)
	}
}

func (e *Explorer) handleFigure(w http.ResponseWriter, r *http.Request) {
	v := e.runner.views.get(r.PathValue("id"))
	name := strings.TrimSuffix(r.PathValue("fig"), ".svg")
	if v == nil {
		http.NotFound(w, r)
		return
	}
	for _, f := range v.Figures {
		if f.Name == name {
			h := w.Header()
			h.Set("Content-Type", "image/svg+xml")
			h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
			h.Set("Cache-Control", "private, max-age=3600")
			w.Write(f.SVG) //nolint:errcheck // the client went away
			return
		}
	}
	http.NotFound(w, r)
}

// waitJob starts the request's job and waits for it (for downloads).
func (e *Explorer) waitJob(w http.ResponseWriter, r *http.Request) *view {
	j, err := e.job(r)
	if err != nil {
		writeError(w, err)
		return nil
	}
	release := j.watch() // when the client goes away, the job is left to be abandoned
	select {
	case <-j.end:
	case <-r.Context().Done():
		release()
		return nil
	}
	release()
	s := j.status()
	switch s.State {
	case stateDone:
	case stateCancelled:
		// Not the server's fault: the job was stopped (abandoned, or the
		// server is stopping); asking again starts it afresh.
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "run " + s.State + ": " + s.Error})
		return nil
	default:
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "run " + s.State + ": " + s.Error})
		return nil
	}
	return j.view
}

func (e *Explorer) handleCSV(w http.ResponseWriter, r *http.Request) {
	v := e.waitJob(w, r)
	if v == nil {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="comparison.csv"`)
	w.Write(v.CSV) //nolint:errcheck // the client went away
}

func (e *Explorer) handleYAML(w http.ResponseWriter, r *http.Request) {
	rv, ok := e.oneVariant(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, fileName(rv.res.Scenario.Name)+".yaml"))
	w.Write(rv.yaml) //nolint:errcheck // the client went away
}

// fileName makes a safe file stem of a scenario name.
func fileName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" || s == "variant" {
		s = "variant-scenario"
	}
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// handleUpload takes a scenario file (the request body, or a multipart
// field "file"), checks it with the loader and holds it in memory.
func (e *Explorer) handleUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, e.opts.MaxUploadBytes+64<<10)
	tooLarge := func() {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": fmt.Sprintf("a scenario file may hold at most %d bytes", e.opts.MaxUploadBytes)})
	}
	name := r.URL.Query().Get("name")
	var data []byte
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		f, hdr, ferr := r.FormFile("file")
		var big *http.MaxBytesError
		if errors.As(ferr, &big) {
			tooLarge()
			return
		}
		if ferr != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "no file: " + ferr.Error()})
			return
		}
		defer f.Close()
		name = hdr.Filename
		data, err = io.ReadAll(io.LimitReader(f, e.opts.MaxUploadBytes+1))
	} else {
		data, err = io.ReadAll(io.LimitReader(r.Body, e.opts.MaxUploadBytes+1))
	}
	if err != nil || int64(len(data)) > e.opts.MaxUploadBytes {
		tooLarge()
		return
	}
	stem := fileName(strings.TrimSuffix(strings.TrimSuffix(path.Base(strings.ReplaceAll(name, `\`, "/")), ".yaml"), ".yml"))
	if stem == "variant-scenario" || stem == "." {
		stem = "uploaded"
	}
	sum := sha256.Sum256(append([]byte(stem+"\n"), data...))
	id := hex.EncodeToString(sum[:])[:16]
	e.mu.Lock()
	if _, ok := e.uploads[id]; !ok {
		e.uploads[id] = upload{name: stem + ".yaml", data: data}
		e.upOrder = append(e.upOrder, id)
		for len(e.upOrder) > e.opts.MaxUploads {
			delete(e.uploads, e.upOrder[0])
			delete(e.baseMemo, "upload:"+e.upOrder[0])
			e.upOrder = e.upOrder[1:]
		}
	}
	e.mu.Unlock()
	ref := "upload:" + id
	if _, err := e.baselineOf(ref); err != nil {
		e.mu.Lock()
		delete(e.uploads, id)
		e.mu.Unlock()
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"baseline": ref, "token": Variant{Baseline: ref, Replications: e.defaultReps(), Seed: 1}.Token()})
}

func (e *Explorer) handleStatic(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	types := map[string]string{"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
	ct, ok := types[file]
	if !ok {
		http.NotFound(w, r)
		return
	}
	data, err := assets.ReadFile("assets/" + file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data) //nolint:errcheck // the client went away
}
