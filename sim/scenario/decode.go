package scenario

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// field describes one struct field for decoding and validation.
type field struct {
	name     string // YAML name
	index    int
	optional bool // yaml tag has omitempty
	check    checkSpec
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf lists the YAML fields of struct type t. It panics on a malformed
// `check` tag: that is a programmer error, caught by the package tests.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
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
		spec, err := parseCheck(sf.Tag.Get("check"))
		if err != nil {
			panic("scenario: " + t.Name() + "." + sf.Name + ": " + err.Error())
		}
		fs = append(fs, field{
			name:     name,
			index:    i,
			optional: strings.Contains(","+opts+",", ",omitempty,"),
			check:    spec,
		})
	}
	fieldCache.Store(t, fs)
	return fs
}

// joinPath appends a field name or an index ("[2]") to a path.
func joinPath(path, elem string) string {
	switch {
	case elem == "":
		return path
	case path == "" || strings.HasPrefix(elem, "["):
		return path + elem
	}
	return path + "." + elem
}

// decoder decodes a merged node tree into a Go value strictly, recording a
// problem for every unknown field, wrong type and missing required field.
type decoder struct {
	t     *tree
	nodes map[string]*yaml.Node // field path -> node that set it
	bad   *taint                // paths that failed to decode
}

func (d *decoder) problem(n *yaml.Node, path, format string, args ...any) {
	d.t.problem(d.t.origin[n], n, path, format, args...)
}

func (d *decoder) typeProblem(n *yaml.Node, path, want string) {
	d.bad.add(path)
	d.problem(n, path, "must be %s (got %s)", want, describe(n))
}

// value decodes n into v. optional reports whether null means "absent".
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string, optional bool) {
	d.nodes[path] = n
	if isNull(n) && (optional || v.Kind() == reflect.Pointer) {
		v.SetZero()
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		d.value(n, e.Elem(), path, false)
		v.Set(e)
	case reflect.Struct:
		d.structValue(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.typeProblem(n, path, "a list")
			return
		}
		if len(n.Content) == 0 {
			v.SetZero()
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, e := range n.Content {
			d.value(e, s.Index(i), path+"["+strconv.Itoa(i)+"]", false)
		}
		v.Set(s)
	case reflect.Map:
		d.mapValue(n, v, path)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != boolTag || n.Decode(&b) != nil {
			d.typeProblem(n, path, "true or false")
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != intTag || n.Decode(&i) != nil {
			d.typeProblem(n, path, "a whole number")
			return
		}
		if v.OverflowInt(i) {
			d.bad.add(path)
			d.problem(n, path, "out of range (got %s)", shorten(n.Value))
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var u uint64
		if n.Kind != yaml.ScalarNode || n.ShortTag() != intTag || n.Decode(&u) != nil {
			d.typeProblem(n, path, "a whole number >= 0")
			return
		}
		if v.OverflowUint(u) {
			d.bad.add(path)
			d.problem(n, path, "out of range (got %s)", shorten(n.Value))
			return
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		var f float64
		if tag := n.ShortTag(); n.Kind != yaml.ScalarNode || (tag != intTag && tag != floatTag) || n.Decode(&f) != nil {
			d.typeProblem(n, path, "a number")
			return
		}
		if f == 0 {
			f = 0 // no negative zero: it would not survive a round trip
		}
		if v.OverflowFloat(f) && !math.IsInf(f, 0) {
			d.bad.add(path)
			d.problem(n, path, "out of range (got %s)", shorten(n.Value))
			return
		}
		v.SetFloat(f)
	case reflect.String:
		// Any scalar but null: a name may look like a number.
		var s string
		if n.Kind != yaml.ScalarNode || isNull(n) || n.Decode(&s) != nil {
			d.typeProblem(n, path, "a string")
			return
		}
		v.SetString(s)
	default:
		d.bad.add(path)
		d.problem(n, path, "cannot decode into a Go %s (a bug in the scenario schema)", v.Type())
	}
}

func (d *decoder) structValue(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.typeProblem(n, path, "a mapping")
		return
	}
	fields := fieldsOf(v.Type())
	seen := make(map[string]bool, len(fields))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.problem(k, path, "field names must be plain strings (got %s)", describe(k))
			continue
		}
		if k.ShortTag() == mergeTag {
			d.problem(k, path, "merge keys (<<) are not supported: use extends")
			continue
		}
		f, ok := findField(fields, k.Value)
		if !ok {
			d.problem(k, path, "unknown field %s%s", quoteShort(k.Value), suggest(k.Value, fields))
			continue
		}
		seen[f.name] = true
		d.value(val, v.Field(f.index), joinPath(path, f.name), f.optional)
	}
	for _, f := range fields {
		if !f.optional && !seen[f.name] {
			p := joinPath(path, f.name)
			d.bad.add(p)
			d.problem(n, p, "missing required field")
		}
	}
}

func (d *decoder) mapValue(n *yaml.Node, v reflect.Value, path string) {
	if v.Type().Key().Kind() != reflect.String {
		d.bad.add(path)
		d.problem(n, path, "cannot decode into a Go %s (a bug in the scenario schema)", v.Type())
		return
	}
	if n.Kind != yaml.MappingNode {
		d.typeProblem(n, path, "a mapping")
		return
	}
	if len(n.Content) == 0 {
		v.SetZero()
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		var key string
		if k.Kind != yaml.ScalarNode || isNull(k) || k.ShortTag() == mergeTag || k.Decode(&key) != nil {
			d.problem(k, path, "keys must be plain strings (got %s)", describe(k))
			continue
		}
		p := joinPath(path, key)
		kv := reflect.ValueOf(key).Convert(v.Type().Key())
		if m.MapIndex(kv).IsValid() {
			d.problem(k, p, "duplicate key")
			continue
		}
		e := reflect.New(v.Type().Elem()).Elem()
		d.value(val, e, p, false)
		d.nodes[p] = k // report problems with an entry at its key
		m.SetMapIndex(kv, e)
	}
	v.Set(m)
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
	return Suggest(name, names)
}

// locate returns the node that set path, or the nearest ancestor that exists.
func (d *decoder) locate(path string) *yaml.Node {
	for {
		if n, ok := d.nodes[path]; ok {
			return n
		}
		if path == "" {
			return nil
		}
		path = parentPath(path)
	}
}

// parentPath drops the last element of a field path.
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// taint is a set of paths whose values are wrong (failed to decode, or not
// finite). Problems that involve them would only echo the first problem.
type taint struct {
	at    map[string]bool // the paths
	above map[string]bool // their ancestors
}

func newTaint() *taint {
	return &taint{at: map[string]bool{}, above: map[string]bool{}}
}

func (t *taint) add(path string) {
	if t.at[path] {
		return
	}
	t.at[path] = true
	for p := path; p != ""; {
		p = parentPath(p)
		if t.above[p] {
			break
		}
		t.above[p] = true
	}
}

// covers reports whether path is tainted, or lies above or below a
// tainted path.
func (t *taint) covers(path string) bool {
	if len(t.at) == 0 {
		return false
	}
	if t.above[path] {
		return true
	}
	for p := path; ; p = parentPath(p) {
		if t.at[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}
