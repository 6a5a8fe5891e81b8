package explorer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/strictyaml"
)

// Limits on what a variant may hold.
const (
	// maxOverrides bounds the changed parameters of one variant.
	maxOverrides = 500
	// maxTokenBytes bounds an encoded variant (a link's v parameter).
	maxTokenBytes = 64 << 10
	// maxNameBytes bounds a variant's name (the loader allows 200 characters).
	maxNameBytes = 200
)

// variantFile is the name the variant's YAML has in the loader's file
// system, and so in its messages.
const variantFile = "variant.yaml"

// Variant is a scenario to explore: a baseline and the parameters changed
// from it, with the replications and seed to run it with. Encoded by
// Token, it is the whole state of a shareable link.
type Variant struct {
	// Baseline is a shipped scenario's name, or "upload:ID" for a file
	// uploaded to this server.
	Baseline string `json:"b"`
	// Name is the variant's scenario name; empty means "<baseline> variant".
	Name string `json:"n,omitempty"`
	// Overrides are the changed parameters, in the order made.
	Overrides []Override `json:"o,omitempty"`
	// Replications and Seed are the run settings.
	Replications int    `json:"r"`
	Seed         uint64 `json:"s"`
}

// Override sets one number of the baseline: Path as in sim/scenario's
// SetPath (no wildcards), Value as typed.
type Override struct {
	Path  string
	Value string
}

// MarshalJSON writes an override as the pair [path, value], to keep links short.
func (o Override) MarshalJSON() ([]byte, error) { return json.Marshal([2]string{o.Path, o.Value}) }

// UnmarshalJSON reads the pair [path, value].
func (o *Override) UnmarshalJSON(b []byte) error {
	var pair [2]string
	if err := json.Unmarshal(b, &pair); err != nil {
		return errors.New("an override is a pair [path, value]")
	}
	o.Path, o.Value = pair[0], pair[1]
	return nil
}

// Token encodes v for a URL: base64url (no padding) of its JSON.
func (v Variant) Token() string {
	b, _ := json.Marshal(v) // cannot fail: strings and numbers only
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseToken decodes a token made by Token. It checks the encoding and the
// sizes, not the scenario (see Explorer.resolve).
func ParseToken(tok string) (Variant, error) {
	var v Variant
	if len(tok) > maxTokenBytes {
		return v, fmt.Errorf("variant is longer than %d bytes", maxTokenBytes)
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(tok, "="))
	if err != nil {
		return v, errors.New("variant is not valid base64url")
	}
	if err := decodeVariant(b, &v); err != nil {
		return Variant{}, fmt.Errorf("variant is not valid: %w", err)
	}
	if len(v.Overrides) > maxOverrides {
		return v, fmt.Errorf("variant changes %d parameters (at most %d)", len(v.Overrides), maxOverrides)
	}
	if len(v.Name) > maxNameBytes {
		return v, fmt.Errorf("variant name is longer than %d bytes", maxNameBytes)
	}
	return v, nil
}

// variantFields names the fields of a token's JSON, for messages.
var variantFields = map[string]string{"b": "baseline", "n": "name", "o": "overrides", "r": "replications", "s": "seed"}

// decodeVariant reads a token's JSON strictly: a field Variant does not
// have (a mistyped or hand-made link, or one from a newer version that
// this one would silently run differently) and anything after the object
// are refused, and a value of the wrong type is named by its field.
func decodeVariant(b []byte, v *Variant) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return errors.New("more than one JSON value")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		first, _, _ := strings.Cut(te.Field, ".")
		name := te.Field
		if long, ok := variantFields[first]; ok {
			name = fmt.Sprintf("%s (%s)", te.Field, long)
		}
		want := "a string"
		switch te.Type.Kind() {
		case reflect.Int, reflect.Uint64:
			want = "a whole number"
			if te.Type.Kind() == reflect.Uint64 {
				want = "a whole number from 0 to 18446744073709551615"
			}
		case reflect.Slice:
			want = "a list of [path, value] pairs"
		}
		return fmt.Errorf("%s must be %s (got %s)", name, want, te.Value)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Errorf("unknown field %s (a variant has b, n, o, r and s)", f)
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// VariantProblem is something wrong with a variant, for the form: Field is
// the lever it belongs beside ("" when none), Msg the loader's message and
// Text the whole located line ("variant.yaml:12:7: path: msg").
type VariantProblem struct {
	Field string `json:"field"`
	Path  string `json:"path"`
	Msg   string `json:"msg"`
	Text  string `json:"text"`
}

// InvalidError is a variant the loader rejects, with every problem.
type InvalidError struct {
	Problems []VariantProblem
}

func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Text
	}
	return "invalid variant: " + strings.Join(lines, "; ")
}

// baseline is a resolved baseline and how a variant file refers to it.
type baseline struct {
	ref      string // in the Variant: shipped name or upload:ID
	extends  string // in the variant YAML: shipped name or the upload's file name
	files    fstest.MapFS
	resolved *scenario.Resolved
	levers   []Lever        // its levers, with Levers
	byPath   map[string]int // index in levers by path
	values   []float64      // the baseline's value of each lever
}

// setLevers lists the levers of the resolved baseline and their values.
func (b *baseline) setLevers() {
	b.levers = Levers(b.resolved.Scenario)
	b.byPath = make(map[string]int, len(b.levers))
	b.values = make([]float64, len(b.levers))
	for i, l := range b.levers {
		b.byPath[l.Path] = i
		b.values[i] = math.NaN()
		if xs, err := scenario.GetPath(b.resolved.Scenario, l.Path); err == nil && len(xs) == 1 {
			b.values[i] = xs[0]
		}
	}
}

// lever returns the lever at path and its baseline value.
func (b *baseline) lever(path string) (Lever, float64, bool) {
	i, ok := b.byPath[path]
	if !ok {
		return Lever{}, 0, false
	}
	return b.levers[i], b.values[i], true
}

// changes returns v's overrides that differ from the baseline, the last
// value of a path winning, in the order first made, each value as typed
// (without surrounding spaces). Overrides that cannot be used are
// problems, with the scenario loader's message for a number it refuses.
func (b *baseline) changes(v Variant) (kept []Override, problems []VariantProblem) {
	idx := map[string]int{}
	var values []float64
	for _, o := range v.Overrides {
		bad := func(format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			problems = append(problems, VariantProblem{Field: o.Path, Path: o.Path, Msg: msg, Text: o.Path + ": " + msg})
		}
		if strings.Contains(o.Path, "*") {
			bad("a lever names one parameter, without wildcards")
			continue
		}
		if err := scenario.CheckPath(o.Path); err != nil {
			var pe *scenario.PathError
			if errors.As(err, &pe) {
				bad("%s", pe.Msg)
			} else {
				bad("%v", err)
			}
			continue
		}
		l, _, ok := b.lever(o.Path)
		if !ok {
			bad("not a parameter of %s", b.extends)
			continue
		}
		o.Value = strings.TrimSpace(o.Value)
		x, msg := readNumber(o.Value, l.Integer)
		if msg != "" {
			bad("%s", msg)
			continue
		}
		if i, ok := idx[o.Path]; ok {
			kept[i], values[i] = o, x
			continue
		}
		idx[o.Path] = len(kept)
		kept = append(kept, o)
		values = append(values, x)
	}
	// Drop overrides back at the baseline's value.
	out := kept[:0]
	for i, o := range kept {
		if _, old, _ := b.lever(o.Path); values[i] != old {
			out = append(out, o)
		}
	}
	return out, problems
}

// readNumber reads text, a lever's value as typed, as the scenario loader
// reads a plain YAML scalar (sim/strictyaml's Int or Float, docs/cli.md
// "How numbers are read"): it returns the value, or the loader's message
// for a value it refuses. The text is written verbatim into the variant's
// YAML, so the loader then reads the same number.
func readNumber(text string, integer bool) (float64, string) {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: text}
	if text == "" {
		// An empty plain scalar is null, which would unset an optional field.
		return 0, "must be a number (got nothing)"
	}
	want := "a number"
	var x float64
	var err error
	if integer {
		want = "a whole number"
		var i int64
		i, err = strictyaml.Int(n)
		x = float64(i)
	} else {
		x, err = strictyaml.Float(n)
	}
	switch {
	case errors.Is(err, strictyaml.ErrWrongType):
		return 0, fmt.Sprintf("must be %s (got %s)", want, strictyaml.Describe(n))
	case err != nil:
		return 0, err.Error()
	case math.IsNaN(x) || math.IsInf(x, 0):
		return 0, fmt.Sprintf("must be a finite number (got %g)", x) // as the validator words it
	}
	return x, ""
}

// formatNumber writes x in plain decimals unless that would be long, as
// the canonical scenario YAML does.
func formatNumber(x float64) string {
	if a := math.Abs(x); a == 0 || (a >= 1e-4 && a < 1e15) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// variantName is the scenario name a variant runs under.
func variantName(v Variant, b *baseline) string {
	if n := strings.TrimSpace(v.Name); n != "" {
		return n
	}
	return b.resolved.Scenario.Name + " variant"
}

// variantYAML writes the scenario file of a variant: extends its baseline
// and sets its name, a description and the changed parameters only. A
// change inside a list carries the whole list (the outermost one on its
// path), because extends replaces lists wholesale; its other elements are
// the baseline's.
func variantYAML(b *baseline, name string, changes []Override) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b.resolved.YAML, &doc); err != nil || len(doc.Content) != 1 {
		return nil, fmt.Errorf("baseline %s: resolved YAML does not parse", b.ref)
	}
	units := map[string]bool{}
	paths := make([]string, len(changes))
	for i, c := range changes {
		unit, _, _ := strings.Cut(c.Path, "[")
		units[unit] = true
		paths[i] = c.Path
	}
	root := prune(doc.Content[0], "", units)
	if root == nil {
		root = &yaml.Node{Kind: yaml.MappingNode}
	}
	for _, c := range changes {
		if err := setScalar(root, c.Path, c.Value); err != nil {
			return nil, err
		}
	}
	desc := fmt.Sprintf("%s with %s, made in the sibsim explorer: %s", b.extends, plural(len(changes), "changed parameter", "changed parameters"), strings.Join(paths, ", "))
	if len(changes) == 0 {
		desc = b.extends + " unchanged, from the sibsim explorer"
	}
	if len(desc) > 1900 {
		desc = desc[:1900] + " ..."
	}
	head := []*yaml.Node{
		str("name"), str(name),
		str("description"), str(desc),
		str("extends"), str(b.extends),
	}
	root.Content = append(head, root.Content...)
	out, err := yaml.Marshal(root)
	if err != nil {
		return nil, fmt.Errorf("write variant: %w", err)
	}
	return out, nil
}

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// prune returns a copy of mapping n holding only the keys on the way to
// the paths in units (each copied whole), or nil if none is under it.
func prune(n *yaml.Node, prefix string, units map[string]bool) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	var out *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := k.Value
		if prefix != "" {
			p = prefix + "." + p
		}
		var keep *yaml.Node
		if units[p] {
			keep = deepCopy(v)
		} else if under(units, p) {
			keep = prune(v, p, units)
		}
		if keep != nil {
			if out == nil {
				out = &yaml.Node{Kind: yaml.MappingNode}
			}
			out.Content = append(out.Content, deepCopy(k), keep)
		}
	}
	return out
}

func under(units map[string]bool, p string) bool {
	for u := range units {
		if strings.HasPrefix(u, p+".") {
			return true
		}
	}
	return false
}

func deepCopy(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = deepCopy(x)
	}
	return &c
}

// setScalar sets the number at path in the tree root, adding a missing
// last key (an optional field such as until_week).
func setScalar(root *yaml.Node, path, value string) error {
	n := root
	segs := strings.Split(path, ".")
	for si, seg := range segs {
		name, rest, _ := strings.Cut(seg, "[")
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: %s is not a mapping", path, name)
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			if si != len(segs)-1 || rest != "" {
				return fmt.Errorf("%s: no %s in the baseline", path, name)
			}
			next = &yaml.Node{Kind: yaml.ScalarNode}
			n.Content = append(n.Content, str(name), next)
		}
		n = next
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			rest = strings.TrimPrefix(after, "[")
			i, err := strconv.Atoi(idx)
			if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				return fmt.Errorf("%s: no element [%s] in the baseline", path, idx)
			}
			n = n.Content[i]
		}
	}
	*n = yaml.Node{Kind: yaml.ScalarNode, Value: value}
	return nil
}

// resolveVariant writes the variant's YAML and loads it with the strict
// loader over an in-memory file system holding only that file and the
// baseline's upload (if any), so that every message names the variant's
// line, column and field. Problems come back as an *InvalidError.
func resolveVariant(shipped fs.FS, b *baseline, v Variant, levers []Lever) (*scenario.Resolved, []byte, error) {
	changes, problems := b.changes(v)
	if len(problems) > 0 {
		return nil, nil, &InvalidError{Problems: problems}
	}
	name := variantName(v, b)
	data, err := variantYAML(b, name, changes)
	if err != nil {
		return nil, nil, err
	}
	if len(changes) == 0 && strings.TrimSpace(v.Name) == "" {
		return b.resolved, data, nil // the baseline itself
	}
	files := fstest.MapFS{variantFile: &fstest.MapFile{Data: data}}
	for k, f := range b.files {
		files[k] = f
	}
	r, err := scenario.Loader{Shipped: shipped, Files: files}.Load(variantFile)
	if err != nil {
		var se *scenario.Error
		if errors.As(err, &se) {
			return nil, data, &InvalidError{Problems: placeProblems(se.Problems, levers)}
		}
		return nil, data, err
	}
	return r, data, nil
}

// placeProblems gives each loader problem the lever it belongs beside: the
// lever at its path, else the first lever under it (a check of a whole
// phase or list), else none.
func placeProblems(ps []scenario.Problem, levers []Lever) []VariantProblem {
	out := make([]VariantProblem, len(ps))
	for i, p := range ps {
		vp := VariantProblem{Path: p.Path, Msg: p.Msg, Text: p.Error()}
		for _, l := range levers {
			if l.Path == p.Path {
				vp.Field = l.Path
				break
			}
		}
		for _, l := range levers {
			if vp.Field != "" || p.Path == "" {
				break
			}
			if strings.HasPrefix(l.Path, p.Path+".") || strings.HasPrefix(l.Path, p.Path+"[") {
				vp.Field = l.Path
			}
		}
		out[i] = vp
	}
	return out
}
