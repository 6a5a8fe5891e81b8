package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/scenarios"
)

// schemaFile is the committed schema that the shipped scenarios name in
// their yaml-language-server comment (schemaHint).
const (
	schemaFile = "../../docs/scenario.schema.json"
	schemaHint = "# yaml-language-server: $schema=../docs/scenario.schema.json"
)

func defaultSchema(t *testing.T) []byte {
	t.Helper()
	def, err := Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	b, err := JSONSchema(def)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// compileSchema compiles the schema with an independent validator: a JSON
// Schema library that knows nothing of the loader.
func compileSchema(t *testing.T, schema []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("scenario.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("scenario.schema.json")
	if err != nil {
		t.Fatalf("schema does not compile as JSON Schema: %v", err)
	}
	return sch
}

// errNotJSON marks YAML that has no JSON form (NaN, infinities, keys that
// are not strings, several documents).
var errNotJSON = errors.New("no JSON form")

// yamlToJSON reads data as a YAML editor's language server would: one
// document, as plain JSON values.
func yamlToJSON(data []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, errors.Join(errNotJSON, err)
	}
	b, err := json.Marshal(jsonable(v))
	if err != nil {
		return nil, errors.Join(errNotJSON, err)
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// jsonable turns yaml.v3's map[string]any and map[any]any into JSON objects.
func jsonable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = jsonable(e)
		}
		return v
	case map[any]any:
		out := map[string]any{}
		for k, e := range v {
			s, ok := k.(string)
			if !ok {
				return func() {} // json.Marshal refuses it: no JSON form
			}
			out[s] = jsonable(e)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = jsonable(e)
		}
		return v
	}
	return v
}

// TestSchemaFileUpToDate fails when docs/scenario.schema.json is not what
// sibsim schema prints; -update rewrites it.
func TestSchemaFileUpToDate(t *testing.T) {
	want := defaultSchema(t)
	if *update {
		if err := os.WriteFile(schemaFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v (run go test ./sim/scenario -run TestSchemaFileUpToDate -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date; run go test ./sim/scenario -run TestSchemaFileUpToDate -update", schemaFile)
	}
}

// TestShippedScenariosMatchSchema validates every shipped scenario, as
// written and as resolved (a file without extends), against the schema,
// and checks that each names the schema for editors.
func TestShippedScenariosMatchSchema(t *testing.T) {
	sch := compileSchema(t, defaultSchema(t))
	names := YAMLNames(scenarios.FS)
	if len(names) < 5 {
		t.Fatalf("YAMLNames(scenarios.FS) = %v; want the shipped scenarios", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(scenarios.FS, name+".yaml")
			if err != nil {
				t.Fatal(err)
			}
			if first, _, _ := strings.Cut(string(data), "\n"); first != schemaHint {
				t.Errorf("first line = %q; want the schema hint %q", first, schemaHint)
			}
			r, err := Loader{Shipped: scenarios.FS}.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			for what, b := range map[string][]byte{"file": data, "resolved": r.YAML} {
				v, err := yamlToJSON(b)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if err := sch.Validate(v); err != nil {
					t.Errorf("%s does not match the schema: %v", what, err)
				}
			}
		})
	}
}

// Why the schema cannot refuse a file that the loader refuses.
const (
	// acrossFields: a rule across fields (shares summing to 1, the order
	// of two fields, scale limits, payer names in payer_shares).
	acrossFields = "across fields"
	// inherited: what the file extends (whether it exists, whether an item
	// of a named list is new and so must be complete).
	inherited = "depends on the scenario extended"
	// yamlSpelling: how YAML is written, which the loader reads strictly and
	// a language server reads as YAML 1.1 or 1.2 does (aliases, merge and
	// duplicate keys, number and boolean spellings, several documents,
	// values with no JSON form such as .nan).
	yamlSpelling = "YAML spelling"
)

// schemaMisses lists the files of testdata/broken and testdata/limits that
// the schema need not refuse, each with the reason. The rule: the schema
// judges each field on its own, as JSON; it cannot see rules across fields,
// the scenario extended, or how YAML is spelled. Files refused for the
// first two reasons must pass the schema, so that this list stays true;
// for YAML spelling the answer depends on the YAML reader, and is not
// checked. Every other broken file must fail the schema.
var schemaMisses = map[string]string{
	"broken/alias-bomb.yaml":              yamlSpelling,
	"broken/alias-cycle.yaml":             yamlSpelling,
	"broken/bool-capital.yaml":            yamlSpelling,
	"broken/bool-yes.yaml":                yamlSpelling,
	"broken/duplicate-key.yaml":           yamlSpelling,
	"broken/multi-doc.yaml":               yamlSpelling,
	"broken/nan.yaml":                     yamlSpelling,
	"broken/not-yaml.yaml":                yamlSpelling,
	"broken/number-binary.yaml":           yamlSpelling,
	"broken/number-float-into-int.yaml":   yamlSpelling,
	"broken/number-float-overflow.yaml":   yamlSpelling,
	"broken/number-float-underflow.yaml":  yamlSpelling,
	"broken/number-hex.yaml":              yamlSpelling,
	"broken/number-inf.yaml":              yamlSpelling,
	"broken/number-int-overflow.yaml":     yamlSpelling,
	"broken/number-leading-zero.yaml":     yamlSpelling,
	"broken/number-octal.yaml":            yamlSpelling,
	"broken/number-sexagesimal.yaml":      yamlSpelling,
	"broken/number-underscore.yaml":       yamlSpelling,
	"broken/cycle-a.yaml":                 inherited,
	"broken/cycle-b.yaml":                 inherited,
	"broken/missing-extends.yaml":         inherited,
	"broken/unknown-shipped.yaml":         inherited,
	"broken/provider-missing-fields.yaml": inherited,
	"broken/phase-until-before-from.yaml": acrossFields,
	"broken/shares-not-one.yaml":          acrossFields,
	"broken/unknown-payer.yaml":           acrossFields,
	"limits/outreach-per-week.yaml":       acrossFields,
	"limits/referrals-per-week.yaml":      acrossFields,
}

// TestBrokenFilesFailSchema checks that every file of the broken and limits
// corpora that the schema can judge fails it (see schemaMisses).
func TestBrokenFilesFailSchema(t *testing.T) {
	sch := compileSchema(t, defaultSchema(t))
	var files []string
	for _, dir := range []string{"broken", "limits"} {
		fs, err := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) < 40 {
		t.Fatalf("found %d broken files; want the corpora", len(files))
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := filepath.ToSlash(strings.TrimPrefix(f, "testdata"+string(filepath.Separator)))
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			reason, miss := schemaMisses[name]
			if reason == yamlSpelling {
				return
			}
			v, err := yamlToJSON(data)
			if err != nil {
				t.Fatalf("cannot read as JSON: %v", err)
			}
			err = sch.Validate(v)
			switch {
			case miss && err != nil:
				t.Errorf("fails the schema, but schemaMisses says it cannot (%s): %v", reason, err)
			case !miss && err == nil:
				t.Errorf("passes the schema; the loader refuses it (%s)", loaderProblem(f))
			}
		})
	}
	for name := range schemaMisses {
		if !seen[name] {
			t.Errorf("schemaMisses lists %s, which is not in testdata", name)
		}
	}
}

// loaderProblem returns the first problem the loader finds in file f.
func loaderProblem(f string) string {
	l := Loader{Shipped: scenarios.FS, Files: OSFiles()}
	_, err := l.Load(f)
	if err == nil {
		return "no error"
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// TestSchemaJudges checks what the schema says of small files, against
// what the loader says.
func TestSchemaJudges(t *testing.T) {
	sch := compileSchema(t, defaultSchema(t))
	full, err := Loader{Shipped: scenarios.FS}.Load(DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	withoutWeeks := strings.Replace(string(full.YAML), "weeks: 364\n", "", 1)
	beforeShocks, _, ok := strings.Cut(string(full.YAML), "shocks:")
	if !ok || withoutWeeks == string(full.YAML) {
		t.Fatal("resolved default lacks weeks: 364 or shocks")
	}
	tests := []struct {
		name, yaml string
		valid      bool
	}{
		{"extends with one field", "extends: ways-to-wellness\nweeks: 52\n", true},
		{"extends, one field of a provider", "extends: ways-to-wellness\nproviders: [{name: coaching, link_workers: 5}]\n", true},
		{"extends, a removal", "extends: ways-to-wellness\nshocks: [{name: covid-19, remove: true}]\n", true},
		{"a removal with other fields", "extends: ways-to-wellness\nshocks: [{name: covid-19, remove: true, start_week: 1}]\n", false},
		{"remove: false", "extends: ways-to-wellness\nshocks: [{name: covid-19, remove: false}]\n", false},
		{"a named item without its name", "extends: ways-to-wellness\nproviders: [{link_workers: 5}]\n", false},
		{"a phase replaces whole: must be complete", "extends: ways-to-wellness\ncontract: {provider_payments: [{from_week: 0}]}\n", false},
		{"a rule of two kinds", "extends: ways-to-wellness\ncontract: {provider_payments: [{from_week: 0, rules: [{block_grant: {gbp_per_year: 1}, capitation: {gbp_per_client_month: 1}}]}]}\n", false},
		{"a rule of no kind", "extends: ways-to-wellness\ncontract: {provider_payments: [{from_week: 0, rules: [{weight: 1}]}]}\n", false},
		{"a rule with a weight", "extends: ways-to-wellness\ncontract: {provider_payments: [{from_week: 0, rules: [{weight: 0.5, tranche: {amount_gbp: 1, every_weeks: 4}}]}]}\n", true},
		{"unknown field", "extends: ways-to-wellness\nreferrals: {gp_engagment_mean: 0.5}\n", false},
		{"out of range", "extends: ways-to-wellness\nreferrals: {refusal_prob: 1.5}\n", false},
		{"a whole number", "extends: ways-to-wellness\nweeks: 52.5\n", false},
		{"a control character in a name", "extends: ways-to-wellness\nname: \"a\\u0007b\"\n", false},
		{"a blank name", "extends: ways-to-wellness\nname: \"  \"\n", false},
		{"null optional field", "extends: ways-to-wellness\ncontract: {provider_payments: [{from_week: 0, until_week: null, rules: [{block_grant: {gbp_per_year: 1}}]}]}\n", true},
		{"complete without extends", string(full.YAML), true},
		{"without extends, a field missing", withoutWeeks, false},
		{"without extends, a removal", beforeShocks + "shocks: [{name: covid-19, remove: true}]\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := yamlToJSON([]byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			err = sch.Validate(v)
			if (err == nil) != tc.valid {
				t.Errorf("schema valid = %v; want %v (%v)", err == nil, tc.valid, err)
			}
			// The loader agrees.
			_, lerr := Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"x.yaml": {Data: []byte(tc.yaml)}}}.Load("x.yaml")
			if (lerr == nil) != tc.valid {
				t.Errorf("loader valid = %v; want %v (%v)", lerr == nil, tc.valid, lerr)
			}
		})
	}
}
