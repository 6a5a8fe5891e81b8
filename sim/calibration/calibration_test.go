package calibration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

// small is a cheap scenario: six practices, eight posts.
const small = `name: small
description: a small scheme for quick calibration tests
extends: ways-to-wellness
weeks: 104
population: {practices: 6}
providers:
  - {name: community, culture: 0.75, culture_spread: 0.1, link_workers: 4, practice_share: 0.5, salary_gbp: 28000,
     on_cost_share: 0.25, overhead_gbp_per_post_year: 12000, reserves_gbp: 60000}
  - {name: coaching, culture: 0.35, culture_spread: 0.1, link_workers: 4, practice_share: 0.5, salary_gbp: 28000,
     on_cost_share: 0.25, overhead_gbp_per_post_year: 12000, reserves_gbp: 60000}
shocks: []
`

// quick calibrates two parameters of small with strong signals.
const quick = `name: quick
description: a quick calibration
base: small.yaml
seed: 5
particles: 24
alpha: 0.5
budget: 130
check_draws: 10
parameters:
  - path: referrals.refusal_prob
    uniform: [0.05, 0.5]
  - path: wellbeing.healthy_level
    uniform: [4, 6]
targets:
  - metric: engaged_share
    observed: 0.78
    tolerance: 0.03
  - metric: star_baseline_mean
    range: [30, 33]
    weight: 2
`

func testLoader(files fstest.MapFS) Loader {
	return Loader{
		Scenarios: scenario.Loader{Shipped: scenarios.FS, Files: files},
		ReadFile:  func(name string) ([]byte, error) { return fs.ReadFile(files, name) },
	}
}

func load(t testing.TB, targets string) *Calibration {
	t.Helper()
	c, err := testLoader(fstest.MapFS{
		"cal/small.yaml":   {Data: []byte(small)},
		"cal/targets.yaml": {Data: []byte(targets)},
	}).Load("cal/targets.yaml")
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	return c
}

func mustRun(t *testing.T, c *Calibration, dir string, opts Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), c, dir, opts)
	if err != nil {
		t.Fatalf("Run(%s) = %v", dir, err)
	}
	return res
}

// outputs reads the result files of a calibration directory (not the
// manifest, which records the Go version).
func outputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	names := append(slices.Clone(outputFiles), "population-000.json", "population-001.json", "population-002.json")
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = data
	}
	return out
}

func TestRunResumeAndWorkers(t *testing.T) {
	c := load(t, quick)
	base := t.TempDir()
	one := filepath.Join(base, "one")
	res := mustRun(t, c, one, Options{Workers: 1, Version: "v"})
	if res.Done != DoneComplete {
		t.Fatalf("Run done = %q; want complete", res.Done)
	}
	// 24 + 12 + 12 + 12 = 60, 72, ... of 120 for the sampler: the budget
	// stops it when the next generation would pass 120.
	if p := res.Population; p.Total > 120 || p.Total+12 <= 120 {
		t.Errorf("sampler ran %d simulations; want the most of 120 in generations of 12 after 24", p.Total)
	}
	if len(res.Check) != 2 || res.Check[0].N != 10 {
		t.Errorf("check = %+v; want 2 targets of 10 draws", res.Check)
	}
	want := outputs(t, one)

	// Stepped, one generation per call, with a cancellation inside a
	// generation: the same bytes.
	two := filepath.Join(base, "two")
	st := mustRun(t, c, two, Options{Workers: 2, Version: "v", Step: true})
	if st.Done != DoneStep || st.Population.Generation != 0 {
		t.Fatalf("stepped Run = %q after generation %d; want a step after 0", st.Done, st.Population.Generation)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Run(ctx, c, two, Options{Workers: 2, Version: "v", OnRun: func(_ string, done, _ int) {
		if done == 5 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Run = %v; want context.Canceled", err)
	}
	res2 := mustRun(t, c, two, Options{Workers: 2, Version: "v"})
	if res2.Resumed < 1 {
		t.Errorf("resumed Run found %d populations; want >= 1", res2.Resumed)
	}
	got := outputs(t, two)
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s differs between one worker straight through and two workers stepped and interrupted", name)
		}
	}

	// Sharded: two shard jobs per generation, then a step that merges.
	three := filepath.Join(base, "three")
	for range 20 {
		r := mustRun(t, c, three, Options{Workers: 1, Version: "v", Shard: 0, Shards: 2})
		mustRun(t, c, three, Options{Workers: 1, Version: "v", Shard: 1, Shards: 2})
		if r.Done != DoneShard {
			t.Fatalf("shard Run = %q; want shard", r.Done)
		}
		if s := mustRun(t, c, three, Options{Workers: 1, Version: "v", Step: true}); s.Done == DoneComplete {
			break
		}
	}
	got = outputs(t, three)
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s differs between unsharded and sharded runs", name)
		}
	}

	// A different calibration in the same directory is refused.
	other := load(t, strings.Replace(quick, "seed: 5", "seed: 6", 1))
	if _, err := Run(context.Background(), other, one, Options{Version: "v"}); !errors.Is(err, ErrOutDir) {
		t.Errorf("Run of another calibration in %s = %v; want ErrOutDir", one, err)
	}
	if _, err := Run(context.Background(), c, one, Options{Version: "w"}); !errors.Is(err, ErrOutDir) {
		t.Errorf("Run by another version = %v; want ErrOutDir", err)
	}
	// ... and so is a build by another toolchain or for another
	// architecture, or one that recorded neither (an older sibsim).
	for _, tc := range []struct {
		goVersion, arch, want string
	}{
		{"go1.0", results.Arch(), "another Go toolchain (go1.0; this one is " + runtime.Version() + ")"},
		{runtime.Version(), "arm64 GOARM64=v8.0", "another architecture (arm64 GOARM64=v8.0; this one is " + results.Arch() + ")"},
		{"", "", "another Go toolchain (not recorded; this one is " + runtime.Version() + ")"},
	} {
		editState(t, one, func(s *state) { s.GoVersion, s.Arch = tc.goVersion, tc.arch })
		if _, err := Run(context.Background(), c, one, Options{Version: "v"}); !errors.Is(err, ErrOutDir) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "whose results may differ") {
			t.Errorf("Run on a directory of a build with %q for %q = %v; want ErrOutDir saying %q", tc.goVersion, tc.arch, err, tc.want)
		}
	}
}

func TestCalibratedYAMLLoads(t *testing.T) {
	targets := quick + `  - metric: referrals_per_year
    range: [50, 900]
`
	targets = strings.Replace(targets, "parameters:\n", "parameters:\n  - path: providers[*].culture\n    uniform: [0.3, 0.8]\n", 1)
	c := load(t, targets)
	t.Chdir(t.TempDir()) // the base is cal/small.yaml, relative to the working directory
	dir := "out"
	res := mustRun(t, c, dir, Options{Version: "v"})
	data, err := os.ReadFile(filepath.Join(dir, CalibratedFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "extends: ../cal/small.yaml") {
		t.Errorf("calibrated.yaml does not extend the base by a path relative to it:\n%s", data)
	}
	// Sections in the scenario's own order.
	if r, w, p := strings.Index(string(data), "\nreferrals:"), strings.Index(string(data), "\nwellbeing:"), strings.Index(string(data), "\nproviders:"); !(0 < r && r < w && w < p) {
		t.Errorf("calibrated.yaml sections at %d, %d, %d; want referrals, wellbeing, providers in the scenario's order:\n%s", r, w, p, data)
	}
	// Load it as a user would, beside the base.
	files := fstest.MapFS{
		"cal/small.yaml":      {Data: []byte(small)},
		"out/calibrated.yaml": {Data: data},
	}
	got, err := scenario.Loader{Shipped: scenarios.FS, Files: files}.Load("out/calibrated.yaml")
	if err != nil {
		t.Fatalf("loading calibrated.yaml = %v\n%s", err, data)
	}
	want, err := Calibrated(c, res.Summaries)
	if err != nil {
		t.Fatal(err)
	}
	wantYAML, err := scenario.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.YAML, wantYAML) {
		t.Errorf("calibrated.yaml loads to\n%s\nwant\n%s", got.YAML, wantYAML)
	}
	for i, s := range res.Summaries {
		vs, err := scenario.GetPath(got.Scenario, c.File.Parameters[i].Path)
		if err != nil || vs[0] != s.Median {
			t.Errorf("%s = %v (%v); want the posterior median %v", s.Name, vs, err, s.Median)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"unknown field", "seed: 5", "sead: 5", []string{`cal/targets.yaml:4:1: unknown field "sead" (did you mean "seed"?)`}},
		{"unknown metric", "metric: engaged_share", "metric: engaged_shares", []string{`targets[0].metric: unknown metric "engaged_shares" (did you mean "engaged_share"?)`}},
		{"tolerance", "tolerance: 0.03", "tolerance: 0", []string{"targets[0].tolerance: must be > 0 (got 0)"}},
		{"no tolerance", "    tolerance: 0.03\n", "", []string{"targets[0].tolerance: missing: an observed value needs a tolerance"}},
		{"both", "range: [30, 33]", "range: [30, 33]\n    observed: 31", []string{"targets[1]: give observed and tolerance, or range, not both"}},
		{"range order", "range: [30, 33]", "range: [33, 30]", []string{"targets[1].range: max must be > min (got [33, 30])"}},
		{"range shape", "range: [30, 33]", "range: 30", []string{"targets[1].range: must be [min, max]"}},
		{"weight", "weight: 2", "weight: -1", []string{"targets[1].weight: must be > 0 (got -1)"}},
		{"duplicate metric", "metric: star_baseline_mean", "metric: engaged_share", []string{`targets[1].metric: metric "engaged_share" is also the target of targets[0]`}},
		{"prior", "uniform: [4, 6]", "uniform: [6, 4]", []string{"parameters[1].uniform"}},
		{"two priors", "uniform: [4, 6]", "uniform: [4, 6]\n    levels: [5]", []string{"has more than one distribution"}},
		{"method", "seed: 5", "seed: 5\nmethod: mcmc", []string{`method: unknown method "mcmc"; want smc or rejection`}},
		{"alpha", "alpha: 0.5", "alpha: 1", []string{"alpha: must be between 0 and 1"}},
		{"budget", "budget: 130", "budget: 10", []string{"budget: must be more than check_draws (10) (got 10)"}},
		{"particles", "particles: 24", "particles: 2", []string{"particles: must be between 4 and"}},
		{"no targets", "targets:\n", "targetz:\n", []string{"missing required field"}},
		{"number spelling", "seed: 5", "seed: 5.0", []string{"seed:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(quick, tt.from, tt.to, 1)
			if data == quick {
				t.Fatalf("edit %q -> %q changed nothing", tt.from, tt.to)
			}
			_, err := Parse("cal/targets.yaml", []byte(data))
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Parse = %v; want an *Error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse error\n%v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestNewChecksPriorsAgainstBase(t *testing.T) {
	files := fstest.MapFS{
		"cal/small.yaml":   {Data: []byte(small)},
		"cal/targets.yaml": {Data: []byte(strings.Replace(quick, "uniform: [0.05, 0.5]", "uniform: [0.05, 1.5]", 1))},
	}
	_, err := testLoader(files).Load("cal/targets.yaml")
	if err == nil || !strings.Contains(err.Error(), "parameters[0].path: the prior's value 1.5 gives an invalid scenario: referrals.refusal_prob") {
		t.Errorf("Load with a prior past the parameter's range = %v; want the prior's end located at the parameter", err)
	}
	files["cal/targets.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(quick, "referrals.refusal_prob", "referrals.refusal_probability", 1))}
	if _, err := testLoader(files).Load("cal/targets.yaml"); err == nil || !strings.Contains(err.Error(), "parameters[0].path") {
		t.Errorf("Load with an unknown path = %v; want a problem at parameters[0].path", err)
	}
}

// editState rewrites the state file of the calibration directory dir
// with edit.
func editState(t *testing.T, dir string, edit func(s *state)) {
	t.Helper()
	name := filepath.Join(dir, StateFile)
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	edit(&st)
	if data, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
