package scenario

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// oddFile is the model description (ODD protocol), relative to this package.
const oddFile = "../../docs/ODD.md"

// The parameter table of docs/ODD.md (appendix A) lies between these markers.
const (
	oddTableBegin = "<!-- BEGIN PARAMETERS -->"
	oddTableEnd   = "<!-- END PARAMETERS -->"
)

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
// path the schema does not have (a renamed or removed parameter).
func TestODDParameterTableMatchesSchema(t *testing.T) {
	doc := readODD(t)
	_, rest, ok := strings.Cut(doc, oddTableBegin)
	table, _, ok2 := strings.Cut(rest, oddTableEnd)
	if !ok || !ok2 {
		t.Fatalf("%s: parameter table markers %q and %q not found", oddFile, oddTableBegin, oddTableEnd)
	}
	known := schemaPaths()
	var stale []string
	rows := 0
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(strings.TrimSpace(line), "|") {
			continue
		}
		first := cells[1] // cells[0] is the text before the leading "|"
		for {
			_, after, found := strings.Cut(first, "`")
			if !found {
				break
			}
			p, after2, closed := strings.Cut(after, "`")
			if !closed {
				break
			}
			rows++
			if !slices.Contains(known, p) {
				stale = append(stale, p)
			}
			first = after2
		}
	}
	if rows == 0 {
		t.Fatalf("%s: no parameter paths found between the table markers", oddFile)
	}
	if len(stale) > 0 {
		t.Errorf("%s names %d parameter paths that the scenario schema does not have:\n\t%s",
			oddFile, len(stale), strings.Join(stale, "\n\t"))
	}
}
