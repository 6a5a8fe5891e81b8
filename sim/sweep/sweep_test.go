package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/parquet-go/parquet-go"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// tiny is a fast experiment: 7 random points x 3 replications of 20 weeks.
const tiny = `name: tiny
description: a quick test sweep
base: ways-to-wellness
seed: 3
replications: 3
weeks: 20
metrics: [referrals_total, engaged_share, care_share, investor_irr]
design: {kind: random, n: 7}
parameters:
  - path: referrals.gp_engagement_mean
    uniform: [0.2, 0.6]
  - path: providers[*].culture
    levels: [0.2, 0.8]
`

// loader reads experiment files from files, shipped ones from the tree.
func loader(files fstest.MapFS) Loader {
	sub, err := fs.Sub(scenarios.Sweeps, "sweeps")
	if err != nil {
		panic(err)
	}
	return Loader{
		Scenarios: scenario.Loader{Shipped: scenarios.FS, Files: files},
		Shipped:   sub,
		ReadFile:  func(name string) ([]byte, error) { return fs.ReadFile(files, name) },
	}
}

func plan(t testing.TB, yaml string) *Plan {
	t.Helper()
	p, err := loader(fstest.MapFS{"exp/x.yaml": {Data: []byte(yaml)}}).Load("exp/x.yaml")
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	return p
}

// readDir returns the files of a finished sweep directory.
func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	if !slices.Equal(slices.Sorted(mapsKeys(got)), slices.Sorted(mapsKeys(want))) {
		t.Fatalf("%s: files %q; want %q", what, slices.Sorted(mapsKeys(got)), slices.Sorted(mapsKeys(want)))
	}
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s: %s differs (%d bytes; want %d)", what, name, len(got[name]), len(w))
		}
	}
}

func mapsKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func mustRun(t *testing.T, p *Plan, dir string, opts Options) *Report {
	t.Helper()
	rep, err := Run(context.Background(), p, dir, opts)
	if err != nil {
		t.Fatalf("Run(%s, %+v) = %v", dir, opts, err)
	}
	return rep
}

func TestChunkSizeFor(t *testing.T) {
	tests := []struct{ runs, want int }{
		{0, 1}, {1, 1}, {18, 1}, {256, 1}, {257, 2}, {12800, 50}, {65536, 256}, {1 << 24, 256},
	}
	for _, tt := range tests {
		if got := ChunkSizeFor(tt.runs); got != tt.want {
			t.Errorf("ChunkSizeFor(%d) = %d; want %d", tt.runs, got, tt.want)
		}
	}
}

func TestShippedExperiments(t *testing.T) {
	l := loader(nil)
	if got, want := l.Names(), []string{"assessment-tariff", "core-sobol", "policies"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %q; want %q", got, want)
	}
	tests := []struct {
		name                 string
		points, runs, params int
	}{
		{"assessment-tariff", 9, 18, 2},
		{"core-sobol", 2560, 12800, 8},
		{"policies", 128, 768, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := l.Load(tt.name)
			if err != nil {
				t.Fatalf("Load(%q) = %v", tt.name, err)
			}
			if p.Points != tt.points || p.Runs != tt.runs || len(p.Experiment.Parameters) != tt.params {
				t.Errorf("Load(%q): %d points, %d runs, %d parameters; want %d, %d, %d",
					tt.name, p.Points, p.Runs, len(p.Experiment.Parameters), tt.points, tt.runs, tt.params)
			}
			if p.Weeks != 364 {
				t.Errorf("Load(%q).Weeks = %d; want 364 (the default scenario's)", tt.name, p.Weeks)
			}
		})
	}
	// The tariff grid scales the second phase's tariffs by 0.5, 1 and 1.5.
	p, err := l.Load("assessment-tariff")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := p.Scenario(8)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sc.Contract.ProviderPayments[1].Rules[0].PerAssessment.TariffsGBP, []float64{525, 375, 225}; !slices.Equal(got, want) {
		t.Errorf("assessment-tariff point 8 tariffs = %v; want %v", got, want)
	}
	if got := sc.Referrals.GPEngagementMean; got != 0.6 {
		t.Errorf("assessment-tariff point 8 gp_engagement_mean = %g; want 0.6", got)
	}
	if !slices.Equal(p.Base.Scenario.Contract.ProviderPayments[1].Rules[0].PerAssessment.TariffsGBP, []float64{350, 250, 150}) {
		t.Error("building a point's scenario changed the base scenario")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", "name: x\nbase: ways-to-wellness\nreplications: 1\nreplicatoins: 2\n" +
			"design: {kind: random, n: 2}\nparameters: [{path: weeks, uniform: [10, 20]}]\n",
			`x.yaml:4:1: unknown field "replicatoins" (did you mean "replications"?)`},
		{"missing required", "name: x\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters: [{path: weeks, uniform: [10, 20]}]\n",
			"x.yaml:1:1: base: missing required field"},
		{"wrong type", "name: x\nbase: ways-to-wellness\nreplications: two\n" +
			"design: {kind: random, n: 2}\nparameters: [{path: weeks, uniform: [10, 20]}]\n",
			`x.yaml:3:15: replications: must be a whole number (got "two")`},
		{"replications range", "name: x\nbase: ways-to-wellness\nreplications: 0\n" +
			"design: {kind: random, n: 2}\nparameters: [{path: weeks, uniform: [10, 20]}]\n",
			"x.yaml:3:15: replications: must be between 1 and 100000 (got 0)"},
		{"unknown metric", "name: x\nbase: ways-to-wellness\nreplications: 1\nmetrics: [care_share, care_shares]\n" +
			"design: {kind: random, n: 2}\nparameters: [{path: weeks, uniform: [10, 20]}]\n",
			`x.yaml:4:23: metrics[1]: unknown metric "care_shares" (did you mean "care_share"?); metrics: referrals_total,`},
		{"bad path", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters:\n" +
			"  - path: referrals.gp_engagment_mean\n    uniform: [0.1, 0.2]\n",
			`x.yaml:6:11: parameters[0].path: unknown field "gp_engagment_mean" in referrals (did you mean "gp_engagement_mean"?)`},
		{"not a number", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters:\n" +
			"  - path: providers[0].name\n    uniform: [0.1, 0.2]\n",
			"x.yaml:6:11: parameters[0].path: is a string, not a number"},
		{"two distributions", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters:\n" +
			"  - path: weeks\n    uniform: [10, 20]\n    levels: [10, 20]\n",
			"x.yaml:8:5: parameters[0]: has more than one distribution (uniform, levels): give exactly one"},
		{"no distribution", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters:\n" +
			"  - path: weeks\n",
			"x.yaml:6:5: parameters[0]: needs a distribution: one of uniform, loguniform, levels, normal"},
		{"bad bounds", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters:\n" +
			"  - path: weeks\n    uniform: [20, 10]\n",
			"x.yaml:7:14: parameters[0].uniform: max must be > min (got min 20, max 10)"},
		{"uniform arity", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters:\n" +
			"  - path: weeks\n    uniform: [20]\n",
			"x.yaml:7:14: parameters[0].uniform: must be [min, max] (got 1 numbers)"},
		{"normal missing bounds", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters:\n" +
			"  - path: referrals.gp_engagement_mean\n    normal: {mean: 0.4, sd: 0.1}\n",
			"x.yaml:7:13: parameters[0].normal.min: missing required field"},
		{"duplicate path", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\nparameters:\n" +
			"  - {path: weeks, uniform: [10, 20]}\n  - {path: weeks, uniform: [10, 20]}\n",
			"x.yaml:7:12: parameters[1].path: path weeks is also varied by parameters[0]"},
		{"design kind", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: fractal}\nparameters:\n" +
			"  - {path: weeks, uniform: [10, 20]}\n",
			`x.yaml:4:16: design.kind: unknown design kind "fractal"; want one of grid, random, lhs, sobol, morris`},
		{"design size", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: sobol, n: 1}\nparameters:\n" +
			"  - {path: weeks, uniform: [10, 20]}\n",
			"x.yaml:4:9: design: sobol: n must be >= 2 (got 1)"},
		{"not yaml", "name: [x\n", "x.yaml:2: not valid YAML: did not find expected ',' or ']'"},
		{"alias", "name: &n x\nbase: *n\n", "x.yaml:2:7: base: aliases (*n) are not supported in experiment files"},
		{"design field by another name", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: lhs, samples: 10}\n" +
			"parameters: [{path: weeks, uniform: [10, 20]}]\n",
			`x.yaml:4:21: design: unknown field "samples" (did you mean "n"?)`},
		{"design field typo", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: morris, levles: 4, trajectores: 3}\n" +
			"parameters: [{path: weeks, uniform: [10, 20]}]\n",
			`x.yaml:4:24: design: unknown field "levles" (did you mean "levels"?)` + "\n" +
				`x.yaml:4:35: design: unknown field "trajectores" (did you mean "trajectories"?)`},
		{"parameter field typo", "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 2}\n" +
			"parameters: [{path: weeks, unifrm: [10, 20], scal: true}]\n",
			`x.yaml:5:28: parameters[0]: unknown field "unifrm" (did you mean "uniform"?)` + "\n" +
				`x.yaml:5:46: parameters[0]: unknown field "scal" (did you mean "scale"?)`},
		{"merge key", "<<: {name: x}\n", "x.yaml:1:1: merge keys (<<) are not supported"},
		{"top level", "- 1\n", "x.yaml:1:1: top level must be a mapping of experiment fields (got a list)"},
		{"escape in name", "name: \"x\\e[2J\"\nbase: ways-to-wellness\nreplications: 1\n" +
			"design: {kind: random, n: 2}\nparameters: [{path: weeks, uniform: [10, 20]}]\n",
			"x.yaml:1:7: name: must not contain control characters (found U+001B at character 2)"},
		{"bidi override in description", "name: x\ndescription: \"a\\u202Eb\"\nbase: ways-to-wellness\nreplications: 1\n" +
			"design: {kind: random, n: 2}\nparameters: [{path: weeks, uniform: [10, 20]}]\n",
			"x.yaml:2:14: description: must not contain bidirectional control characters (found U+202E at character 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.yaml))
			var ee *Error
			if !errors.As(err, &ee) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(...) = %v; want an *Error containing %q", err, tt.want)
			}
		})
	}
}

// TestParseNumbers: numbers in experiment files mean their decimal value
// or are refused, as in scenario files (docs/cli.md, "How numbers are
// read").
func TestParseNumbers(t *testing.T) {
	file := func(seed, reps, n, bounds, scale string) string {
		return "name: x\nbase: ways-to-wellness\nseed: " + seed + "\nreplications: " + reps +
			"\ndesign: {kind: sobol, n: " + n + ", second_order: false}\n" +
			"parameters: [{path: weeks, uniform: " + bounds + ", scale: " + scale + "}]\n"
	}
	tests := []struct {
		name, yaml, want string
	}{
		{"leading zero", file("7", "017", "8", "[1, 2]", "false"),
			"x.yaml:4:15: replications: must be written without leading zeros (got 017): some YAML readers take them to mean octal"},
		{"hex", file("0x10", "2", "8", "[1, 2]", "false"), "x.yaml:3:7: seed: must be a decimal number (got 0x10)"},
		{"octal", file("7", "2", "0o10", "[1, 2]", "false"), "x.yaml:5:26: design.n: must be a decimal number (got 0o10)"},
		{"binary", file("0b1", "2", "8", "[1, 2]", "false"), "x.yaml:3:7: seed: must be a decimal number (got 0b1)"},
		{"underscore", file("7", "2", "1_024", "[1, 2]", "false"), "x.yaml:5:26: design.n: must be written without _ between digits (got 1_024)"},
		{"seed too large", file("18446744073709551616", "2", "8", "[1, 2]", "false"), "x.yaml:3:7: seed: out of range (got 18446744073709551616)"},
		{"negative seed", file("-1", "2", "8", "[1, 2]", "false"), "x.yaml:3:7: seed: must be a whole number from 0 to 18446744073709551615 (got -1)"},
		{"int too large", file("7", "9223372036854775808", "8", "[1, 2]", "false"), "x.yaml:4:15: replications: out of range (got 9223372036854775808)"},
		{"float for int", file("7", "2.0", "8", "[1, 2]", "false"), "x.yaml:4:15: replications: must be a whole number (got 2.0)"},
		{"quoted", file("7", "'2'", "8", "[1, 2]", "false"), `x.yaml:4:15: replications: must be a whole number (got "2")`},
		{"sexagesimal", file("1:20", "2", "8", "[1, 2]", "false"), `x.yaml:3:7: seed: must be a whole number from 0 to 18446744073709551615 (got "1:20")`},
		{"float overflow", file("7", "2", "8", "[1, 1e400]", "false"), "x.yaml:6:41: parameters[0].uniform[1]: out of range (got 1e400)"},
		{"float underflow", file("7", "2", "8", "[1e-400, 1]", "false"), "x.yaml:6:38: parameters[0].uniform[0]: out of range: too close to 0 to be told from 0 (got 1e-400)"},
		{"nan", file("7", "2", "8", "[.nan, 1]", "false"), "x.yaml:6:38: parameters[0].uniform[0]: must be a finite number (got .nan)"},
		{"inf", file("7", "2", "8", "[0, -.Inf]", "false"), "x.yaml:6:41: parameters[0].uniform[1]: must be a finite number (got -.Inf)"},
		{"inf for int", file("7", ".inf", "8", "[1, 2]", "false"), "x.yaml:4:15: replications: must be a whole number (got .inf)"},
		{"yes", file("7", "2", "8", "[1, 2]", "yes"), `x.yaml:6:52: parameters[0].scale: must be true or false (got "yes", which some YAML readers take as true)`},
		{"capital", file("7", "2", "8", "[1, 2]", "False"), "x.yaml:6:52: parameters[0].scale: must be true or false, in lower case (got False)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.yaml))
			var ee *Error
			if !errors.As(err, &ee) || err.Error() != tt.want {
				t.Errorf("Parse(...) = %v; want an *Error %q", err, tt.want)
			}
		})
	}
	e, err := Parse("x.yaml", []byte(file("+7", "+2", "8", "[.5, 2.5e1]", "false")))
	if err != nil {
		t.Fatalf("Parse(...) = %v", err)
	}
	if e.Seed != 7 || e.Replications != 2 || e.Design.N != 8 || e.Parameters[0].Dist.Min != 0.5 || e.Parameters[0].Dist.Max != 25 {
		t.Errorf("Parse(...) = seed %d, replications %d, n %d, uniform [%g, %g]; want 7, 2, 8, [0.5, 25]",
			e.Seed, e.Replications, e.Design.N, e.Parameters[0].Dist.Min, e.Parameters[0].Dist.Max)
	}
}

func TestPlanErrors(t *testing.T) {
	head := "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: grid, levels: 3}\nparameters:\n"
	tests := []struct {
		name, params, want string
	}{
		{"index out of range", "  - {path: 'providers[7].culture', uniform: [0, 1]}\n",
			"exp/x.yaml:6:12: parameters[0].path: index [7] is out of range: providers has 2 elements"},
		{"rule of another type", "  - {path: 'contract.provider_payments[1].rules[0].tranche.amount_gbp', uniform: [0, 1]}\n",
			"exp/x.yaml:6:12: parameters[0].path: contract.provider_payments[1].rules[0].tranche is not set in the scenario (that rule is of another type)"},
		{"scale unset", "  - {path: 'contract.provider_payments[0].rules[0].weight', uniform: [0, 1], scale: true}\n",
			"exp/x.yaml:6:85: parameters[0].scale: is not set in the scenario, so it cannot be scaled"},
		{"invalid point", "  - {path: referrals.refusal_prob, uniform: [0.5, 1.5]}\n",
			"exp/x.yaml:6:12: parameters[0].path: design point 2 (referrals.refusal_prob=1.5) gives an invalid scenario: referrals.refusal_prob: must be between 0 and 1 (got 1.5)"},
		{"invalid combination", "  - {path: referrals.gp_engagement_mean, uniform: [0.02, 0.5]}\n",
			"exp/x.yaml:6:12: parameters[0].path: design point 0 (referrals.gp_engagement_mean=0.02) gives an invalid scenario: referrals.gp_engagement_sd: too large"},
		// A point beyond a maximum would once have run and crashed midway.
		{"point beyond a maximum", "  - {path: allocation.caseload_max, levels: [130, 4611686018427387904]}\n",
			"exp/x.yaml:6:12: parameters[0].path: design point 1 (allocation.caseload_max=4.611686018e+18) gives an invalid scenario: allocation.caseload_max: must be <= 1000"},
		{"point beyond the referral limit", "  - {path: population.practices, levels: [17, 20000], scale: false}\n  - {path: referrals.gp_max_per_practice_week, levels: [3, 100]}\n",
			"gives an invalid scenario: referrals: the scenario could refer"},
		{"overlap: all and one", "  - {path: 'providers[*].culture', uniform: [0, 1]}\n  - {path: 'providers[0].culture', uniform: [0, 1]}\n",
			"exp/x.yaml:7:12: parameters[1].path: providers[0].culture overlaps parameters[0].path providers[*].culture: both set some of the same numbers"},
		{"overlap: field wildcard", "  - {path: 'neighbourhoods[0].services.social_groups.places_per_1000_eligible', uniform: [1, 2]}\n  - {path: 'neighbourhoods[*].services.*.places_per_1000_eligible', uniform: [1, 2]}\n",
			"parameters[1].path: neighbourhoods[*].services.*.places_per_1000_eligible overlaps parameters[0].path"},
		{"overlap: scale and set", "  - {path: 'contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*]', uniform: [0.5, 1.5], scale: true}\n  - {path: 'contract.provider_payments[*].rules[*].per_assessment.tariffs_gbp[1]', uniform: [10, 20]}\n",
			"parameters[1].path: contract.provider_payments[*].rules[*].per_assessment.tariffs_gbp[1] overlaps parameters[0].path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loader(fstest.MapFS{"exp/x.yaml": {Data: []byte(head + tt.params)}}).Load("exp/x.yaml")
			var ee *Error
			if !errors.As(err, &ee) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v; want an *Error containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadBase(t *testing.T) {
	files := fstest.MapFS{
		"exp/x.yaml":         {Data: []byte(strings.Replace(tiny, "base: ways-to-wellness", "base: ../sc/short.yaml", 1))},
		"sc/short.yaml":      {Data: []byte("extends: ways-to-wellness\nname: short\nweeks: 30\n")},
		"exp/missing.yaml":   {Data: []byte(strings.Replace(tiny, "base: ways-to-wellness", "base: nope.yaml", 1))},
		"exp/bad-base.yaml":  {Data: []byte(strings.Replace(tiny, "base: ways-to-wellness", "base: bad.yaml", 1))},
		"exp/bad.yaml":       {Data: []byte("extends: ways-to-wellness\nweeks: -1\n")},
		"exp/no-weeks.yaml":  {Data: []byte(strings.Replace(tiny, "weeks: 20\n", "", 1))},
		"exp/shipped-x.yaml": {Data: []byte(tiny)},
	}
	l := loader(files)
	p, err := l.Load("exp/x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Base.Scenario.Name != "short" || p.Weeks != 20 {
		t.Errorf("base %q, weeks %d; want short (relative to the experiment file), 20 (the experiment's)", p.Base.Scenario.Name, p.Weeks)
	}
	if p, err := l.Load("exp/no-weeks.yaml"); err != nil || p.Weeks != 364 {
		t.Errorf("Load without weeks: weeks %v, %v; want the scenario's 364", p, err)
	}
	_, err = l.Load("exp/missing.yaml")
	if err == nil || !strings.Contains(err.Error(), "exp/missing.yaml:3:7: base: scenario file exp/nope.yaml does not exist") {
		t.Errorf("Load with a missing base = %v; want the base line", err)
	}
	_, err = l.Load("exp/bad-base.yaml")
	var be *BaseError
	var se *scenario.Error
	if !errors.As(err, &be) || !errors.As(err, &se) || !strings.Contains(err.Error(), "exp/bad.yaml:2:8: weeks: must be >= 1") {
		t.Errorf("Load with an invalid base = %v; want a *BaseError wrapping the *scenario.Error", err)
	}
	if _, err := l.Load("nope"); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "shipped: assessment-tariff, core-sobol") {
		t.Errorf("Load(unknown shipped name) = %v; want fs.ErrNotExist listing the shipped experiments", err)
	}
	if _, err := l.Load("exp/none.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing file) = %v; want fs.ErrNotExist", err)
	}
}

func TestManifestAndFiles(t *testing.T) {
	p := plan(t, tiny)
	dir := filepath.Join(t.TempDir(), "out")
	rep := mustRun(t, p, dir, Options{Workers: 2, Version: "v-test"})
	if !rep.Complete || rep.Chunks != 21 || rep.Written != 21 || rep.Runs != 21 {
		t.Errorf("Run report = %+v; want complete, 21 chunks written, 21 runs", rep)
	}
	files := readDir(t, dir)
	if got := slices.Sorted(mapsKeys(files)); !slices.Equal(got, []string{ManifestFile, PointsFile, RunsFile}) {
		t.Fatalf("sweep directory holds %q; want manifest.json, points.csv, runs.csv", got)
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != 2 || m.Points != 7 || m.Runs != 21 || m.Experiment.Seed != 3 || m.Experiment.Replications != 3 ||
		m.Experiment.Weeks != 20 || m.Experiment.Design.Kind != "random" || m.Experiment.Design.N != 7 ||
		len(m.Experiment.Parameters) != 2 || m.Experiment.Parameters[1].Dist.Kind != "levels" ||
		m.Version != "v-test" || m.ScenarioSHA256 != p.Base.Hash || m.ExperimentSHA256 != p.Hash() {
		t.Errorf("manifest = %+v", m)
	}
	for _, key := range []string{`"format": 2`, `"sha256": {`, `"experiment": {`, `"design": {`, `"kind": "random"`, `"second_order": false`,
		`"path": "referrals.gp_engagement_mean"`, `"dist": {`, `"levels": null`, `"points": 7`, `"runs": 21`, `"scenario_sha256": "`, `"sibsim_version": "v-test"`} {
		if !bytes.Contains(files[ManifestFile], []byte(key)) {
			t.Errorf("manifest.json lacks %s", key)
		}
	}
	points := strings.Split(strings.TrimSpace(string(files[PointsFile])), "\n")
	if points[0] != "point,referrals.gp_engagement_mean,providers[*].culture" || len(points) != 8 {
		t.Errorf("points.csv = %q", points)
	}
	runs := strings.Split(strings.TrimSpace(string(files[RunsFile])), "\n")
	if runs[0] != "point,replication,referrals_total,engaged_share,care_share,investor_irr" || len(runs) != 22 {
		t.Fatalf("runs.csv has header %q and %d rows; want 21", runs[0], len(runs)-1)
	}
	// Row i is run i: replication i%3 of point i/3, equal to sim.RunOne.
	for _, i := range []int{0, 5, 20} {
		fields := strings.Split(runs[i+1], ",")
		if fields[0] != strconv.Itoa(i/3) || fields[1] != strconv.Itoa(i%3) {
			t.Errorf("runs.csv row %d is point %s replication %s; want %d, %d", i, fields[0], fields[1], i/3, i%3)
		}
		sc, err := p.Scenario(i / 3)
		if err != nil {
			t.Fatal(err)
		}
		res, err := sim.RunOne(context.Background(), sc, 3, i%3, 20, false)
		if err != nil {
			t.Fatal(err)
		}
		all := metricNames()
		for j, name := range p.Metrics() {
			if want := results.FormatFloat(res.Metrics[slices.Index(all, name)]); fields[2+j] != want {
				t.Errorf("runs.csv row %d %s = %s; want RunOne's %s", i, name, fields[2+j], want)
			}
		}
	}
	if !strings.Contains(string(files[RunsFile]), ",NA\n") {
		t.Error("runs.csv has no NA (investor_irr is undefined over 20 weeks)")
	}
}

func TestOutputIndependentOfWorkers(t *testing.T) {
	p := plan(t, strings.Replace(tiny, "n: 7", "n: 100", 1)) // 300 runs, chunks of 2
	if p.ChunkSize != 2 || p.Chunks != 150 {
		t.Fatalf("chunks %d x %d; want 150 x 2", p.Chunks, p.ChunkSize)
	}
	var want map[string][]byte
	for _, w := range []int{1, 2, 5} {
		dir := filepath.Join(t.TempDir(), "out")
		mustRun(t, p, dir, Options{Workers: w, Version: "v"})
		got := readDir(t, dir)
		if want == nil {
			want = got
			continue
		}
		sameFiles(t, "workers "+strconv.Itoa(w), got, want)
	}
}

func TestResume(t *testing.T) {
	p := plan(t, tiny)
	clean := filepath.Join(t.TempDir(), "clean")
	mustRun(t, p, clean, Options{Workers: 2, Version: "v"})
	want := readDir(t, clean)

	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	rep, err := Run(ctx, p, dir, Options{Workers: 2, Version: "v", Progress: func(done, total int) {
		if done == 8 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Run = %v; want context.Canceled", err)
	}
	if rep.Written < 1 || rep.Written >= 21 {
		t.Errorf("interrupted Run wrote %d chunks; want some but not all", rep.Written)
	}
	if exists(filepath.Join(dir, ManifestFile)) || exists(filepath.Join(dir, RunsFile)) {
		t.Error("interrupted Run wrote final results")
	}
	chunks, _ := os.ReadDir(filepath.Join(dir, ChunksDir))
	if len(chunks) != 2*rep.Written {
		t.Errorf("chunks directory holds %d files; want the %d complete chunks and their checksums", len(chunks), rep.Written)
	}
	for _, e := range chunks {
		if name := e.Name(); !strings.HasSuffix(name, SumSuffix) && !exists(filepath.Join(dir, ChunksDir, name+SumSuffix)) {
			t.Errorf("chunk %s has no checksum file", name)
		}
	}
	// A temporary file left by a kill is cleaned up on resume.
	os.WriteFile(filepath.Join(dir, ChunksDir, ".chunk-000020.csv.tmp-123"), []byte("point,rep"), 0o644)

	if _, err := Run(context.Background(), p, dir, Options{Version: "v"}); !errors.Is(err, ErrOutDir) || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("Run on an unfinished sweep without Resume = %v; want ErrOutDir suggesting --resume", err)
	}
	if _, err := Run(context.Background(), p, dir, Options{Version: "other", Resume: true}); !errors.Is(err, ErrOutDir) {
		t.Errorf("Resume by another version = %v; want ErrOutDir", err)
	}
	if _, err := Run(context.Background(), p, dir, Options{Version: "v", Resume: true, Shard: 1, Shards: 2}); !errors.Is(err, ErrOutDir) {
		t.Errorf("Resume as a shard = %v; want ErrOutDir", err)
	}
	other := plan(t, strings.Replace(tiny, "seed: 3", "seed: 4", 1))
	if _, err := Run(context.Background(), other, dir, Options{Version: "v", Resume: true}); !errors.Is(err, ErrOutDir) || !strings.Contains(err.Error(), "different experiment") {
		t.Errorf("Resume of another experiment = %v; want ErrOutDir naming a different experiment", err)
	}
	// A directory is resumed only by the build that started it; the error
	// says which build started it and which is running.
	for _, edit := range []struct {
		set  func(m *Manifest)
		want string
	}{
		{func(m *Manifest) { m.Version = "u" }, "another sibsim version (u; this one is v)"},
		{func(m *Manifest) { m.GoVersion = "go1.0" }, "another Go toolchain (go1.0; this one is " + runtime.Version() + ")"},
		{func(m *Manifest) { m.Arch = "arm64 GOARM64=v8.0" }, "another architecture (arm64 GOARM64=v8.0; this one is " + results.Arch() + ")"},
		// A directory of a sibsim that did not record its architecture.
		{func(m *Manifest) { m.Arch = "" }, "another architecture (not recorded; this one is " + results.Arch() + ")"},
	} {
		editState(t, dir, edit.set)
		if _, err := Run(context.Background(), p, dir, Options{Version: "v", Resume: true}); !errors.Is(err, ErrOutDir) || !strings.Contains(err.Error(), edit.want) {
			t.Errorf("Resume by another build = %v; want ErrOutDir containing %q", err, edit.want)
		}
		editState(t, dir, func(m *Manifest) { m.Version, m.GoVersion, m.Arch = "v", runtime.Version(), results.Arch() })
	}
	rep2 := mustRun(t, p, dir, Options{Workers: 3, Version: "v", Resume: true})
	if rep2.Skipped != rep.Written || rep2.Written != 21-rep.Written || !rep2.Complete {
		t.Errorf("resumed Run = %+v; want %d skipped, %d written, complete", rep2, rep.Written, 21-rep.Written)
	}
	sameFiles(t, "resumed", readDir(t, dir), want)

	// Resuming a finished sweep does nothing.
	rep3 := mustRun(t, p, dir, Options{Version: "v", Resume: true})
	if !rep3.AlreadyComplete {
		t.Errorf("Resume of a finished sweep = %+v; want AlreadyComplete", rep3)
	}
	if _, err := Run(context.Background(), p, dir, Options{Version: "v"}); !errors.Is(err, ErrOutDir) {
		t.Errorf("Run into a finished sweep = %v; want ErrOutDir", err)
	}
	sameFiles(t, "resumed twice", readDir(t, dir), want)
}

// A chunk file left incomplete by a machine crash (its data not on disk
// when the rename was), changed after it was written, or without its
// checksum file is computed again on resume; merge refuses it.
func TestResumeRecomputesBadChunk(t *testing.T) {
	p := plan(t, tiny)
	clean := filepath.Join(t.TempDir(), "clean")
	mustRun(t, p, clean, Options{Version: "v"})
	dir := filepath.Join(t.TempDir(), "out")
	mustRun(t, p, dir, Options{Version: "v", Shard: 0, Shards: 1})
	// Make dir an unfinished sweep whose chunks 2 and 5 are damaged.
	os.Remove(filepath.Join(dir, ManifestFile))
	os.Remove(filepath.Join(dir, RunsFile))
	os.MkdirAll(filepath.Join(dir, ChunksDir), 0o777)
	if err := writeJSON(dir, StateFile, State{Format: FormatVersion, Shards: 1, Manifest: p.Manifest("v", nil)}); err != nil {
		t.Fatal(err)
	}
	lay := layoutOf(&p.manifest)
	for c := range p.Chunks {
		first, n := lay.chunkRuns(c)
		rows := make([][]float64, n)
		for i := range rows {
			rows[i] = make([]float64, len(p.metrics))
		}
		if err := writeChunk(filepath.Join(dir, ChunksDir), c, p.RunsHeader(), first, lay, rows); err != nil {
			t.Fatal(err)
		}
	}
	// Real values, with their checksums, for all but four chunks: 2 and 5
	// cut short or empty after their checksums were written, 7 with a
	// value changed (still a well-formed chunk), 9 without its checksum.
	runs := strings.SplitAfter(string(readDir(t, clean)[RunsFile]), "\n")
	header := runs[0]
	for c := range p.Chunks {
		name := filepath.Join(dir, ChunksDir, ChunkName(c))
		switch c {
		case 2:
			os.WriteFile(name, []byte(header+runs[1+c][:5]), 0o644)
		case 5:
			os.WriteFile(name, nil, 0o644)
		default:
			if err := writeChunkFile(filepath.Join(dir, ChunksDir), ChunkName(c), func(w io.Writer) error {
				_, err := io.WriteString(w, header+runs[1+c])
				return err
			}); err != nil {
				t.Fatal(err)
			}
			switch c {
			case 7:
				os.WriteFile(name, []byte(header+changeValue(t, runs[1+c])), 0o644)
			case 9:
				os.Remove(name + SumSuffix)
			}
		}
	}
	rep := mustRun(t, p, dir, Options{Version: "v", Resume: true})
	if !slices.Equal(rep.Recomputed, []int{2, 5, 7, 9}) || rep.Written != 4 || rep.Skipped != 17 {
		t.Errorf("Resume report = %+v; want chunks 2, 5, 7 and 9 recomputed, 17 kept", rep)
	}
	sameFiles(t, "resumed after damage", readDir(t, dir), readDir(t, clean))

	// Merge does not recompute: it refuses a damaged shard.
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	mustRun(t, p, a, Options{Version: "v", Shard: 0, Shards: 2})
	mustRun(t, p, b, Options{Version: "v", Shard: 1, Shards: 2})
	chunk3 := filepath.Join(b, ChunksDir, ChunkName(3))
	os.WriteFile(chunk3, []byte(header+changeValue(t, runs[1+3])), 0o644)
	_, err := Merge(context.Background(), []string{a, b}, filepath.Join(root, "m"), CSV)
	if !errors.Is(err, ErrShards) || !strings.Contains(err.Error(), "chunk-000003.csv does not match its checksum file chunk-000003.csv.sha256") {
		t.Errorf("Merge with a changed chunk = %v; want ErrShards naming it", err)
	}
	if err == nil || !strings.Contains(err.Error(), "run the shard in "+b+" again with --resume") {
		t.Errorf("Merge with a changed chunk = %v; want it to say to run %s again with --resume", err, b)
	}
	if exists(filepath.Join(root, "m")) {
		t.Error("failed Merge wrote its output")
	}

	// A shard with no checksum file at all was written by a sibsim from
	// before chunk checksums: merge says so, naming the build to use.
	os.WriteFile(chunk3, []byte(header+runs[1+3]), 0o644)
	sums, _ := filepath.Glob(filepath.Join(b, ChunksDir, "*"+SumSuffix))
	if len(sums) == 0 {
		t.Fatal("shard b has no checksum files")
	}
	for _, f := range sums {
		os.Remove(f)
	}
	_, err = Merge(context.Background(), []string{a, b}, filepath.Join(root, "m"), CSV)
	if !errors.Is(err, ErrShards) || !strings.Contains(err.Error(), "no chunk in "+b+" has a checksum file") || !strings.Contains(err.Error(), "(sibsim v): merge it with that build") {
		t.Errorf("Merge of a shard without checksums = %v; want ErrShards naming the build that wrote it", err)
	}
}

// changeValue returns the runs row with its last value changed, still a
// well-formed row.
func changeValue(t *testing.T, row string) string {
	t.Helper()
	i := strings.LastIndexByte(row, ',')
	if i < 0 {
		t.Fatalf("row %q has no values", row)
	}
	return row[:i+1] + "12345\n"
}

func TestRefusesOtherFiles(t *testing.T) {
	p := plan(t, tiny)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	for _, resume := range []bool{false, true} {
		if _, err := Run(context.Background(), p, dir, Options{Resume: resume}); !errors.Is(err, ErrOutDir) {
			t.Errorf("Run into a directory with other files (resume %v) = %v; want ErrOutDir", resume, err)
		}
	}
}

// TestResumeBesideAnalysis: analyze writes into a finished sweep's
// directory by default; resuming that sweep must still find it complete.
func TestResumeBesideAnalysis(t *testing.T) {
	p := plan(t, tiny)
	dir := t.TempDir()
	mustRun(t, p, dir, Options{})
	before := readDir(t, dir)
	if err := os.Mkdir(filepath.Join(dir, AnalysisDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), p, dir, Options{Resume: true}); err != nil {
		t.Fatalf("Run(resume) beside %s/ = %v; want the sweep found complete", AnalysisDir, err)
	}
	if err := os.Remove(filepath.Join(dir, AnalysisDir)); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "after resume", readDir(t, dir), before)
}

func TestShardsMerge(t *testing.T) {
	p := plan(t, strings.Replace(tiny, "n: 7", "n: 100", 1)) // 150 chunks of 2
	base := t.TempDir()
	for _, format := range []Format{CSV, Parquet} {
		clean := filepath.Join(base, "clean-"+string(format))
		mustRun(t, p, clean, Options{Workers: 2, Version: "v", Format: format})
		want := readDir(t, clean)

		var shards []string
		for k := range 3 {
			dir := filepath.Join(base, string(format), "shard-"+strconv.Itoa(k))
			rep := mustRun(t, p, dir, Options{Workers: 2, Version: "v", Shard: k, Shards: 3, Format: format})
			if rep.Complete || rep.Chunks != 50 || rep.Written != 50 {
				t.Errorf("shard %d/3 report = %+v; want 50 chunks written, not complete", k, rep)
			}
			have, err := listChunks(filepath.Join(dir, ChunksDir), p.Chunks)
			if err != nil {
				t.Fatal(err)
			}
			for c := range have {
				if c%3 != k {
					t.Errorf("shard %d/3 holds chunk %d", k, c)
				}
			}
			shards = append(shards, dir)
		}
		out := filepath.Join(base, "merged-"+string(format))
		slices.Reverse(shards) // order of the arguments does not matter
		if _, err := Merge(context.Background(), shards, out, format); err != nil {
			t.Fatalf("Merge = %v", err)
		}
		sameFiles(t, "merged "+string(format), readDir(t, out), want)
	}

	csvShards := []string{filepath.Join(base, "csv", "shard-0"), filepath.Join(base, "csv", "shard-1"), filepath.Join(base, "csv", "shard-2")}
	other := filepath.Join(base, "other")
	mustRun(t, plan(t, strings.Replace(strings.Replace(tiny, "n: 7", "n: 100", 1), "seed: 3", "seed: 9", 1)), other, Options{Version: "v", Shard: 1, Shards: 3})
	// Shard 1 with two chunks missing, as a killed task leaves it.
	unfinished := filepath.Join(base, "unfinished-1")
	if err := os.CopyFS(unfinished, os.DirFS(csvShards[1])); err != nil {
		t.Fatal(err)
	}
	for _, c := range []int{4, 7} {
		if err := os.Remove(filepath.Join(unfinished, ChunksDir, ChunkName(c))); err != nil {
			t.Fatal(err)
		}
	}
	// Shard 1 as run by another build: shards merge only within one.
	otherBuild := func(name string, edit func(m *Manifest)) string {
		dir := filepath.Join(base, name+"-1")
		if err := os.CopyFS(dir, os.DirFS(csvShards[1])); err != nil {
			t.Fatal(err)
		}
		editState(t, dir, edit)
		return dir
	}
	otherVersion := otherBuild("version", func(m *Manifest) { m.Version = "w" })
	otherGo := otherBuild("toolchain", func(m *Manifest) { m.GoVersion = "go1.0" })
	otherArch := otherBuild("arch", func(m *Manifest) { m.Arch = "arm64 GOARM64=v8.0" })
	noArch := otherBuild("noarch", func(m *Manifest) { m.Arch = "" })
	tests := []struct {
		name string
		dirs []string
		want string
	}{
		{"other version", []string{csvShards[0], otherVersion, csvShards[2]}, "were run by different builds: sibsim versions v and w"},
		{"other toolchain", []string{csvShards[0], otherGo, csvShards[2]}, "were run by different builds: Go toolchains " + runtime.Version() + " and go1.0"},
		{"other architecture", []string{csvShards[0], otherArch, csvShards[2]}, "were run by different builds: architectures " + results.Arch() + " and arm64 GOARM64=v8.0"},
		{"architecture not recorded", []string{csvShards[0], noArch, csvShards[2]}, "were run by different builds: architectures " + results.Arch() + " and not recorded"},
		{"missing shard", csvShards[:2], "50 of 150 chunks missing: no directory given holds shard 2/3 (give its directory, or run it)"},
		{"missing shards", csvShards[:1], "100 of 150 chunks missing: no directory given holds shards 1/3, 2/3"},
		{"unfinished shard", []string{csvShards[0], unfinished, csvShards[2]}, "2 of 150 chunks missing: shard 1/3 in " + unfinished + " lacks 2 chunks (unfinished: rerun it with --resume)"},
		{"unfinished and missing", []string{unfinished, csvShards[2]}, "52 of 150 chunks missing: no directory given holds shard 0/3 (give its directory, or run it); shard 1/3 in " + unfinished + " lacks 2 chunks"},
		{"shard twice", []string{csvShards[0], csvShards[1], csvShards[2], csvShards[1]}, "chunk-000001.csv is in both " + csvShards[1] + " and " + csvShards[1]},
		{"other experiment", []string{csvShards[0], other, csvShards[2]}, "hold different experiments"},
		{"finished sweep", []string{filepath.Join(base, "clean-csv"), csvShards[0]}, "holds a finished sweep, not a shard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, err := Merge(context.Background(), tt.dirs, out, CSV)
			if !errors.Is(err, ErrShards) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Merge = %v; want ErrShards containing %q", err, tt.want)
			}
			if exists(out) {
				t.Errorf("failed Merge created %s", out)
			}
		})
	}
	if _, err := Merge(context.Background(), csvShards, filepath.Join(base, "clean-csv"), CSV); !errors.Is(err, ErrOutDir) {
		t.Errorf("Merge into a non-empty directory = %v; want ErrOutDir", err)
	}

	// A finished sweep (one shard of one) merges alone: copied, or converted
	// to Parquet.
	for _, format := range []Format{CSV, Parquet} {
		out := filepath.Join(base, "copy-"+string(format))
		if _, err := Merge(context.Background(), []string{filepath.Join(base, "clean-csv")}, out, format); err != nil {
			t.Fatalf("Merge(finished sweep, %s) = %v", format, err)
		}
		sameFiles(t, "finished sweep merged alone as "+string(format), readDir(t, out), readDir(t, filepath.Join(base, "clean-"+string(format))))
	}
	if _, err := Merge(context.Background(), []string{filepath.Join(base, "clean-parquet")}, filepath.Join(base, "x"), CSV); !errors.Is(err, ErrShards) {
		t.Errorf("Merge(finished Parquet sweep) as CSV = %v; want ErrShards", err)
	}
}

func TestParquetRoundTrip(t *testing.T) {
	p := plan(t, tiny)
	dir := filepath.Join(t.TempDir(), "pq")
	mustRun(t, p, dir, Options{Version: "v", Format: Parquet})
	csvDir := filepath.Join(t.TempDir(), "csv")
	mustRun(t, p, csvDir, Options{Version: "v"})
	data, err := os.ReadFile(filepath.Join(dir, RunsParquetFile))
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range f.Schema().Columns() {
		cols = append(cols, strings.Join(c, "."))
	}
	// point, replication, the parameters (as in points.csv), the metrics.
	k := len(p.PointsHeader()) - 1
	if want := slices.Concat(p.RunsHeader()[:2], p.PointsHeader()[1:], p.RunsHeader()[2:]); !slices.Equal(cols, want) {
		t.Errorf("runs.parquet columns = %q; want %q", cols, want)
	}
	pointRows := strings.Split(strings.TrimSpace(string(readDir(t, csvDir)[PointsFile])), "\n")[1:]
	if f.NumRows() != 21 {
		t.Errorf("runs.parquet has %d rows; want 21", f.NumRows())
	}
	r := parquet.NewReader(bytes.NewReader(data))
	rows := make([]parquet.Row, 32)
	n, _ := r.ReadRows(rows)
	csvRows := strings.Split(strings.TrimSpace(string(readDir(t, csvDir)[RunsFile])), "\n")[1:]
	if n != len(csvRows) {
		t.Fatalf("read %d parquet rows; want %d", n, len(csvRows))
	}
	nulls := 0
	for i, row := range rows[:n] {
		fields := strings.Split(csvRows[i], ",")
		point, _ := strconv.Atoi(fields[0])
		// The row as CSV: point, replication, the point's parameters
		// from points.csv, the metrics.
		fields = slices.Concat(fields[:2], strings.Split(pointRows[point], ",")[1:], fields[2:])
		if len(row) != len(fields) {
			t.Fatalf("runs.parquet row %d has %d values; want %d", i, len(row), len(fields))
		}
		for j, v := range row {
			var got string
			switch {
			case j < 2:
				got = strconv.FormatInt(v.Int64(), 10)
			case j < 2+k && v.IsNull():
				got = "null parameter"
			case v.IsNull():
				got = results.NA
				nulls++
			default:
				got = results.FormatFloat(v.Double())
			}
			if got != fields[j] {
				t.Errorf("runs.parquet row %d column %s = %s; runs.csv has %s", i, cols[j], got, fields[j])
			}
		}
	}
	if nulls == 0 {
		t.Error("runs.parquet has no nulls; want NA as null")
	}
	m, _ := ReadManifest(dir)
	if !slices.Equal(m.Files, []string{ManifestFile, PointsFile, RunsParquetFile}) {
		t.Errorf("manifest files = %q", m.Files)
	}
	if v, _ := f.Lookup("sibsim.experiment_sha256"); v != p.Hash() {
		t.Errorf("runs.parquet metadata sibsim.experiment_sha256 = %q; want %q", v, p.Hash())
	}
}

// TestRunBusy: a second sweep in a directory another process is working in
// (holding its lock) fails at once, and leaves the directory alone.
func TestRunBusy(t *testing.T) {
	p := plan(t, tiny)
	dir := filepath.Join(t.TempDir(), "sweep")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := results.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "windows" {
		t.Skip("no flock")
	}
	_, err = Run(context.Background(), p, dir, Options{Resume: true, Version: "v"})
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), dir) {
		t.Errorf("Run while another holds the lock = %v; want ErrBusy naming %s", err, dir)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("a refused Run wrote into %s", dir)
	}
	lock.Close()
	if _, err := Run(context.Background(), p, dir, Options{Resume: true, Version: "v"}); err != nil {
		t.Errorf("Run after the lock is released = %v", err)
	}
}

// TestCheckPointsLarge: the quick check of many points finds exactly the
// invalid points a full check of each finds, lists the first ten in point
// order, and stops when its context is cancelled.
func TestCheckPointsLarge(t *testing.T) {
	const yaml = "name: x\nbase: ways-to-wellness\nreplications: 1\ndesign: {kind: random, n: 3000}\nparameters:\n" +
		"  - {path: referrals.refusal_prob, uniform: [0.2, 1.2]}\n  - {path: 'providers[*].culture', uniform: [0, 1]}\n"
	_, err := loader(fstest.MapFS{"exp/x.yaml": {Data: []byte(yaml)}}).Load("exp/x.yaml")
	var ee *Error
	if !errors.As(err, &ee) {
		t.Fatalf("Load = %v; want an *Error", err)
	}
	// The full check, point by point, on a plan of the same design.
	e, perr := Parse("exp/x.yaml", []byte(yaml))
	if perr != nil {
		t.Fatal(perr)
	}
	base, berr := loader(nil).Scenarios.Load("ways-to-wellness")
	if berr != nil {
		t.Fatal(berr)
	}
	d, derr := sensitivity.NewDesign(e.Design, []sensitivity.Dist{e.Parameters[0].Dist, e.Parameters[1].Dist}, e.Seed)
	if derr != nil {
		t.Fatal(derr)
	}
	p := &Plan{Experiment: e, Base: base, Design: d, Dists: []sensitivity.Dist{e.Parameters[0].Dist, e.Parameters[1].Dist}, Points: len(d.Points)}
	var invalid []int
	for point := range p.Points {
		sc, err := p.Scenario(point)
		if err == nil {
			err = sc.Validate()
		}
		if err != nil {
			invalid = append(invalid, point)
		}
	}
	if len(invalid) <= maxInvalidPoints {
		t.Fatalf("%d invalid points; the test needs more than %d", len(invalid), maxInvalidPoints)
	}
	want := fmt.Sprintf("%d of 3000 design points give an invalid scenario (the first 10 are listed)", len(invalid))
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Load = %v; want %q", err, want)
	}
	for i, point := range invalid[:maxInvalidPoints] {
		if !strings.Contains(ee.Problems[i].Msg, fmt.Sprintf("design point %d (", point)) {
			t.Errorf("problem %d = %q; want design point %d", i, ee.Problems[i].Msg, point)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := loader(fstest.MapFS{"exp/x.yaml": {Data: []byte(yaml)}}).LoadContext(ctx, "exp/x.yaml"); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadContext(cancelled) = %v; want context.Canceled", err)
	}
}

// editState rewrites the manifest in the state file of the sweep directory
// dir with edit.
func editState(t *testing.T, dir string, edit func(m *Manifest)) {
	t.Helper()
	name := filepath.Join(dir, StateFile)
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	edit(&st.Manifest)
	if data, err = json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
