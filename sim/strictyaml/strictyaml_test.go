package strictyaml

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// opts are the options most tests use: a small node budget to reach.
var opts = Options{Kind: "test", MaxBytes: 200, MaxNodes: 50, MaxProblems: 100, Aliases: true, MergeKeyHint: ": use include"}

// errLines returns the problems of t, one per line, or nil.
func errLines(t *Tree) []string {
	err := t.Err()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		panic("Tree.Err is not an *Error")
	}
	return strings.Split(err.Error(), "\n")
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "a.yaml", Line: 3, Column: 5, Path: "weeks", Msg: "must be >= 1 (got 0)"}, "a.yaml:3:5: weeks: must be >= 1 (got 0)"},
		{Problem{File: "a.yaml", Line: 3, Msg: "not valid YAML: x"}, "a.yaml:3: not valid YAML: x"},
		{Problem{File: "a.yaml", Column: 4, Msg: "file is empty"}, "a.yaml: file is empty"},
		{Problem{Path: "weeks", Msg: "must be >= 1 (got 0)"}, "weeks: must be >= 1 (got 0)"},
		{Problem{Msg: "bare"}, "bare"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q; want %q", tt.p, got, tt.want)
		}
	}
	e := &Error{Problems: []Problem{{File: "a.yaml", Msg: "x"}, {Path: "p", Msg: "y"}}, More: 3}
	if got, want := e.Error(), "a.yaml: x\np: y\nand 3 more problems"; got != want {
		t.Errorf("Error.Error() = %q; want %q", got, want)
	}
}

func TestSort(t *testing.T) {
	ps := []Problem{
		{File: "b.yaml", Line: 1, Column: 1, Msg: "z"},
		{File: "a.yaml", Line: 2, Column: 7, Path: "q", Msg: "point 10"},
		{File: "a.yaml", Line: 2, Column: 7, Path: "q", Msg: "point 2"},
		{File: "a.yaml", Line: 2, Column: 7, Path: "p", Msg: "x"},
		{File: "a.yaml", Line: 2, Column: 3, Msg: "x"},
		{File: "b.yaml", Line: 1, Column: 1, Msg: "z"},
		{File: "a.yaml", Line: 2, Column: 7, Path: "q", Msg: "point 10"},
	}
	str := func(ps []Problem) string {
		return (&Error{Problems: ps}).Error()
	}
	tests := []struct {
		o    Order
		want string
	}{
		{ByPositionAndText, "a.yaml:2:3: x\na.yaml:2:7: p: x\na.yaml:2:7: q: point 10\na.yaml:2:7: q: point 2\nb.yaml:1:1: z"},
		{ByPosition, "a.yaml:2:3: x\na.yaml:2:7: q: point 10\na.yaml:2:7: q: point 2\na.yaml:2:7: p: x\nb.yaml:1:1: z"},
	}
	for _, tt := range tests {
		before := slices.Clone(ps)
		if got := str(Sort(ps, tt.o)); got != tt.want {
			t.Errorf("Sort(ps, %d) =\n%s\nwant\n%s", tt.o, got, tt.want)
		}
		if !slices.Equal(ps, before) {
			t.Errorf("Sort(ps, %d) changed ps", tt.o)
		}
	}
}

func TestParse(t *testing.T) {
	noAliases := opts
	noAliases.Aliases = false
	tests := []struct {
		name string
		o    Options
		data string
		want []string // problems, in order
		ok   bool     // Parse returns the mapping despite the problems
	}{
		{"ok", opts, "a: 1\nb: [x, y]\n", nil, true},
		{"alias expanded", opts, "a: &x {b: 1}\nc: *x\n", nil, true},
		{"empty", opts, " \n\t\n", []string{"f.yaml: file is empty"}, false},
		{"only a comment", opts, "# nothing\n", []string{"f.yaml: file is empty"}, false},
		{"too large", opts, "a: " + strings.Repeat("x", 200) + "\n", []string{"f.yaml: file is larger than 200 bytes"}, false},
		{"scanner error", opts, "a: 1\nb: c: d\n", []string{"f.yaml:2: not valid YAML: mapping values are not allowed in this context"}, false},
		{"parser error", opts, "a: 1\nb: [1, 2\n", []string{"f.yaml:2: not valid YAML: did not find expected ',' or ']'"}, false},
		{"two documents", opts, "a: 1\n---\nb: 2\n", []string{"f.yaml:2:1: file holds more than one YAML document"}, false},
		{"top level list", opts, "- 1\n", []string{"f.yaml:1:1: top level must be a mapping of test fields (got a list)"}, false},
		{"top level scalar", opts, "17\n", []string{"f.yaml:1:1: top level must be a mapping of test fields (got 17)"}, false},
		{"duplicate keys", opts, "a: 1\nb: {c: 1, c: 2}\na: 3\n", []string{
			"f.yaml:2:11: b.c: duplicate key (first set at line 2)",
			"f.yaml:3:1: a: duplicate key (first set at line 1)",
		}, true},
		{"alias refused", noAliases, "a: &x 1\nb: [1, *x]\n", []string{"f.yaml:2:8: b[1]: aliases (*x) are not supported in test files"}, false},
		{"alias cycle", opts, "a: &x [1, *x]\n", []string{"f.yaml:1:11: a[1][1]: alias *x refers to a node that contains it"}, false},
		{"alias bomb", opts, "a: &a [1, 2, 3, 4, 5, 6, 7]\nb: &b [*a, *a, *a, *a, *a, *a, *a]\n", []string{
			"f.yaml:1:23: b[4][5]: too many YAML nodes (limit 50, counting expanded aliases)",
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTree(tt.o)
			root := tr.Parse("f.yaml", []byte(tt.data))
			if got := errLines(tr); !slices.Equal(got, tt.want) {
				t.Errorf("Parse(%q) problems =\n%s\nwant\n%s", tt.data, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if (root != nil) != tt.ok {
				t.Errorf("Parse(%q) = %v; want a mapping: %v", tt.data, root, tt.ok)
			}
			if root != nil && tr.File(root) != "f.yaml" {
				t.Errorf("Tree.File(root) = %q; want f.yaml", tr.File(root))
			}
		})
	}
}

func TestMaxProblems(t *testing.T) {
	o := opts
	o.MaxProblems = 2
	tr := NewTree(o)
	tr.Parse("f.yaml", []byte("a: 1\na: 2\na: 3\na: 4\na: 5\n"))
	ps, more := tr.Problems()
	if len(ps) != 2 || more != 2 {
		t.Errorf("Problems() = %d problems, %d more; want 2, 2", len(ps), more)
	}
	if got := tr.Err().Error(); !strings.HasSuffix(got, "\nand 2 more problems") {
		t.Errorf("Err() = %q; want it to end with the count of problems left out", got)
	}
}

// inner and outer are a small schema for decoding tests.
type inner struct {
	Count  int8              `yaml:"count"`
	Ratio  float32           `yaml:"ratio,omitempty"`
	Tags   []string          `yaml:"tags,omitempty"`
	Shares map[string]uint16 `yaml:"shares,omitempty"`
}

type outer struct {
	Name    string  `yaml:"name"`
	Weeks   int     `yaml:"weeks"`
	Seed    uint64  `yaml:"seed,omitempty"`
	On      bool    `yaml:"on,omitempty"`
	Rate    float64 `yaml:"rate,omitempty"`
	Inner   inner   `yaml:"inner"`
	Extra   *inner  `yaml:"extra,omitempty"`
	List    []inner `yaml:"list,omitempty"`
	Skipped int     `yaml:"-"`
	private int
}

func decode(t *testing.T, data string, v any) (*Decoder, []string) {
	t.Helper()
	tr := NewTree(opts)
	root := tr.Parse("f.yaml", []byte(data))
	if root == nil {
		t.Fatalf("Parse(%q): %v", data, tr.Err())
	}
	d := NewDecoder(tr)
	d.Decode(root, v)
	return d, errLines(tr)
}

func TestDecode(t *testing.T) {
	data := `name: x
weeks: 10
seed: 18446744073709551615
on: true
rate: -0.0
inner: {count: -128, ratio: 0.5, tags: [a, 1], shares: {p: 3, q: 65535}}
extra: ~
list: [{count: 1}, {count: 2, tags: []}]
`
	var got outer
	d, ps := decode(t, data, &got)
	if ps != nil {
		t.Fatalf("Decode problems:\n%s", strings.Join(ps, "\n"))
	}
	want := outer{
		Name: "x", Weeks: 10, Seed: 18446744073709551615, On: true, Rate: 0,
		Inner: inner{Count: -128, Ratio: 0.5, Tags: []string{"a", "1"}, Shares: map[string]uint16{"p": 3, "q": 65535}},
		List:  []inner{{Count: 1}, {Count: 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode = %+v; want %+v", got, want)
	}
	if f := got.Rate; 1/f < 0 {
		t.Errorf("Decode rate: -0.0 = -0; want +0")
	}
	for path, line := range map[string]int{"": 1, "inner.tags[1]": 6, "inner.shares.q": 6, "list[1].count": 8, "list[1].tags": 8} {
		if n := d.Nodes[path]; n == nil || n.Line != line {
			t.Errorf("Decoder.Nodes[%q] = %v; want a node at line %d", path, n, line)
		}
	}
	if n := d.Locate("list[1].nothing[3]"); n == nil || n != d.Nodes["list[1]"] {
		t.Errorf("Locate(list[1].nothing[3]) = %v; want the node of list[1]", n)
	}
}

func TestDecodeProblems(t *testing.T) {
	data := `nme: x
weeks: 1.5
seed: -1
on: 1
rate: fast
inner: {count: 300, ratio: 1e300, tags: {a: 1}, shares: {p: -1, ~: 2}}
extra: [1]
list: [{count: 1, cout: 2}, 7]
<<: {a: 1}
`
	d, ps := decode(t, data, new(outer))
	want := []string{
		`f.yaml:1:1: unknown field "nme" (did you mean "name"?)`,
		`f.yaml:1:1: name: missing required field`,
		`f.yaml:2:8: weeks: must be a whole number (got 1.5)`,
		`f.yaml:3:7: seed: must be a whole number >= 0 (got -1)`,
		`f.yaml:4:5: on: must be true or false (got 1)`,
		`f.yaml:5:7: rate: must be a number (got "fast")`,
		`f.yaml:6:16: inner.count: out of range (got 300)`,
		`f.yaml:6:28: inner.ratio: out of range (got 1e300)`,
		`f.yaml:6:41: inner.tags: must be a list (got a mapping)`,
		`f.yaml:6:61: inner.shares.p: must be a whole number >= 0 (got -1)`,
		`f.yaml:6:65: inner.shares: keys must be plain strings (got null)`,
		`f.yaml:7:8: extra: must be a mapping (got a list)`,
		`f.yaml:8:19: list[0]: unknown field "cout" (did you mean "count"?)`,
		`f.yaml:8:29: list[1]: must be a mapping (got 7)`,
		`f.yaml:9:1: merge keys (<<) are not supported: use include`,
	}
	if !slices.Equal(ps, want) {
		t.Errorf("Decode problems =\n%s\nwant\n%s", strings.Join(ps, "\n"), strings.Join(want, "\n"))
	}
	for _, p := range []string{"name", "weeks", "seed", "on", "rate", "inner.count", "inner.ratio", "inner.tags", "inner.shares.p", "extra", "list[1]"} {
		if !d.Bad.Has(p) {
			t.Errorf("Decoder.Bad lacks %s", p)
		}
	}
	if d.Bad.Has("list[0]") || d.Bad.Has("inner") {
		t.Errorf("Decoder.Bad = %v; want only the values that failed", d.Bad.All())
	}
}

func TestDecodeSchemaBug(t *testing.T) {
	var v struct {
		C chan int        `yaml:"c"`
		M map[int]int     `yaml:"m"`
		F func()          `yaml:"f,omitempty"`
		S []complex128    `yaml:"s"`
		N map[string]*int `yaml:"n"`
	}
	_, ps := decode(t, "c: 1\nm: {1: 2}\ns: [1]\nn: {a: ~, b: 2}\n", &v)
	want := []string{
		"f.yaml:1:4: c: cannot decode into a Go chan int (a bug in the test schema)",
		"f.yaml:2:4: m: cannot decode into a Go map[int]int (a bug in the test schema)",
		"f.yaml:3:5: s[0]: cannot decode into a Go complex128 (a bug in the test schema)",
	}
	if !slices.Equal(ps, want) {
		t.Errorf("Decode problems =\n%s\nwant\n%s", strings.Join(ps, "\n"), strings.Join(want, "\n"))
	}
	if v.N["a"] != nil || v.N["b"] == nil || *v.N["b"] != 2 {
		t.Errorf("Decode n = %v; want a: nil, b: 2", v.N)
	}
}

func TestFields(t *testing.T) {
	tr := NewTree(opts)
	root := tr.Parse("f.yaml", []byte("kind: lhs\nsamples: 10\nsampels: 3\nlevles: 2\n[x]: 1\nsecond: 1\n"))
	d := NewDecoder(tr)
	fields := []Field{
		{Name: "kind", Required: true},
		{Name: "n", Also: []string{"samples", "points"}},
		{Name: "levels"},
		{Name: "seconds", Also: []string{"secs"}},
		{Name: "trajectories", Required: true},
	}
	var set []string
	keys := d.Fields(root, "design", fields, func(i int, val *yaml.Node, path string) {
		set = append(set, path+"="+val.Value)
	})
	if want := []string{"design.kind=lhs"}; !slices.Equal(set, want) {
		t.Errorf("Fields set %q; want %q", set, want)
	}
	if keys[0] == nil || keys[0].Line != 1 || slices.ContainsFunc(keys[1:], func(k *yaml.Node) bool { return k != nil }) {
		t.Errorf("Fields keys = %v; want only kind's key", keys)
	}
	want := []string{
		`f.yaml:1:1: design.trajectories: missing required field`,
		`f.yaml:2:1: design: unknown field "samples" (did you mean "n"?)`,
		`f.yaml:3:1: design: unknown field "sampels" (did you mean "n"?)`,
		`f.yaml:4:1: design: unknown field "levles" (did you mean "levels"?)`,
		`f.yaml:5:1: design: field names must be plain strings (got a list)`,
		`f.yaml:6:1: design: unknown field "second" (did you mean "seconds"?)`,
	}
	if got := errLines(tr); !slices.Equal(got, want) {
		t.Errorf("Fields problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMergeKeepsFiles(t *testing.T) {
	tr := NewTree(opts)
	parent := tr.Parse("parent.yaml", []byte("name: p\nweeks: 5\ninner: {count: 1, ratio: 0.5}\n"))
	child := tr.Parse("child.yaml", []byte("extends: parent.yaml\ninner: {count: x}\n"))
	if _, v := Lookup(child, "extends"); v == nil || v.Value != "parent.yaml" {
		t.Fatalf("Lookup(child, extends) = %v", v)
	}
	if k, v := Lookup(child, "nothing"); k != nil || v != nil {
		t.Errorf("Lookup(child, nothing) = %v, %v; want nils", k, v)
	}
	merged := tr.Merge(parent, tr.Without(child, "extends"))
	var got outer
	_, ps := decode2(tr, merged, &got)
	want := []string{"child.yaml:2:16: inner.count: must be a whole number (got \"x\")"}
	if !slices.Equal(ps, want) {
		t.Errorf("Decode(merged) problems =\n%s\nwant\n%s", strings.Join(ps, "\n"), strings.Join(want, "\n"))
	}
	if got.Name != "p" || got.Weeks != 5 || got.Inner.Ratio != 0.5 {
		t.Errorf("Decode(merged) = %+v; want the parent's name, weeks and ratio", got)
	}
	if _, v := Lookup(child, "extends"); v == nil {
		t.Error("Without changed its input")
	}
}

func decode2(tr *Tree, n *yaml.Node, v any) (*Decoder, []string) {
	d := NewDecoder(tr)
	d.Decode(n, v)
	return d, errLines(tr)
}

func TestPaths(t *testing.T) {
	s := NewPaths()
	s.Add("a.b[2].c")
	s.Add("x")
	tests := []struct {
		path        string
		has, covers bool
	}{
		{"a.b[2].c", true, true},
		{"a.b[2].c.d", false, true},
		{"a.b[2]", false, true},
		{"a", false, true},
		{"", false, true},
		{"a.b[1]", false, false},
		{"a.bb", false, false},
		{"x", true, true},
		{"x[0]", false, true},
		{"y", false, false},
	}
	for _, tt := range tests {
		if got := s.Has(tt.path); got != tt.has {
			t.Errorf("Has(%q) = %v; want %v", tt.path, got, tt.has)
		}
		if got := s.Covers(tt.path); got != tt.covers {
			t.Errorf("Covers(%q) = %v; want %v", tt.path, got, tt.covers)
		}
	}
	if NewPaths().Covers("") {
		t.Error("an empty set covers the root")
	}
	if got := s.All(); len(got) != 2 {
		t.Errorf("All() = %q; want 2 paths", got)
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"weeks", "seed", "replications", "n", "levels"}
	tests := []struct{ name, want string }{
		{"weekz", `weeks`},
		{"wekes", ``}, // two edits: too far for a name of 5 bytes
		{"replicatoins", `replications`},
		{"replicatins", `replications`},
		{"repl", ``},
		{"m", `n`},
		{"levls", `levels`},
		{"lvls", ``},
		{strings.Repeat("a", 41), ``},
	}
	for _, tt := range tests {
		want := ""
		if tt.want != "" {
			want = ` (did you mean "` + tt.want + `"?)`
		}
		if got := Suggest(tt.name, cands); got != want {
			t.Errorf("Suggest(%q) = %q; want %q", tt.name, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	tr := NewTree(opts)
	root := tr.Parse("f.yaml", []byte("a: [1]\nb: {c: 1}\nc: ~\nd: x\ne: 1.5\nf: true\ng: 2001-01-01\nh: '"+strings.Repeat("y", 41)+"'\n"))
	want := []string{"a list", "a mapping", "null", `"x"`, "1.5", "true", `!!timestamp "2001-01-01"`, `"` + strings.Repeat("y", 40) + `"...`}
	for i, w := range want {
		if got := Describe(root.Content[2*i+1]); got != w {
			t.Errorf("Describe(%s) = %s; want %s", root.Content[2*i].Value, got, w)
		}
	}
}
