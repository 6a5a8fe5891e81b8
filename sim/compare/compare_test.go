package compare

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/scenario"
)

var nan = math.NaN()

func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

// TestCompareKnownAnswers checks hand-computed examples. With n = 3, the
// 97.5% quantile of t with 2 degrees of freedom is 4.303; with n = 2 it is
// 12.706.
func TestCompareKnownAnswers(t *testing.T) {
	const tol = 1e-3
	tests := []struct {
		name      string
		ref, x    []float64
		want      Stat
		excludes0 bool
	}{
		{
			// d = 1, 2, 4: mean 7/3, sd sqrt(7/3) = 1.5275,
			// half-width 4.303 * 1.5275 / sqrt(3) = 3.7949.
			name: "interval includes zero",
			ref:  []float64{1, 2, 3}, x: []float64{2, 4, 7},
			want: Stat{N: 3, Mean: 13.0 / 3, Lo95: 13.0/3 - 4.303*2.5166/math.Sqrt(3), Hi95: 13.0/3 + 4.303*2.5166/math.Sqrt(3),
				NPaired: 3, Diff: 7.0 / 3, DiffLo95: 7.0/3 - 3.7949, DiffHi95: 7.0/3 + 3.7949},
		},
		{
			// d = 1, 1.5, 1.5: mean 4/3, sd sqrt(1/12) = 0.28868,
			// half-width 4.303 * 0.28868 / sqrt(3) = 0.71717.
			name: "interval excludes zero",
			ref:  []float64{1, 2, 3}, x: []float64{2, 3.5, 4.5},
			want: Stat{N: 3, Mean: 10.0 / 3, Lo95: 10.0/3 - 4.303*1.2583/math.Sqrt(3), Hi95: 10.0/3 + 4.303*1.2583/math.Sqrt(3),
				NPaired: 3, Diff: 4.0 / 3, DiffLo95: 4.0/3 - 0.71717, DiffHi95: 4.0/3 + 0.71717},
			excludes0: true,
		},
		{
			// Only replications 0 and 3 are finite in both: d = 1, 1, a
			// zero-width interval at 1. The means use each scenario's own
			// finite values: 2, 4, 6 with sd 2, half-width 4.303*2/sqrt(3).
			name: "NaN and Inf left out",
			ref:  []float64{1, nan, 3, 5}, x: []float64{2, 4, math.Inf(1), 6},
			want: Stat{N: 3, Mean: 4, Lo95: 4 - 4.9687, Hi95: 4 + 4.9687,
				NPaired: 2, Diff: 1, DiffLo95: 1, DiffHi95: 1},
			excludes0: true,
		},
		{
			// A negative difference whose interval lies below zero.
			name: "negative difference",
			ref:  []float64{2, 3.5, 4.5}, x: []float64{1, 2, 3},
			want: Stat{N: 3, Mean: 2, Lo95: 2 - 4.303/math.Sqrt(3), Hi95: 2 + 4.303/math.Sqrt(3),
				NPaired: 3, Diff: -4.0 / 3, DiffLo95: -4.0/3 - 0.71717, DiffHi95: -4.0/3 + 0.71717},
			excludes0: true,
		},
		{
			name: "one pair: no interval",
			ref:  []float64{1, nan}, x: []float64{3, 5},
			want: Stat{N: 2, Mean: 4, Lo95: 4 - 12.706/math.Sqrt(2)*math.Sqrt(2), Hi95: 4 + 12.706,
				NPaired: 1, Diff: 2, DiffLo95: nan, DiffHi95: nan},
		},
		{
			name: "no pairs",
			ref:  []float64{nan, nan}, x: []float64{3, 5},
			want: Stat{N: 2, Mean: 4, Lo95: 4 - 12.706, Hi95: 4 + 12.706,
				NPaired: 0, Diff: nan, DiffLo95: nan, DiffHi95: nan},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compare([]Input{column("ref", 1, tt.ref), column("x", 1, tt.x)})
			if err != nil {
				t.Fatal(err)
			}
			got := c.Stats[1][0]
			if got.N != tt.want.N || got.NPaired != tt.want.NPaired {
				t.Errorf("N, NPaired = %d, %d; want %d, %d", got.N, got.NPaired, tt.want.N, tt.want.NPaired)
			}
			for _, f := range []struct {
				name      string
				got, want float64
			}{
				{"Mean", got.Mean, tt.want.Mean}, {"Lo95", got.Lo95, tt.want.Lo95}, {"Hi95", got.Hi95, tt.want.Hi95},
				{"Diff", got.Diff, tt.want.Diff}, {"DiffLo95", got.DiffLo95, tt.want.DiffLo95}, {"DiffHi95", got.DiffHi95, tt.want.DiffHi95},
			} {
				if !near(f.got, f.want, tol) {
					t.Errorf("%s = %v; want %v ± %v", f.name, f.got, f.want, tol)
				}
			}
			if got.ExcludesZero() != tt.excludes0 {
				t.Errorf("ExcludesZero() = %v; want %v", got.ExcludesZero(), tt.excludes0)
			}
			ref := c.Stats[0][0]
			if !math.IsNaN(ref.Diff) || !math.IsNaN(ref.DiffLo95) || !math.IsNaN(ref.DiffHi95) || ref.NPaired != 0 || ref.ExcludesZero() {
				t.Errorf("reference diff = %+v; want NaN, no pairs", ref)
			}
		})
	}
}

func column(name string, seed uint64, xs []float64) Input {
	in := Input{Name: name, Seed: seed, Metrics: []string{"m"}}
	for _, x := range xs {
		in.Values = append(in.Values, []float64{x})
	}
	return in
}

func TestCompareMatchesMetricsByName(t *testing.T) {
	ref := Input{Name: "a", Metrics: []string{"p", "q"}, Values: [][]float64{{1, 10}, {2, 20}}}
	x := Input{Name: "b", Metrics: []string{"q", "extra", "p"}, Values: [][]float64{{11, 0, 1}, {23, 0, 2}}}
	c, err := Compare([]Input{ref, x})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Metrics, []string{"p", "q"}) || !slices.Equal(c.Scenarios, []string{"a", "b"}) || c.Replications != 2 {
		t.Fatalf("Compare = metrics %q, scenarios %q, %d replications", c.Metrics, c.Scenarios, c.Replications)
	}
	if s, ok := c.Stat(1, "q"); !ok || s.Diff != 2 || s.Mean != 17 {
		t.Errorf("Stat(1, q) = %+v, %v; want diff 2, mean 17", s, ok)
	}
	if s, ok := c.Stat(1, "p"); !ok || s.Diff != 0 || s.ExcludesZero() {
		t.Errorf("Stat(1, p) = %+v, %v; want diff 0 not excluding zero", s, ok)
	}
	if _, ok := c.Stat(1, "extra"); ok {
		t.Errorf("Stat(1, extra) found a metric the reference lacks")
	}
}

func TestCompareErrors(t *testing.T) {
	ok := column("a", 7, []float64{1, 2})
	tests := []struct {
		name     string
		in       []Input
		unpaired bool
	}{
		{"no scenarios", nil, false},
		{"different seeds", []Input{ok, column("b", 8, []float64{1, 2})}, true},
		{"different replications", []Input{ok, column("b", 7, []float64{1, 2, 3})}, true},
		{"different replication indices", []Input{ok, {Name: "b", Seed: 7, Metrics: []string{"m"}, ReplicationIDs: []int{1, 2}, Values: [][]float64{{1}, {2}}}}, true},
		{"missing metric", []Input{ok, {Name: "b", Seed: 7, Metrics: []string{"n"}, Values: [][]float64{{1}, {2}}}}, true},
		{"no replications", []Input{{Name: "a", Metrics: []string{"m"}}}, false},
		{"ragged", []Input{ok, {Name: "b", Seed: 7, Metrics: []string{"m"}, Values: [][]float64{{1}, {2, 3}}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compare(tt.in)
			if err == nil {
				t.Fatalf("Compare = %+v; want an error", c)
			}
			if errors.Is(err, ErrUnpaired) != tt.unpaired {
				t.Errorf("Compare error %q: wraps ErrUnpaired = %v; want %v", err, !tt.unpaired, tt.unpaired)
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	c, err := Compare([]Input{column("ref", 1, []float64{1, 2, 3}), column("x,y", 1, []float64{2, 4, nan})})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "scenario,metric,mean,lo95,hi95,diff,diff_lo95,diff_hi95,payments_scaled,payment_scale\n" +
		"ref,m,2,-0.4841377118,4.484137712,NA,NA,NA,none,1\n" +
		"\"x,y\",m,3,-9.706204736,15.70620474,1.5,-4.853102368,7.853102368,none,1\n"
	if b.String() != want {
		t.Errorf("WriteCSV =\n%s\nwant\n%s", b.String(), want)
	}
	names, err := ReadScenarioNames(&b)
	if err != nil || !slices.Equal(names, []string{"ref", "x,y"}) {
		t.Errorf("ReadScenarioNames = %q, %v; want [ref x,y]", names, err)
	}

	// An equal-cost comparison: the second scenario's payments were scaled.
	c.Scales = []Scale{{}, {Rule: "per_assessment", Factor: 0.8125}}
	b.Reset()
	if err := c.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.String(), ",7.853102368,per_assessment,0.8125\n") {
		t.Errorf("WriteCSV with scales =\n%s\nwant the last row to end per_assessment,0.8125", b.String())
	}
	names, scales, err := ReadTable(&b)
	if err != nil || !slices.Equal(names, []string{"ref", "x,y"}) || !slices.Equal(scales, []Scale{{Factor: 1}, c.Scales[1]}) {
		t.Errorf("ReadTable = %q, %+v, %v; want [ref x,y], [{ 1} {per_assessment 0.8125}]", names, scales, err)
	}

	// A table written before the scale columns reads as not rescaled.
	old := "scenario,metric,mean,lo95,hi95,diff,diff_lo95,diff_hi95\nref,m,2,1,3,NA,NA,NA\nx,m,3,2,4,1,0,2\n"
	names, scales, err = ReadTable(strings.NewReader(old))
	if err != nil || !slices.Equal(names, []string{"ref", "x"}) || !slices.Equal(scales, []Scale{{Factor: 1}, {Factor: 1}}) {
		t.Errorf("ReadTable(old header) = %q, %+v, %v; want [ref x], not rescaled", names, scales, err)
	}
}

func TestReadScenarioNamesErrors(t *testing.T) {
	h := strings.Join(CSVHeader(), ",") + "\n"
	for name, in := range map[string]string{
		"empty":      "",
		"header":     "scenario,metric\n",
		"no rows":    h,
		"scattered":  h + "a,m,1,1,1,NA,NA,NA,none,1\nb,m,1,1,1,1,1,1,none,1\na,n,1,1,1,NA,NA,NA,none,1\n",
		"short row":  h + "a,m,1\n",
		"bad scale":  h + "a,m,1,1,1,NA,NA,NA,all,0\n",
		"two scales": h + "a,m,1,1,1,NA,NA,NA,all,2\na,n,1,1,1,NA,NA,NA,all,3\n",
	} {
		if got, err := ReadScenarioNames(strings.NewReader(in)); err == nil {
			t.Errorf("ReadScenarioNames(%s) = %q; want an error", name, got)
		}
	}
}

func TestDiffParams(t *testing.T) {
	ref := `name: a
description: the reference
weeks: 364
contract:
  provider_payments:
    - from_week: 0
      rules:
        - per_assessment: [100, 50]
  payers: []
providers:
  - {name: p1, culture: 0.4}
  - {name: p2, culture: 0.6}
`
	other := `name: b
description: another
weeks: 364
contract:
  provider_payments:
    - from_week: 0
      rules:
        - block_grant: {gbp_per_year: 1000}
  payers:
    - {name: commissioner}
providers:
  - {name: p1, culture: 0.5}
`
	got, err := DiffParams([]byte(ref), []byte(other))
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Path: "contract.provider_payments[0].rules[0].per_assessment[0]", Reference: "100", InReference: true},
		{Path: "contract.provider_payments[0].rules[0].per_assessment[1]", Reference: "50", InReference: true},
		{Path: "contract.payers", Reference: "[]", InReference: true},
		{Path: "providers[0].culture", Reference: "0.4", Value: "0.5", InReference: true, InScenario: true},
		{Path: "providers[1].name", Reference: "p2", InReference: true},
		{Path: "providers[1].culture", Reference: "0.6", InReference: true},
		{Path: "contract.provider_payments[0].rules[0].block_grant.gbp_per_year", Value: "1000", InScenario: true},
		{Path: "contract.payers[0].name", Value: "commissioner", InScenario: true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("DiffParams =\n%+v\nwant\n%+v", got, want)
	}
	if same, err := DiffParams([]byte(ref), []byte(ref)); err != nil || len(same) != 0 {
		t.Errorf("DiffParams(ref, ref) = %+v, %v; want nothing", same, err)
	}
	if _, err := DiffParams([]byte(ref), []byte("a: [")); err == nil {
		t.Errorf("DiffParams of invalid YAML: no error")
	}
}

func TestKeyMetricsAreMetrics(t *testing.T) {
	var names []string
	for _, c := range sim.Metrics() {
		names = append(names, c.Name)
	}
	for _, m := range KeyMetrics() {
		if !slices.Contains(names, m) {
			t.Errorf("key metric %s is not in sim.Metrics()", m)
		}
	}
}

// TestFromBatchCommonRandomNumbers compares a scenario with itself through
// sim.RunBatch: every paired difference is exactly zero.
func TestFromBatchCommonRandomNumbers(t *testing.T) {
	sc, err := scenario.Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	opts := sim.Options{Replications: 3, Seed: 5, Weeks: 8, NoWeekly: true}
	a, err := sim.RunBatch(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Workers = 1
	b, err := sim.RunBatch(context.Background(), sc, opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare([]Input{FromBatch("a", a), FromBatch("b", b)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Seed != 5 || c.Replications != 3 || len(c.Metrics) != len(sim.Metrics()) {
		t.Fatalf("Compare = seed %d, %d replications, %d metrics", c.Seed, c.Replications, len(c.Metrics))
	}
	for m, name := range c.Metrics {
		if s := c.Stats[1][m]; s.NPaired > 0 && (s.Diff != 0 || s.ExcludesZero()) {
			t.Errorf("%s: diff of a scenario with itself = %+v; want 0", name, s)
		}
	}
}
