package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Short tags of the YAML core schema, as yaml.Node.ShortTag returns them.
const (
	NullTag  = "!!null"
	BoolTag  = "!!bool"
	StrTag   = "!!str"
	IntTag   = "!!int"
	FloatTag = "!!float"
	MergeTag = "!!merge"
)

// Options configure a Tree. Zero limits mean no limit.
type Options struct {
	// Kind names what the files hold, for messages: "scenario" gives "top
	// level must be a mapping of scenario fields" and "aliases (*a) are not
	// supported in scenario files".
	Kind string
	// MaxBytes bounds the size of one file given to Parse.
	MaxBytes int
	// MaxNodes bounds the YAML nodes of all files parsed into the Tree,
	// counting every expansion of an alias (alias bombs).
	MaxNodes int
	// MaxProblems bounds the problems kept; further ones are only counted.
	MaxProblems int
	// Aliases makes Parse expand aliases (*a) to copies of their anchored
	// nodes; without it an alias is a problem.
	Aliases bool
	// MergeKeyHint follows "merge keys (<<) are not supported" in the
	// problem a merge key gets, as ": use extends" does for scenarios.
	MergeKeyHint string
	// Order is the order of the problems in Err.
	Order Order
	// ItemKey, when set, makes Merge merge two lists item by item when
	// every item of both is a mapping with this key ("name") holding a
	// string: see Merge.
	ItemKey string
	// RemoveKey, with ItemKey, marks an item of a child list that removes
	// the parent's item of the same name: {name: x, remove: true}.
	RemoveKey string
}

// Tree holds the YAML node trees parsed from one or more files, the file
// each node came from, and the problems found in them. Its zero value is
// not usable: use NewTree.
type Tree struct {
	opts     Options
	origin   map[*yaml.Node]string
	budget   int // nodes left
	problems []Problem
	more     int       // problems beyond MaxProblems, not kept
	notes    []Problem // see Notes
}

// NewTree returns an empty Tree.
func NewTree(o Options) *Tree {
	return &Tree{opts: o, origin: map[*yaml.Node]string{}, budget: o.MaxNodes}
}

// File returns the name of the file node n was parsed from, or "" for a
// node that Parse did not make.
func (t *Tree) File(n *yaml.Node) string { return t.origin[n] }

// Full reports whether no more problems will be kept.
func (t *Tree) Full() bool { return t.opts.MaxProblems > 0 && len(t.problems) >= t.opts.MaxProblems }

// Add records p, or counts it when the Tree is full.
func (t *Tree) Add(p Problem) {
	if t.Full() {
		t.more++
		return
	}
	t.problems = append(t.problems, p)
}

// Problem records a problem at node n (nil for none) of file, at field path.
func (t *Tree) Problem(file string, n *yaml.Node, path, format string, args ...any) {
	if t.Full() {
		t.more++
		return
	}
	p := Problem{File: file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	t.Add(p)
}

// Note records something a reader of file should know that is not a
// problem, at node n and field path.
func (t *Tree) Note(file string, n *yaml.Node, path, format string, args ...any) {
	p := Problem{File: file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	t.notes = append(t.notes, p)
}

// Notes returns the notes recorded so far (by Merge: lists replaced
// whole), sorted by position.
func (t *Tree) Notes() []Problem { return Sort(t.notes, ByPositionAndText) }

// Problems returns the problems recorded so far, sorted, and the number
// found beyond Options.MaxProblems.
func (t *Tree) Problems() ([]Problem, int) {
	return Sort(t.problems, t.opts.Order), t.more
}

// Err returns the problems recorded as an *Error, or nil if there are none.
func (t *Tree) Err() error {
	if len(t.problems) == 0 {
		return nil
	}
	ps, more := t.Problems()
	return &Error{Problems: ps, More: more}
}

var yamlLineErr = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// parserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner) errors. For these yaml.v3 reports the 0-based line of the
// enclosing collection's start, or of the problem if that is 0, or no line
// if both are 0; parseErrProblem turns that into a 1-based line.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// parseErrProblem turns a yaml.v3 parse error into a problem in file.
func parseErrProblem(file string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineErr.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if parserProblems[msg] {
		line++
	}
	return Problem{File: file, Line: line, Msg: "not valid YAML: " + msg}
}

// decodeDoc decodes the next YAML document from dec into n, turning panics
// of the YAML library into errors: no input may crash a reader.
func decodeDoc(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

// Parse parses data, the contents of file, as one YAML document whose top
// level is a mapping. It returns a copy of that mapping with aliases
// expanded (or refused, see Options.Aliases), duplicate keys dropped and
// every node recorded as coming from file, or nil after recording problems.
func (t *Tree) Parse(file string, data []byte) *yaml.Node {
	if t.opts.MaxBytes > 0 && len(data) > t.opts.MaxBytes {
		t.Problem(file, nil, "", "file is larger than %d bytes", t.opts.MaxBytes)
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		t.Problem(file, nil, "", "file is empty")
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := decodeDoc(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			t.Problem(file, nil, "", "file is empty")
		} else {
			t.Add(parseErrProblem(file, err))
		}
		return nil
	}
	var next yaml.Node
	switch err := decodeDoc(dec, &next); {
	case err == nil:
		t.Problem(file, &next, "", "file holds more than one YAML document")
		return nil
	case !errors.Is(err, io.EOF):
		t.Add(parseErrProblem(file, err))
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		t.Problem(file, root, "", "top level must be a mapping of %s fields (got %s)", t.opts.Kind, Describe(root))
		return nil
	}
	c := copier{Tree: t, file: file, expanding: map[*yaml.Node]bool{}}
	out := c.copy(root)
	if c.failed {
		return nil
	}
	return out
}

// copier copies one file's node tree, expanding aliases.
type copier struct {
	*Tree
	file      string
	expanding map[*yaml.Node]bool // anchored nodes being expanded
	keys      []string            // path to the node being copied, for messages
	failed    bool
}

func (c *copier) path() string {
	var b strings.Builder
	for _, k := range c.keys {
		if !strings.HasPrefix(k, "[") && b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(k)
	}
	return b.String()
}

func (c *copier) copy(n *yaml.Node) *yaml.Node {
	if c.failed {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: NullTag}
	}
	if n.Kind == yaml.AliasNode {
		if !c.opts.Aliases {
			c.Problem(c.file, n, c.path(), "aliases (*%s) are not supported in %s files", n.Value, c.opts.Kind)
			c.failed = true
			return c.copy(n)
		}
		target := n.Alias
		if target == nil || c.expanding[target] {
			c.Problem(c.file, n, c.path(), "alias *%s refers to a node that contains it", n.Value)
			c.failed = true
			return c.copy(n)
		}
		c.expanding[target] = true
		out := c.copy(target)
		delete(c.expanding, target)
		return out
	}
	if c.opts.MaxNodes > 0 {
		if c.budget--; c.budget < 0 {
			c.Problem(c.file, n, c.path(), "too many YAML nodes (limit %d, counting expanded aliases)", c.opts.MaxNodes)
			c.failed = true
			return c.copy(n)
		}
	}
	out := &yaml.Node{Kind: n.Kind, Style: n.Style, Tag: n.Tag, Value: n.Value, Line: n.Line, Column: n.Column}
	c.origin[out] = c.file
	switch n.Kind {
	case yaml.SequenceNode:
		out.Content = make([]*yaml.Node, 0, len(n.Content))
		for i, e := range n.Content {
			c.keys = append(c.keys, "["+strconv.Itoa(i)+"]")
			out.Content = append(out.Content, c.copy(e))
			c.keys = c.keys[:len(c.keys)-1]
		}
	case yaml.MappingNode:
		out.Content = make([]*yaml.Node, 0, len(n.Content))
		first := map[string]int{} // key -> line where first set
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := c.copy(n.Content[i])
			if k.Kind == yaml.ScalarNode && !c.failed {
				if line, dup := first[k.Value]; dup {
					if c.Full() {
						c.more++
						continue
					}
					c.keys = append(c.keys, k.Value)
					c.Problem(c.file, k, c.path(), "duplicate key (first set at line %d)", line)
					c.keys = c.keys[:len(c.keys)-1]
					continue
				}
				first[k.Value] = k.Line
				c.keys = append(c.keys, k.Value)
			} else {
				c.keys = append(c.keys, "?")
			}
			v := c.copy(n.Content[i+1])
			c.keys = c.keys[:len(c.keys)-1]
			out.Content = append(out.Content, k, v)
		}
	case yaml.DocumentNode:
		c.Problem(c.file, n, c.path(), "unexpected nested YAML document")
		c.failed = true
	}
	return out
}

// Lookup returns the key and value nodes of key in mapping m, or nils.
func Lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return k, m.Content[i+1]
		}
	}
	return nil, nil
}

// Without returns a copy of mapping m without key.
func (t *Tree) Without(m *yaml.Node, key string) *yaml.Node {
	out := *m
	t.origin[&out] = t.origin[m]
	out.Content = make([]*yaml.Node, 0, len(m.Content))
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			continue
		}
		out.Content = append(out.Content, m.Content[i], m.Content[i+1])
	}
	return &out
}

// Merge overlays child on parent and returns the result:
//
//   - mappings merge key by key, recursively: a key the child sets
//     overrides the parent's value, the parent's other keys stay;
//   - with Options.ItemKey set, a list whose items, in parent and child,
//     are all mappings naming themselves by that key merges item by item:
//     a child item with a name the parent's list has merges with that item
//     (in its place), one with a new name is added after the parent's
//     items, and one with Options.RemoveKey set to true removes the
//     parent's item (an error if there is none); a name removed may be
//     given again later in the list, to replace the item whole;
//   - any other list, and any other value, replaces the parent's whole. A
//     child list that replaces a non-empty parent list this way gets a
//     note (Notes), so a reader can tell it was not merged.
//
// Neither input is modified; each node of the result keeps the file it
// came from. Problems (removing a name the parent lacks, a name given twice
// in one list, a removal with other fields) are recorded in t.
func (t *Tree) Merge(parent, child *yaml.Node) *yaml.Node {
	return t.merge(parent, child, "")
}

func (t *Tree) merge(parent, child *yaml.Node, path string) *yaml.Node {
	switch {
	case parent.Kind == yaml.MappingNode && child.Kind == yaml.MappingNode:
		return t.mergeMaps(parent, child, path)
	case parent.Kind == yaml.SequenceNode && child.Kind == yaml.SequenceNode:
		if t.named(parent) && t.named(child) && len(child.Content) > 0 {
			return t.mergeNamed(parent, child, path)
		}
		if n := len(parent.Content); n > 0 {
			what := "its items have no " + t.opts.ItemKey + " to merge by"
			switch {
			case len(child.Content) == 0:
				what = "an empty list empties it"
			case t.opts.ItemKey == "":
				what = "lists are not merged"
			}
			t.Note(t.origin[child], child, path, "replaces the whole list of %s (%d %s): %s",
				t.origin[parent], n, plural(n, "item", "items"), what)
		}
	}
	t.RefuseRemovals(child, path)
	return child
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (t *Tree) mergeMaps(parent, child *yaml.Node, path string) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Style: child.Style, Tag: child.Tag, Line: child.Line, Column: child.Column}
	t.origin[out] = t.origin[child]
	override := map[string]int{} // key -> index of the key in child.Content
	for i := 0; i+1 < len(child.Content); i += 2 {
		if k := child.Content[i]; k.Kind == yaml.ScalarNode {
			override[k.Value] = i
		}
	}
	used := map[int]bool{}
	for i := 0; i+1 < len(parent.Content); i += 2 {
		k, v := parent.Content[i], parent.Content[i+1]
		if k.Kind == yaml.ScalarNode {
			if j, ok := override[k.Value]; ok {
				used[j] = true
				out.Content = append(out.Content, child.Content[j], t.merge(v, child.Content[j+1], JoinPath(path, k.Value)))
				continue
			}
		}
		out.Content = append(out.Content, k, v)
	}
	for i := 0; i+1 < len(child.Content); i += 2 {
		if !used[i] {
			k, v := child.Content[i], child.Content[i+1]
			t.RefuseRemovals(v, JoinPath(path, k.Value))
			out.Content = append(out.Content, k, v)
		}
	}
	return out
}

// itemName returns the name an item of a list gives itself under
// Options.ItemKey, and whether it has one.
func (t *Tree) itemName(item *yaml.Node) (string, bool) {
	if t.opts.ItemKey == "" || item.Kind != yaml.MappingNode {
		return "", false
	}
	_, v := Lookup(item, t.opts.ItemKey)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() != StrTag {
		return "", false
	}
	return v.Value, true
}

// named reports whether every item of list seq names itself.
func (t *Tree) named(seq *yaml.Node) bool {
	if t.opts.ItemKey == "" {
		return false
	}
	for _, item := range seq.Content {
		if _, ok := t.itemName(item); !ok {
			return false
		}
	}
	return true
}

// removal returns the value node of the removal key of item, or nil.
func (t *Tree) removal(item *yaml.Node) *yaml.Node {
	if t.opts.RemoveKey == "" || item.Kind != yaml.MappingNode {
		return nil
	}
	_, v := Lookup(item, t.opts.RemoveKey)
	return v
}

// mergeNamed merges two lists of named items.
func (t *Tree) mergeNamed(parent, child *yaml.Node, path string) *yaml.Node {
	out := &yaml.Node{Kind: yaml.SequenceNode, Style: child.Style, Tag: child.Tag, Line: child.Line, Column: child.Column}
	t.origin[out] = t.origin[child]
	items := slices.Clone(parent.Content)
	added := map[string]int{}   // name -> line of the child's item that sets it
	removed := map[string]int{} // name -> line of the child's item that removes it
	for i, item := range child.Content {
		name, _ := t.itemName(item)
		ipath := path + "[" + strconv.Itoa(i) + "]"
		file := t.origin[item]
		rm := t.removal(item)
		_, nameNode := Lookup(item, t.opts.ItemKey)
		// A name may be removed and then given again (to replace the item
		// whole), but not set or removed twice.
		line, dup := added[name]
		if !dup && rm != nil {
			line, dup = removed[name]
		}
		if dup {
			t.Problem(file, nameNode, JoinPath(ipath, t.opts.ItemKey), "%s %q appears twice in this list (first at line %d)", t.opts.ItemKey, name, line)
			continue
		}
		if rm != nil {
			removed[name] = item.Line
		} else {
			added[name] = item.Line
		}
		at := slices.IndexFunc(items, func(n *yaml.Node) bool { got, _ := t.itemName(n); return got == name })
		if rm != nil {
			if !t.validRemoval(item, rm, ipath) {
				continue
			}
			if at < 0 {
				t.Problem(file, item, ipath, "cannot remove %q: the list it extends has no item with %s %q (it has %s)",
					name, t.opts.ItemKey, name, t.itemNames(items))
				continue
			}
			items = slices.Delete(items, at, at+1)
			continue
		}
		if at < 0 {
			t.RefuseRemovals(item, ipath)
			items = append(items, item)
			continue
		}
		items[at] = t.merge(items[at], item, ipath)
	}
	out.Content = items
	return out
}

// validRemoval checks a removal item: its removal key must be true and it
// may have no key but the name.
func (t *Tree) validRemoval(item, rm *yaml.Node, path string) bool {
	file := t.origin[item]
	if b, err := Bool(rm); err != nil || !b {
		t.Problem(file, rm, JoinPath(path, t.opts.RemoveKey), "must be true, to remove the item, or left out (got %s)", Describe(rm))
		return false
	}
	ok := true
	for i := 0; i+1 < len(item.Content); i += 2 {
		if k := item.Content[i]; k.Value != t.opts.ItemKey && k.Value != t.opts.RemoveKey {
			t.Problem(file, k, JoinPath(path, k.Value), "an item that is removed has only %s and %s (got %s too)", t.opts.ItemKey, t.opts.RemoveKey, QuoteShort(k.Value))
			ok = false
		}
	}
	return ok
}

// itemNames lists the names of items for messages: "a, b" or "no items".
func (t *Tree) itemNames(items []*yaml.Node) string {
	if len(items) == 0 {
		return "no items"
	}
	names := make([]string, len(items))
	for i, item := range items {
		name, _ := t.itemName(item)
		names[i] = strconv.Quote(name)
	}
	return strings.Join(names, ", ")
}

// RefuseRemovals records a problem for every removal item (see Merge) in
// n, the value at path of a file that is not merged onto a parent there:
// the file extends nothing, or its list replaces the parent's whole.
func (t *Tree) RefuseRemovals(n *yaml.Node, path string) {
	if t.opts.RemoveKey == "" {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode {
				t.RefuseRemovals(n.Content[i+1], JoinPath(path, k.Value))
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			ipath := path + "[" + strconv.Itoa(i) + "]"
			if _, named := t.itemName(item); named {
				if k, _ := Lookup(item, t.opts.RemoveKey); k != nil {
					t.Problem(t.origin[k], k, JoinPath(ipath, t.opts.RemoveKey),
						"nothing to remove: %s only removes an item from a list merged by %s with that of the scenario this file extends", t.opts.RemoveKey, t.opts.ItemKey)
					continue
				}
			}
			t.RefuseRemovals(item, ipath)
		}
	}
}

// IsNull reports whether n is a YAML null (~, null or nothing).
func IsNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == NullTag
}

// Describe names what n holds, for "(got ...)" in messages: "a mapping",
// "a list", "null", a quoted string, a number or boolean as written, or a
// tag and a quoted value; values are cut to 40 bytes.
func Describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case NullTag:
			return "null"
		case StrTag:
			return QuoteShort(n.Value)
		case IntTag, FloatTag, BoolTag:
			return Shorten(n.Value)
		default:
			return n.ShortTag() + " " + QuoteShort(n.Value)
		}
	}
	return "nothing"
}

// Shorten cuts s to at most 40 bytes for messages, marking a cut with "...".
func Shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// QuoteShort quotes s as Go does, cut to at most 40 bytes.
func QuoteShort(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "..."
	}
	return strconv.Quote(s)
}
