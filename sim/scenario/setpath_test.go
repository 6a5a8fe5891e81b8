package scenario

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
)

func defaultScenario(t *testing.T) *Scenario {
	t.Helper()
	s, err := Default(scenarios.FS)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCheckPath(t *testing.T) {
	good := []string{
		"weeks",
		"referrals.gp_engagement_mean",
		"population.practices",
		"providers[0].culture",
		"providers[*].link_workers",
		"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0]",
		"contract.provider_payments[*].rules[*].per_assessment.tariffs_gbp[*]",
		"contract.provider_payments[0].rules[0].weight",
		"contract.outcome_payments[0].payer_shares.ccg",
		"neighbourhoods[*].services.social_groups.places_per_1000_eligible",
		"contract.investor.max_multiple",
	}
	for _, p := range good {
		if err := CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q) = %v; want nil", p, err)
		}
	}
	bad := []struct{ path, want string }{
		{"", "empty path"},
		{"referrals.gp_engagment_mean", `unknown field "gp_engagment_mean" in referrals (did you mean "gp_engagement_mean"?)`},
		{"bogus", `unknown field "bogus" in a scenario`},
		{"referrals", "is a group of fields, not a number"},
		{"name", "is a string, not a number"},
		{"shocks[0].remote_only", "is true or false, not a number"},
		{"providers.culture", "providers is a list: select an element with [N] or every element with [*] before .culture"},
		{"providers[0]", "is a group of fields"},
		{"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp", "is a list of numbers"},
		{"referrals.gp_engagement_mean.x", "referrals.gp_engagement_mean is a number: nothing can follow it"},
		{"referrals[0]", "referrals is not a list"},
		{"providers[-1].culture", "must be a whole number >= 0 or *"},
		{"providers[x].culture", "must be a whole number >= 0 or *"},
		{"providers[0.culture", "malformed index"},
		{"referrals..gp_engagement_mean", "empty field name"},
		{"[0]", "starts with a field name"},
		{"contract.outcome_payments[0].payer_shares", "is a mapping"},
		{"referrals.gp engagement", "has a character other than"},
	}
	for _, tt := range bad {
		err := CheckPath(tt.path)
		var pe *PathError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckPath(%q) = %v; want a *PathError containing %q", tt.path, err, tt.want)
		}
	}
}

func TestSetPath(t *testing.T) {
	tests := []struct {
		path string
		v    float64
		get  func(*Scenario) any
		want any
	}{
		{"referrals.gp_engagement_mean", 0.7, func(s *Scenario) any { return s.Referrals.GPEngagementMean }, 0.7},
		{"population.practices", 11.6, func(s *Scenario) any { return s.Population.Practices }, 12},
		{"population.practices", 11.4, func(s *Scenario) any { return s.Population.Practices }, 11},
		{"providers[1].culture", 0.25, func(s *Scenario) any { return s.Providers[1].Culture }, 0.25},
		{"providers[*].culture", 0.5, func(s *Scenario) any {
			var cs []float64
			for _, p := range s.Providers {
				cs = append(cs, p.Culture)
			}
			return cs
		}, []float64{0.5, 0.5}},
		{"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0]", 500, func(s *Scenario) any {
			return s.Contract.ProviderPayments[1].Rules[0].PerAssessment.TariffsGBP
		}, []float64{500, 250, 150}},
		{"contract.outcome_payments[0].payer_shares.ccg", 0.5, func(s *Scenario) any {
			return s.Contract.OutcomePayments[0].PayerShares["ccg"]
		}, 0.5},
		{"contract.provider_payments[0].rules[0].weight", 2, func(s *Scenario) any {
			return *s.Contract.ProviderPayments[0].Rules[0].Weight
		}, 2.0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			s := defaultScenario(t)
			if err := SetPath(s, tt.path, tt.v); err != nil {
				t.Fatalf("SetPath(%q, %g) = %v; want nil", tt.path, tt.v, err)
			}
			if got := tt.get(s); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("after SetPath(%q, %g): value = %v; want %v", tt.path, tt.v, got, tt.want)
			}
		})
	}
}

func TestSetPathWildcardNeighbourhoods(t *testing.T) {
	s := defaultScenario(t)
	p := "neighbourhoods[*].services.social_groups.places_per_1000_eligible"
	if err := SetPath(s, p, 4); err != nil {
		t.Fatal(err)
	}
	got, err := GetPath(s, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(s.Neighbourhoods) || slices.ContainsFunc(got, func(x float64) bool { return x != 4 }) {
		t.Errorf("GetPath(%q) = %v; want 4 for each of %d neighbourhoods", p, got, len(s.Neighbourhoods))
	}
}

func TestScalePath(t *testing.T) {
	s := defaultScenario(t)
	p := "neighbourhoods[*].services.exercise.places_per_1000_eligible"
	before, _ := GetPath(s, p)
	if err := ScalePath(s, p, 0.5); err != nil {
		t.Fatal(err)
	}
	after, _ := GetPath(s, p)
	for i := range before {
		if after[i] != before[i]*0.5 {
			t.Errorf("after ScalePath(%q, 0.5): element %d = %g; want %g", p, i, after[i], before[i]*0.5)
		}
	}
	if err := ScalePath(s, "population.practices", 1.5); err != nil {
		t.Fatal(err)
	}
	if s.Population.Practices != 26 { // 17 * 1.5 = 25.5, rounded half away from zero
		t.Errorf("ScalePath(population.practices, 1.5): practices = %d; want 26", s.Population.Practices)
	}
	if err := ScalePath(s, "contract.provider_payments[0].rules[1].weight", 2); err == nil {
		t.Errorf("ScalePath of an unset weight = nil; want an error")
	}
}

func TestSetPathErrors(t *testing.T) {
	tests := []struct {
		path string
		v    float64
		want string
	}{
		{"providers[5].culture", 0.5, "index [5] is out of range: providers has 2 elements"},
		{"contract.provider_payments[1].rules[0].tranche.amount_gbp", 1, "contract.provider_payments[1].rules[0].tranche is not set in the scenario (that rule is of another type)"},
		{"contract.outcome_payments[0].payer_shares.nobody", 0.5, `no key "nobody" in contract.outcome_payments[0].payer_shares (keys: cabinet_office, cbo, ccg)`},
		{"shocks[*].gp_referral_factor", 1, ""}, // the default has one shock: fine
		{"population.practices", 1e300, "out of range for a whole number"},
		{"referrals.gp_engagement_mean", nan(), "must be finite"},
		{"referrals.bogus", 1, "unknown field"},
	}
	for _, tt := range tests {
		s := defaultScenario(t)
		err := SetPath(s, tt.path, tt.v)
		if tt.want == "" {
			if err != nil {
				t.Errorf("SetPath(%q, %g) = %v; want nil", tt.path, tt.v, err)
			}
			continue
		}
		var pe *PathError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("SetPath(%q, %g) = %v; want a *PathError containing %q", tt.path, tt.v, err, tt.want)
		}
	}
	s := defaultScenario(t)
	s.Shocks = nil
	if err := SetPath(s, "shocks[*].gp_referral_factor", 1); err == nil || !strings.Contains(err.Error(), "empty list") {
		t.Errorf("SetPath on an empty list with [*] = %v; want an error naming the empty list", err)
	}
}

// SetPath does not validate; Validate reports values out of range at the path.
func TestSetPathThenValidate(t *testing.T) {
	s := defaultScenario(t)
	if err := SetPath(s, "referrals.refusal_prob", 1.5); err != nil {
		t.Fatal(err)
	}
	err := s.Validate()
	if err == nil || !strings.Contains(err.Error(), "referrals.refusal_prob: must be between 0 and 1 (got 1.5)") {
		t.Errorf("Validate after setting refusal_prob 1.5 = %v; want the range problem", err)
	}
}

func TestClone(t *testing.T) {
	s := defaultScenario(t)
	c := s.Clone()
	if !reflect.DeepEqual(c, s) {
		t.Fatal("Clone() differs from the original")
	}
	for _, p := range []string{
		"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0]",
		"contract.outcome_payments[0].payer_shares.ccg",
		"neighbourhoods[*].services.housing.distance_km",
		"contract.provider_payments[0].rules[0].weight",
	} {
		if err := SetPath(c, p, 0.123); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(s, defaultScenario(t)) {
		t.Error("changing a Clone changed the original")
	}
}

func nan() float64 { return math.NaN() }

func TestPathWildcards(t *testing.T) {
	s := defaultScenario(t)
	// services.* selects the six service types of every neighbourhood.
	p := "neighbourhoods[*].services.*.places_per_1000_eligible"
	if err := CheckPath(p); err != nil {
		t.Fatalf("CheckPath(%q) = %v", p, err)
	}
	before, err := GetPath(s, p)
	if err != nil || len(before) != 6*len(s.Neighbourhoods) {
		t.Fatalf("GetPath(%q) = %d values, %v; want %d", p, len(before), err, 6*len(s.Neighbourhoods))
	}
	if before[0] != s.Neighbourhoods[0].Services.Exercise.PlacesPer1000Eligible || before[1] != s.Neighbourhoods[0].Services.SocialGroups.PlacesPer1000Eligible {
		t.Errorf("GetPath(%q) = %v...; want fields in declaration order", p, before[:2])
	}
	if err := ScalePath(s, p, 2); err != nil {
		t.Fatal(err)
	}
	if got := s.Neighbourhoods[1].Services.Housing.PlacesPer1000Eligible; got != 2*before[6+3] {
		t.Errorf("after ScalePath(%q, 2): riverside housing = %g; want %g", p, got, 2*before[6+3])
	}

	// rules[*].per_assessment skips the rules of other types.
	p = "contract.provider_payments[*].rules[*].per_assessment.tariffs_gbp[*]"
	tariffs, _ := GetPath(s, p)
	if len(tariffs) != 6 {
		t.Fatalf("GetPath(%q) = %v; want the 6 tariffs of the default's two phases", p, tariffs)
	}
	tranche := s.Contract.ProviderPayments[0].Rules[0].Tranche.AmountGBP
	if err := ScalePath(s, p, 0.5); err != nil {
		t.Fatalf("ScalePath(%q) = %v", p, err)
	}
	got, _ := GetPath(s, p)
	want := make([]float64, len(tariffs))
	for i, x := range tariffs {
		want[i] = x * 0.5
	}
	if !slices.Equal(got, want) {
		t.Errorf("after ScalePath(%q, 0.5): %v; want %v", p, got, want)
	}
	if s.Contract.ProviderPayments[0].Rules[0].Tranche.AmountGBP != tranche {
		t.Error("the tranche rule changed")
	}

	// A mapping's entries.
	if err := SetPath(s, "contract.outcome_payments[0].payer_shares.*", 0.25); err != nil {
		t.Fatal(err)
	}
	for k, v := range s.Contract.OutcomePayments[0].PayerShares {
		if v != 0.25 {
			t.Errorf("payer_shares.%s = %g; want 0.25", k, v)
		}
	}

	for _, tt := range []struct{ path, want string }{
		{"population.*", "population.* selects fields of different types"},
		{"contract.provider_payments[*].rules[*].block_grant.gbp_per_year", "selects no number in the scenario"},
	} {
		err := SetPath(defaultScenario(t), tt.path, 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("SetPath(%q) = %v; want an error containing %q", tt.path, err, tt.want)
		}
	}
}
