package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

const (
	// maxFileBytes bounds the size of one scenario file.
	maxFileBytes = 1 << 20
	// maxNodes bounds the YAML nodes of one Load, over every file in the
	// extends chain and after expanding aliases (alias bombs).
	maxNodes = 100_000
	// maxExtendsDepth bounds the number of files in an extends chain.
	maxExtendsDepth = 32
	// maxProblems bounds the problems listed in one Error.
	maxProblems = 1000
)

const (
	nullTag  = "!!null"
	boolTag  = "!!bool"
	strTag   = "!!str"
	intTag   = "!!int"
	floatTag = "!!float"
	mergeTag = "!!merge"
)

// tree holds the YAML node trees of one Load and the file each node came from.
type tree struct {
	origin   map[*yaml.Node]string
	budget   int // nodes left
	problems []Problem
	more     int // problems beyond maxProblems, not kept
}

func newTree() *tree {
	return &tree{origin: map[*yaml.Node]string{}, budget: maxNodes}
}

// full reports whether no more problems will be kept.
func (t *tree) full() bool { return len(t.problems) >= maxProblems }

func (t *tree) add(p Problem) {
	if t.full() {
		t.more++
		return
	}
	t.problems = append(t.problems, p)
}

func (t *tree) problem(file string, n *yaml.Node, path, format string, args ...any) {
	if t.full() {
		t.more++
		return
	}
	p := Problem{File: file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	t.add(p)
}

// err returns the problems found as an *Error, or nil.
func (t *tree) err() error {
	if len(t.problems) == 0 {
		return nil
	}
	e := newError(t.problems).(*Error)
	e.More = t.more
	return e
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
// of the YAML library into errors: no input may crash the loader.
func decodeDoc(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

// parse parses data, the contents of file, as one YAML document whose top
// level is a mapping. It returns a copy of that mapping with aliases
// expanded, duplicate keys dropped (and reported) and every node recorded in
// t.origin, or nil after recording problems.
func (t *tree) parse(file string, data []byte) *yaml.Node {
	if len(bytes.TrimSpace(data)) == 0 {
		t.problem(file, nil, "", "file is empty")
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := decodeDoc(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			t.problem(file, nil, "", "file is empty")
		} else {
			t.add(parseErrProblem(file, err))
		}
		return nil
	}
	var next yaml.Node
	switch err := decodeDoc(dec, &next); {
	case err == nil:
		t.problem(file, &next, "", "file holds more than one YAML document")
		return nil
	case !errors.Is(err, io.EOF):
		t.add(parseErrProblem(file, err))
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		t.problem(file, root, "", "top level must be a mapping of scenario fields (got %s)", describe(root))
		return nil
	}
	c := copier{tree: t, file: file, expanding: map[*yaml.Node]bool{}}
	out := c.copy(root)
	if c.failed {
		return nil
	}
	return out
}

// copier copies one file's node tree, expanding aliases.
type copier struct {
	*tree
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
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: nullTag}
	}
	if n.Kind == yaml.AliasNode {
		target := n.Alias
		if target == nil || c.expanding[target] {
			c.problem(c.file, n, c.path(), "alias *%s refers to a node that contains it", n.Value)
			c.failed = true
			return c.copy(n)
		}
		c.expanding[target] = true
		out := c.copy(target)
		delete(c.expanding, target)
		return out
	}
	if c.budget--; c.budget < 0 {
		c.problem(c.file, n, c.path(), "too many YAML nodes (limit %d, counting expanded aliases)", maxNodes)
		c.failed = true
		return c.copy(n)
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
					if c.full() {
						c.more++
						continue
					}
					c.keys = append(c.keys, k.Value)
					c.problem(c.file, k, c.path(), "duplicate key (first set at line %d)", line)
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
		c.problem(c.file, n, c.path(), "unexpected nested YAML document")
		c.failed = true
	}
	return out
}

// lookup returns the key and value nodes of key in mapping m, or nils.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return k, m.Content[i+1]
		}
	}
	return nil, nil
}

// without returns a copy of mapping m without key.
func (t *tree) without(m *yaml.Node, key string) *yaml.Node {
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

// merge overlays child on parent: a child mapping's keys override the
// parent's recursively; anything else in the child replaces the parent's
// value wholesale. Neither input is modified.
func (t *tree) merge(parent, child *yaml.Node) *yaml.Node {
	if parent.Kind != yaml.MappingNode || child.Kind != yaml.MappingNode {
		return child
	}
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
				out.Content = append(out.Content, child.Content[j], t.merge(v, child.Content[j+1]))
				continue
			}
		}
		out.Content = append(out.Content, k, v)
	}
	for i := 0; i+1 < len(child.Content); i += 2 {
		if !used[i] {
			out.Content = append(out.Content, child.Content[i], child.Content[i+1])
		}
	}
	return out
}

// isNull reports whether n is a YAML null (~, null or nothing).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == nullTag
}

// describe names what n holds, for "(got ...)" in messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case nullTag:
			return "null"
		case strTag:
			return quoteShort(n.Value)
		case intTag, floatTag, boolTag:
			return shorten(n.Value)
		default:
			return n.ShortTag() + " " + quoteShort(n.Value)
		}
	}
	return "nothing"
}

// shorten cuts s to at most 40 bytes for messages.
func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// quoteShort quotes s, cut to at most 40 bytes.
func quoteShort(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "..."
	}
	return strconv.Quote(s)
}
