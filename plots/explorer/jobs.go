package explorer

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

// ErrBusy is returned when the explorer already runs and queues as many
// jobs as it allows; the handlers answer 429 Too Many Requests.
var ErrBusy = errors.New("the explorer is busy: too many runs in progress; wait for one to finish or cancel one")

// Job states.
const (
	stateQueued    = "queued"
	stateRunning   = "running"
	stateDone      = "done"
	stateFailed    = "failed"
	stateCancelled = "cancelled"
)

// batchKey identifies a simulated batch: the resolved scenario (its
// canonical YAML's hash), the seed and the replications.
type batchKey struct {
	hash string
	seed uint64
	reps int
}

// batchCache holds simulated batches, least recently used first out, within
// a budget of bytes.
type batchCache struct {
	mu      sync.Mutex
	max     int64
	bytes   int64
	lru     *list.List // of *batchEntry, most recent at the front
	entries map[batchKey]*list.Element
}

type batchEntry struct {
	key   batchKey
	data  *results.RunData
	bytes int64
}

func newBatchCache(max int64) *batchCache {
	return &batchCache{max: max, lru: list.New(), entries: map[batchKey]*list.Element{}}
}

func (c *batchCache) get(k batchKey) *results.RunData {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*batchEntry).data
	}
	return nil
}

func (c *batchCache) put(k batchKey, d *results.RunData) {
	n := runBytes(d)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok {
		c.lru.MoveToFront(e)
		return
	}
	c.entries[k] = c.lru.PushFront(&batchEntry{key: k, data: d, bytes: n})
	c.bytes += n
	for c.bytes > c.max && c.lru.Len() > 1 {
		old := c.lru.Remove(c.lru.Back()).(*batchEntry)
		delete(c.entries, old.key)
		c.bytes -= old.bytes
	}
}

// seriesBytes is what runBytes will count for reps replications of sc,
// known before they run: each replication holds sc.Weeks rows of the
// weekly columns, as many of the provider columns per provider, and its
// summary metrics, 8 bytes a value.
func seriesBytes(sc *scenario.Scenario, reps int) int64 {
	perRep := int64(sc.Weeks)*int64(len(sim.WeeklyColumns())+len(sc.Providers)*len(sim.ProviderColumns())) + int64(len(sim.Metrics()))
	return 8*int64(reps)*perRep + 4096
}

// checkMemory refuses a job whose series would not fit the batch cache
// (Options.CacheBytes): they are all held at once while the view is
// built, and a single request could otherwise ask for gigabytes (2,600
// weeks of 100 providers is 33 MB a replication). The error says how many
// replications would fit.
func (r *runner) checkMemory(items []item, reps int) error {
	var need, perRep, fixed int64
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it.res.Hash] {
			continue
		}
		seen[it.res.Hash] = true
		need += seriesBytes(it.res.Scenario, reps)
		perRep += seriesBytes(it.res.Scenario, 1) - 4096
		fixed += 4096
	}
	if need <= r.batches.max {
		return nil
	}
	fit := (r.batches.max - fixed) / max(perRep, 1)
	msg := fmt.Sprintf("%d replications would hold about %s of weekly series, more than this server keeps (%s): ", reps, mebibytes(need), mebibytes(r.batches.max))
	if fit >= 1 {
		msg += fmt.Sprintf("at most %d fit", fit)
	} else {
		msg += "even one does not fit; shorten the run (weeks)"
	}
	return &InvalidError{Problems: []VariantProblem{{Field: "replications", Msg: msg, Text: "replications: " + msg}}}
}

// mebibytes writes n bytes in MiB, or GiB from 1024 MiB.
func mebibytes(n int64) string {
	if n >= 1<<30 {
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}

// runBytes estimates the memory a run's series hold.
func runBytes(d *results.RunData) int64 {
	var n int64
	for r := range d.Weekly {
		n += int64(len(d.Replications[r]))
		for _, row := range d.Weekly[r] {
			n += int64(len(row))
		}
		for _, p := range d.ProviderWeekly[r] {
			for _, row := range p {
				n += int64(len(row))
			}
		}
	}
	return 8*n + 4096
}

// item is one scenario of a job.
type item struct {
	res *scenario.Resolved
}

// job runs the scenarios of one view in the background: each one not
// already cached, then the comparison and figures.
type job struct {
	id    string
	items []item
	seed  uint64
	reps  int

	ctx    context.Context
	cancel context.CancelFunc
	end    chan struct{} // closed when the job has finished, failed or been cancelled

	mu          sync.Mutex
	state       string
	done, total int
	err         error
	view        *view
	// watchers counts requests waiting on the job now; seen is when one
	// last asked about it (abandoned).
	watchers int
	seen     time.Time
}

// touch records that a client asked about j.
func (j *job) touch() {
	j.mu.Lock()
	j.seen = time.Now()
	j.mu.Unlock()
}

// watch records a request waiting on j until the returned function is
// called; j is not abandoned while one waits.
func (j *job) watch() (release func()) {
	j.mu.Lock()
	j.watchers++
	j.seen = time.Now()
	j.mu.Unlock()
	return func() {
		j.mu.Lock()
		j.watchers--
		j.seen = time.Now()
		j.mu.Unlock()
	}
}

// abandoned reports whether nobody has waited on or asked about j for
// longer than after.
func (j *job) abandoned(now time.Time, after time.Duration) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.watchers == 0 && now.Sub(j.seen) > after
}

// Status is what a client polls: the state, replications done of the
// total and, when done, the view's ID.
type Status struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	Error string `json:"error,omitempty"`
}

func (j *job) status() Status {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := Status{ID: j.id, State: j.state, Done: j.done, Total: j.total}
	if j.err != nil {
		s.Error = j.err.Error()
	}
	return s
}

// stop cancels j and reports it cancelled at once, without waiting for
// its workers: each notices within the weeks between sim.RunOne's checks
// of its context (16 weeks of one replication, under a second even on the
// national scenario), and the job's end closes once they have.
func (j *job) stop() { j.stopWith(errors.New("cancelled")) }

// stopWith is stop, with err as the reason reported.
func (j *job) stopWith(err error) {
	j.cancel()
	j.mu.Lock()
	if j.state == stateQueued || j.state == stateRunning {
		j.state, j.err = stateCancelled, err
	}
	j.mu.Unlock()
}

// stopped reports whether j was cancelled and so will not finish its work.
func (j *job) stopped() bool { return j.ctx.Err() != nil && !j.finished() }

func (j *job) finished() bool {
	select {
	case <-j.end:
		return true
	default:
		return false
	}
}

// viewKey identifies the view of scenarios run with seed and reps.
func viewKey(items []item, seed uint64, reps int) string {
	h := sha256.New()
	for _, it := range items {
		h.Write([]byte(it.res.Hash))
		h.Write([]byte{0})
	}
	h.Write([]byte(strconv.FormatUint(seed, 10) + "/" + strconv.Itoa(reps)))
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// runner starts jobs within the limits and keeps their results.
type runner struct {
	base    context.Context
	workers int
	maxJobs int // running plus queued
	slots   chan struct{}
	batches *batchCache

	// abandonAfter is how long a job runs with nobody asking about it
	// (Options.AbandonAfter).
	abandonAfter time.Duration

	mu    sync.Mutex
	jobs  map[string]*job
	order []string // job IDs, oldest first, for pruning finished ones
	views *viewCache
}

// maxKeptJobs bounds the finished jobs kept for polling (each holds its
// view: figures and table, some hundreds of kilobytes).
const maxKeptJobs = 64

func newRunner(base context.Context, o Options) *runner {
	r := &runner{
		base:         base,
		abandonAfter: o.AbandonAfter,
		workers:      o.Workers,
		maxJobs:      o.MaxRunning + o.MaxQueued,
		slots:        make(chan struct{}, o.MaxRunning),
		batches:      newBatchCache(o.CacheBytes),
		jobs:         map[string]*job{},
		views:        newViewCache(o.MaxViews),
	}
	go r.reap()
	return r
}

// reap cancels, until base is done, the jobs nobody has asked about for
// abandonAfter: a page polls its job several times a second, so a job
// without questions was left by a closed page or a download whose client
// went away, and would otherwise hold the only running slot for as long
// as it takes (hours, for the national scenario at the most replications).
func (r *runner) reap() {
	tick := time.NewTicker(max(r.abandonAfter/4, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-r.base.Done():
			return
		case now := <-tick.C:
			r.mu.Lock()
			var left []*job
			for _, j := range r.jobs {
				if !j.finished() && !j.stopped() && j.abandoned(now, r.abandonAfter) {
					left = append(left, j)
				}
			}
			r.mu.Unlock()
			for _, j := range left {
				j.stopWith(fmt.Errorf("abandoned: nobody asked about it for %v", r.abandonAfter))
			}
		}
	}
}

// start returns the job for items run with seed and reps: a finished one
// when the view is cached, the job already working on it, or a new one. It
// returns ErrBusy when the limit of running and queued jobs is reached, and
// an *InvalidError when the job's series would not fit the batch cache
// (checkMemory).
func (r *runner) start(items []item, seed uint64, reps int) (*job, error) {
	j, err := r.startJob(items, seed, reps)
	if j != nil {
		j.touch()
	}
	return j, err
}

func (r *runner) startJob(items []item, seed uint64, reps int) (*job, error) {
	id := viewKey(items, seed, reps)
	r.mu.Lock()
	defer r.mu.Unlock()
	if j, ok := r.jobs[id]; ok && !j.stopped() {
		if !j.finished() {
			return j, nil
		}
		j.mu.Lock()
		v := j.view
		j.mu.Unlock()
		if v != nil {
			r.views.put(id, v) // again, if it was dropped from the cache
			return j, nil
		}
	}
	if v := r.views.get(id); v != nil {
		j := &job{id: id, items: items, seed: seed, reps: reps, state: stateDone, view: v, end: make(chan struct{})}
		close(j.end)
		j.ctx, j.cancel = context.WithCancel(r.base)
		j.cancel()
		r.keep(j)
		return j, nil
	}
	// Cancelled jobs still draining do not count: they hold at most the
	// running slots, which a new job waits for.
	active := 0
	for _, j := range r.jobs {
		if !j.finished() && !j.stopped() {
			active++
		}
	}
	if active >= r.maxJobs {
		return nil, ErrBusy
	}
	if err := r.checkMemory(items, reps); err != nil {
		return nil, err
	}
	j := &job{id: id, items: items, seed: seed, reps: reps, state: stateQueued, end: make(chan struct{})}
	j.ctx, j.cancel = context.WithCancel(r.base)
	for _, it := range items {
		if r.batches.get(batchKey{it.res.Hash, seed, reps}) == nil {
			j.total += reps
		}
	}
	r.keep(j)
	go r.run(j)
	return j, nil
}

// keep records j, dropping the oldest finished jobs beyond maxKeptJobs.
// Called with r.mu held.
func (r *runner) keep(j *job) {
	if j.seen.IsZero() { // not yet shared: reap finds it only after this
		j.seen = time.Now()
	}
	if _, ok := r.jobs[j.id]; !ok {
		r.order = append(r.order, j.id)
	}
	r.jobs[j.id] = j
	for i := 0; len(r.jobs) > maxKeptJobs && i < len(r.order); {
		old := r.jobs[r.order[i]]
		if old == nil || old.finished() {
			delete(r.jobs, r.order[i])
			r.order = append(r.order[:i], r.order[i+1:]...)
			continue
		}
		i++
	}
}

func (r *runner) get(id string) *job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.jobs[id]
}

// run waits for a slot, simulates what is not cached and builds the view.
func (r *runner) run(j *job) {
	defer j.cancel()
	defer close(j.end) // before cancel, so that a job that ends is never taken as stopped
	fail := func(state string, err error) {
		j.mu.Lock()
		j.state, j.err = state, err
		j.mu.Unlock()
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-j.ctx.Done():
		j.stop() // keeps the reason of a stop already made
		return
	}
	j.mu.Lock()
	if j.state == stateQueued {
		j.state = stateRunning
	}
	j.mu.Unlock()

	runs := make([]*results.RunData, len(j.items))
	before := 0
	for i, it := range j.items {
		k := batchKey{it.res.Hash, j.seed, j.reps}
		if runs[i] = r.batches.get(k); runs[i] != nil {
			continue
		}
		for p := range i { // the same scenario twice in one job runs once
			if j.items[p].res.Hash == it.res.Hash {
				runs[i] = runs[p]
			}
		}
		if runs[i] != nil {
			continue
		}
		start := before
		b, err := sim.RunBatch(j.ctx, it.res.Scenario, sim.Options{
			Replications: j.reps, Seed: j.seed, Workers: r.workers,
			Progress: func(done, _ int) {
				j.mu.Lock()
				j.done = start + done
				j.mu.Unlock()
			},
		})
		if err != nil {
			if j.ctx.Err() != nil {
				j.stop() // keeps the reason of a stop already made
				return
			}
			fail(stateFailed, fmt.Errorf("run %s: %w", it.res.Scenario.Name, err))
			return
		}
		before += j.reps
		d, err := results.FromRun(results.Run{Batch: b, Scenario: it.res})
		if err != nil {
			fail(stateFailed, err)
			return
		}
		r.batches.put(k, d)
		runs[i] = d
	}
	v, err := buildView(j.id, runs)
	if err != nil {
		fail(stateFailed, err)
		return
	}
	r.views.put(j.id, v)
	j.mu.Lock()
	j.state, j.view, j.done = stateDone, v, j.total
	j.mu.Unlock()
}

// viewCache holds built views (comparison, table, figures), least recently
// used first out, up to a count.
type viewCache struct {
	mu      sync.Mutex
	max     int
	lru     *list.List // of *view
	entries map[string]*list.Element
}

func newViewCache(max int) *viewCache {
	return &viewCache{max: max, lru: list.New(), entries: map[string]*list.Element{}}
}

func (c *viewCache) get(id string) *view {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[id]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*view)
	}
	return nil
}

func (c *viewCache) put(id string, v *view) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[id]; ok {
		e.Value = v
		c.lru.MoveToFront(e)
		return
	}
	c.entries[id] = c.lru.PushFront(v)
	for c.lru.Len() > c.max {
		old := c.lru.Remove(c.lru.Back()).(*view)
		delete(c.entries, old.ID)
	}
}
