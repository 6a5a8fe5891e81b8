package strictyaml

import (
	"reflect"
	"strings"
	"sync"
)

// StructField is one field of a struct type as a file names it.
type StructField struct {
	// Name is the name in the file: the yaml tag's name, or the Go name in
	// lower case.
	Name string
	// Index is the field's index in the struct (reflect.Value.Field).
	Index int
	// Optional is set by omitempty in the yaml tag: the field may be left
	// out, and null means the same as leaving it out.
	Optional bool
	// Tag is the whole struct tag, for other tags (like a check tag) that
	// callers read.
	Tag reflect.StructTag
}

var fieldCache sync.Map // reflect.Type -> []StructField

// FieldsOf lists the fields of struct type t that a file can set: the
// exported fields without the yaml tag "-", in declaration order.
func FieldsOf(t reflect.Type) []StructField {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]StructField)
	}
	var fs []StructField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		fs = append(fs, StructField{
			Name:     name,
			Index:    i,
			Optional: strings.Contains(","+opts+",", ",omitempty,"),
			Tag:      sf.Tag,
		})
	}
	fieldCache.Store(t, fs)
	return fs
}

// JoinPath appends a field name or an index ("[2]") to a field path.
func JoinPath(path, elem string) string {
	switch {
	case elem == "":
		return path
	case path == "" || strings.HasPrefix(elem, "["):
		return path + elem
	}
	return path + "." + elem
}

// ParentPath drops the last element of a field path.
func ParentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// Paths is a set of field paths that also answers whether a path lies
// above or below one in the set. A Decoder puts the paths of values that
// failed to decode in one, so that later checks can skip problems that
// would only echo the first. Its zero value is not usable: use NewPaths.
type Paths struct {
	at    map[string]bool // the paths
	above map[string]bool // their ancestors
}

// NewPaths returns an empty set.
func NewPaths() *Paths {
	return &Paths{at: map[string]bool{}, above: map[string]bool{}}
}

// Add puts path in the set.
func (s *Paths) Add(path string) {
	if s.at[path] {
		return
	}
	s.at[path] = true
	for p := path; p != ""; {
		p = ParentPath(p)
		if s.above[p] {
			break
		}
		s.above[p] = true
	}
}

// Has reports whether path itself is in the set.
func (s *Paths) Has(path string) bool { return s.at[path] }

// All lists the paths in the set, in no particular order.
func (s *Paths) All() []string {
	out := make([]string, 0, len(s.at))
	for p := range s.at {
		out = append(out, p)
	}
	return out
}

// Covers reports whether path is in the set, or lies above or below a path
// in the set.
func (s *Paths) Covers(path string) bool {
	if len(s.at) == 0 {
		return false
	}
	if s.above[path] {
		return true
	}
	for p := path; ; p = ParentPath(p) {
		if s.at[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}
