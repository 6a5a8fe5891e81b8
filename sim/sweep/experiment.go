package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// Limits on experiment files, so that no file a user writes can exhaust
// memory before anything runs.
const (
	maxFileBytes    = 1 << 20
	maxParameters   = 1000
	maxReplications = 100_000
	maxWeeks        = 2600
	// MaxRuns bounds points × replications.
	MaxRuns = 1 << 30
)

// Experiment is a parsed experiment file: which scenario to vary, how, and
// what to record. See docs/sweeps.md.
type Experiment struct {
	// File names the experiment file as the user gave it (for messages, and
	// to resolve a relative Base).
	File        string
	Name        string
	Description string
	// Base is the scenario varied: a file path relative to File, or the name
	// of a shipped scenario.
	Base string
	// Seed is the master seed of every run and of the design.
	Seed uint64
	// Replications per design point (>= 1).
	Replications int
	// Weeks overrides the scenario's horizon when > 0.
	Weeks int
	// Metrics are names from sim.Metrics() to record, in order; empty in the
	// file means every metric.
	Metrics []string
	// Design says how points are chosen.
	Design sensitivity.DesignSpec
	// Parameters are what varies, in design-coordinate order.
	Parameters []Parameter

	// at maps keys ("base", "metrics[2]", "parameters[1].path", "design")
	// to the node that set them, for problems found after parsing.
	at map[string]*yaml.Node
}

// Parameter is one varied scenario value.
type Parameter struct {
	// Path names a number of the scenario (see scenario.SetPath).
	Path string
	// Dist gives its values over the design's unit coordinates.
	Dist sensitivity.Dist
	// Scale makes the sampled value a factor on the base scenario's value
	// (on every element's own value with [*]) rather than the value itself.
	Scale bool
}

// Problem is one thing wrong with an experiment file, located like a
// scenario problem: file:line:column: field: message.
type Problem = scenario.Problem

// Error lists every problem found in an experiment file, formatted like a
// scenario's problems. It is its own type so that callers can tell an
// invalid experiment from an invalid scenario; use errors.As to get at it.
type Error struct {
	Problems []Problem
	// More counts further problems found but not listed.
	More int
}

// Error joins the problems, one per line, as scenario errors do.
func (e *Error) Error() string {
	return (&scenario.Error{Problems: e.Problems, More: e.More}).Error()
}

// problems collects the problems of one experiment file.
type problems struct {
	file string
	list []Problem
	more int
}

const maxProblems = 100

func (ps *problems) add(n *yaml.Node, path, format string, args ...any) {
	if len(ps.list) >= maxProblems {
		ps.more++
		return
	}
	p := Problem{File: ps.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	ps.list = append(ps.list, p)
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	list := slices.Clone(ps.list)
	slices.SortStableFunc(list, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return &Error{Problems: slices.Compact(list), More: ps.more}
}

// Parse reads an experiment from data, the contents of file. It checks the
// file on its own: structure, types, ranges, distributions, that each path
// names a number of the scenario schema and that metrics exist. Checks
// that need the base scenario are made by NewPlan. The error is an *Error
// listing every problem.
func Parse(file string, data []byte) (*Experiment, error) {
	ps := &problems{file: file}
	e := &Experiment{File: file, Seed: 1, at: map[string]*yaml.Node{}}
	root := parseYAML(ps, data)
	if root == nil {
		return nil, ps.err()
	}
	d := &decoder{ps: ps, at: e.at}
	d.fields(root, "", []fieldSpec{
		{name: "name", required: true, set: func(n *yaml.Node, p string) { e.Name = d.str(n, p, true) }},
		{name: "description", set: func(n *yaml.Node, p string) { e.Description = d.str(n, p, false) }},
		{name: "base", required: true, set: func(n *yaml.Node, p string) { e.Base = d.str(n, p, true) }},
		{name: "seed", set: func(n *yaml.Node, p string) { e.Seed = d.uint(n, p) }},
		{name: "replications", required: true, set: func(n *yaml.Node, p string) {
			e.Replications = d.intRange(n, p, 1, maxReplications)
		}},
		{name: "weeks", set: func(n *yaml.Node, p string) { e.Weeks = d.intRange(n, p, 1, maxWeeks) }},
		{name: "metrics", set: func(n *yaml.Node, p string) { e.Metrics = d.metrics(n, p) }},
		{name: "design", required: true, set: func(n *yaml.Node, p string) { e.Design = d.design(n, p) }},
		{name: "parameters", required: true, set: func(n *yaml.Node, p string) { e.Parameters = d.parameters(n, p) }},
	})
	if err := ps.err(); err != nil {
		return nil, err
	}
	// The design on its own (sizes, kinds); each problem at the design.
	dists := make([]sensitivity.Dist, len(e.Parameters))
	for i, p := range e.Parameters {
		dists[i] = p.Dist
	}
	if _, err := sensitivity.DesignSize(e.Design, dists); err != nil {
		for _, msg := range joinedMessages(err) {
			if strings.HasPrefix(msg, "parameter ") {
				continue // reported at the parameter by decoder.parameters
			}
			ps.add(e.at["design"], "design", "%s", msg)
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return e, nil
}

// joinedMessages splits an errors.Join error into its messages.
func joinedMessages(err error) []string {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		var msgs []string
		for _, e := range j.Unwrap() {
			msgs = append(msgs, e.Error())
		}
		return msgs
	}
	return []string{err.Error()}
}

// parseYAML parses data as one YAML document whose top level is a mapping.
func parseYAML(ps *problems, data []byte) *yaml.Node {
	if len(data) > maxFileBytes {
		ps.add(nil, "", "file is larger than %d bytes", maxFileBytes)
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		ps.add(nil, "", "file is empty")
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := decodeDoc(dec, &doc); err != nil {
		ps.add(nil, "", "not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil
	}
	var next yaml.Node
	if err := decodeDoc(dec, &next); err == nil {
		ps.add(&next, "", "file holds more than one YAML document")
		return nil
	} else if !errors.Is(err, io.EOF) {
		ps.add(nil, "", "not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		ps.add(root, "", "top level must be a mapping of experiment fields (got %s)", describe(root))
		return nil
	}
	if a := findAlias(root); a != nil {
		ps.add(a, "", "aliases (*%s) are not supported in experiment files", a.Value)
		return nil
	}
	return root
}

func decodeDoc(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

const (
	nullTag  = "!!null"
	boolTag  = "!!bool"
	strTag   = "!!str"
	intTag   = "!!int"
	floatTag = "!!float"
	mergeTag = "!!merge"
)

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		switch n.ShortTag() {
		case nullTag:
			return "null"
		case strTag:
			return strconv.Quote(v)
		}
		return v
	}
	return "nothing"
}

// decoder decodes experiment nodes strictly, recording problems.
type decoder struct {
	ps *problems
	at map[string]*yaml.Node
}

type fieldSpec struct {
	name     string
	required bool
	set      func(n *yaml.Node, path string)
}

func joinKey(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fields decodes mapping n at path: each key must be one of specs, at most
// once; required keys must be present. It returns the keys set.
func (d *decoder) fields(n *yaml.Node, path string, specs []fieldSpec) map[string]*yaml.Node {
	seen := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		d.ps.add(n, path, "must be a mapping (got %s)", describe(n))
		return seen
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() == mergeTag {
			d.ps.add(k, path, "field names must be plain strings (got %s)", describe(k))
			continue
		}
		j := slices.IndexFunc(specs, func(f fieldSpec) bool { return f.name == k.Value })
		if j < 0 {
			d.ps.add(k, path, "unknown field %q%s", k.Value, suggest(k.Value, specs))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.ps.add(k, joinKey(path, k.Value), "duplicate key (first set at line %d)", first.Line)
			continue
		}
		seen[k.Value] = k
		p := joinKey(path, k.Value)
		d.at[p] = v
		specs[j].set(v, p)
	}
	for _, f := range specs {
		if f.required && seen[f.name] == nil {
			d.ps.add(n, joinKey(path, f.name), "missing required field")
		}
	}
	return seen
}

func suggest(name string, specs []fieldSpec) string {
	names := make([]string, len(specs))
	for i, f := range specs {
		names[i] = f.name
	}
	return scenario.Suggest(name, names)
}

func (d *decoder) str(n *yaml.Node, path string, nonempty bool) string {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == nullTag {
		d.ps.add(n, path, "must be a string (got %s)", describe(n))
		return ""
	}
	if nonempty && strings.TrimSpace(n.Value) == "" {
		d.ps.add(n, path, "must not be empty")
	}
	if err := scenario.CheckText(n.Value); err != nil {
		d.ps.add(n, path, "%s", err)
	}
	return n.Value
}

func (d *decoder) uint(n *yaml.Node, path string) uint64 {
	var u uint64
	if n.Kind != yaml.ScalarNode || n.ShortTag() != intTag || n.Decode(&u) != nil {
		d.ps.add(n, path, "must be a whole number from 0 to %d (got %s)", uint64(math.MaxUint64), describe(n))
	}
	return u
}

func (d *decoder) intRange(n *yaml.Node, path string, lo, hi int) int {
	var i int64
	if n.Kind != yaml.ScalarNode || n.ShortTag() != intTag || n.Decode(&i) != nil {
		d.ps.add(n, path, "must be a whole number (got %s)", describe(n))
		return 0
	}
	if i < int64(lo) || i > int64(hi) {
		d.ps.add(n, path, "must be between %d and %d (got %d)", lo, hi, i)
		return 0
	}
	return int(i)
}

func (d *decoder) number(n *yaml.Node, path string) float64 {
	var f float64
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != intTag && tag != floatTag) || n.Decode(&f) != nil {
		d.ps.add(n, path, "must be a number (got %s)", describe(n))
		return math.NaN()
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.ps.add(n, path, "must be a finite number (got %s)", describe(n))
		return math.NaN()
	}
	if f == 0 {
		f = 0 // no negative zero
	}
	return f
}

func (d *decoder) boolean(n *yaml.Node, path string) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != boolTag || n.Decode(&b) != nil {
		d.ps.add(n, path, "must be true or false (got %s)", describe(n))
	}
	return b
}

func (d *decoder) numbers(n *yaml.Node, path string) []float64 {
	if n.Kind != yaml.SequenceNode {
		d.ps.add(n, path, "must be a list of numbers (got %s)", describe(n))
		return nil
	}
	out := make([]float64, len(n.Content))
	for i, e := range n.Content {
		out[i] = d.number(e, path+"["+strconv.Itoa(i)+"]")
	}
	return out
}

// metrics decodes the metric list: known names (sim.Metrics), each once.
func (d *decoder) metrics(n *yaml.Node, path string) []string {
	if n.Kind != yaml.SequenceNode {
		d.ps.add(n, path, "must be a list of metric names (got %s)", describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		d.ps.add(n, path, "must not be empty (leave metrics out to record every metric)")
		return nil
	}
	known := metricNames()
	seen := map[string]bool{}
	var out []string
	for i, e := range n.Content {
		p := path + "[" + strconv.Itoa(i) + "]"
		name := d.str(e, p, true)
		if name == "" {
			continue
		}
		if !slices.Contains(known, name) {
			d.ps.add(e, p, "unknown metric %q%s; metrics: %s", name, suggestName(name, known), strings.Join(known, ", "))
			continue
		}
		if seen[name] {
			d.ps.add(e, p, "metric %q is listed twice", name)
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

func suggestName(name string, known []string) string {
	specs := make([]fieldSpec, len(known))
	for i, k := range known {
		specs[i] = fieldSpec{name: k}
	}
	return suggest(name, specs)
}

func (d *decoder) design(n *yaml.Node, path string) sensitivity.DesignSpec {
	var s sensitivity.DesignSpec
	d.fields(n, path, []fieldSpec{
		{name: "kind", required: true, set: func(n *yaml.Node, p string) {
			s.Kind = d.str(n, p, true)
			if s.Kind != "" && !slices.Contains(sensitivity.DesignKinds(), s.Kind) {
				d.ps.add(n, p, "unknown design kind %q; want one of %s", s.Kind, strings.Join(sensitivity.DesignKinds(), ", "))
			}
		}},
		{name: "n", set: func(n *yaml.Node, p string) { s.N = d.intRange(n, p, 0, sensitivity.MaxPoints) }},
		{name: "levels", set: func(n *yaml.Node, p string) { s.Levels = d.intRange(n, p, 0, sensitivity.MaxPoints) }},
		{name: "trajectories", set: func(n *yaml.Node, p string) { s.Trajectories = d.intRange(n, p, 0, sensitivity.MaxPoints) }},
		{name: "second_order", set: func(n *yaml.Node, p string) { s.SecondOrder = d.boolean(n, p) }},
	})
	return s
}

// distKeys are the keys that give a parameter's distribution.
var distKeys = []string{"uniform", "loguniform", "levels", "normal"}

func (d *decoder) parameters(n *yaml.Node, path string) []Parameter {
	if n.Kind != yaml.SequenceNode {
		d.ps.add(n, path, "must be a list of parameters (got %s)", describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		d.ps.add(n, path, "must not be empty")
		return nil
	}
	if len(n.Content) > maxParameters {
		d.ps.add(n, path, "at most %d parameters (got %d)", maxParameters, len(n.Content))
		return nil
	}
	out := make([]Parameter, len(n.Content))
	firstAt := map[string]int{}
	for i, e := range n.Content {
		pp := path + "[" + strconv.Itoa(i) + "]"
		d.at[pp] = e
		prm := &out[i]
		var distNodes []*yaml.Node
		bounds := func(kind string) func(n *yaml.Node, p string) {
			return func(n *yaml.Node, p string) {
				distNodes = append(distNodes, n)
				prm.Dist.Kind = kind
				xs := d.numbers(n, p)
				if xs != nil && len(xs) != 2 {
					d.ps.add(n, p, "must be [min, max] (got %d numbers)", len(xs))
					return
				}
				if len(xs) == 2 {
					prm.Dist.Min, prm.Dist.Max = xs[0], xs[1]
				}
			}
		}
		seen := d.fields(e, pp, []fieldSpec{
			{name: "path", required: true, set: func(n *yaml.Node, p string) {
				prm.Path = d.str(n, p, true)
				if prm.Path == "" {
					return
				}
				if err := scenario.CheckPath(prm.Path); err != nil {
					var pe *scenario.PathError
					if errors.As(err, &pe) {
						d.ps.add(n, p, "%s", pe.Msg)
					} else {
						d.ps.add(n, p, "%v", err)
					}
					return
				}
				if j, dup := firstAt[prm.Path]; dup {
					d.ps.add(n, p, "path %s is also varied by parameters[%d]", prm.Path, j)
					return
				}
				firstAt[prm.Path] = i
			}},
			{name: "uniform", set: bounds(sensitivity.KindUniform)},
			{name: "loguniform", set: bounds(sensitivity.KindLogUniform)},
			{name: "levels", set: func(n *yaml.Node, p string) {
				distNodes = append(distNodes, n)
				prm.Dist.Kind = sensitivity.KindLevels
				prm.Dist.Levels = d.numbers(n, p)
				if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
					d.ps.add(n, p, "must not be empty")
				}
			}},
			{name: "normal", set: func(n *yaml.Node, p string) {
				distNodes = append(distNodes, n)
				prm.Dist.Kind = sensitivity.KindNormal
				d.fields(n, p, []fieldSpec{
					{name: "mean", required: true, set: func(n *yaml.Node, p string) { prm.Dist.Mean = d.number(n, p) }},
					{name: "sd", required: true, set: func(n *yaml.Node, p string) { prm.Dist.SD = d.number(n, p) }},
					{name: "min", required: true, set: func(n *yaml.Node, p string) { prm.Dist.Min = d.number(n, p) }},
					{name: "max", required: true, set: func(n *yaml.Node, p string) { prm.Dist.Max = d.number(n, p) }},
				})
			}},
			{name: "scale", set: func(n *yaml.Node, p string) { prm.Scale = d.boolean(n, p) }},
		})
		if e.Kind != yaml.MappingNode {
			continue
		}
		switch len(distNodes) {
		case 0:
			d.ps.add(e, pp, "needs a distribution: one of %s", strings.Join(distKeys, ", "))
			continue
		case 1:
		default:
			var keys []string
			for _, k := range distKeys {
				if seen[k] != nil {
					keys = append(keys, k)
				}
			}
			d.ps.add(seen[keys[1]], pp, "has more than one distribution (%s): give exactly one", strings.Join(keys, ", "))
			continue
		}
		if hasNaN(prm.Dist) {
			continue // already reported
		}
		if err := prm.Dist.Validate(); err != nil {
			for _, msg := range joinedMessages(err) {
				d.ps.add(distNodes[0], joinKey(pp, prm.Dist.Kind), "%s", strings.TrimPrefix(msg, prm.Dist.Kind+": "))
			}
		}
	}
	return out
}

func hasNaN(d sensitivity.Dist) bool {
	return math.IsNaN(d.Min) || math.IsNaN(d.Max) || math.IsNaN(d.Mean) || math.IsNaN(d.SD) ||
		slices.ContainsFunc(d.Levels, math.IsNaN)
}
