package calibration

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/strictyaml"
	"github.com/sibsim/sibsim/sim/sweep"
)

// Methods.
const (
	MethodSMC       = "smc"
	MethodRejection = "rejection"
)

// Limits on targets files.
const (
	maxFileBytes = 1 << 20
	maxTargets   = 1000
	maxProblems  = 100
	maxWeeks     = scenario.MaxWeeks
	// MaxBudget bounds the number of simulations of one calibration.
	MaxBudget = 100_000_000
)

// File is a parsed targets file: the base scenario, the parameters to
// calibrate with their priors, the observed targets and the sampler's
// settings. See docs/calibration.md.
type File struct {
	// File names the targets file as the user gave it.
	File        string
	Name        string
	Description string
	// Base is the scenario calibrated: a file path relative to File, or
	// the name of a shipped scenario.
	Base string
	// Seed is the master seed of proposals and simulations.
	Seed uint64
	// Weeks overrides the base scenario's horizon when > 0.
	Weeks int
	// Method is MethodSMC or MethodRejection.
	Method string
	// Particles is the posterior sample size: the SMC population, or the
	// draws rejection keeps.
	Particles int
	// Alpha is the share of particles SMC keeps each generation.
	Alpha float64
	// MinAcceptRate, MinEpsilonDrop, Epsilon and MaxGenerations are SMC's
	// stopping rules (calibrate.Config).
	MinAcceptRate, MinEpsilonDrop, Epsilon float64
	MaxGenerations                         int
	// Budget caps the simulations, the predictive check's included.
	Budget int
	// CheckDraws is the number of posterior predictive simulations.
	CheckDraws int
	// Parameters are calibrated, each with its prior (the Dist), as in an
	// experiment file.
	Parameters []sweep.Parameter
	// Targets are the observed figures, each named by its metric.
	Targets []calibrate.Target

	at map[string]*yaml.Node
}

// Error lists every problem found in a targets file, located like a
// scenario's problems. Use errors.As to tell it from a scenario's.
type Error struct {
	Problems []strictyaml.Problem
	More     int
}

func (e *Error) Error() string { return (*strictyaml.Error)(e).Error() }

// Defaults of optional fields.
const (
	defaultParticles      = 200
	defaultAlpha          = 0.5
	defaultMinAcceptRate  = 0.05
	defaultMaxGenerations = 30
	defaultBudget         = 20_000
	defaultCheckDraws     = 100
)

// Parse reads a targets file from data, the contents of file, strictly:
// unknown fields, wrong types, out-of-range numbers, unknown metrics,
// parameter paths that are not numbers of the scenario schema and invalid
// priors are all problems. Checks that need the base scenario are made by
// New. The error is an *Error listing every problem.
func Parse(file string, data []byte) (*File, error) {
	t := strictyaml.NewTree(strictyaml.Options{
		Kind: "targets", MaxBytes: maxFileBytes, MaxProblems: maxProblems, Order: strictyaml.ByPosition,
	})
	d := strictyaml.NewDecoder(t)
	f := &File{
		File: file, Seed: 1, Method: MethodSMC, Particles: defaultParticles, Alpha: defaultAlpha,
		MinAcceptRate: defaultMinAcceptRate, MaxGenerations: defaultMaxGenerations,
		Budget: defaultBudget, CheckDraws: defaultCheckDraws, at: d.Nodes,
	}
	root := t.Parse(file, data)
	if root == nil {
		return nil, treeErr(t)
	}
	p := &parser{d: d, t: t, file: file}
	fields := []struct {
		name     string
		required bool
		set      func(n *yaml.Node, path string)
	}{
		{"name", true, func(n *yaml.Node, q string) {
			if f.Name = p.str(n, q); f.Name != "" {
				if err := scenario.CheckName(f.Name); err != nil {
					p.add(n, q, "%s", err)
				}
			}
		}},
		{"description", false, func(n *yaml.Node, q string) { f.Description = p.str(n, q) }},
		{"base", true, func(n *yaml.Node, q string) { f.Base = p.str(n, q) }},
		{"seed", false, func(n *yaml.Node, q string) { f.Seed = p.uint(n, q) }},
		{"weeks", false, func(n *yaml.Node, q string) { f.Weeks = p.intRange(n, q, 1, maxWeeks) }},
		{"method", false, func(n *yaml.Node, q string) {
			f.Method = p.str(n, q)
			if f.Method != "" && f.Method != MethodSMC && f.Method != MethodRejection {
				p.add(n, q, "unknown method %q; want %s or %s", f.Method, MethodSMC, MethodRejection)
			}
		}},
		{"particles", false, func(n *yaml.Node, q string) { f.Particles = p.intRange(n, q, 4, 1_000_000) }},
		{"alpha", false, func(n *yaml.Node, q string) { f.Alpha = p.open01(n, q) }},
		{"min_accept_rate", false, func(n *yaml.Node, q string) { f.MinAcceptRate = p.halfOpen01(n, q) }},
		{"min_epsilon_drop", false, func(n *yaml.Node, q string) { f.MinEpsilonDrop = p.halfOpen01(n, q) }},
		{"epsilon", false, func(n *yaml.Node, q string) {
			if f.Epsilon = p.number(n, q); f.Epsilon < 0 {
				p.add(n, q, "must be >= 0 (got %v)", f.Epsilon)
			}
		}},
		{"max_generations", false, func(n *yaml.Node, q string) { f.MaxGenerations = p.intRange(n, q, 1, 10_000) }},
		{"budget", false, func(n *yaml.Node, q string) { f.Budget = p.intRange(n, q, 1, MaxBudget) }},
		{"check_draws", false, func(n *yaml.Node, q string) { f.CheckDraws = p.intRange(n, q, 1, 1_000_000) }},
		{"parameters", true, func(n *yaml.Node, q string) { f.Parameters = sweep.DecodeParameters(t, d, file, n, q) }},
		{"targets", true, func(n *yaml.Node, q string) { f.Targets = p.targets(n, q) }},
	}
	specs := make([]strictyaml.Field, len(fields))
	for i, s := range fields {
		specs[i] = strictyaml.Field{Name: s.name, Required: s.required}
	}
	d.Fields(root, "", specs, func(i int, v *yaml.Node, q string) { fields[i].set(v, q) })
	if err := treeErr(t); err != nil {
		return nil, err
	}
	if f.Method == MethodRejection && f.Particles > f.Budget-f.CheckDraws {
		t.Problem(file, f.at["particles"], "particles", "rejection keeps %d of budget - check_draws = %d draws; want fewer", f.Particles, f.Budget-f.CheckDraws)
	}
	if f.Budget <= f.CheckDraws {
		t.Problem(file, f.at["budget"], "budget", "must be more than check_draws (%d) (got %d)", f.CheckDraws, f.Budget)
	}
	return f, treeErr(t)
}

func treeErr(t *strictyaml.Tree) error {
	ps, more := t.Problems()
	if len(ps) == 0 {
		return nil
	}
	return &Error{Problems: ps, More: more}
}

// problem locates a problem at key of the targets file.
func (f *File) problem(key, format string, args ...any) strictyaml.Problem {
	p := strictyaml.Problem{File: f.File, Path: key, Msg: fmt.Sprintf(format, args...)}
	if n := f.at[key]; n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	return p
}

type parser struct {
	d    *strictyaml.Decoder
	t    *strictyaml.Tree
	file string
}

func (p *parser) add(n *yaml.Node, path, format string, args ...any) {
	p.t.Problem(p.file, n, path, format, args...)
}

func (p *parser) str(n *yaml.Node, path string) string {
	s, err := strictyaml.String(n)
	if err != nil {
		p.d.ValueProblem(n, path, "a string", err)
		return ""
	}
	if strings.TrimSpace(s) == "" {
		p.add(n, path, "must not be empty")
	}
	if err := scenario.CheckText(s); err != nil {
		p.add(n, path, "%s", err)
	}
	return s
}

func (p *parser) uint(n *yaml.Node, path string) uint64 {
	u, err := strictyaml.Uint(n)
	if err != nil {
		p.d.ValueProblem(n, path, "a whole number from 0 to "+strconv.FormatUint(math.MaxUint64, 10), err)
	}
	return u
}

func (p *parser) intRange(n *yaml.Node, path string, lo, hi int) int {
	i, err := strictyaml.Int(n)
	if err != nil {
		p.d.ValueProblem(n, path, "a whole number", err)
		return lo
	}
	if i < int64(lo) || i > int64(hi) {
		p.add(n, path, "must be between %d and %d (got %d)", lo, hi, i)
		return lo
	}
	return int(i)
}

func (p *parser) number(n *yaml.Node, path string) float64 {
	x, err := strictyaml.Float(n)
	if err != nil {
		p.d.ValueProblem(n, path, "a number", err)
		return 0
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		p.add(n, path, "must be a finite number (got %s)", strictyaml.Describe(n))
		return 0
	}
	return x
}

func (p *parser) open01(n *yaml.Node, path string) float64 {
	x := p.number(n, path)
	if !(x > 0 && x < 1) {
		p.add(n, path, "must be between 0 and 1, both excluded (got %v)", x)
		return defaultAlpha
	}
	return x
}

func (p *parser) halfOpen01(n *yaml.Node, path string) float64 {
	x := p.number(n, path)
	if !(x >= 0 && x < 1) {
		p.add(n, path, "must be >= 0 and < 1 (got %v)", x)
		return 0
	}
	return x
}

// targets decodes the targets list.
func (p *parser) targets(n *yaml.Node, path string) []calibrate.Target {
	if n.Kind != yaml.SequenceNode {
		p.add(n, path, "must be a list of targets (got %s)", strictyaml.Describe(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.add(n, path, "must not be empty")
		return nil
	}
	if len(n.Content) > maxTargets {
		p.add(n, path, "at most %d targets (got %d)", maxTargets, len(n.Content))
		return nil
	}
	known := metricNames()
	first := map[string]int{}
	var out []calibrate.Target
	for i, e := range n.Content {
		tp := path + "[" + strconv.Itoa(i) + "]"
		t := calibrate.Target{Weight: 1}
		var observed, tolerance, rng *yaml.Node
		keys := p.d.Fields(e, tp, []strictyaml.Field{
			{Name: "metric", Required: true}, {Name: "observed"}, {Name: "tolerance"}, {Name: "range"}, {Name: "weight"},
		}, func(j int, v *yaml.Node, q string) {
			switch j {
			case 0:
				t.Name = p.str(v, q)
				if t.Name == "" {
					return
				}
				if !slices.Contains(known, t.Name) {
					p.add(v, q, "unknown metric %q%s; metrics: %s", t.Name, strictyaml.Suggest(t.Name, known), strings.Join(known, ", "))
					t.Name = ""
				} else if k, dup := first[t.Name]; dup {
					p.add(v, q, "metric %q is also the target of targets[%d]", t.Name, k)
				} else {
					first[t.Name] = i
				}
			case 1:
				observed = v
				t.Observed = p.number(v, q)
			case 2:
				tolerance = v
				if t.Tolerance = p.number(v, q); t.Tolerance <= 0 {
					p.add(v, q, "must be > 0 (got %v)", t.Tolerance)
				}
			case 3:
				rng = v
				t.Range = true
				if v.Kind != yaml.SequenceNode || len(v.Content) != 2 {
					p.add(v, q, "must be [min, max] (got %s)", strictyaml.Describe(v))
					return
				}
				t.Min, t.Max = p.number(v.Content[0], q+"[0]"), p.number(v.Content[1], q+"[1]")
				if !(t.Min < t.Max) {
					p.add(v, q, "max must be > min (got [%v, %v])", t.Min, t.Max)
				}
			case 4:
				if t.Weight = p.number(v, q); t.Weight <= 0 {
					p.add(v, q, "must be > 0 (got %v)", t.Weight)
				}
			}
		})
		if e.Kind != yaml.MappingNode {
			continue
		}
		switch {
		case rng != nil && (observed != nil || tolerance != nil):
			p.add(keys[3], tp, "give observed and tolerance, or range, not both")
		case rng == nil && observed == nil && tolerance == nil:
			p.add(e, tp, "needs observed and tolerance, or range")
		case rng == nil && observed == nil:
			p.add(e, tp+".observed", "missing: a tolerance needs an observed value")
		case rng == nil && tolerance == nil:
			p.add(e, tp+".tolerance", "missing: an observed value needs a tolerance (the deviation that counts as one unit of distance)")
		}
		out = append(out, t)
	}
	return out
}

func metricNames() []string {
	var out []string
	for _, m := range sim.Metrics() {
		out = append(out, m.Name)
	}
	return out
}

// Loader resolves targets-file references as sweep.Loader does experiment
// references: a file path (it contains a path separator or ends in .yaml
// or .yml) read with ReadFile, or the name of a shipped targets file read
// as NAME.yaml from Shipped. The base scenario is loaded with Scenarios,
// a relative base path taken relative to the targets file's directory.
type Loader struct {
	Scenarios scenario.Loader
	Shipped   fs.FS
	ReadFile  func(name string) ([]byte, error)
}

// ShippedDir is the folder shipped targets files are shown in.
const ShippedDir = "scenarios/calibration"

// Names lists the shipped targets files, sorted.
func (l Loader) Names() []string { return scenario.YAMLNames(l.Shipped) }

// BaseError is a base scenario that failed to load; Err is the scenario
// loader's error.
type BaseError struct {
	Targets, Base string
	Err           error
}

func (e *BaseError) Error() string {
	return fmt.Sprintf("%s: base scenario %s: %v", e.Targets, e.Base, e.Err)
}
func (e *BaseError) Unwrap() error { return e.Err }

// Load reads, parses and resolves the targets file ref (see Parse and
// New). A missing file or unknown shipped name gives an error matching
// fs.ErrNotExist; problems in the file an *Error; a base scenario that
// does not load a *BaseError.
func (l Loader) Load(ref string) (*Calibration, error) {
	shipped := !scenario.IsFileRef(ref)
	file, data, err := sweep.ReadRef(ref, l.Shipped, ShippedDir, l.ReadFile, sweep.RefKind{Shipped: "targets file", File: "targets file"})
	var re *sweep.ReadError
	if errors.As(err, &re) {
		return nil, &Error{Problems: []strictyaml.Problem{re.Problem()}}
	}
	if err != nil {
		return nil, err
	}
	f, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	if shipped && scenario.IsFileRef(f.Base) {
		return nil, &Error{Problems: []strictyaml.Problem{f.problem("base", "a shipped targets file can only name a shipped scenario (got %q)", f.Base)}}
	}
	base := scenario.RelativeRef(file, f.Base)
	r, err := l.Scenarios.Load(base)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{Problems: []strictyaml.Problem{f.problem("base", "%v", err)}}
		}
		return nil, &BaseError{Targets: file, Base: base, Err: err}
	}
	c, err := New(f, r)
	if err != nil {
		return nil, err
	}
	c.BaseRef = base
	return c, nil
}
