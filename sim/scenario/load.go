package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/strictyaml"
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

// newTree starts the node trees and problems of one Load.
func newTree() *strictyaml.Tree {
	return strictyaml.NewTree(strictyaml.Options{
		Kind:         "scenario",
		MaxBytes:     maxFileBytes,
		MaxNodes:     maxNodes,
		MaxProblems:  maxProblems,
		Aliases:      true,
		MergeKeyHint: ": use extends",
		ItemKey:      "name",
		RemoveKey:    "remove",
	})
}

// DefaultName is the shipped scenario used when none is named.
const DefaultName = "ways-to-wellness"

// Default loads the default shipped scenario from shipped (normally
// scenarios.FS).
func Default(shipped fs.FS) (*Scenario, error) {
	r, err := Loader{Shipped: shipped}.Load(DefaultName)
	if err != nil {
		return nil, err
	}
	return r.Scenario, nil
}

// Loader resolves scenario references. A reference is either a file path
// (it contains a path separator or ends in .yaml or .yml) read from Files, or
// the name of a shipped scenario read as NAME.yaml from Shipped.
//
// A file may name the scenario it overrides in its top-level extends field:
// a file path, relative to the extending file's directory, or a shipped
// name (inside a shipped scenario always a shipped name). The chain is
// merged node by node (strictyaml.Tree.Merge): mapping keys override the
// parent's recursively; lists whose items have a name (providers,
// neighbourhoods, shocks, payers) merge item by item, matched by name, and
// {name: x, remove: true} removes an item; other lists and scalars replace
// the parent's whole, with a note in Resolved.Notes.
type Loader struct {
	// Shipped holds the shipped scenarios as NAME.yaml at its root.
	Shipped fs.FS
	// Files is where file references are read (fs.FS paths, slash-separated,
	// unrooted). Nil means file references are refused. OSFiles gives the
	// operating system's files, with paths as users type them.
	Files fs.FS
}

// Resolved is a loaded, merged and validated scenario.
type Resolved struct {
	Scenario *Scenario
	// Chain lists the files read, the requested one first, then what it
	// extends. Shipped scenarios appear as scenarios/NAME.yaml.
	Chain []string
	// YAML is the resolved scenario in canonical form (every field, no
	// extends): loading it gives the same Scenario and the same YAML.
	YAML []byte
	// Hash is the hex SHA-256 of YAML.
	Hash string
	// Notes are things the author should know that are not problems: a
	// list in a file that replaced the whole of the list it extends,
	// because its items have no name to merge by.
	Notes []Problem

	origin map[string]string // field path -> file that set it, for Explain
}

// source is one file in an extends chain.
type source struct {
	name    string // as shown to users
	key     string // identity, for cycles
	shipped bool
	path    string // in Shipped or Files
}

func shippedSource(name string) source {
	return source{
		name:    "scenarios/" + name + ".yaml",
		key:     "shipped:" + name,
		shipped: true,
		path:    name + ".yaml",
	}
}

func (l Loader) fsys(s source) fs.FS {
	if s.shipped {
		return l.Shipped
	}
	return l.Files
}

// shippedNames lists the shipped scenarios, sorted.
func (l Loader) shippedNames() []string { return YAMLNames(l.Shipped) }

func (l Loader) unknownShipped(name string) string {
	list := strings.Join(l.shippedNames(), ", ")
	if list == "" {
		list = "none"
	}
	return fmt.Sprintf("no shipped scenario %q (shipped: %s)", name, list)
}

// notFound is a missing scenario: it reads as its message alone and
// matches fs.ErrNotExist with errors.Is.
type notFound string

func (e notFound) Error() string { return string(e) }
func (e notFound) Unwrap() error { return fs.ErrNotExist }

// Load resolves ref, merges its extends chain, decodes strictly and
// validates. On failure the error is an *Error listing every problem, or an
// error wrapping fs.ErrNotExist for a missing top-level reference.
func (l Loader) Load(ref string) (*Resolved, error) {
	var top source
	if IsFileRef(ref) {
		if l.Files == nil {
			return nil, notFound(fmt.Sprintf("scenario file %s: loader has no file system for file references", ref))
		}
		p, err := fsPath(l.Files, ref)
		if err != nil {
			return nil, notFound(fmt.Sprintf("scenario file %s: %s", ref, err))
		}
		top = source{name: ref, key: "file:" + p, path: p}
	} else {
		top = shippedSource(ref)
	}
	data, err := readFile(l.fsys(top), top.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if top.shipped {
				return nil, notFound(l.unknownShipped(ref))
			}
			return nil, notFound(fmt.Sprintf("scenario file %s does not exist", ref))
		}
		return nil, newError([]Problem{{File: top.name, Msg: "cannot read: " + readErrMsg(err)}})
	}

	t := newTree()
	roots, chain, ok := l.readChain(t, top, data)
	if !ok {
		return nil, treeErr(t)
	}
	merged := roots[len(roots)-1]
	t.RefuseRemovals(merged, "")
	for i := len(roots) - 2; i >= 0; i-- {
		merged = t.Merge(merged, roots[i])
	}
	s, origin, err := decodeAndValidate(t, merged)
	if err != nil {
		return nil, err
	}
	y, err := marshal(s)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(y)
	return &Resolved{Scenario: s, Chain: chain, YAML: y, Hash: hex.EncodeToString(sum[:]), Notes: t.Notes(), origin: origin}, nil
}

// readChain parses top (whose contents are data) and every file it
// extends. It returns their top-level mappings without extends, requested
// file first, and the names of the files read. Problems go to t; ok is
// false if they leave the chain incomplete.
func (l Loader) readChain(t *strictyaml.Tree, top source, data []byte) (roots []*yaml.Node, chain []string, ok bool) {
	cur := top
	var seen []source
	for {
		seen = append(seen, cur)
		chain = append(chain, cur.name)
		root := t.Parse(cur.name, data)
		if root == nil {
			return nil, chain, false
		}
		_, ext := strictyaml.Lookup(root, "extends")
		roots = append(roots, t.Without(root, "extends"))
		if ext == nil {
			return roots, chain, true
		}
		next := l.extendsTarget(t, cur, ext)
		if next == nil {
			return roots, chain, strictyaml.IsNull(ext)
		}
		if i := slices.IndexFunc(seen, func(s source) bool { return s.key == next.key }); i >= 0 {
			names := make([]string, 0, len(seen)-i+1)
			for _, s := range seen[i:] {
				names = append(names, s.name)
			}
			names = append(names, next.name)
			t.Problem(cur.name, ext, "extends", "extends cycle: %s", strings.Join(names, " -> "))
			return nil, chain, false
		}
		if len(seen) >= maxExtendsDepth {
			t.Problem(cur.name, ext, "extends", "extends chain is longer than %d files", maxExtendsDepth)
			return nil, chain, false
		}
		d, err := readFile(l.fsys(*next), next.path)
		if err != nil {
			switch {
			case errors.Is(err, fs.ErrNotExist) && next.shipped:
				t.Problem(cur.name, ext, "extends", "%s", l.unknownShipped(strings.TrimSuffix(next.path, ".yaml")))
			case errors.Is(err, fs.ErrNotExist):
				t.Problem(cur.name, ext, "extends", "file %s does not exist", next.name)
			default:
				t.Problem(cur.name, ext, "extends", "cannot read %s: %s", next.name, readErrMsg(err))
			}
			return nil, chain, false
		}
		cur, data = *next, d
	}
}

// extendsTarget resolves the extends value ext of file cur. It returns nil
// for no extends (null) and after recording a problem.
func (l Loader) extendsTarget(t *strictyaml.Tree, cur source, ext *yaml.Node) *source {
	if strictyaml.IsNull(ext) {
		return nil
	}
	if ext.Kind != yaml.ScalarNode || ext.ShortTag() != strictyaml.StrTag {
		t.Problem(cur.name, ext, "extends", "must be a file path or a shipped scenario name (got %s)", strictyaml.Describe(ext))
		return nil
	}
	ref := ext.Value
	switch {
	case strings.TrimSpace(ref) == "":
		t.Problem(cur.name, ext, "extends", "must not be empty")
		return nil
	case cur.shipped:
		name := strings.TrimSuffix(strings.TrimSuffix(ref, ".yaml"), ".yml")
		if strings.ContainsAny(name, `/\`) || !fs.ValidPath(name+".yaml") {
			t.Problem(cur.name, ext, "extends", "a shipped scenario can only extend another shipped scenario, by name (got %q)", ref)
			return nil
		}
		s := shippedSource(name)
		return &s
	case IsFileRef(ref):
		name := joinRef(cur.name, ref)
		p, err := fsPath(l.Files, name)
		if err != nil {
			t.Problem(cur.name, ext, "extends", "cannot read %s: %s", name, err)
			return nil
		}
		return &source{name: name, key: "file:" + p, path: p}
	default:
		if !fs.ValidPath(ref + ".yaml") {
			t.Problem(cur.name, ext, "extends", "%s", l.unknownShipped(ref))
			return nil
		}
		s := shippedSource(ref)
		return &s
	}
}

// decodeAndValidate decodes the merged tree strictly and validates the
// result. It also returns, by field path, the file that set each field.
func decodeAndValidate(t *strictyaml.Tree, merged *yaml.Node) (*Scenario, map[string]string, error) {
	d := strictyaml.NewDecoder(t)
	s := new(Scenario)
	d.Decode(merged, s)
	validate(s, func(path, msg string) {
		p := Problem{Path: path, Msg: msg}
		if n := d.Locate(path); n != nil {
			p.File, p.Line, p.Column = t.File(n), n.Line, n.Column
		}
		t.Add(p)
	}, d.Bad)
	if err := treeErr(t); err != nil {
		return nil, nil, err
	}
	origin := make(map[string]string, len(d.Nodes))
	for p, n := range d.Nodes {
		origin[p] = t.File(n)
	}
	return s, origin, nil
}

// Info names and describes a shipped scenario.
type Info struct {
	Name        string
	Description string
}

// List returns the shipped scenarios, sorted by name, each with the
// description it resolves to.
func (l Loader) List() ([]Info, error) {
	var infos []Info
	for _, name := range l.shippedNames() {
		r, err := Loader{Shipped: l.Shipped}.Load(name)
		if err != nil {
			return nil, fmt.Errorf("shipped scenario %s: %w", name, err)
		}
		infos = append(infos, Info{Name: name, Description: r.Scenario.Description})
	}
	return infos, nil
}
