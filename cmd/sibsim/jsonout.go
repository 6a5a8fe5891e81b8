package main

import (
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sweep"
)

// The machine-readable results of --json. Each command prints one JSON
// object on stdout, with its keys in the order of these structs (stable),
// a "command" naming the command and "format" (jsonFormat, raised only
// for a change that breaks readers). Undefined numbers (NaN, the NA of the
// CSV files) are null. docs/cli.md documents every shape.

const jsonFormat = 1

// outputFlags are the output flags of run, compare, validate and analyze.
type outputFlags struct {
	// json prints a JSON object on stdout instead of the tables.
	json bool
	// quiet drops the tables (and validate's "ok" lines).
	quiet bool
}

func addOutputFlags(f *pflag.FlagSet, o *outputFlags) {
	f.BoolVar(&o.json, "json", false, "print a machine-readable JSON result on stdout instead of the table")
	f.BoolVar(&o.quiet, "quiet", false, "print no table on stdout (errors still go to stderr)")
}

// text reports whether the human-readable output is wanted.
func (o outputFlags) text() bool { return !o.json && !o.quiet }

// num is a float64 that encodes NaN and infinities as null.
type num float64

func (x num) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	if f == 0 {
		f = 0 // no negative zero
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// optional returns &s, or nil for "" (null in JSON).
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type jsonMetric struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
	Mean num    `json:"mean"`
	SD   num    `json:"sd"`
	Lo95 num    `json:"lo95"`
	Hi95 num    `json:"hi95"`
	N    int    `json:"n"`
}

type jsonRun struct {
	Command        string       `json:"command"`
	Format         int          `json:"format"`
	Scenario       string       `json:"scenario"`
	Ref            string       `json:"ref"`
	ScenarioSHA256 string       `json:"scenario_sha256"`
	Seed           uint64       `json:"seed"`
	Replications   int          `json:"replications"`
	Weeks          int          `json:"weeks"`
	Out            *string      `json:"out"`
	Metrics        []jsonMetric `json:"metrics"`
}

func runJSON(opts *runOptions, res *scenario.Resolved, weeks int, rows []results.Row) jsonRun {
	j := jsonRun{Command: "run", Format: jsonFormat, Scenario: res.Scenario.Name, Ref: opts.scenario,
		ScenarioSHA256: res.Hash, Seed: opts.seed, Replications: opts.replications, Weeks: weeks,
		Out: optional(opts.out), Metrics: []jsonMetric{}}
	for _, r := range rows {
		j.Metrics = append(j.Metrics, jsonMetric{Name: r.Metric, Unit: r.Unit, Mean: num(r.Mean), SD: num(r.SD),
			Lo95: num(r.Lo95), Hi95: num(r.Hi95), N: r.N})
	}
	return j
}

type jsonEqualCost struct {
	Rule     string   `json:"rule"`
	Paths    []string `json:"paths"`
	Factor   num      `json:"factor"`
	Metric   string   `json:"metric"`
	Target   num      `json:"target"`
	Unscaled num      `json:"unscaled"`
	Achieved num      `json:"achieved"`
	Gap      num      `json:"gap"`
	Runs     int      `json:"runs"`
}

type jsonCompared struct {
	Name           string         `json:"name"`
	Ref            string         `json:"ref"`
	ScenarioSHA256 string         `json:"scenario_sha256"`
	Weeks          int            `json:"weeks"`
	PaymentsScaled string         `json:"payments_scaled"`
	PaymentScale   num            `json:"payment_scale"`
	EqualCost      *jsonEqualCost `json:"equal_cost"`
}

type jsonStat struct {
	Scenario     string `json:"scenario"`
	Mean         num    `json:"mean"`
	Lo95         num    `json:"lo95"`
	Hi95         num    `json:"hi95"`
	N            int    `json:"n"`
	Diff         num    `json:"diff"`
	DiffLo95     num    `json:"diff_lo95"`
	DiffHi95     num    `json:"diff_hi95"`
	NPaired      int    `json:"n_paired"`
	ExcludesZero bool   `json:"excludes_zero"`
}

type jsonCompareMetric struct {
	Name      string     `json:"name"`
	Unit      string     `json:"unit"`
	Key       bool       `json:"key"`
	Scenarios []jsonStat `json:"scenarios"`
}

type jsonCompare struct {
	Command      string              `json:"command"`
	Format       int                 `json:"format"`
	Seed         uint64              `json:"seed"`
	Replications int                 `json:"replications"`
	Reference    string              `json:"reference"`
	Scenarios    []jsonCompared      `json:"scenarios"`
	Out          *string             `json:"out"`
	Metrics      []jsonCompareMetric `json:"metrics"`
}

func compareJSON(scs []*compared, opts *compareOptions, c *compare.Comparison) jsonCompare {
	j := jsonCompare{Command: "compare", Format: jsonFormat, Seed: opts.seed, Replications: opts.replications,
		Reference: c.Scenarios[0], Out: optional(opts.out)}
	for i, sc := range scs {
		scale := c.Scale(i)
		jc := jsonCompared{Name: sc.res.Scenario.Name, Ref: sc.ref, ScenarioSHA256: sc.res.Hash, Weeks: sc.weeks,
			PaymentsScaled: compare.NotScaled, PaymentScale: num(scale.Factor)}
		if scale.Rescaled() {
			jc.PaymentsScaled = scale.Rule
		}
		if r := sc.rescaled; r != nil {
			jc.EqualCost = &jsonEqualCost{Rule: r.Rule, Paths: r.Paths, Factor: num(r.Factor), Metric: r.Metric,
				Target: num(r.Target), Unscaled: num(r.Unscaled), Achieved: num(r.Achieved), Gap: num(r.Gap), Runs: r.Runs}
		}
		j.Scenarios = append(j.Scenarios, jc)
	}
	units := map[string]string{}
	for _, m := range sim.Metrics() {
		units[m.Name] = m.Unit
	}
	key := map[string]bool{}
	for _, m := range compare.KeyMetrics() {
		key[m] = true
	}
	for m, name := range c.Metrics {
		jm := jsonCompareMetric{Name: name, Unit: units[name], Key: key[name]}
		for s, sname := range c.Scenarios {
			st := c.Stats[s][m]
			jm.Scenarios = append(jm.Scenarios, jsonStat{Scenario: sname, Mean: num(st.Mean), Lo95: num(st.Lo95), Hi95: num(st.Hi95),
				N: st.N, Diff: num(st.Diff), DiffLo95: num(st.DiffLo95), DiffHi95: num(st.DiffHi95), NPaired: st.NPaired,
				ExcludesZero: st.ExcludesZero()})
		}
		j.Metrics = append(j.Metrics, jm)
	}
	return j
}

// jsonProblem is a scenario problem; a part that is unknown is null.
type jsonProblem struct {
	File    *string `json:"file"`
	Line    *int    `json:"line"`
	Column  *int    `json:"column"`
	Field   *string `json:"field"`
	Message string  `json:"message"`
}

func problemJSON(p scenario.Problem) jsonProblem {
	pos := func(n int) *int {
		if n <= 0 {
			return nil
		}
		return &n
	}
	return jsonProblem{File: optional(p.File), Line: pos(p.Line), Column: pos(p.Column), Field: optional(p.Path), Message: p.Msg}
}

type jsonValidated struct {
	File     string        `json:"file"`
	Valid    bool          `json:"valid"`
	Scenario *string       `json:"scenario"`
	Problems []jsonProblem `json:"problems"`
	// Notes are remarks on a valid file that are not problems, such as a
	// list without names that replaces its parent's whole.
	Notes []jsonProblem `json:"notes"`
}

type jsonValidate struct {
	Command string          `json:"command"`
	Format  int             `json:"format"`
	Invalid int             `json:"invalid"`
	Files   []jsonValidated `json:"files"`
}

type jsonSpread struct {
	Defined int `json:"defined"`
	Mean    num `json:"mean"`
	Min     num `json:"min"`
	Max     num `json:"max"`
}

type jsonIndex struct {
	Parameter string `json:"parameter"`
	Value     num    `json:"value"`
	Lo95      num    `json:"lo95"`
	Hi95      num    `json:"hi95"`
}

type jsonIndex2 struct {
	Parameters [2]string `json:"parameters"`
	Value      num       `json:"value"`
	Lo95       num       `json:"lo95"`
	Hi95       num       `json:"hi95"`
}

type jsonSobol struct {
	S1    []jsonIndex  `json:"s1"`
	ST    []jsonIndex  `json:"st"`
	S2    []jsonIndex2 `json:"s2"`
	Notes []string     `json:"notes"`
}

type jsonEffect struct {
	Parameter string `json:"parameter"`
	Mu        num    `json:"mu"`
	MuStar    num    `json:"mu_star"`
	Sigma     num    `json:"sigma"`
}

type jsonMorris struct {
	Effects []jsonEffect `json:"effects"`
	Notes   []string     `json:"notes"`
}

type jsonAnalyzedMetric struct {
	Name   string      `json:"name"`
	Spread jsonSpread  `json:"spread"`
	Sobol  *jsonSobol  `json:"sobol"`
	Morris *jsonMorris `json:"morris"`
}

type jsonAnalyze struct {
	Command      string               `json:"command"`
	Format       int                  `json:"format"`
	Sweep        string               `json:"sweep"`
	Design       string               `json:"design"`
	Seed         uint64               `json:"seed"`
	Replications int                  `json:"replications"`
	Points       int                  `json:"points"`
	Parameters   []string             `json:"parameters"`
	Bootstrap    int                  `json:"bootstrap"`
	Notes        []string             `json:"notes"`
	Out          string               `json:"out"`
	Metrics      []jsonAnalyzedMetric `json:"metrics"`
}

func analyzeJSON(a *sweep.Analysis, out string) jsonAnalyze {
	r := a.Results
	j := jsonAnalyze{Command: "analyze", Format: jsonFormat, Sweep: r.Name, Design: r.Design.Kind, Seed: r.Seed,
		Replications: r.Replications, Points: len(r.Points), Parameters: nonNil(r.Params), Bootstrap: a.Bootstrap,
		Notes: nonNil(a.Notes), Out: out, Metrics: []jsonAnalyzedMetric{}}
	named := func(notes []string) []string {
		out := []string{}
		for _, n := range notes {
			out = append(out, a.Named(n))
		}
		return out
	}
	for _, m := range a.Metrics {
		s := m.Spread()
		jm := jsonAnalyzedMetric{Name: m.Name, Spread: jsonSpread{Defined: s.Defined, Mean: num(s.Mean), Min: num(s.Min), Max: num(s.Max)}}
		if so := m.Sobol; so != nil {
			js := &jsonSobol{S1: []jsonIndex{}, ST: []jsonIndex{}, S2: []jsonIndex2{}, Notes: named(so.Notes)}
			for i, p := range r.Params {
				js.S1 = append(js.S1, jsonIndex{p, num(so.S1[i].Value), num(so.S1[i].Lo95), num(so.S1[i].Hi95)})
				js.ST = append(js.ST, jsonIndex{p, num(so.ST[i].Value), num(so.ST[i].Lo95), num(so.ST[i].Hi95)})
			}
			for i := range so.S2 {
				for k := i + 1; k < len(so.S2); k++ {
					x := so.S2[i][k]
					js.S2 = append(js.S2, jsonIndex2{[2]string{r.Params[i], r.Params[k]}, num(x.Value), num(x.Lo95), num(x.Hi95)})
				}
			}
			jm.Sobol = js
		}
		if mo := m.Morris; mo != nil {
			jo := &jsonMorris{Effects: []jsonEffect{}, Notes: named(mo.Notes)}
			for i, p := range r.Params {
				jo.Effects = append(jo.Effects, jsonEffect{p, num(mo.Mu[i]), num(mo.MuStar[i]), num(mo.Sigma[i])})
			}
			jm.Morris = jo
		}
		j.Metrics = append(j.Metrics, jm)
	}
	return j
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
