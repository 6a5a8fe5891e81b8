package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/strictyaml"
)

// shippedData returns the bytes of a shipped scenario.
func shippedData(t testing.TB, name string) []byte {
	t.Helper()
	data, err := fs.ReadFile(scenarios.FS, name+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustLoad(t *testing.T, l Loader, ref string) *Resolved {
	t.Helper()
	r, err := l.Load(ref)
	if err != nil {
		t.Fatalf("Load(%q) = %v; want no error", ref, err)
	}
	return r
}

// checkRoundTrip loads r.YAML again and requires the same scenario, YAML and hash.
func checkRoundTrip(t *testing.T, r *Resolved) {
	t.Helper()
	sum := sha256.Sum256(r.YAML)
	if got, want := r.Hash, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Hash = %s; want sha256(YAML) = %s", got, want)
	}
	if bytes.Contains(r.YAML, []byte("extends")) {
		t.Errorf("YAML contains extends:\n%s", r.YAML)
	}
	again, err := Loader{Files: fstest.MapFS{"resolved.yaml": {Data: r.YAML}}}.Load("resolved.yaml")
	if err != nil {
		t.Fatalf("Load(resolved YAML) = %v; want no error\n%s", err, r.YAML)
	}
	if !reflect.DeepEqual(again.Scenario, r.Scenario) {
		t.Errorf("Load(resolved YAML).Scenario = %+v; want %+v", again.Scenario, r.Scenario)
	}
	if !bytes.Equal(again.YAML, r.YAML) {
		t.Errorf("Load(resolved YAML).YAML =\n%s\nwant\n%s", again.YAML, r.YAML)
	}
	if again.Hash != r.Hash {
		t.Errorf("Load(resolved YAML).Hash = %s; want %s", again.Hash, r.Hash)
	}
}

func TestShipped(t *testing.T) {
	names, err := fs.Glob(scenarios.FS, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("fs.Glob(scenarios.FS) = %v, %v; want shipped scenarios", names, err)
	}
	for _, file := range names {
		name := strings.TrimSuffix(file, ".yaml")
		t.Run(name, func(t *testing.T) {
			r := mustLoad(t, Loader{Shipped: scenarios.FS}, name)
			if r.Scenario.Name != name {
				t.Errorf("Load(%q).Scenario.Name = %q; want the file name %q", name, r.Scenario.Name, name)
			}
			if got, want := r.Chain[0], "scenarios/"+file; got != want {
				t.Errorf("Load(%q).Chain[0] = %q; want %q", name, got, want)
			}
			if err := r.Scenario.Validate(); err != nil {
				t.Errorf("Load(%q).Scenario.Validate() = %v; want nil", name, err)
			}
			checkRoundTrip(t, r)

			// A root scenario decodes the same with yaml.v3's own strict decoder.
			data := shippedData(t, name)
			var raw struct {
				Extends string `yaml:"extends"`
			}
			if err := yaml.Unmarshal(data, &raw); err != nil || raw.Extends != "" {
				return
			}
			var want Scenario
			dec := yaml.NewDecoder(bytes.NewReader(data))
			dec.KnownFields(true)
			if err := dec.Decode(&want); err != nil {
				t.Fatalf("yaml.v3 strict Decode(%s) = %v", file, err)
			}
			if !reflect.DeepEqual(r.Scenario, &want) {
				t.Errorf("Load(%q).Scenario = %+v; want yaml.v3's %+v", name, r.Scenario, want)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	s, err := Default(scenarios.FS)
	if err != nil {
		t.Fatalf("Default(scenarios.FS) = %v; want no error", err)
	}
	if s.Name != DefaultName {
		t.Errorf("Default(scenarios.FS).Name = %q; want %q", s.Name, DefaultName)
	}
}

func TestList(t *testing.T) {
	w2w := shippedData(t, DefaultName)
	shipped := fstest.MapFS{
		DefaultName + ".yaml": {Data: w2w},
		"lean.yaml":           {Data: []byte("extends: ways-to-wellness\nname: lean\nweeks: 52\n")},
		"README.md":           {Data: []byte("not a scenario")},
	}
	got, err := Loader{Shipped: shipped}.List()
	if err != nil {
		t.Fatalf("List() = %v; want no error", err)
	}
	def, _ := Default(scenarios.FS)
	want := []Info{
		{Name: "lean", Description: def.Description},
		{Name: DefaultName, Description: def.Description},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List() = %+v; want %+v", got, want)
	}

	got, err = Loader{Shipped: scenarios.FS}.List()
	if err != nil || len(got) == 0 {
		t.Fatalf("List() of scenarios.FS = %v, %v; want the shipped scenarios", got, err)
	}

	shipped["broken.yaml"] = &fstest.MapFile{Data: []byte("extends: ways-to-wellness\nweeks: -1\n")}
	if _, err := (Loader{Shipped: shipped}).List(); err == nil || !strings.Contains(err.Error(), "scenarios/broken.yaml:2:8: weeks") {
		t.Errorf("List() with a broken shipped scenario = %v; want its problem", err)
	}
}

func TestExtends(t *testing.T) {
	w2w := shippedData(t, DefaultName)
	def, err := Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		shipped   fstest.MapFS // nil: scenarios.FS
		files     fstest.MapFS
		ref       string
		wantChain []string
		check     func(s *Scenario) string // "" when fine
	}{{
		name:      "shipped name",
		files:     fstest.MapFS{"short.yaml": {Data: []byte("extends: ways-to-wellness\nname: short\nweeks: 52\n")}},
		ref:       "short.yaml",
		wantChain: []string{"short.yaml", "scenarios/ways-to-wellness.yaml"},
		check: func(s *Scenario) string {
			want := *def
			want.Name, want.Weeks = "short", 52
			if !reflect.DeepEqual(*s, want) {
				return fmt.Sprintf("scenario = %+v; want the default with name short and 52 weeks", *s)
			}
			return ""
		},
	}, {
		name: "relative file path",
		files: fstest.MapFS{
			"base/w2w.yaml":   {Data: w2w},
			"runs/child.yaml": {Data: []byte("extends: ../base/w2w.yaml\nweeks: 100\n")},
		},
		ref:       "runs/child.yaml",
		wantChain: []string{"runs/child.yaml", "base/w2w.yaml"},
		check: func(s *Scenario) string {
			if s.Weeks != 100 || s.Name != def.Name {
				return fmt.Sprintf("weeks, name = %d, %q; want 100, %q", s.Weeks, s.Name, def.Name)
			}
			return ""
		},
	}, {
		name:      "nested scalar override",
		files:     fstest.MapFS{"x.yml": {Data: []byte("extends: ways-to-wellness\ncontract:\n  investor:\n    buffer_gbp: 5\n")}},
		ref:       "x.yml",
		wantChain: []string{"x.yml", "scenarios/ways-to-wellness.yaml"},
		check: func(s *Scenario) string {
			want := def.Contract.Investor
			want.BufferGBP = 5
			if s.Contract.Investor != want || !reflect.DeepEqual(s.Contract.ProviderPayments, def.Contract.ProviderPayments) {
				return fmt.Sprintf("investor = %+v; want %+v and provider payments unchanged", s.Contract.Investor, want)
			}
			return ""
		},
	}, {
		name: "sequence replaced wholesale",
		files: fstest.MapFS{"one.yaml": {Data: []byte(`extends: ways-to-wellness
contract:
  provider_payments:
    - from_week: 0
      rules:
        - block_grant: {gbp_per_year: 900000}
          weight: 0.5
`)}},
		ref:       "one.yaml",
		wantChain: []string{"one.yaml", "scenarios/ways-to-wellness.yaml"},
		check: func(s *Scenario) string {
			half := 0.5
			want := []Phase{{Rules: []Rule{{Weight: &half, BlockGrant: &BlockGrant{GBPPerYear: 900000}}}}}
			if !reflect.DeepEqual(s.Contract.ProviderPayments, want) {
				return fmt.Sprintf("provider_payments = %+v; want %+v", s.Contract.ProviderPayments, want)
			}
			if !reflect.DeepEqual(s.Contract.OutcomePayments, def.Contract.OutcomePayments) {
				return "outcome_payments changed"
			}
			return ""
		},
	}, {
		name: "three-level chain",
		files: fstest.MapFS{
			"a/c.yaml":        {Data: []byte("extends: ../b/b.yaml\nweeks: 30\n")},
			"b/b.yaml":        {Data: []byte("extends: sub/base.yaml\nweeks: 20\npopulation: {practices: 5}\n")},
			"b/sub/base.yaml": {Data: []byte("extends: ways-to-wellness\nweeks: 10\npopulation: {practices: 3, room_share: 0.1}\n")},
		},
		ref:       "./a/c.yaml",
		wantChain: []string{"./a/c.yaml", "b/b.yaml", "b/sub/base.yaml", "scenarios/ways-to-wellness.yaml"},
		check: func(s *Scenario) string {
			p := s.Population
			if s.Weeks != 30 || p.Practices != 5 || p.RoomShare != 0.1 || p.AgeMax != def.Population.AgeMax {
				return fmt.Sprintf("weeks %d, population %+v; want 30 weeks, 5 practices, room share 0.1", s.Weeks, p)
			}
			return ""
		},
	}, {
		name:      "null and empty list clear optional fields",
		files:     fstest.MapFS{"calm.yaml": {Data: []byte("extends: ways-to-wellness\nshocks: []\ncontract:\n  outcome_payments:\n    - from_week: 0\n      until_week: ~\n      payer_shares: null\n      rules: [{tranche: {amount_gbp: 1, every_weeks: 4}}]\n")}},
		ref:       "calm.yaml",
		wantChain: []string{"calm.yaml", "scenarios/ways-to-wellness.yaml"},
		check: func(s *Scenario) string {
			if s.Shocks != nil || s.Contract.OutcomePayments[0].PayerShares != nil {
				return fmt.Sprintf("shocks %v, payer shares %v; want nil", s.Shocks, s.Contract.OutcomePayments[0].PayerShares)
			}
			return ""
		},
	}, {
		name: "shipped scenarios extend shipped scenarios",
		shipped: fstest.MapFS{
			"base.yaml":    {Data: w2w},
			"variant.yaml": {Data: []byte("extends: base\nname: variant\n")},
		},
		files:     fstest.MapFS{"base.yaml": {Data: []byte("not: the shipped one\n")}},
		ref:       "variant",
		wantChain: []string{"scenarios/variant.yaml", "scenarios/base.yaml"},
		check: func(s *Scenario) string {
			if s.Name != "variant" || s.Weeks != def.Weeks {
				return fmt.Sprintf("name, weeks = %q, %d; want variant, %d", s.Name, s.Weeks, def.Weeks)
			}
			return ""
		},
	}, {
		name: "aliases",
		files: fstest.MapFS{"alias.yaml": {Data: []byte(`extends: ways-to-wellness
neighbourhoods:
  - {name: inner-west, remove: true}
  - {name: riverside, remove: true}
  - {name: outer-west, remove: true}
  - {name: fringe, remove: true}
  - name: only
    practice_share: 1
    deprivation: 0.5
    services:
      exercise: &svc {places_per_1000_eligible: 4, distance_km: 3.0}
      social_groups: *svc
      welfare_rights: *svc
      housing: *svc
      mental_health: *svc
      healthy_eating: *svc
`)}},
		ref:       "alias.yaml",
		wantChain: []string{"alias.yaml", "scenarios/ways-to-wellness.yaml"},
		check: func(s *Scenario) string {
			svc := Service{PlacesPer1000Eligible: 4, DistanceKm: 3}
			want := Services{svc, svc, svc, svc, svc, svc}
			if len(s.Neighbourhoods) != 1 || s.Neighbourhoods[0].Services != want {
				return fmt.Sprintf("neighbourhoods = %+v; want one with every service %+v", s.Neighbourhoods, svc)
			}
			return ""
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Loader{Shipped: scenarios.FS, Files: tt.files}
			if tt.shipped != nil {
				l.Shipped = tt.shipped
			}
			r := mustLoad(t, l, tt.ref)
			if !reflect.DeepEqual(r.Chain, tt.wantChain) {
				t.Errorf("Load(%q).Chain = %q; want %q", tt.ref, r.Chain, tt.wantChain)
			}
			if r.Scenario.Extends != "" {
				t.Errorf("Load(%q).Scenario.Extends = %q; want empty", tt.ref, r.Scenario.Extends)
			}
			if msg := tt.check(r.Scenario); msg != "" {
				t.Errorf("Load(%q): %s", tt.ref, msg)
			}
			checkRoundTrip(t, r)
		})
	}
}

// loadErr loads ref and returns the *Error it must fail with.
func loadErr(t *testing.T, l Loader, ref string) *Error {
	t.Helper()
	_, err := l.Load(ref)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Load(%q) = %v; want an *Error", ref, err)
	}
	return e
}

func TestExtendsErrors(t *testing.T) {
	chain := fstest.MapFS{}
	for i := range 40 {
		chain[fmt.Sprintf("f%d.yaml", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, "extends: f%d.yaml\n", i+1)}
	}
	tests := []struct {
		name    string
		shipped fstest.MapFS
		files   fstest.MapFS
		ref     string
		want    string
	}{{
		name: "cycle of two files",
		files: fstest.MapFS{
			"a.yaml": {Data: []byte("extends: b.yaml\n")},
			"b.yaml": {Data: []byte("weeks: 1\nextends: a.yaml\n")},
		},
		ref:  "a.yaml",
		want: "b.yaml:2:10: extends: extends cycle: a.yaml -> b.yaml -> a.yaml",
	}, {
		name: "cycle of three files",
		files: fstest.MapFS{
			"x/a.yaml": {Data: []byte("extends: ../y/b.yaml\n")},
			"y/b.yaml": {Data: []byte("extends: c.yaml\n")},
			"y/c.yaml": {Data: []byte("extends: ./../x/a.yaml\n")},
		},
		ref:  "x/a.yaml",
		want: "y/c.yaml:1:10: extends: extends cycle: x/a.yaml -> y/b.yaml -> y/c.yaml -> x/a.yaml",
	}, {
		name:  "file extends itself",
		files: fstest.MapFS{"a.yaml": {Data: []byte("extends: a.yaml\n")}},
		ref:   "a.yaml",
		want:  "a.yaml:1:10: extends: extends cycle: a.yaml -> a.yaml",
	}, {
		name:    "cycle of shipped scenarios",
		shipped: fstest.MapFS{"p.yaml": {Data: []byte("extends: q\n")}, "q.yaml": {Data: []byte("extends: p.yaml\n")}},
		ref:     "p",
		want:    "scenarios/q.yaml:1:10: extends: extends cycle: scenarios/p.yaml -> scenarios/q.yaml -> scenarios/p.yaml",
	}, {
		name:  "missing target",
		files: fstest.MapFS{"dir/a.yaml": {Data: []byte("name: a\n# parent:\nextends:   b.yaml\n")}},
		ref:   "dir/a.yaml",
		want:  "dir/a.yaml:3:12: extends: file dir/b.yaml does not exist",
	}, {
		name:  "unknown shipped name",
		files: fstest.MapFS{"a.yaml": {Data: []byte("extends: nowhere\n")}},
		ref:   "a.yaml",
		want:  `a.yaml:1:10: extends: no shipped scenario "nowhere" (shipped: ways-to-wellness)`,
	}, {
		name:  "target outside the file system",
		files: fstest.MapFS{"a.yaml": {Data: []byte("extends: ../../b.yaml\n")}},
		ref:   "a.yaml",
		want:  "a.yaml:1:10: extends: cannot read ../../b.yaml: not a valid path in the scenario file system",
	}, {
		name:    "shipped scenario extending a file",
		shipped: fstest.MapFS{"v.yaml": {Data: []byte("extends: ../x.yaml\n")}},
		ref:     "v",
		want:    `scenarios/v.yaml:1:10: extends: a shipped scenario can only extend another shipped scenario, by name (got "../x.yaml")`,
	}, {
		name:  "target is a directory",
		files: fstest.MapFS{"a.yaml": {Data: []byte("extends: d/\n")}, "d/x.yaml": {}},
		ref:   "a.yaml",
		want:  "a.yaml:1:10: extends: cannot read d: is a directory",
	}, {
		name:  "chain too long",
		files: chain,
		ref:   "f0.yaml",
		want:  "f31.yaml:1:10: extends: extends chain is longer than 32 files",
	}, {
		name:  "empty extends",
		files: fstest.MapFS{"a.yaml": {Data: []byte("extends: ''\n")}},
		ref:   "a.yaml",
		want:  "a.yaml:1:10: extends: must not be empty",
	}}
	w2w := fstest.MapFS{DefaultName + ".yaml": {Data: shippedData(t, DefaultName)}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Loader{Shipped: w2w, Files: tt.files}
			if tt.shipped != nil {
				l.Shipped = tt.shipped
			}
			e := loadErr(t, l, tt.ref)
			if got := e.Error(); got != tt.want {
				t.Errorf("Load(%q) = %q; want %q", tt.ref, got, tt.want)
			}
		})
	}
}

func TestLoadNotExist(t *testing.T) {
	files := fstest.MapFS{"there.yaml": {Data: []byte("weeks: 1\n")}}
	tests := []struct {
		name  string
		files fstest.MapFS
		ref   string
		want  []string // substrings of the message
	}{
		{"missing file", files, "missing.yaml", []string{"missing.yaml"}},
		{"missing file in a folder", files, "runs/missing", []string{"runs/missing"}},
		{"path outside the file system", files, "../there.yaml", []string{"../there.yaml"}},
		{"no file system", nil, "there.yaml", []string{"there.yaml", "no file system"}},
		{"unknown shipped name", files, "nowhere", []string{`"nowhere"`, "ways-to-wellness"}},
		{"empty reference", files, "", []string{`""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Loader{Shipped: scenarios.FS}
			if tt.files != nil {
				l.Files = tt.files
			}
			_, err := l.Load(tt.ref)
			if !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Load(%q) = %v; want an error wrapping fs.ErrNotExist", tt.ref, err)
			}
			var e *Error
			if errors.As(err, &e) {
				t.Errorf("Load(%q) = %#v; want not an *Error", tt.ref, e)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load(%q) = %q; want it to mention %s", tt.ref, err, w)
				}
			}
		})
	}
}

func TestOSFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "runs"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("base.yaml", string(shippedData(t, DefaultName)))
	write(filepath.Join("runs", "good.yaml"), "extends: ../base.yaml\nweeks: 52\n")
	write(filepath.Join("runs", "bad.yaml"), "extends: ../base.yaml\nweeks: 0\n")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, dir)
	if err != nil {
		t.Skipf("no relative path to the temporary directory: %v", err)
	}
	l := Loader{Shipped: scenarios.FS, Files: OSFiles()}
	for _, base := range []string{dir, rel} {
		good := filepath.Join(base, "runs", "good.yaml")
		r := mustLoad(t, l, good)
		want := []string{good, filepath.ToSlash(filepath.Join(base, "base.yaml"))}
		if !reflect.DeepEqual(r.Chain, want) {
			t.Errorf("Load(%q).Chain = %q; want %q", good, r.Chain, want)
		}
		bad := filepath.Join(base, "runs", "bad.yaml")
		e := loadErr(t, l, bad)
		if got, want := e.Error(), bad+":2:8: weeks: must be >= 1 (got 0)"; got != want {
			t.Errorf("Load(%q) = %q; want %q", bad, got, want)
		}
		missing := filepath.Join(base, "runs", "missing.yaml")
		if _, err := l.Load(missing); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
			t.Errorf("Load(%q) = %v; want an fs.ErrNotExist naming the file", missing, err)
		}
	}
	if _, err := OSFiles().Open("../x"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("OSFiles().Open(../x) = %v; want fs.ErrInvalid", err)
	}
	if e := loadErr(t, l, dir+string(filepath.Separator)); !strings.Contains(e.Error(), "is a directory") {
		t.Errorf("Load(a directory) = %q; want is a directory", e)
	}
}

func TestFileLimits(t *testing.T) {
	big := "weeks: 1\n" + strings.Repeat("# padding\n", maxFileBytes/10)
	many := "weeks: [" + strings.Repeat("1,", maxNodes) + "1]\n"
	tests := []struct {
		name, data, want string
	}{
		{"too large", big, "a.yaml: cannot read: file is larger than 1048576 bytes"},
		{"too many nodes", many, "a.yaml:1:200003: weeks[99997]: too many YAML nodes (limit 100000, counting expanded aliases)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadErr(t, Loader{Files: fstest.MapFS{"a.yaml": {Data: []byte(tt.data)}}}, "a.yaml")
			if got := e.Error(); got != tt.want {
				t.Errorf("Load(a.yaml) = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "a.yaml", Line: 3, Column: 5, Path: "weeks", Msg: "must be >= 1 (got 0)"}, "a.yaml:3:5: weeks: must be >= 1 (got 0)"},
		{Problem{File: "a.yaml", Line: 3, Msg: "not valid YAML: x"}, "a.yaml:3: not valid YAML: x"},
		{Problem{File: "a.yaml", Msg: "file is empty"}, "a.yaml: file is empty"},
		{Problem{Path: "weeks", Msg: "must be >= 1 (got 0)"}, "weeks: must be >= 1 (got 0)"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q; want %q", tt.p, got, tt.want)
		}
	}
}

func TestErrorSorted(t *testing.T) {
	err := newError([]Problem{
		{File: "b.yaml", Line: 1, Column: 1, Msg: "z"},
		{File: "a.yaml", Line: 10, Column: 1, Msg: "y"},
		{File: "a.yaml", Line: 2, Column: 7, Path: "q", Msg: "x"},
		{File: "a.yaml", Line: 2, Column: 7, Path: "p", Msg: "x"},
		{File: "a.yaml", Line: 2, Column: 3, Msg: "x"},
		{File: "b.yaml", Line: 1, Column: 1, Msg: "z"},
	})
	want := "a.yaml:2:3: x\na.yaml:2:7: p: x\na.yaml:2:7: q: x\na.yaml:10:1: y\nb.yaml:1:1: z"
	if got := err.Error(); got != want {
		t.Errorf("newError(...).Error() = %q; want %q", got, want)
	}
	if newError(nil) != nil {
		t.Errorf("newError(nil) != nil")
	}
}

func TestValidate(t *testing.T) {
	s, err := Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("default.Validate() = %v; want nil", err)
	}
	s.Weeks = 0
	s.Providers[1].Culture = math.NaN()
	s.Contract.ProviderPayments[0].Rules[1].PerAssessment.TariffsGBP[2] = -5
	s.Contract.OutcomePayments[0].PayerShares = map[string]float64{"ccg": 0.5, "nhs": 0.5}
	w := 101.0
	s.Contract.OutcomePayments[0].Rules[0].Weight = &w
	s.Health.AdmissionShare = math.Inf(1)
	want := strings.Join([]string{
		"contract.outcome_payments[0].payer_shares.nhs: unknown payer \"nhs\"",
		"contract.outcome_payments[0].rules[0].weight: must be <= 100 (got 101)",
		"contract.provider_payments[0].rules[1].per_assessment.tariffs_gbp[2]: must be >= 0 (got -5)",
		"health.admission_share: must be a finite number (got +Inf)",
		"providers[1].culture: must be a finite number (got NaN)",
		"weeks: must be >= 1 (got 0)",
	}, "\n")
	err = s.Validate()
	if err == nil || err.Error() != want {
		t.Errorf("Validate() =\n%v\nwant\n%s", err, want)
	}
}

// TestSchema checks every type reachable from Scenario: tags parse, checks
// fit the field kinds, and the decoder supports every kind.
func TestSchema(t *testing.T) {
	numeric := func(k reflect.Kind) bool {
		return k >= reflect.Int && k <= reflect.Float64
	}
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice:
			walk(typ.Elem(), path)
		case reflect.Map:
			if typ.Key().Kind() != reflect.String {
				t.Errorf("%s: map key %s; want string", path, typ.Key())
			}
			walk(typ.Elem(), path)
		case reflect.Struct:
			if seen[typ] {
				return
			}
			seen[typ] = true
			for _, f := range fieldsOf(typ) {
				ft := typ.Field(f.index).Type
				p := strictyaml.JoinPath(path, f.name)
				base := ft
				for base.Kind() == reflect.Pointer || base.Kind() == reflect.Slice {
					base = base.Elem()
				}
				if f.check.hasNumericChecks && !numeric(base.Kind()) {
					t.Errorf("%s: numeric check on %s", p, ft)
				}
				if f.check.nonempty && ft.Kind() != reflect.String && ft.Kind() != reflect.Slice && ft.Kind() != reflect.Map {
					t.Errorf("%s: nonempty on %s", p, ft)
				}
				if ft.Kind() == reflect.Pointer && !f.optional {
					t.Errorf("%s: pointer field without omitempty", p)
				}
				walk(ft, p)
			}
		case reflect.Bool, reflect.String, reflect.Float64, reflect.Float32:
		default:
			if !numeric(typ.Kind()) {
				t.Errorf("%s: unsupported kind %s", path, typ.Kind())
			}
		}
	}
	walk(reflect.TypeFor[Scenario](), "")
	for _, tag := range []string{"min", "max=x", "prob=1", "between=1"} {
		if _, err := parseCheck(tag); err == nil {
			t.Errorf("parseCheck(%q) = nil error; want an error", tag)
		}
	}
}

func TestNumbersAsWritten(t *testing.T) {
	// Spellings that mean their decimal value load as that value; the
	// refused ones are in testdata/broken (number-*, bool-*).
	data := `extends: ways-to-wellness
weeks: +364
population:
  practices: +17
  list_size_mean: 7.4e3
  list_size_cv: .35
  age_min: -0
shocks:
  - name: covid-19
    start_week: 259
    end_week: 330
    remote_only: false
    service_capacity_factor: 3.
    gp_referral_factor: 4E-1
`
	r, err := Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"a.yaml": {Data: []byte(data)}}}.Load("a.yaml")
	if err != nil {
		t.Fatalf("Load(a.yaml) = %v", err)
	}
	s := r.Scenario
	p := s.Population
	sh := s.Shocks[0]
	got := []float64{float64(s.Weeks), float64(p.Practices), p.ListSizeMean, p.ListSizeCV, float64(p.AgeMin), sh.ServiceCapacityFactor, sh.GPReferralFactor}
	want := []float64{364, 17, 7400, 0.35, 0, 3, 0.4}
	if !slices.Equal(got, want) || sh.RemoteOnly {
		t.Errorf("Load(a.yaml) = %v, remote_only %v; want %v, false", got, sh.RemoteOnly, want)
	}
}

func TestDecodeTypes(t *testing.T) {
	// Type errors in every kind of field, each reported where it was written.
	data := `extends: ways-to-wellness
weeks: 1e3
name: ~
population: [1]
shocks:
  - name: s
    start_week: 1
    end_week: 2
    remote_only: yes
    service_capacity_factor: '1'
    gp_referral_factor: 1
contract:
  outcome_payments:
    - from_week: 0
      payer_shares: {ccg: high, [x]: 1}
      rules: [{weight: !!str 2, tranche: {amount_gbp: 1, every_weeks: 99999999999999999999}}]
  payers: [{name: ccg, cap_gbp: 1}, {name: 7, cap_gbp: 0x10}]
`
	want := strings.Join([]string{
		"a.yaml:2:8: weeks: must be a whole number (got 1e3)",
		"a.yaml:3:7: name: must be a string (got null)",
		"a.yaml:4:13: population: must be a mapping (got a list)",
		"a.yaml:9:18: shocks[1].remote_only: must be true or false (got \"yes\", which some YAML readers take as true)",
		"a.yaml:10:30: shocks[1].service_capacity_factor: must be a number (got \"1\")",
		"a.yaml:15:27: contract.outcome_payments[0].payer_shares.ccg: must be a number (got \"high\")",
		"a.yaml:15:33: contract.outcome_payments[0].payer_shares: keys must be plain strings (got a list)",
		"a.yaml:16:24: contract.outcome_payments[0].rules[0].weight: must be a number (got \"2\")",
		"a.yaml:16:71: contract.outcome_payments[0].rules[0].tranche.every_weeks: out of range (got 99999999999999999999)",
		"a.yaml:17:56: contract.payers[1].cap_gbp: must be a decimal number (got 0x10)",
	}, "\n")
	e := loadErr(t, Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"a.yaml": {Data: []byte(data)}}}, "a.yaml")
	if got := e.Error(); got != want {
		t.Errorf("Load(a.yaml) =\n%s\nwant\n%s", got, want)
	}
}

func TestHostile(t *testing.T) {
	// Inputs that would be slow or huge without the loader's limits.
	mixed := "extends: ways-to-wellness\ncontract:\n  provider_payments:\n    - from_week: 0\n      rules:\n        - per_assessment:\n            max_per_client: 0\n            tariffs_gbp: [" +
		strings.Repeat("a, -1, ", 20000) + "1]\n"
	dups := strings.Repeat("[", 3000) + "{" + strings.Repeat("k: 1, ", 20000) + "k: 1}" + strings.Repeat("]", 3000) + "\n"
	long := "extends: ways-to-wellness\n? " + strings.Repeat("x", 100000) + "\n: 1\n"
	tests := []struct {
		name      string
		data      string
		wantFirst string
		wantMore  bool
	}{
		{"many bad list elements", mixed, `a.yaml:8:27: contract.provider_payments[0].rules[0].per_assessment.tariffs_gbp[0]: must be a number (got "a")`, true},
		{"many duplicate keys deep down", "a: " + dups, "a.yaml:1:", true},
		{"long unknown field", long, `a.yaml:2:3: unknown field "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"...`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadErr(t, Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"a.yaml": {Data: []byte(tt.data)}}}, "a.yaml")
			if got := e.Problems[0].Error(); !strings.HasPrefix(got, tt.wantFirst) {
				t.Errorf("Load(a.yaml) first problem = %.200q; want prefix %q", got, tt.wantFirst)
			}
			if len(e.Problems) > maxProblems || (e.More > 0) != tt.wantMore {
				t.Errorf("Load(a.yaml) = %d problems and %d more; want at most %d, more %v", len(e.Problems), e.More, maxProblems, tt.wantMore)
			}
			if tt.wantMore && !strings.HasSuffix(e.Error(), fmt.Sprintf("\nand %d more problems", e.More)) {
				t.Errorf("Load(a.yaml).Error() does not end with the count of problems left out")
			}
		})
	}
}

func TestCanonicalStrings(t *testing.T) {
	def, err := Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"\n0\n", "\n0", "\n\nx\n", "x\t\n", "x\n\n", "a\r\nb", "\x00a", "\ufeffx", "\u0085x", "a\u2028b",
		"\xff\xfe", " a ", "#x", "- x", "a: b", "123", "true", "null", "~", "é\n\ta", `\`, `"`, "'",
		strings.Repeat("long ", 40), "&a", "*a", "!x", "%x", "@x", "`x", "{x}", "[x]", "x #y",
	} {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			sc := *def
			sc.Description = s
			sc.Contract.Payers = []Payer{{Name: s, CapGBP: 1}}
			sc.Contract.OutcomePayments = slices.Clone(sc.Contract.OutcomePayments)
			sc.Contract.OutcomePayments[0].PayerShares = map[string]float64{s: 1}
			y, err := marshal(&sc)
			if err != nil {
				t.Fatalf("marshal = %v", err)
			}
			if textErr := CheckText(s); textErr != nil {
				// Control characters survive the encoder but are refused,
				// at the line of each field that holds them.
				e := loadErr(t, Loader{Files: fstest.MapFS{"s.yaml": {Data: y}}}, "s.yaml")
				var paths []string
				for _, p := range e.Problems {
					if p.Msg != textErr.Error() || p.Line == 0 {
						t.Errorf("Load(description %q) problem %q; want message %q at a line", s, p.Error(), textErr)
					}
					paths = append(paths, p.Path)
				}
				if want := []string{"description", "contract.payers[0].name"}; !slices.Equal(paths, want) {
					t.Errorf("Load(description %q) problems at %q; want %q", s, paths, want)
				}
				return
			}
			r := mustLoad(t, Loader{Files: fstest.MapFS{"s.yaml": {Data: y}}}, "s.yaml")
			if !reflect.DeepEqual(r.Scenario, &sc) {
				t.Errorf("Load(marshal(description %q)).Description = %q\n%s", s, r.Scenario.Description, y)
			}
			if !bytes.Equal(r.YAML, y) {
				t.Errorf("Load(marshal(...)).YAML =\n%s\nwant\n%s", r.YAML, y)
			}
		})
	}
}

func TestFormatFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 1055000, 0.05, 0.1 + 0.2, 1e-4, 9.99e-5, 1e15, 123456789012345.6, 5e-324, math.MaxFloat64, -0.3, 1e21} {
		s := formatFloat(f, 64)
		var got float64
		n := yaml.Node{Kind: yaml.ScalarNode, Value: s}
		if tag := n.ShortTag(); tag != strictyaml.IntTag && tag != strictyaml.FloatTag {
			t.Errorf("formatFloat(%g) = %q, a YAML %s; want a number", f, s, tag)
			continue
		}
		if got, err := strictyaml.Float(&n); err != nil || got != f {
			t.Errorf("formatFloat(%g) = %q, which Load reads as %g, %v", f, s, got, err)
		}
		if err := n.Decode(&got); err != nil || got != f {
			t.Errorf("formatFloat(%g) = %q, which reads back as %g, %v", f, s, got, err)
		}
	}
}

func TestExtendsMergesNamedItems(t *testing.T) {
	def, err := Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	data := `extends: ways-to-wellness
providers:
  - {name: coaching, link_workers: 5}
neighbourhoods:
  - {name: fringe, remove: true}
  - {name: riverside, practice_share: 0.45}
shocks:
  - {name: covid-19, remove: true}
  - {name: cuts, start_week: 10, end_week: 20, service_capacity_factor: 0.5, gp_referral_factor: 1}
contract:
  payers:
    - {name: cbo, cap_gbp: 1}
  provider_payments:
    - from_week: 0
      rules: [{block_grant: {gbp_per_year: 1}}]
`
	r, err := Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"m.yaml": {Data: []byte(data)}}}.Load("m.yaml")
	if err != nil {
		t.Fatalf("Load(m.yaml) = %v", err)
	}
	s := r.Scenario
	wantProviders := slices.Clone(def.Providers)
	wantProviders[1].LinkWorkers = 5
	if !reflect.DeepEqual(s.Providers, wantProviders) {
		t.Errorf("providers = %+v; want the default's with coaching at 5 posts", s.Providers)
	}
	var names []string
	for _, n := range s.Neighbourhoods {
		names = append(names, n.Name)
	}
	if want := []string{"inner-west", "riverside", "outer-west"}; !slices.Equal(names, want) || s.Neighbourhoods[1].PracticeShare != 0.45 ||
		s.Neighbourhoods[1].Deprivation != def.Neighbourhoods[1].Deprivation {
		t.Errorf("neighbourhoods %v, riverside %+v; want %v and riverside's share 0.45, the rest inherited", names, s.Neighbourhoods[1], want)
	}
	if want := []Shock{{Name: "cuts", StartWeek: 10, EndWeek: 20, ServiceCapacityFactor: 0.5, GPReferralFactor: 1}}; !reflect.DeepEqual(s.Shocks, want) {
		t.Errorf("shocks = %+v; want %+v", s.Shocks, want)
	}
	if len(s.Contract.Payers) != 3 || s.Contract.Payers[1].CapGBP != 1 || s.Contract.Payers[0] != def.Contract.Payers[0] {
		t.Errorf("payers = %+v; want the default's with cbo's cap 1", s.Contract.Payers)
	}
	wantNotes := []string{"m.yaml:14:5: contract.provider_payments: replaces the whole list of scenarios/ways-to-wellness.yaml (2 items): its items have no name to merge by"}
	var notes []string
	for _, n := range r.Notes {
		notes = append(notes, n.Error())
	}
	if !slices.Equal(notes, wantNotes) {
		t.Errorf("notes = %q; want %q", notes, wantNotes)
	}
}

func TestRemoveErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"no such item", "extends: ways-to-wellness\nshocks: [{name: flu, remove: true}]\n",
			`x.yaml:2:10: shocks[0]: cannot remove "flu": the list it extends has no item with name "flu" (it has "covid-19")`},
		{"nothing extended", "name: x\nshocks: [{name: flu, remove: true}]\n",
			"x.yaml:2:22: shocks[0].remove: nothing to remove: remove only removes an item from a list merged by name with that of the scenario this file extends"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := loadErr(t, Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"x.yaml": {Data: []byte(tc.data)}}}, "x.yaml")
			if lines := strings.Split(e.Error(), "\n"); !slices.Contains(lines, tc.want) {
				t.Errorf("Load(x.yaml) =\n%s\nwant the line\n%s", e, tc.want)
			}
		})
	}
}
