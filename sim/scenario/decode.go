package scenario

import (
	"reflect"
	"sync"

	"github.com/sibsim/sibsim/sim/strictyaml"
)

// field describes one struct field of the scenario schema for validation,
// encoding and SetPath: its YAML name and its parsed `check` tag.
type field struct {
	name     string // YAML name
	index    int
	optional bool // yaml tag has omitempty
	check    checkSpec
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf lists the YAML fields of struct type t (strictyaml.FieldsOf)
// with their checks. It panics on a malformed `check` tag: that is a
// programmer error, caught by the package tests.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	sfs := strictyaml.FieldsOf(t)
	fs := make([]field, len(sfs))
	for i, sf := range sfs {
		spec, err := parseCheck(sf.Tag.Get("check"))
		if err != nil {
			panic("scenario: " + t.Name() + "." + t.Field(sf.Index).Name + ": " + err.Error())
		}
		fs[i] = field{name: sf.Name, index: sf.Index, optional: sf.Optional, check: spec}
	}
	fieldCache.Store(t, fs)
	return fs
}

func findField(fs []field, name string) (field, bool) {
	for _, f := range fs {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

// suggest returns ` (did you mean "x"?)` for the known field nearest to
// name, if one is near enough.
func suggest(name string, fs []field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return strictyaml.Suggest(name, names)
}
