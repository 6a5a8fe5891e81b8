package compare

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/scenario"
)

func shipped(t *testing.T, name string) *scenario.Resolved {
	t.Helper()
	r, err := scenario.Loader{Shipped: scenarios.FS}.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPaymentAmountsComplete checks that paymentAmounts names every rule
// type of scenario.Rule and every field of each whose YAML name says it is
// an amount of money (holds "gbp").
func TestPaymentAmountsComplete(t *testing.T) {
	rt := reflect.TypeOf(scenario.Rule{})
	var want []string
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Type.Kind() != reflect.Pointer || f.Type.Elem().Kind() != reflect.Struct {
			continue
		}
		rule, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		et := f.Type.Elem()
		for j := range et.NumField() {
			name, _, _ := strings.Cut(et.Field(j).Tag.Get("yaml"), ",")
			if strings.Contains(name, "gbp") {
				if et.Field(j).Type.Kind() == reflect.Slice {
					name += "[*]"
				}
				want = append(want, rule+"."+name)
			}
		}
	}
	var got []string
	for _, a := range paymentAmounts {
		for _, f := range a.fields {
			got = append(got, a.rule+"."+f)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paymentAmounts = %q; want %q (the *gbp* fields of scenario.Rule)", got, want)
	}
}

func TestScalePayments(t *testing.T) {
	sib := shipped(t, "ways-to-wellness").Scenario
	tests := []struct {
		rule  string
		paths []string
	}{
		{"all", []string{
			"contract.provider_payments[0].rules[0].tranche.amount_gbp",
			"contract.provider_payments[0].rules[1].per_assessment.tariffs_gbp[*]",
			"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*]",
			"contract.outcome_payments[0].rules[0].wellbeing_outcome.per_client_gbp",
			"contract.outcome_payments[0].rules[1].secondary_care_outcome.per_client_gbp",
		}},
		{"per_assessment", []string{
			"contract.provider_payments[0].rules[1].per_assessment.tariffs_gbp[*]",
			"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*]",
		}},
		{"outcome_payments.wellbeing_outcome", []string{
			"contract.outcome_payments[0].rules[0].wellbeing_outcome.per_client_gbp",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			before, _ := scenario.GetPath(sib, "contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*]")
			got, paths, err := ScalePayments(sib, tt.rule, 0.5)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(paths, tt.paths) {
				t.Errorf("ScalePayments(%q) paths = %q; want %q", tt.rule, paths, tt.paths)
			}
			for _, p := range tt.paths {
				old, _ := scenario.GetPath(sib, p)
				now, _ := scenario.GetPath(got, p)
				for i := range old {
					if now[i] != old[i]*0.5 {
						t.Errorf("%s[%d] = %g after scaling by 0.5; want %g", p, i, now[i], old[i]*0.5)
					}
				}
			}
			after, _ := scenario.GetPath(sib, "contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*]")
			if !slices.Equal(before, after) {
				t.Errorf("ScalePayments changed its input: %v, then %v", before, after)
			}
			if c, _ := scenario.GetPath(got, "contract.payers[0].cap_gbp"); c[0] != 5200000 {
				t.Errorf("payer cap = %g after scaling; want it unchanged (5200000)", c[0])
			}
		})
	}
	if _, _, err := ScalePayments(sib, "bonus", 2); !errors.Is(err, ErrRule) {
		t.Errorf("ScalePayments(bonus) error = %v; want ErrRule", err)
	}
	if _, _, err := ScalePayments(sib, "block_grant", 2); !errors.Is(err, ErrNoPayments) {
		t.Errorf("ScalePayments(block_grant) on the SIB error = %v; want ErrNoPayments", err)
	}
	for _, f := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, _, err := ScalePayments(sib, "all", f); err == nil {
			t.Errorf("ScalePayments(factor %g) succeeded; want an error", f)
		}
	}
}

// spendOf returns a SpendFunc that applies f to the first tariff of the
// default's second per-assessment phase (700 at factor 1: the factor is
// tariff/350).
func spendOf(f func(k float64) float64) SpendFunc {
	return func(_ context.Context, s *scenario.Scenario) (float64, error) {
		v, err := scenario.GetPath(s, "contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0]")
		if err != nil {
			return 0, err
		}
		return f(v[0] / 350), nil
	}
}

func TestEqualCostSearch(t *testing.T) {
	sib := shipped(t, "ways-to-wellness").Scenario
	opts := EqualCostOptions{Rule: "provider_payments.per_assessment"}
	tests := []struct {
		name     string
		spend    func(k float64) float64
		target   float64
		wantK    float64 // the exact root
		maxRuns  int
		wantFail string
	}{
		{name: "proportional: two runs", spend: func(k float64) float64 { return 1000 * k }, target: 1370, wantK: 1.37, maxRuns: 2},
		{name: "already equal", spend: func(k float64) float64 { return 1000 * k }, target: 1005, wantK: 1, maxRuns: 1},
		{name: "affine", spend: func(k float64) float64 { return 500 + 500*k }, target: 2000, wantK: 3, maxRuns: 6},
		{name: "concave", spend: func(k float64) float64 { return 1000 * math.Sqrt(k) }, target: 400, wantK: 0.16, maxRuns: 8},
		{name: "steep then flat", spend: func(k float64) float64 { return 1000 * math.Min(k, 2) * math.Min(k, 2) }, target: 3000, wantK: math.Sqrt(3), maxRuns: 10},
		{name: "capped: cannot reach", spend: func(k float64) float64 { return 1000 * math.Min(k, 1.5) }, target: 2000, wantFail: "closest: factor"},
		{name: "falls as k rises", spend: func(k float64) float64 { return 1000 / k }, target: 2000, wantFail: "does not increase"},
		{name: "no spend", spend: func(k float64) float64 { return 0 }, target: 2000, wantFail: "leave [0.001, 1000]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, res, err := EqualCost(context.Background(), sib, tt.target, spendOf(tt.spend), opts)
			if tt.wantFail != "" {
				if !errors.Is(err, ErrEqualCost) || !strings.Contains(err.Error(), tt.wantFail) {
					t.Fatalf("EqualCost error = %v; want ErrEqualCost saying %q", err, tt.wantFail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(res.Achieved/tt.target-1) > 0.01 || res.Gap != res.Achieved/tt.target-1 {
				t.Errorf("achieved %g (gap %g) against target %g; want within 1%%", res.Achieved, res.Gap, tt.target)
			}
			// Within 1% of spend means the factor is near the root.
			if math.Abs(res.Factor/tt.wantK-1) > 0.02 {
				t.Errorf("factor = %g; want about %g", res.Factor, tt.wantK)
			}
			if res.Runs > tt.maxRuns {
				t.Errorf("runs = %d; want at most %d", res.Runs, tt.maxRuns)
			}
			if v, _ := scenario.GetPath(sc, "contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0]"); v[0] != 350*res.Factor {
				t.Errorf("scaled tariff = %g; want %g", v[0], 350*res.Factor)
			}
			if res.Unscaled != tt.spend(1) || res.Rule != opts.Rule || res.Metric != CommissionerSpendMetric {
				t.Errorf("rescaling = %+v; want unscaled %g, rule %s, metric %s", res, tt.spend(1), opts.Rule, CommissionerSpendMetric)
			}
		})
	}
	t.Run("bounded runs", func(t *testing.T) {
		calls := 0
		wiggle := func(k float64) float64 { calls++; return 1000 * k * (1 + 0.05*math.Sin(40*k)) }
		_, _, err := EqualCost(context.Background(), sib, 1730, spendOf(wiggle), EqualCostOptions{Rule: opts.Rule, MaxRuns: 3, Tolerance: 1e-9})
		if !errors.Is(err, ErrEqualCost) || calls != 3 {
			t.Errorf("EqualCost with MaxRuns 3 and an unreachable tolerance: %d runs, error %v; want 3 runs and ErrEqualCost", calls, err)
		}
	})
	t.Run("target not positive", func(t *testing.T) {
		if _, _, err := EqualCost(context.Background(), sib, 0, spendOf(math.Abs), opts); !errors.Is(err, ErrEqualCost) {
			t.Errorf("EqualCost(target 0) error = %v; want ErrEqualCost", err)
		}
	})
}

// TestEqualCostSimulated matches a block grant's commissioner spend to the
// social impact bond's over two years, with the model itself. The block
// grant's commissioner spend is the grant, paid through the SPV, which is
// proportional to the scale factor: the search must find
// factor = target/unscaled at its second run. Then it matches the SIB to
// the block grant (not proportional: payer caps and thresholds), and an
// independent run of the scaled scenario confirms the gap.
func TestEqualCostSimulated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the model")
	}
	ctx := context.Background()
	simOpts := sim.Options{Replications: 2, Seed: 5, Weeks: 156}
	spend, err := MeanSpend(CommissionerSpendMetric, simOpts)
	if err != nil {
		t.Fatal(err)
	}
	sib, block := shipped(t, "ways-to-wellness").Scenario, shipped(t, "block-grant").Scenario
	sibSpend, err := spend(ctx, sib)
	if err != nil {
		t.Fatal(err)
	}
	blockSpend, err := spend(ctx, block)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("spend over 156 weeks: SIB %.0f, block grant %.0f", sibSpend, blockSpend)

	scaled, res, err := EqualCost(ctx, block, sibSpend, spend, EqualCostOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 2 || math.Abs(res.Factor-sibSpend/blockSpend) > 1e-9*res.Factor || math.Abs(res.Gap) > 1e-9 {
		t.Errorf("block grant rescaling = factor %g after %d runs (gap %g); want %g after 2 runs, gap 0",
			res.Factor, res.Runs, res.Gap, sibSpend/blockSpend)
	}
	grant, _ := scenario.GetPath(scaled, "contract.outcome_payments[0].rules[0].block_grant.gbp_per_year")
	if math.Abs(grant[0]-1055000*res.Factor) > 1e-6 {
		t.Errorf("scaled grant = %g; want %g", grant[0], 1055000*res.Factor)
	}

	scaled, res, err = EqualCost(ctx, sib, blockSpend, spend, EqualCostOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := spend(ctx, scaled)
	if err != nil {
		t.Fatal(err)
	}
	if again != res.Achieved || math.Abs(again/blockSpend-1) > 0.01 {
		t.Errorf("SIB scaled by %g spends %g (search said %g); want within 1%% of %g", res.Factor, again, res.Achieved, blockSpend)
	}
	t.Logf("SIB rescaling: factor %g, %d runs, gap %.3g%%", res.Factor, res.Runs, 100*res.Gap)
}
