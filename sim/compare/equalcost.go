package compare

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/stats"
)

// Equal-cost comparison. A scenario that costs the commissioner more than
// the reference may do better partly because it spends more. EqualCost
// rescales a scenario's payment amounts by one factor k so that its
// expected commissioner spend matches the reference's, searching k with
// the simulation itself.
//
// Commissioner spend is the metric CommissionerSpendMetric: the total
// outcome payments by every payer over the horizon, i.e. everything the
// contract's payers pay the SPV. A social impact bond's payers pay on
// outcomes; a block grant is modelled as the commissioner paying the grant
// through the SPV (an outcome-payment phase with a block_grant rule), so
// the same metric measures both.

// CommissionerSpendMetric is the metric EqualCost matches unless told
// otherwise: outcome payments by all payers over the horizon, in GBP
// (docs/outputs.md).
const CommissionerSpendMetric = "outcome_payments_gbp"

// AllRules is the Scale.Rule of a rescaling of every payment amount.
const AllRules = "all"

// Defaults of EqualCostOptions.
const (
	DefaultEqualCostTolerance = 0.01
	DefaultEqualCostRuns      = 12
	minScaleFactor            = 1e-3
	maxScaleFactor            = 1e3
)

// paymentAmounts names, for each rule type (its YAML key), the fields that
// are amounts of money (the *_gbp fields). TestPaymentAmountsComplete
// checks the list against the scenario schema.
var paymentAmounts = []struct {
	rule   string
	fields []string
}{
	{"block_grant", []string{"gbp_per_year"}},
	{"capitation", []string{"gbp_per_client_month"}},
	{"per_referral", []string{"gbp_per_referral"}},
	{"per_assessment", []string{"tariffs_gbp[*]"}},
	{"tranche", []string{"amount_gbp"}},
	{"wellbeing_outcome", []string{"per_client_gbp"}},
	{"secondary_care_outcome", []string{"per_client_gbp"}},
}

// paymentSides are the contract's lists of payment phases.
var paymentSides = []string{"provider_payments", "outcome_payments"}

// PaymentRules returns the rule names ScalePayments accepts besides
// AllRules: each rule type (block_grant, capitation, ...), which scales
// that type's amounts in both provider and outcome payments, and
// SIDE.TYPE (provider_payments.per_assessment, outcome_payments.block_grant,
// ...), which scales them on one side only.
func PaymentRules() []string {
	var out []string
	for _, a := range paymentAmounts {
		out = append(out, a.rule)
	}
	for _, side := range paymentSides {
		for _, a := range paymentAmounts {
			out = append(out, side+"."+a.rule)
		}
	}
	return out
}

// ErrRule is wrapped by the errors of ScalePayments for a rule name that
// is not AllRules or one of PaymentRules.
var ErrRule = errors.New("unknown payment rule")

// ErrNoPayments is wrapped by the errors of ScalePayments when the scenario
// has no payment amount that the rule selects.
var ErrNoPayments = errors.New("no payment amounts to scale")

// PaymentPaths returns the parameter paths (as scenario.ScalePath takes
// them, one per rule present) of the payment amounts that rule selects in
// s, in contract order: provider payments, then outcome payments, phase by
// phase, rule by rule. rule is AllRules ("" means the same) or one of
// PaymentRules. Errors wrap ErrRule or ErrNoPayments.
func PaymentPaths(s *scenario.Scenario, rule string) ([]string, error) {
	if rule == "" {
		rule = AllRules
	}
	sides, kind := paymentSides, ""
	if rule != AllRules {
		if !slices.Contains(PaymentRules(), rule) {
			return nil, fmt.Errorf("%w %q: use %s or one of %s", ErrRule, rule, AllRules, strings.Join(PaymentRules(), ", "))
		}
		kind = rule
		if side, k, ok := strings.Cut(rule, "."); ok {
			sides, kind = []string{side}, k
		}
	}
	var paths []string
	for _, side := range sides {
		phases := s.Contract.ProviderPayments
		if side == "outcome_payments" {
			phases = s.Contract.OutcomePayments
		}
		for i, ph := range phases {
			for j, r := range ph.Rules {
				name := ruleType(r)
				if name == "" || (kind != "" && name != kind) {
					continue
				}
				for _, a := range paymentAmounts {
					if a.rule != name {
						continue
					}
					for _, f := range a.fields {
						paths = append(paths, fmt.Sprintf("contract.%s[%d].rules[%d].%s.%s", side, i, j, name, f))
					}
				}
			}
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%w: scenario %s has no %s payment rule", ErrNoPayments, s.Name, rule)
	}
	return paths, nil
}

// ruleType is the YAML key of the rule type r holds, or "".
func ruleType(r scenario.Rule) string {
	switch {
	case r.BlockGrant != nil:
		return "block_grant"
	case r.Capitation != nil:
		return "capitation"
	case r.PerReferral != nil:
		return "per_referral"
	case r.PerAssessment != nil:
		return "per_assessment"
	case r.Tranche != nil:
		return "tranche"
	case r.WellbeingOutcome != nil:
		return "wellbeing_outcome"
	case r.SecondaryCareOutcome != nil:
		return "secondary_care_outcome"
	}
	return ""
}

// ScalePayments returns a copy of s with every payment amount that rule
// selects (PaymentPaths) multiplied by factor, which must be finite and
// > 0, and the paths it scaled. Caps on payers, the investor's capital,
// weights and everything else are left as they are. s is not changed.
func ScalePayments(s *scenario.Scenario, rule string, factor float64) (*scenario.Scenario, []string, error) {
	if !(factor > 0) || math.IsInf(factor, 0) {
		return nil, nil, fmt.Errorf("scale factor must be finite and > 0 (got %g)", factor)
	}
	paths, err := PaymentPaths(s, rule)
	if err != nil {
		return nil, nil, err
	}
	c := s.Clone()
	for _, p := range paths {
		if err := scenario.ScalePath(c, p, factor); err != nil {
			return nil, nil, err
		}
	}
	return c, paths, nil
}

// Scale says how a scenario's payments were rescaled for an equal-cost
// comparison.
type Scale struct {
	// Rule is what was scaled: AllRules or one of PaymentRules; "" when the
	// scenario was not rescaled.
	Rule string
	// Factor multiplies every amount Rule selects (1 when not rescaled).
	Factor float64
}

// Rescaled reports whether the scenario's payments were rescaled.
func (s Scale) Rescaled() bool { return s.Rule != "" }

// Rescaling is the result of EqualCost.
type Rescaling struct {
	Scale
	// Paths are the parameter paths that were multiplied by Factor.
	Paths []string
	// Metric is the spend metric matched; Target is the reference's mean,
	// Unscaled the scenario's mean at factor 1 and Achieved its mean at
	// Factor, all in the metric's unit.
	Metric                     string
	Target, Unscaled, Achieved float64
	// Gap is Achieved/Target - 1, within the tolerance.
	Gap float64
	// Runs is the number of batches simulated in the search (each of the
	// same replications and seed).
	Runs int
}

// EqualCostOptions controls EqualCost. Zero values take the defaults.
type EqualCostOptions struct {
	// Rule selects the amounts to scale (AllRules, or one of PaymentRules).
	Rule string
	// Metric is the spend metric, CommissionerSpendMetric by default; only
	// recorded in the Rescaling (Spend computes it).
	Metric string
	// Tolerance is the largest relative gap |spend/target - 1| accepted
	// (default DefaultEqualCostTolerance, 1%).
	Tolerance float64
	// MaxRuns bounds the number of Spend calls (default
	// DefaultEqualCostRuns).
	MaxRuns int
}

// SpendFunc returns a scenario's expected spend: the mean over a fixed set
// of replications (the same seed and replications for every call, so that
// the search sees common random numbers and a deterministic function of
// the scale factor).
type SpendFunc func(ctx context.Context, s *scenario.Scenario) (float64, error)

// ErrEqualCost is wrapped by the errors of EqualCost when no factor brings
// the spend within the tolerance of the target.
var ErrEqualCost = errors.New("cannot match spend")

// EqualCost searches the factor k by which to scale the payment amounts
// opts.Rule selects in s so that spend(scaled s) is within opts.Tolerance
// of target (relative), and returns the scaled scenario and how it was
// scaled.
//
// The search assumes spend increases with k, as it does when a payer pays
// more for the same activity. It evaluates k = 1; then, until a factor is
// within tolerance, it steps to k·target/spend(k) (exact when spend is
// proportional to k), clamped to a factor of 8 per step, until a factor
// on each side of the target is known; then it takes the secant
// (regula falsi) between the two bracketing factors, or their geometric
// mean when the secant falls outside or the same end has moved twice
// running (the Illinois safeguard against a stalled end). Factors are
// kept in [0.001, 1000]. It fails, with an error wrapping ErrEqualCost
// that gives the closest factor and its gap, after opts.MaxRuns
// evaluations, when spend is negative or not finite, when the factor would
// leave its range (payer caps or the scenario's structure can make spend
// insensitive to k), or when spend falls as k rises between two
// evaluations. It needs target > 0 and a scenario with amounts that
// opts.Rule selects (errors wrapping ErrRule or ErrNoPayments otherwise).
func EqualCost(ctx context.Context, s *scenario.Scenario, target float64, spend SpendFunc, opts EqualCostOptions) (*scenario.Scenario, *Rescaling, error) {
	if opts.Rule == "" {
		opts.Rule = AllRules
	}
	if opts.Metric == "" {
		opts.Metric = CommissionerSpendMetric
	}
	if opts.Tolerance <= 0 {
		opts.Tolerance = DefaultEqualCostTolerance
	}
	if opts.MaxRuns <= 0 {
		opts.MaxRuns = DefaultEqualCostRuns
	}
	if !(target > 0) || math.IsInf(target, 0) {
		return nil, nil, fmt.Errorf("%w: the reference's mean %s is %s; it must be positive to match", ErrEqualCost, opts.Metric, strconv.FormatFloat(target, 'g', 6, 64))
	}
	if _, err := PaymentPaths(s, opts.Rule); err != nil {
		return nil, nil, err
	}
	type point struct {
		k, spend float64
		sc       *scenario.Scenario
		paths    []string
	}
	res := &Rescaling{Scale: Scale{Rule: opts.Rule}, Metric: opts.Metric, Target: target}
	eval := func(k float64) (point, error) {
		sc, paths, err := ScalePayments(s, opts.Rule, k)
		if err != nil {
			return point{}, err
		}
		if err := sc.Validate(); err != nil {
			return point{}, fmt.Errorf("payments scaled by %s: %w", strconv.FormatFloat(k, 'g', 6, 64), err)
		}
		v, err := spend(ctx, sc)
		res.Runs++
		if err != nil {
			return point{}, err
		}
		return point{k, v, sc, paths}, nil
	}
	gap := func(p point) float64 { return p.spend/target - 1 }
	var lo, hi *point // spend below and above the target
	var prev *point   // the previous evaluation
	var best point
	lastMoved := 0 // -1: lo moved last, +1: hi moved last; twice running forces bisection
	moves := 0
	k := 1.0
	fail := func(why string) error {
		return fmt.Errorf("%w: %s: %s; closest: factor %s gives mean %s %s against %s (gap %+.2f%%)",
			ErrEqualCost, s.Name, why, strconv.FormatFloat(best.k, 'g', 6, 64), opts.Metric,
			strconv.FormatFloat(best.spend, 'g', 8, 64), strconv.FormatFloat(target, 'g', 8, 64), 100*gap(best))
	}
	for {
		p, err := eval(k)
		if err != nil {
			return nil, nil, err
		}
		if res.Runs == 1 {
			res.Unscaled = p.spend
			best = p
		}
		if !(p.spend >= 0) || math.IsInf(p.spend, 0) {
			return nil, nil, fmt.Errorf("%w: %s: mean %s is %g with payments scaled by %g", ErrEqualCost, s.Name, opts.Metric, p.spend, k)
		}
		if math.Abs(gap(p)) < math.Abs(gap(best)) {
			best = p
		}
		if math.Abs(gap(p)) <= opts.Tolerance {
			res.Factor, res.Paths, res.Achieved, res.Gap = p.k, p.paths, p.spend, gap(p)
			return p.sc, res, nil
		}
		side := 1
		if p.spend < target {
			side = -1
			lo = &p
		} else {
			hi = &p
		}
		if side == lastMoved {
			moves++
		} else {
			lastMoved, moves = side, 1
		}
		if prev != nil && (p.k-prev.k)*(p.spend-prev.spend) < 0 || lo != nil && hi != nil && lo.k >= hi.k {
			a, b := prev, &p
			if lo != nil && hi != nil && lo.k >= hi.k {
				a, b = hi, lo
			}
			if a.k > b.k {
				a, b = b, a
			}
			return nil, nil, fmt.Errorf("%w: %s: mean %s does not increase with the payment scale (factor %s gives %s, factor %s gives %s)",
				ErrEqualCost, s.Name, opts.Metric, strconv.FormatFloat(a.k, 'g', 6, 64), strconv.FormatFloat(a.spend, 'g', 8, 64),
				strconv.FormatFloat(b.k, 'g', 6, 64), strconv.FormatFloat(b.spend, 'g', 8, 64))
		}
		prev = &p
		if res.Runs >= opts.MaxRuns {
			return nil, nil, fail(fmt.Sprintf("not within %s%% after %d runs", strconv.FormatFloat(100*opts.Tolerance, 'g', 4, 64), opts.MaxRuns))
		}
		var next float64
		switch {
		case lo != nil && hi != nil:
			next = lo.k + (target-lo.spend)*(hi.k-lo.k)/(hi.spend-lo.spend)
			if moves >= 2 || !(next > lo.k && next < hi.k) {
				next = math.Sqrt(lo.k * hi.k)
			}
		case p.spend > 0:
			next = math.Min(math.Max(p.k*target/p.spend, p.k/8), p.k*8)
		case side < 0:
			next = p.k * 8
		default:
			next = p.k / 8
		}
		next = math.Min(math.Max(next, minScaleFactor), maxScaleFactor)
		if next == p.k {
			return nil, nil, fail("the factor would leave [0.001, 1000]")
		}
		k = next
	}
}

// MeanSpend returns a SpendFunc that runs opts (with NoWeekly set and
// Progress cleared) and returns the mean of metric over the replications
// in which it is defined. The error names the metric when it is not one of
// sim.Metrics() or is defined in no replication.
func MeanSpend(metric string, opts sim.Options) (SpendFunc, error) {
	if metricIndex(metric) < 0 {
		return nil, fmt.Errorf("unknown metric %q", metric)
	}
	opts.NoWeekly, opts.Progress = true, nil
	return func(ctx context.Context, s *scenario.Scenario) (float64, error) {
		b, err := sim.RunBatch(ctx, s, opts)
		if err != nil {
			return 0, err
		}
		return BatchMean(b, metric)
	}, nil
}

func metricIndex(metric string) int {
	for i, m := range sim.Metrics() {
		if m.Name == metric {
			return i
		}
	}
	return -1
}

// BatchMean returns the mean of metric over the replications of b in which
// it is defined; an error if it is not a metric or is defined in none.
func BatchMean(b *sim.Batch, metric string) (float64, error) {
	idx := metricIndex(metric)
	if idx < 0 {
		return 0, fmt.Errorf("unknown metric %q", metric)
	}
	x := make([]float64, 0, len(b.Results))
	for _, r := range b.Results {
		x = append(x, r.Metrics[idx])
	}
	d := stats.Describe(x)
	if d.N == 0 {
		return 0, fmt.Errorf("%s is undefined in every replication", metric)
	}
	return d.Mean, nil
}
