package strictyaml

import (
	"errors"
	"math"
	"reflect"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Decoder decodes the nodes of a Tree strictly, recording a problem in the
// Tree for every unknown field, wrong type and missing required field.
type Decoder struct {
	t *Tree
	// Nodes maps each field path decoded to the node that set it (for a
	// map entry, its key), so that problems found later can be located.
	Nodes map[string]*yaml.Node
	// Bad holds the paths of values that failed to decode.
	Bad *Paths
}

// NewDecoder returns a Decoder that records its problems in t.
func NewDecoder(t *Tree) *Decoder {
	return &Decoder{t: t, Nodes: map[string]*yaml.Node{}, Bad: NewPaths()}
}

// Problem records a problem at node n (of the file it came from) and path.
func (d *Decoder) Problem(n *yaml.Node, path, format string, args ...any) {
	d.t.Problem(d.t.origin[n], n, path, format, args...)
}

// TypeProblem records that n at path is not what the field wants:
// "must be WANT (got ...)". The path is marked bad.
func (d *Decoder) TypeProblem(n *yaml.Node, path, want string) {
	d.Bad.Add(path)
	d.Problem(n, path, "must be %s (got %s)", want, Describe(n))
}

// ValueProblem records the error of a scalar reader (Int, Uint, Float,
// Bool, String) for n at path: for ErrWrongType "must be WANT (got ...)",
// for a *SpellingError its message. The path is marked bad.
func (d *Decoder) ValueProblem(n *yaml.Node, path, want string, err error) {
	if errors.Is(err, ErrWrongType) {
		d.TypeProblem(n, path, want)
		return
	}
	d.Bad.Add(path)
	d.Problem(n, path, "%s", err)
}

// Locate returns the node that set path, or that of its nearest ancestor
// that was decoded, or nil.
func (d *Decoder) Locate(path string) *yaml.Node {
	for {
		if n, ok := d.Nodes[path]; ok {
			return n
		}
		if path == "" {
			return nil
		}
		path = ParentPath(path)
	}
}

// Field is a field that a mapping may hold, for Decoder.Fields.
type Field struct {
	Name     string
	Required bool
	// Also lists other names users write for this field (like "samples"
	// for a sample count "n"): an unknown field with one of them, or near
	// one, gets Name as its suggestion. They are not accepted.
	Also []string
}

// Fields decodes mapping n at path field by field: each key must be the
// name of one of fields, and set is called with that field's index, its
// value node and its path. Unknown fields (with a suggestion of the nearest
// known name), keys that are not plain strings, merge keys and missing
// required fields are problems. It returns the key node of each field in
// fields' order, nil for a field not set. Keys are not checked for
// repeats: Parse has dropped them.
func (d *Decoder) Fields(n *yaml.Node, path string, fields []Field, set func(i int, val *yaml.Node, path string)) []*yaml.Node {
	keys := make([]*yaml.Node, len(fields))
	if n.Kind != yaml.MappingNode {
		d.TypeProblem(n, path, "a mapping")
		return keys
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.Problem(k, path, "field names must be plain strings (got %s)", Describe(k))
			continue
		}
		if k.ShortTag() == MergeTag {
			d.Problem(k, path, "merge keys (<<) are not supported%s", d.t.opts.MergeKeyHint)
			continue
		}
		j := -1
		for f := range fields {
			if fields[f].Name == k.Value {
				j = f
				break
			}
		}
		if j < 0 {
			d.Problem(k, path, "unknown field %s%s", QuoteShort(k.Value), suggestField(k.Value, fields))
			continue
		}
		keys[j] = k
		p := JoinPath(path, fields[j].Name)
		d.Nodes[p] = val
		set(j, val, p)
	}
	for j, f := range fields {
		if f.Required && keys[j] == nil {
			p := JoinPath(path, f.Name)
			d.Bad.Add(p)
			d.Problem(n, p, "missing required field")
		}
	}
	return keys
}

// suggestField suggests the field whose name, or one of whose other names,
// is nearest to name; a field's own name wins a tie.
func suggestField(name string, fields []Field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	if s := Suggest(name, names); s != "" {
		return s
	}
	var also, of []string
	for _, f := range fields {
		for _, a := range f.Also {
			also, of = append(also, a), append(of, f.Name)
		}
	}
	if i := nearest(name, also); i >= 0 {
		return didYouMean(of[i])
	}
	return ""
}

// Decode decodes n into the value v points to, at field path "". Struct
// fields are named by FieldsOf; each must be set unless optional. Lists
// decode into slices, mappings with string keys into maps (an empty list or
// mapping gives nil), null into a nil pointer or an optional field's zero
// value. Numbers, booleans and strings are read by Int, Uint, Float, Bool
// and String; a number too large for a smaller Go type (int8, float32) is
// "out of range". v must be a non-nil pointer.
func (d *Decoder) Decode(n *yaml.Node, v any) {
	d.Value(n, reflect.ValueOf(v).Elem(), "", false)
}

// Value decodes n into v at path. optional reports whether null means
// "absent" (v is then set to its zero value).
func (d *Decoder) Value(n *yaml.Node, v reflect.Value, path string, optional bool) {
	d.Nodes[path] = n
	if IsNull(n) && (optional || v.Kind() == reflect.Pointer) {
		v.SetZero()
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		d.Value(n, e.Elem(), path, false)
		v.Set(e)
	case reflect.Struct:
		d.structValue(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.TypeProblem(n, path, "a list")
			return
		}
		if len(n.Content) == 0 {
			v.SetZero()
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, e := range n.Content {
			d.Value(e, s.Index(i), path+"["+strconv.Itoa(i)+"]", false)
		}
		v.Set(s)
	case reflect.Map:
		d.mapValue(n, v, path)
	case reflect.Bool:
		b, err := Bool(n)
		if err != nil {
			d.ValueProblem(n, path, "true or false", err)
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := Int(n)
		if err != nil {
			d.ValueProblem(n, path, "a whole number", err)
			return
		}
		if v.OverflowInt(i) {
			d.Bad.Add(path)
			d.Problem(n, path, "out of range (got %s)", Shorten(n.Value))
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := Uint(n)
		if err != nil {
			d.ValueProblem(n, path, "a whole number >= 0", err)
			return
		}
		if v.OverflowUint(u) {
			d.Bad.Add(path)
			d.Problem(n, path, "out of range (got %s)", Shorten(n.Value))
			return
		}
		v.SetUint(u)
	case reflect.Float32, reflect.Float64:
		f, err := Float(n)
		if err != nil {
			d.ValueProblem(n, path, "a number", err)
			return
		}
		if v.OverflowFloat(f) && !math.IsInf(f, 0) {
			d.Bad.Add(path)
			d.Problem(n, path, "out of range (got %s)", Shorten(n.Value))
			return
		}
		v.SetFloat(f)
	case reflect.String:
		s, err := String(n)
		if err != nil {
			d.ValueProblem(n, path, "a string", err)
			return
		}
		v.SetString(s)
	default:
		d.schemaBug(n, v, path)
	}
}

// schemaBug records that v's Go type cannot be read from a file: a
// programmer error, reported rather than panicking.
func (d *Decoder) schemaBug(n *yaml.Node, v reflect.Value, path string) {
	d.Bad.Add(path)
	d.Problem(n, path, "cannot decode into a Go %s (a bug in the %s schema)", v.Type(), d.t.opts.Kind)
}

func (d *Decoder) structValue(n *yaml.Node, v reflect.Value, path string) {
	sfs := FieldsOf(v.Type())
	fields := make([]Field, len(sfs))
	for i, f := range sfs {
		fields[i] = Field{Name: f.Name, Required: !f.Optional}
	}
	d.Fields(n, path, fields, func(i int, val *yaml.Node, p string) {
		d.Value(val, v.Field(sfs[i].Index), p, sfs[i].Optional)
	})
}

func (d *Decoder) mapValue(n *yaml.Node, v reflect.Value, path string) {
	if v.Type().Key().Kind() != reflect.String {
		d.schemaBug(n, v, path)
		return
	}
	if n.Kind != yaml.MappingNode {
		d.TypeProblem(n, path, "a mapping")
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
		if k.Kind != yaml.ScalarNode || IsNull(k) || k.ShortTag() == MergeTag || k.Decode(&key) != nil {
			d.Problem(k, path, "keys must be plain strings (got %s)", Describe(k))
			continue
		}
		p := JoinPath(path, key)
		kv := reflect.ValueOf(key).Convert(v.Type().Key())
		if m.MapIndex(kv).IsValid() {
			d.Problem(k, p, "duplicate key")
			continue
		}
		e := reflect.New(v.Type().Elem()).Elem()
		d.Value(val, e, p, false)
		d.Nodes[p] = k // report problems with an entry at its key
		m.SetMapIndex(kv, e)
	}
	v.Set(m)
}
