package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// topKeys returns the keys of the JSON object in data, in order.
func topKeys(t *testing.T, data string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("stdout is not a JSON object: %v %v\n%s", tok, err, firstN(data, 200))
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Errorf("stdout holds more than one JSON value")
	}
	return keys
}

func jsonCLI(t *testing.T, want int, args ...string) string {
	t.Helper()
	code, stdout, stderr := cli(t, context.Background(), args...)
	if code != want {
		t.Fatalf("sibsim %q = exit %d; want %d\n%s", args, code, want, stderr)
	}
	return stdout
}

func TestRunJSON(t *testing.T) {
	out := jsonCLI(t, exitOK, "run", "--replications", "2", "--weeks", "30", "--json")
	if got, want := topKeys(t, out), []string{"command", "format", "scenario", "ref", "scenario_sha256", "seed", "replications", "weeks", "out", "metrics"}; !slices.Equal(got, want) {
		t.Errorf("run --json keys = %q; want %q", got, want)
	}
	var r struct {
		Command string
		Format  int
		Weeks   int
		Out     *string
		Metrics []struct {
			Name, Unit       string
			Mean, Lo95, Hi95 *float64
			N                int
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Command != "run" || r.Format != 1 || r.Weeks != 30 || r.Out != nil || len(r.Metrics) != len(sim.Metrics()) {
		t.Fatalf("run --json = command %q, format %d, weeks %d, out %v, %d metrics; want run, 1, 30, null, %d",
			r.Command, r.Format, r.Weeks, r.Out, len(r.Metrics), len(sim.Metrics()))
	}
	// The same numbers as the table rounds, and null for NA: no investor
	// return is defined in 30 weeks.
	table := jsonCLI(t, exitOK, "run", "--replications", "2", "--weeks", "30")
	nulls := 0
	for i, m := range r.Metrics {
		if m.Name != sim.Metrics()[i].Name || m.Unit != sim.Metrics()[i].Unit {
			t.Errorf("metric %d = %s (%s); want %s", i, m.Name, m.Unit, sim.Metrics()[i].Name)
		}
		if m.Mean == nil {
			nulls++
			if m.N != 0 {
				t.Errorf("%s: mean null with n = %d", m.Name, m.N)
			}
			continue
		}
		if !strings.Contains(table, "\n"+m.Name+" ") {
			t.Errorf("the table has no row %s", m.Name)
		}
	}
	if nulls == 0 {
		t.Errorf("no metric is null; want investor_irr undefined in 30 weeks")
	}
	if q := jsonCLI(t, exitOK, "run", "--replications", "1", "--weeks", "10", "--quiet"); q != "" {
		t.Errorf("run --quiet printed %q; want nothing", q)
	}
}

func TestCompareJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cmp")
	stdout := jsonCLI(t, exitOK, "compare", "ways-to-wellness", "block-grant", "--replications", "2", "--weeks", "60",
		"--equal-cost", "--json", "--out", out)
	if got, want := topKeys(t, stdout), []string{"command", "format", "seed", "replications", "reference", "scenarios", "out", "metrics"}; !slices.Equal(got, want) {
		t.Errorf("compare --json keys = %q; want %q", got, want)
	}
	var c struct {
		Reference string
		Out       string
		Scenarios []struct {
			Name           string
			PaymentsScaled string  `json:"payments_scaled"`
			PaymentScale   float64 `json:"payment_scale"`
			EqualCost      *struct {
				Rule             string
				Paths            []string
				Factor, Gap      float64
				Target, Achieved float64
				Runs             int
			} `json:"equal_cost"`
		}
		Metrics []struct {
			Name      string
			Key       bool
			Scenarios []struct {
				Scenario string
				Mean     *float64
				Diff     *float64
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &c); err != nil {
		t.Fatal(err)
	}
	if c.Reference != "ways-to-wellness" || c.Out != out || len(c.Scenarios) != 2 || len(c.Metrics) != len(sim.Metrics()) {
		t.Fatalf("compare --json = %+v", c)
	}
	if s := c.Scenarios[0]; s.PaymentsScaled != "none" || s.PaymentScale != 1 || s.EqualCost != nil {
		t.Errorf("reference = %+v; want not rescaled", s)
	}
	s := c.Scenarios[1]
	if e := s.EqualCost; e == nil || s.PaymentsScaled != "all" || e.Factor != s.PaymentScale || len(e.Paths) != 2 || math.Abs(e.Gap) > 0.01 || e.Runs < 1 {
		t.Errorf("block-grant = %+v, equal cost %+v; want rescaled (all, 2 amounts, gap within 1%%)", s, s.EqualCost)
	}
	keys := 0
	for _, m := range c.Metrics {
		if m.Key {
			keys++
		}
		if m.Scenarios[0].Diff != nil {
			t.Errorf("%s: the reference's diff is %v; want null", m.Name, *m.Scenarios[0].Diff)
		}
		if m.Name == compare.CommissionerSpendMetric && math.Abs(*m.Scenarios[1].Mean / *m.Scenarios[0].Mean - 1) > 0.01 {
			t.Errorf("%s: %g against %g; want within 1%%", m.Name, *m.Scenarios[1].Mean, *m.Scenarios[0].Mean)
		}
	}
	if keys != len(compare.KeyMetrics()) {
		t.Errorf("%d metrics marked key; want %d", keys, len(compare.KeyMetrics()))
	}
}

func TestValidateJSON(t *testing.T) {
	bad := writeFile(t, "bad.yaml", "name: bad\nextends: ways-to-wellness\nweeks: -3\n")
	stdout := jsonCLI(t, exitInvalid, "validate", "ways-to-wellness", bad, "--json")
	var v struct {
		Command string
		Invalid int
		Files   []struct {
			File     string
			Valid    bool
			Scenario *string
			Problems []struct {
				File         *string
				Line, Column *int
				Field        *string
				Message      string
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if v.Command != "validate" || v.Invalid != 1 || len(v.Files) != 2 || !v.Files[0].Valid || v.Files[1].Valid {
		t.Fatalf("validate --json = %+v", v)
	}
	p := v.Files[1].Problems
	if len(p) != 1 || p[0].Line == nil || *p[0].Line != 3 || p[0].Field == nil || *p[0].Field != "weeks" || !strings.Contains(p[0].Message, ">= 1") {
		t.Errorf("problems of bad.yaml = %+v; want one at line 3, field weeks", p)
	}
	if q := jsonCLI(t, exitOK, "validate", "ways-to-wellness", "--quiet"); q != "" {
		t.Errorf("validate --quiet of a valid file printed %q; want nothing", q)
	}
}

func TestAnalyzeJSON(t *testing.T) {
	fx := sweepFixture{
		spec:   sensitivity.DesignSpec{Kind: sensitivity.DesignMorris, Levels: 4, Trajectories: 12},
		params: []string{"p.lin", "p.none"},
		dists: []sensitivity.Dist{
			{Kind: sensitivity.KindUniform, Min: 0, Max: 10},
			{Kind: sensitivity.KindLevels, Levels: []float64{1, 2}},
		},
		seed: 3, reps: 1, metrics: []string{"y"},
		metric: func(x []float64, _, _ int) []float64 { return []float64{2 * x[0]} },
	}
	dir := fx.write(t)
	stdout := jsonCLI(t, exitOK, "analyze", dir, "--json")
	if got, want := topKeys(t, stdout), []string{"command", "format", "sweep", "design", "seed", "replications", "points", "parameters", "bootstrap", "notes", "out", "metrics"}; !slices.Equal(got, want) {
		t.Errorf("analyze --json keys = %q; want %q", got, want)
	}
	var a struct {
		Design  string
		Metrics []struct {
			Name   string
			Sobol  *json.RawMessage
			Morris *struct {
				Effects []struct {
					Parameter string
					MuStar    float64 `json:"mu_star"`
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatal(err)
	}
	if a.Design != "morris" || len(a.Metrics) != 1 || a.Metrics[0].Sobol != nil || a.Metrics[0].Morris == nil {
		t.Fatalf("analyze --json = %s", stdout)
	}
	// y = 2 x_lin over a range of 10: mu* = 20 on the unit scale; p.none
	// has no effect. The fixture's CSV keeps 10 significant digits.
	e := a.Metrics[0].Morris.Effects
	if len(e) != 2 || e[0].Parameter != "p.lin" || math.Abs(e[0].MuStar-20) > 1e-6 || e[1].MuStar != 0 {
		t.Errorf("Morris effects = %+v; want p.lin mu* 20, p.none 0", e)
	}
}

func TestNumJSON(t *testing.T) {
	b, err := json.Marshal([]num{1.5, num(math.NaN()), num(math.Inf(-1)), num(math.Copysign(0, -1)), 1e21})
	if err != nil || !bytes.Equal(b, []byte("[1.5,null,null,0,1e+21]")) {
		t.Errorf("json.Marshal(nums) = %s, %v; want [1.5,null,null,0,1e+21]", b, err)
	}
}
