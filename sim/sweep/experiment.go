package sweep

import (
	"errors"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sensitivity"
	"github.com/sibsim/sibsim/sim/strictyaml"
)

// Limits on experiment files, so that no file a user writes can exhaust
// memory before anything runs.
const (
	maxFileBytes    = 1 << 20
	maxParameters   = 1000
	maxReplications = results.MaxReplications // what run's readers accept
	maxWeeks        = scenario.MaxWeeks       // the scenario schema's horizon limit
	maxPolicies     = 100
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
	// of a shipped scenario. Empty when Policies is set.
	Base string
	// Policies, when set instead of Base, are the scenarios (references
	// like Base) each crossed with the design: every point and replication
	// runs under every policy. See PolicyLabel for their names.
	Policies []string
	// Seed is the master seed of every run and of the design.
	Seed uint64
	// Replications per design point (>= 1).
	Replications int
	// Weeks overrides the scenario's horizon when > 0.
	Weeks int
	// Metrics are names from sim.Metrics() to record, in order; empty in the
	// file means every metric.
	Metrics []string
	// Series are names from sim.WeeklyColumns() recorded week by week for
	// every run, in order; empty for none.
	Series []string
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
type Problem = strictyaml.Problem

// Error lists every problem found in an experiment file, formatted like a
// scenario's problems and sorted by position. It is its own type so that
// callers can tell an invalid experiment from an invalid scenario; use
// errors.As to get at it.
type Error struct {
	Problems []Problem
	// More counts further problems found but not listed.
	More int
}

// Error joins the problems, one per line, as scenario errors do.
func (e *Error) Error() string { return (*strictyaml.Error)(e).Error() }

// newError sorts ps by position (keeping the order they were found in at
// one position) and wraps them in an *Error, or returns nil when there are
// none.
func newError(ps []Problem, more int) error {
	if len(ps) == 0 {
		return nil
	}
	return &Error{Problems: strictyaml.Sort(ps, strictyaml.ByPosition), More: more}
}

const maxProblems = 100

// Parse reads an experiment from data, the contents of file. It checks the
// file on its own: structure, types, ranges, distributions, that each path
// names a number of the scenario schema and that metrics exist. Checks
// that need the base scenario are made by NewPlan. The error is an *Error
// listing every problem.
func Parse(file string, data []byte) (*Experiment, error) {
	t := strictyaml.NewTree(strictyaml.Options{
		Kind:        "experiment",
		MaxBytes:    maxFileBytes,
		MaxProblems: maxProblems,
		Order:       strictyaml.ByPosition,
	})
	d := &decoder{Decoder: strictyaml.NewDecoder(t), t: t, file: file}
	e := &Experiment{File: file, Seed: 1, at: d.Nodes}
	root := t.Parse(file, data)
	if root == nil {
		return nil, d.err()
	}
	d.fields(root, "", []fieldSpec{
		{name: "name", required: true, set: func(n *yaml.Node, p string) {
			if e.Name = d.str(n, p, true); e.Name != "" {
				if err := scenario.CheckName(e.Name); err != nil {
					d.add(n, p, "%s", err)
				}
			}
		}},
		{name: "description", set: func(n *yaml.Node, p string) { e.Description = d.str(n, p, false) }},
		{name: "base", set: func(n *yaml.Node, p string) { e.Base = d.str(n, p, true) }},
		{name: "policies", also: []string{"scenarios"}, set: func(n *yaml.Node, p string) { e.Policies = d.policies(n, p) }},
		{name: "seed", set: func(n *yaml.Node, p string) { e.Seed = d.uint(n, p) }},
		{name: "replications", required: true, set: func(n *yaml.Node, p string) {
			e.Replications = d.intRange(n, p, 1, maxReplications)
		}},
		{name: "weeks", set: func(n *yaml.Node, p string) { e.Weeks = d.intRange(n, p, 1, maxWeeks) }},
		{name: "metrics", set: func(n *yaml.Node, p string) { e.Metrics = d.metrics(n, p) }},
		{name: "series", set: func(n *yaml.Node, p string) { e.Series = d.series(n, p) }},
		{name: "design", required: true, set: func(n *yaml.Node, p string) { e.Design = d.design(n, p) }},
		{name: "parameters", required: true, set: func(n *yaml.Node, p string) { e.Parameters = d.parameters(n, p) }},
	})
	_, hasBase := e.at["base"]
	_, hasPolicies := e.at["policies"]
	switch {
	case hasBase && hasPolicies:
		d.add(e.at["policies"], "policies", "give base (one scenario) or policies (several), not both")
	case !hasBase && !hasPolicies && root.Kind == yaml.MappingNode:
		d.add(root, "base", "missing required field (or give policies: several scenarios, each crossed with the design)")
	}
	if err := d.err(); err != nil {
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
			d.add(e.at["design"], "design", "%s", msg)
		}
	}
	if err := d.err(); err != nil {
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

// decoder decodes the nodes of one experiment file strictly, recording
// problems in its tree.
type decoder struct {
	*strictyaml.Decoder
	t    *strictyaml.Tree
	file string
}

// add records a problem at node n (nil for none) and path.
func (d *decoder) add(n *yaml.Node, path, format string, args ...any) {
	d.t.Problem(d.file, n, path, format, args...)
}

// err returns the problems recorded as an *Error, or nil.
func (d *decoder) err() error {
	ps, more := d.t.Problems()
	return newError(ps, more)
}

type fieldSpec struct {
	name     string
	required bool
	also     []string // see strictyaml.Field.Also
	set      func(n *yaml.Node, path string)
}

// fields decodes mapping n at path: each key must be one of specs;
// required keys must be present. It returns the key node of each field
// set, by name.
func (d *decoder) fields(n *yaml.Node, path string, specs []fieldSpec) map[string]*yaml.Node {
	fs := make([]strictyaml.Field, len(specs))
	for i, s := range specs {
		fs[i] = strictyaml.Field{Name: s.name, Required: s.required, Also: s.also}
	}
	keys := d.Fields(n, path, fs, func(i int, v *yaml.Node, p string) { specs[i].set(v, p) })
	seen := map[string]*yaml.Node{}
	for i, k := range keys {
		if k != nil {
			seen[specs[i].name] = k
		}
	}
	return seen
}

func (d *decoder) str(n *yaml.Node, path string, nonempty bool) string {
	s, err := strictyaml.String(n)
	if err != nil {
		d.ValueProblem(n, path, "a string", err)
		return ""
	}
	if nonempty && strings.TrimSpace(s) == "" {
		d.add(n, path, "must not be empty")
	}
	if err := scenario.CheckText(s); err != nil {
		d.add(n, path, "%s", err)
	}
	return s
}

func (d *decoder) uint(n *yaml.Node, path string) uint64 {
	u, err := strictyaml.Uint(n)
	if err != nil {
		d.ValueProblem(n, path, "a whole number from 0 to "+strconv.FormatUint(math.MaxUint64, 10), err)
	}
	return u
}

func (d *decoder) intRange(n *yaml.Node, path string, lo, hi int) int {
	i, err := strictyaml.Int(n)
	if err != nil {
		d.ValueProblem(n, path, "a whole number", err)
		return 0
	}
	if i < int64(lo) || i > int64(hi) {
		d.add(n, path, "must be between %d and %d (got %d)", lo, hi, i)
		return 0
	}
	return int(i)
}

func (d *decoder) number(n *yaml.Node, path string) float64 {
	f, err := strictyaml.Float(n)
	if err != nil {
		d.ValueProblem(n, path, "a number", err)
		return math.NaN()
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.add(n, path, "must be a finite number (got %s)", strictyaml.Describe(n))
		return math.NaN()
	}
	return f
}

func (d *decoder) boolean(n *yaml.Node, path string) bool {
	b, err := strictyaml.Bool(n)
	if err != nil {
		d.ValueProblem(n, path, "true or false", err)
	}
	return b
}

func (d *decoder) numbers(n *yaml.Node, path string) []float64 {
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, "must be a list of numbers (got %s)", strictyaml.Describe(n))
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
		d.add(n, path, "must be a list of metric names (got %s)", strictyaml.Describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		d.add(n, path, "must not be empty (leave metrics out to record every metric)")
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
			d.add(e, p, "unknown metric %q%s; metrics: %s", name, strictyaml.Suggest(name, known), strings.Join(known, ", "))
			continue
		}
		if seen[name] {
			d.add(e, p, "metric %q is listed twice", name)
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

// series decodes the list of weekly series: known names
// (sim.WeeklyColumns), each once.
func (d *decoder) series(n *yaml.Node, path string) []string {
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, "must be a list of weekly series names (got %s)", strictyaml.Describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		d.add(n, path, "must not be empty (leave series out to record none)")
		return nil
	}
	known := seriesNames()
	seen := map[string]bool{}
	var out []string
	for i, e := range n.Content {
		p := path + "[" + strconv.Itoa(i) + "]"
		name := d.str(e, p, true)
		switch {
		case name == "":
		case !slices.Contains(known, name):
			d.add(e, p, "unknown weekly series %q%s; series: %s", name, strictyaml.Suggest(name, known), strings.Join(known, ", "))
		case seen[name]:
			d.add(e, p, "series %q is listed twice", name)
		default:
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

func (d *decoder) design(n *yaml.Node, path string) sensitivity.DesignSpec {
	var s sensitivity.DesignSpec
	d.fields(n, path, []fieldSpec{
		{name: "kind", required: true, set: func(n *yaml.Node, p string) {
			s.Kind = d.str(n, p, true)
			if s.Kind != "" && !slices.Contains(sensitivity.DesignKinds(), s.Kind) {
				d.add(n, p, "unknown design kind %q; want one of %s", s.Kind, strings.Join(sensitivity.DesignKinds(), ", "))
			}
		}},
		{name: "n", also: []string{"samples", "points", "size"}, set: func(n *yaml.Node, p string) { s.N = d.intRange(n, p, 0, sensitivity.MaxPoints) }},
		{name: "levels", set: func(n *yaml.Node, p string) { s.Levels = d.intRange(n, p, 0, sensitivity.MaxPoints) }},
		{name: "trajectories", set: func(n *yaml.Node, p string) { s.Trajectories = d.intRange(n, p, 0, sensitivity.MaxPoints) }},
		{name: "second_order", set: func(n *yaml.Node, p string) { s.SecondOrder = d.boolean(n, p) }},
	})
	return s
}

// policyLabel matches the names of policies: they head the scenario
// column of runs.csv and name files and figures.
var policyLabel = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)

// PolicyLabel returns the name of the policy whose scenario reference is
// ref: a shipped scenario's name, or a file's name without its directory
// and .yaml or .yml extension ("../x/my-sib.yaml" is "my-sib"). The name
// heads the policy's rows in the scenario column of the outputs.
func PolicyLabel(ref string) string {
	base := ref
	if i := strings.LastIndexAny(base, "/"+string(os.PathSeparator)); i >= 0 {
		base = base[i+1:]
	}
	lower := strings.ToLower(base)
	for _, ext := range []string{".yaml", ".yml"} {
		if strings.HasSuffix(lower, ext) {
			return base[:len(base)-len(ext)]
		}
	}
	return base
}

// policies decodes the list of policies: scenario references whose names
// (PolicyLabel) are distinct and hold only letters, digits, '.', '_', '+'
// and '-'.
func (d *decoder) policies(n *yaml.Node, path string) []string {
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, "must be a list of scenarios: shipped names or file paths (got %s)", strictyaml.Describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		d.add(n, path, "must not be empty")
		return nil
	}
	if len(n.Content) > maxPolicies {
		d.add(n, path, "at most %d policies (got %d)", maxPolicies, len(n.Content))
		return nil
	}
	firstAt := map[string]int{}
	var out []string
	for i, e := range n.Content {
		p := path + "[" + strconv.Itoa(i) + "]"
		d.Nodes[p] = e
		ref := d.str(e, p, true)
		if strings.TrimSpace(ref) == "" {
			continue
		}
		label := PolicyLabel(ref)
		if !policyLabel.MatchString(label) {
			d.add(e, p, "policy name %q (from %s) may hold only letters, digits, '.', '_', '+' and '-', and must start with a letter or digit", label, ref)
			continue
		}
		if j, dup := firstAt[label]; dup {
			d.add(e, p, "policy name %q is also the name of policies[%d]; policies are named by their file or shipped name, which must differ", label, j)
			continue
		}
		firstAt[label] = i
		out = append(out, ref)
	}
	return out
}

// distKeys are the keys that give a parameter's distribution.
var distKeys = []string{"uniform", "loguniform", "levels", "normal"}

func (d *decoder) parameters(n *yaml.Node, path string) []Parameter {
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, "must be a list of parameters (got %s)", strictyaml.Describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		d.add(n, path, "must not be empty")
		return nil
	}
	if len(n.Content) > maxParameters {
		d.add(n, path, "at most %d parameters (got %d)", maxParameters, len(n.Content))
		return nil
	}
	out := make([]Parameter, len(n.Content))
	firstAt := map[string]int{}
	for i, e := range n.Content {
		pp := path + "[" + strconv.Itoa(i) + "]"
		d.Nodes[pp] = e
		prm := &out[i]
		var distNodes []*yaml.Node
		bounds := func(kind string) func(n *yaml.Node, p string) {
			return func(n *yaml.Node, p string) {
				distNodes = append(distNodes, n)
				prm.Dist.Kind = kind
				xs := d.numbers(n, p)
				if xs != nil && len(xs) != 2 {
					d.add(n, p, "must be [min, max] (got %d numbers)", len(xs))
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
						d.add(n, p, "%s", pe.Msg)
					} else {
						d.add(n, p, "%v", err)
					}
					return
				}
				if j, dup := firstAt[prm.Path]; dup {
					d.add(n, p, "path %s is also varied by parameters[%d]", prm.Path, j)
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
					d.add(n, p, "must not be empty")
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
			d.add(e, pp, "needs a distribution: one of %s", strings.Join(distKeys, ", "))
			continue
		case 1:
		default:
			var keys []string
			for _, k := range distKeys {
				if seen[k] != nil {
					keys = append(keys, k)
				}
			}
			d.add(seen[keys[1]], pp, "has more than one distribution (%s): give exactly one", strings.Join(keys, ", "))
			continue
		}
		if hasNaN(prm.Dist) {
			continue // already reported
		}
		if err := prm.Dist.Validate(); err != nil {
			for _, msg := range joinedMessages(err) {
				d.add(distNodes[0], strictyaml.JoinPath(pp, prm.Dist.Kind), "%s", strings.TrimPrefix(msg, prm.Dist.Kind+": "))
			}
		}
	}
	return out
}

func hasNaN(d sensitivity.Dist) bool {
	return math.IsNaN(d.Min) || math.IsNaN(d.Max) || math.IsNaN(d.Mean) || math.IsNaN(d.SD) ||
		slices.ContainsFunc(d.Levels, math.IsNaN)
}
