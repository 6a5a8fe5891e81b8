package scenario

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// oddFile is the model description (ODD protocol), relative to this package.
const oddFile = "../../docs/ODD.md"

// schemaPaths returns the YAML path of every leaf field of the Scenario type,
// sorted, in the notation of docs/ODD.md: fields joined by dots, a list of
// structs as name[] followed by its fields, pointers (rule types, weight)
// looked through, and a list of scalars or a map (payer_shares) as one leaf.
func schemaPaths() []string {
	var out []string
	walkSchema(reflect.TypeFor[Scenario](), "", &out)
	slices.Sort(out)
	return slices.Compact(out)
}

func walkSchema(t reflect.Type, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" {
				continue
			}
			if slices.Contains(strings.Split(opts, ","), "inline") {
				walkSchema(f.Type, path, out)
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name) // yaml.v3's default key
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			walkSchema(f.Type, p, out)
		}
	case reflect.Slice, reflect.Array:
		e := t.Elem()
		for e.Kind() == reflect.Pointer {
			e = e.Elem()
		}
		if e.Kind() == reflect.Struct {
			walkSchema(e, path+"[]", out)
			return
		}
		*out = append(*out, path)
	default: // scalars and maps
		*out = append(*out, path)
	}
}

func readODD(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(oddFile)
	if err != nil {
		t.Fatalf("reading the model description: %v", err)
	}
	return string(b)
}

// TestODDDocumentsEveryParameter fails when a scenario field is not named,
// by its full YAML path in backquotes, in docs/ODD.md: a parameter added to
// the schema must be documented (unit, default, source) in the same change.
func TestODDDocumentsEveryParameter(t *testing.T) {
	doc := readODD(t)
	paths := schemaPaths()
	// Guard against a walker that finds nothing and so passes vacuously.
	for _, want := range []string{
		"weeks",
		"neighbourhoods[].services.exercise.places_per_1000_eligible",
		"contract.provider_payments[].rules[].per_assessment.tariffs_gbp",
		"contract.outcome_payments[].payer_shares",
		"contract.provider_payments[].rules[].weight",
	} {
		if !slices.Contains(paths, want) {
			t.Fatalf("schemaPaths() lacks %q; the walker is broken (got %d paths)", want, len(paths))
		}
	}
	var missing []string
	for _, p := range paths {
		if !strings.Contains(doc, "`"+p+"`") {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s does not document %d of %d scenario parameters; add a row to its parameter table for each:\n\t%s",
			oddFile, len(missing), len(paths), strings.Join(missing, "\n\t"))
	}
}

// TestODDParameterTableMatchesSchema fails when the parameter table names a
// path the schema does not have (a renamed or removed parameter), when a
// scenario field has no row of its own, or when a row leaves its meaning,
// unit or default empty: sibsim schema and scenarios show --explain print
// these cells.
func TestODDParameterTableMatchesSchema(t *testing.T) {
	rows, err := parseParamTable(readODD(t))
	if err != nil {
		t.Fatalf("%s: %v", oddFile, err)
	}
	known := schemaPaths()
	var stale, missing, empty []string
	for p, r := range rows {
		if !slices.Contains(known, p) {
			stale = append(stale, p)
		}
		for _, c := range []struct{ name, text string }{{"meaning", r.Meaning}, {"unit", r.Unit}, {"default", r.Default}} {
			if PlainText(c.text) == "" {
				empty = append(empty, fmt.Sprintf("line %d: %s: no %s", r.Line, p, c.name))
			}
		}
	}
	for _, p := range known {
		if _, ok := rows[p]; !ok {
			missing = append(missing, p)
		}
	}
	slices.Sort(stale)
	slices.Sort(empty)
	if len(stale) > 0 {
		t.Errorf("%s names %d parameter paths that the scenario schema does not have:\n\t%s",
			oddFile, len(stale), strings.Join(stale, "\n\t"))
	}
	if len(missing) > 0 {
		t.Errorf("%s: the parameter table has no row for %d scenario fields:\n\t%s",
			oddFile, len(missing), strings.Join(missing, "\n\t"))
	}
	if len(empty) > 0 {
		t.Errorf("%s: parameter table rows with empty cells:\n\t%s", oddFile, strings.Join(empty, "\n\t"))
	}
}

// TestParamDocsIsTheFile checks that the table the binary embeds is the
// one in docs/ODD.md, read with the same parser.
func TestParamDocsIsTheFile(t *testing.T) {
	fromFile, err := parseParamTable(readODD(t))
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := ParamDocs()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(embedded, fromFile) {
		t.Errorf("ParamDocs() differs from the table in %s", oddFile)
	}
	if got := embedded["population.practices"]; got.Meaning == "" || got.Unit != "count" || got.Default != "17" {
		t.Errorf("ParamDocs()[population.practices] = %+v; want a meaning, unit count, default 17", got)
	}
}

func TestParseParamTableErrors(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"no markers", "# ODD\n", "markers"},
		{"no path column", oddTableBegin + "\n| Name | Unit |\n|---|---|\n| `a` | x |\n" + oddTableEnd, "no Path column"},
		{"row without path", oddTableBegin + "\n| Path | Unit |\n|---|---|\n| a | x |\n" + oddTableEnd, "names no path"},
		{"duplicate", oddTableBegin + "\n| Path | Unit |\n|---|---|\n| `a` | x |\n| `a` | y |\n" + oddTableEnd, "already has a row"},
		{"empty", oddTableBegin + "\n" + oddTableEnd, "no parameter rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseParamTable(tc.doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseParamTable() error = %v; want one containing %q", err, tc.want)
			}
		})
	}
	rows, err := parseParamTable(oddTableBegin + "\n| Unit | Path | Meaning |\n|---|---|---|\n| h | `a.b` | what it is |\n\ntext\n\n| Path | Default (x, y) |\n|---|---|\n| `c[].d` | 1, 2 |\n" + oddTableEnd)
	if err != nil {
		t.Fatal(err)
	}
	if got := rows["a.b"]; got.Unit != "h" || got.Meaning != "what it is" {
		t.Errorf("rows[a.b] = %+v; want unit h, meaning %q", got, "what it is")
	}
	if got := rows["c[].d"]; got.Default != "1, 2" || got.Unit != "" {
		t.Errorf("rows[c[].d] = %+v; want default %q and no unit", got, "1, 2")
	}
}
