package scenario

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// TestVariantsMatchValidate: for random values, in and out of the valid
// ranges, Variants.Valid agrees with setting the values on a copy of the
// scenario and calling Validate.
func TestVariantsMatchValidate(t *testing.T) {
	base := defaultScenario(t)
	sets := [][]VariantParam{
		{{Path: "referrals.gp_engagement_mean"}, {Path: "referrals.refusal_prob"}},
		{{Path: "providers[*].culture"}, {Path: "providers[0].link_workers"}},
		{{Path: "contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*]", Scale: true}, {Path: "weeks"}},
		{{Path: "neighbourhoods[0].practice_share"}, {Path: "neighbourhoods[1].practice_share"}},
		{{Path: "referrals.gp_engagement_sd"}, {Path: "referrals.gp_engagement_mean"}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, params := range sets {
		v, err := NewVariants(base, params)
		if err != nil {
			t.Fatalf("NewVariants(%v) = %v", params, err)
		}
		valid, invalid := 0, 0
		for range 2000 {
			vals := make([]float64, len(params))
			for i, p := range params {
				old, _ := GetPath(base, p.Path)
				// Around the base value: from -0.5 to 2.5 times it (or 0..2).
				x := old[0]
				if x == 0 {
					x = 1
				}
				vals[i] = x * (rng.Float64()*3 - 0.5)
				if p.Scale {
					vals[i] = rng.Float64()*3 - 0.5
				}
				if rng.Float64() < 0.3 { // the base value: valid on its own
					vals[i] = old[0]
					if p.Scale {
						vals[i] = 1
					}
				}
			}
			s := base.Clone()
			for i, p := range params {
				if p.Scale {
					err = ScalePath(s, p.Path, vals[i])
				} else {
					err = SetPath(s, p.Path, vals[i])
				}
				if err != nil {
					break
				}
			}
			want := err == nil && s.Validate() == nil
			if got := v.Valid(vals); got != want {
				t.Fatalf("Valid(%v at %v) = %v; Validate says %v (%v)", vals, params, got, want, s.Validate())
			}
			if want {
				valid++
			} else {
				invalid++
			}
		}
		if valid == 0 || invalid == 0 {
			t.Errorf("%v: %d valid and %d invalid variants; want both kinds tested", params, valid, invalid)
		}
	}
}

func TestVariantsErrors(t *testing.T) {
	base := defaultScenario(t)
	if _, err := NewVariants(base, []VariantParam{{Path: "providers[9].culture"}}); err == nil {
		t.Error("NewVariants(out of range) = nil; want an error")
	}
	bad := base.Clone()
	bad.Weeks = -1
	if _, err := NewVariants(bad, []VariantParam{{Path: "weeks"}}); err == nil {
		t.Error("NewVariants(invalid base) = nil; want its Validate error")
	}
	var pe *PathError
	if _, err := NewVariants(base, []VariantParam{{Path: "nope"}}); !errors.As(err, &pe) {
		t.Errorf("NewVariants(unknown path) = %v; want a *PathError", err)
	}
}
