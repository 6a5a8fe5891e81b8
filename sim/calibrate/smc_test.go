package calibrate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// twoParam is a cheap analytic model with two parameters on different
// kinds of prior: s1 ~ normal(a, 0.5), s2 ~ normal(b + 0.1a, 0.3).
type twoParam struct{}

func (twoParam) spec(obs1, obs2 float64) calibrate.Spec {
	return calibrate.Spec{
		Parameters: []calibrate.Parameter{
			{Name: "a", Prior: sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0, Max: 10}},
			{Name: "b", Prior: sensitivity.Dist{Kind: sensitivity.KindLogUniform, Min: 0.5, Max: 5}},
		},
		Targets: []calibrate.Target{
			{Name: "s1", Observed: obs1, Tolerance: 0.5, Weight: 1},
			{Name: "s2", Observed: obs2, Tolerance: 0.3, Weight: 1},
		},
	}
}

func (twoParam) draw(r *rand.Rand, a, b float64) []float64 {
	return []float64{a + 0.5*r.NormFloat64(), b + 0.1*a + 0.3*r.NormFloat64()}
}

func (m twoParam) simulate(_ context.Context, p calibrate.Proposal) ([]float64, error) {
	return m.draw(rand.New(rand.NewPCG(p.Seed, 2)), p.Values[0], p.Values[1]), nil
}

func popJSON(t *testing.T, p *calibrate.Population) []byte {
	t.Helper()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// reversed evaluates a batch back to front, one at a time.
type reversed struct{ fn calibrate.SimulateFunc }

func (e reversed) Evaluate(ctx context.Context, batch []calibrate.Proposal) ([][]float64, error) {
	out := make([][]float64, len(batch))
	for i := len(batch) - 1; i >= 0; i-- {
		xs, err := e.fn(ctx, batch[i])
		if err != nil {
			return nil, err
		}
		out[i] = xs
	}
	return out, nil
}

var testConfig = calibrate.Config{Seed: 7, Particles: 200, Alpha: 0.5, MinAcceptRate: 0.1, MaxGenerations: 30}

func runTwoParam(t *testing.T, cfg calibrate.Config, eval calibrate.Evaluator, opts calibrate.RunOptions) (*calibrate.Population, calibrate.StopReason, error) {
	t.Helper()
	s, err := calibrate.NewSMC(twoParam{}.spec(4, 2), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s.Run(context.Background(), eval, opts)
}

func TestSMCDeterministic(t *testing.T) {
	m := twoParam{}
	ref, _, err := runTwoParam(t, testConfig, calibrate.Pointwise(m.simulate, 1), calibrate.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := popJSON(t, ref)
	if ref.Generation < 3 {
		t.Fatalf("only %d generations; the test needs several", ref.Generation+1)
	}
	for name, eval := range map[string]calibrate.Evaluator{
		"again":     calibrate.Pointwise(m.simulate, 1),
		"4 workers": calibrate.Pointwise(m.simulate, 4),
		"reversed":  reversed{m.simulate},
	} {
		got, _, err := runTwoParam(t, testConfig, eval, calibrate.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(popJSON(t, got), want) {
			t.Errorf("%s: population differs from the first run", name)
		}
	}
	other := testConfig
	other.Seed++
	got, _, err := runTwoParam(t, other, calibrate.Pointwise(m.simulate, 1), calibrate.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(popJSON(t, got), want) {
		t.Error("seeds 7 and 8 gave the same population")
	}
}

// TestSMCResume interrupts a run after each generation in turn, round-trips
// the checkpoint through JSON and resumes: the result is byte-identical to
// the uninterrupted run.
func TestSMCResume(t *testing.T) {
	m := twoParam{}
	eval := calibrate.Pointwise(m.simulate, 2)
	ref, refWhy, err := runTwoParam(t, testConfig, eval, calibrate.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := popJSON(t, ref)
	errKill := errors.New("killed")
	for stopAt := 0; stopAt < ref.Generation; stopAt++ {
		var saved []byte
		_, _, err := runTwoParam(t, testConfig, eval, calibrate.RunOptions{OnPopulation: func(p *calibrate.Population) error {
			saved = popJSON(t, p)
			if p.Generation == stopAt {
				return errKill
			}
			return nil
		}})
		if !errors.Is(err, errKill) {
			t.Fatalf("stop at %d: err = %v; want %v", stopAt, err, errKill)
		}
		var cp calibrate.Population
		if err := json.Unmarshal(saved, &cp); err != nil {
			t.Fatal(err)
		}
		got, why, err := runTwoParam(t, testConfig, eval, calibrate.RunOptions{Resume: &cp})
		if err != nil {
			t.Fatal(err)
		}
		if why != refWhy || !bytes.Equal(popJSON(t, got), want) {
			t.Errorf("resumed after generation %d: stop %q, population differs from the uninterrupted run (stop %q)", stopAt, why, refWhy)
		}
	}
}

func TestSMCBudget(t *testing.T) {
	cfg := testConfig
	cfg.MinAcceptRate, cfg.MaxGenerations, cfg.Budget = 0, 0, 1250
	pop, why, err := runTwoParam(t, cfg, calibrate.Pointwise(twoParam{}.simulate, 0), calibrate.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// 200 in generation 0, then 100 a generation: 11 generations use 1200.
	if why != calibrate.StopBudget || pop.Total != 1200 || pop.Generation != 10 {
		t.Errorf("stop %q after %d simulations, generation %d; want %q after 1200, generation 10", why, pop.Total, pop.Generation, calibrate.StopBudget)
	}
	var sum int
	for _, h := range pop.History {
		sum += h.Simulations
	}
	if sum != pop.Total {
		t.Errorf("history counts %d simulations; total says %d", sum, pop.Total)
	}
	for i := 1; i < len(pop.History); i++ {
		if pop.History[i].Epsilon > pop.History[i-1].Epsilon {
			t.Errorf("epsilon rose from %v to %v in generation %d", pop.History[i-1].Epsilon, pop.History[i].Epsilon, i)
		}
	}
}

// TestSMCStopRules runs until each rule fires and checks the rule holds.
func TestSMCStopRules(t *testing.T) {
	eval := calibrate.Pointwise(twoParam{}.simulate, 0)
	for _, tc := range []struct {
		name  string
		cfg   func(*calibrate.Config)
		want  calibrate.StopReason
		holds func(*calibrate.Population) bool
	}{
		{"acceptance", func(c *calibrate.Config) { c.MinAcceptRate = 0.2 }, calibrate.StopAcceptance,
			func(p *calibrate.Population) bool { return p.AcceptRate < 0.2 }},
		{"epsilon", func(c *calibrate.Config) { c.MinAcceptRate, c.Epsilon = 0, 0.5 }, calibrate.StopEpsilon,
			func(p *calibrate.Population) bool {
				return p.Epsilon <= 0.5 && p.History[len(p.History)-2].Epsilon > 0.5
			}},
		{"stalled", func(c *calibrate.Config) { c.MinAcceptRate, c.MinEpsilonDrop = 0, 0.3 }, calibrate.StopStalled,
			func(p *calibrate.Population) bool { return p.Epsilon > 0.7*p.History[len(p.History)-2].Epsilon }},
		{"generations", func(c *calibrate.Config) { c.MinAcceptRate, c.MaxGenerations = 0, 3 }, calibrate.StopGenerations,
			func(p *calibrate.Population) bool { return p.Generation == 2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig
			tc.cfg(&cfg)
			pop, why, err := runTwoParam(t, cfg, eval, calibrate.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if why != tc.want || !tc.holds(pop) {
				t.Errorf("stop %q at generation %d (eps %v, acceptance %v); want %q with its rule holding", why, pop.Generation, pop.Epsilon, pop.AcceptRate, tc.want)
			}
		})
	}
}

// TestSMCExact: with a range target every kept particle can meet exactly,
// ε reaches 0 and sampling stops there. The range holds 40% of the prior,
// less than the half generation 0 keeps, so that takes one more
// generation.
func TestSMCExact(t *testing.T) {
	spec := calibrate.Spec{
		Parameters: []calibrate.Parameter{{Name: "x", Prior: sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0, Max: 1}}},
		Targets:    []calibrate.Target{{Name: "x", Range: true, Min: 0.2, Max: 0.6, Weight: 1}},
	}
	s, err := calibrate.NewSMC(spec, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	ident := func(_ context.Context, p calibrate.Proposal) ([]float64, error) { return []float64{p.Values[0]}, nil }
	pop, why, err := s.Run(context.Background(), calibrate.Pointwise(ident, 0), calibrate.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if why != calibrate.StopExact || pop.Epsilon != 0 || pop.Generation != 1 || !(pop.History[0].Epsilon > 0) {
		t.Errorf("stop %q at generation %d, eps %v; want %q at generation 1, eps 0", why, pop.Generation, pop.Epsilon, calibrate.StopExact)
	}
	for _, p := range pop.Particles {
		if p.Values[0] < 0.2 || p.Values[0] > 0.6 {
			t.Errorf("kept x = %v outside the range [0.2, 0.6]", p.Values[0])
		}
	}
}

// TestProposalsInSupport runs several generations with bounded priors of
// every kind, concentrated at their edges by the targets, and checks that
// every proposal lies in its prior's support.
func TestProposalsInSupport(t *testing.T) {
	priors := []sensitivity.Dist{
		{Kind: sensitivity.KindUniform, Min: 2, Max: 3},
		{Kind: sensitivity.KindLogUniform, Min: 0.01, Max: 100},
		{Kind: sensitivity.KindNormal, Mean: 0, SD: 1, Min: -0.5, Max: 2},
		{Kind: sensitivity.KindLevels, Levels: []float64{1, 5, 9}},
	}
	spec := calibrate.Spec{}
	for i, d := range priors {
		name := string(rune('a' + i))
		spec.Parameters = append(spec.Parameters, calibrate.Parameter{Name: name, Prior: d})
		// Each target sits just beyond the top of its parameter's range,
		// with a tolerance a twentieth of the range.
		top, width := d.Value(1), d.Value(1)-d.Value(0)
		spec.Targets = append(spec.Targets, calibrate.Target{Name: name, Observed: top + width/100, Tolerance: width / 20, Weight: 1})
	}
	s, err := calibrate.NewSMC(spec, calibrate.Config{Seed: 3, Particles: 100, Alpha: 0.5, MaxGenerations: 8})
	if err != nil {
		t.Fatal(err)
	}
	var checked int
	sim := func(_ context.Context, p calibrate.Proposal) ([]float64, error) {
		for k, d := range priors {
			u, x := p.Unit[k], p.Values[k]
			ok := u >= 0 && u <= 1
			if d.Kind == sensitivity.KindLevels {
				ok = ok && slices.Contains(d.Levels, x)
			} else {
				ok = ok && x >= d.Min && x <= d.Max
			}
			if !ok {
				return nil, errors.New("proposal outside the prior's support")
			}
		}
		checked++
		return slices.Clone(p.Values), nil
	}
	pop, _, err := s.Run(context.Background(), calibrate.Pointwise(sim, 1), calibrate.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if checked != pop.Total || pop.Generation != 7 {
		t.Errorf("checked %d proposals over %d generations; want %d over 8", checked, pop.Generation+1, pop.Total)
	}
	// The posterior has moved to the top of each range.
	for _, sm := range calibrate.Summarise(spec, pop) {
		d := priors[sm.Name[0]-'a']
		if sm.Median < d.Value(0.75) {
			t.Errorf("%s: posterior median %v below the prior's 75%% quantile %v", sm.Name, sm.Median, d.Value(0.75))
		}
	}
}

// TestSMCInert: a target that takes one value in every simulation of the
// first generation is listed in its population's Inert; sampling goes on
// while another target varies, and stops at once (StopInert) when none
// does. A target that varies over the prior draws is not inert, however
// alike the kept nearest half.
func TestSMCInert(t *testing.T) {
	cfg := testConfig
	cfg.MinAcceptRate, cfg.MaxGenerations = 0, 3
	first := func(sim calibrate.SimulateFunc) (*calibrate.Population, calibrate.StopReason) {
		t.Helper()
		var gen0 *calibrate.Population
		_, why, err := runTwoParam(t, cfg, calibrate.Pointwise(sim, 0), calibrate.RunOptions{OnPopulation: func(p *calibrate.Population) error {
			if p.Generation == 0 {
				gen0 = p
			}
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		return gen0, why
	}
	gen0, why := first(func(_ context.Context, p calibrate.Proposal) ([]float64, error) {
		return []float64{p.Values[0], 5}, nil
	})
	if !slices.Equal(gen0.Inert, []int{1}) || gen0.Particles[0].Summaries[1] != 5 {
		t.Errorf("Inert = %v; want target 1, 5 in every particle", gen0.Inert)
	}
	if why != calibrate.StopGenerations {
		t.Errorf("stop %q with one target varying; want %q", why, calibrate.StopGenerations)
	}

	gen0, why = first(func(_ context.Context, p calibrate.Proposal) ([]float64, error) { return []float64{3, 5}, nil })
	if why != calibrate.StopInert || !slices.Equal(gen0.Inert, []int{0, 1}) || gen0.Generation != 0 {
		t.Errorf("stop %q, inert %v with no target varying; want %q after generation 0 with both inert", why, gen0.Inert, calibrate.StopInert)
	}

	// s2 is 2 (its observed value, distance 0) for a above 5 and varies
	// below: the kept nearest half all have 2, but the prior draws do not.
	gen0, _ = first(func(_ context.Context, p calibrate.Proposal) ([]float64, error) {
		if p.Values[0] > 5 {
			return []float64{4, 2}, nil
		}
		return []float64{4, p.Values[1]}, nil
	})
	if !slices.Equal(gen0.Inert, []int{0}) {
		t.Errorf("Inert = %v; want only target 0 (target 1 varies over the prior draws)", gen0.Inert)
	}
}

func TestSMCUndefined(t *testing.T) {
	// Nine simulations in ten are undefined: fewer than α N remain.
	sim := func(_ context.Context, p calibrate.Proposal) ([]float64, error) {
		if p.Index%10 != 0 {
			return []float64{math.NaN(), 1}, nil
		}
		return []float64{p.Values[0], 1}, nil
	}
	_, _, err := runTwoParam(t, testConfig, calibrate.Pointwise(sim, 0), calibrate.RunOptions{})
	if !errors.Is(err, calibrate.ErrUndefined) || !strings.Contains(err.Error(), "(undefined: s1 in 180)") {
		t.Errorf("err = %v; want %v naming s1, undefined in 180 of 200", err, calibrate.ErrUndefined)
	}
}

func TestEvaluatorErrors(t *testing.T) {
	boom := errors.New("boom")
	fail := func(_ context.Context, p calibrate.Proposal) ([]float64, error) {
		if p.Index == 17 {
			return nil, boom
		}
		return []float64{1, 2}, nil
	}
	if _, _, err := runTwoParam(t, testConfig, calibrate.Pointwise(fail, 3), calibrate.RunOptions{}); !errors.Is(err, boom) {
		t.Errorf("err = %v; want %v", err, boom)
	}
	short := func(_ context.Context, p calibrate.Proposal) ([]float64, error) { return []float64{1}, nil }
	if _, _, err := runTwoParam(t, testConfig, calibrate.Pointwise(short, 1), calibrate.RunOptions{}); err == nil {
		t.Error("an evaluator returning 1 summary for 2 targets gave no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, _ := calibrate.NewSMC(twoParam{}.spec(4, 2), testConfig)
	if _, _, err := s.Run(ctx, calibrate.Pointwise(twoParam{}.simulate, 1), calibrate.RunOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v; want %v", err, context.Canceled)
	}
}

func TestRejectionEpsilon(t *testing.T) {
	m := twoParam{}
	spec := m.spec(4, 2)
	r, err := calibrate.NewRejection(spec, calibrate.RejectionConfig{Seed: 1, Draws: 5000, Epsilon: 1})
	if err != nil {
		t.Fatal(err)
	}
	pop, err := r.Run(context.Background(), calibrate.Pointwise(m.simulate, 0))
	if err != nil {
		t.Fatal(err)
	}
	if pop.Epsilon != 1 || len(pop.Particles) == 0 || pop.AcceptRate != float64(len(pop.Particles))/5000 {
		t.Errorf("eps %v, %d kept, acceptance %v; want eps 1 and acceptance kept/5000", pop.Epsilon, len(pop.Particles), pop.AcceptRate)
	}
	// Exactly the draws within ε are kept.
	props := r.Propose()
	sums, _ := calibrate.Pointwise(m.simulate, 0).Evaluate(context.Background(), props)
	var within int
	for _, xs := range sums {
		if calibrate.Distance(spec.Targets, xs) <= 1 {
			within++
		}
	}
	if within != len(pop.Particles) {
		t.Errorf("kept %d; %d draws lie within eps", len(pop.Particles), within)
	}
	// Rejection's draws are SMC's generation 0.
	s, _ := calibrate.NewSMC(spec, calibrate.Config{Seed: 1, Particles: 5000, Alpha: 0.5, MaxGenerations: 1})
	if g := s.Propose(nil); !slices.EqualFunc(g, props, func(a, b calibrate.Proposal) bool {
		return a.Seed == b.Seed && slices.Equal(a.Unit, b.Unit)
	}) {
		t.Error("rejection draws differ from SMC generation 0 with the same seed")
	}
	r, _ = calibrate.NewRejection(spec, calibrate.RejectionConfig{Seed: 1, Draws: 100, Epsilon: 1e-9})
	if _, err := r.Run(context.Background(), calibrate.Pointwise(m.simulate, 0)); !errors.Is(err, calibrate.ErrNoneAccepted) {
		t.Errorf("err = %v; want %v", err, calibrate.ErrNoneAccepted)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  calibrate.Config
		want string // "" for valid
	}{
		{"default", calibrate.DefaultConfig(), ""},
		{"few particles", calibrate.Config{Particles: 3, Alpha: 0.5, MaxGenerations: 1}, "particles must be >= 4 (got 3)"},
		{"alpha 1", calibrate.Config{Particles: 10, Alpha: 1, MaxGenerations: 1}, "alpha must be in (0, 1) (got 1)"},
		{"keeps 1", calibrate.Config{Particles: 10, Alpha: 0.15, MaxGenerations: 1}, "alpha 0.15 keeps 1 of 10 particles; want at least 2 and fewer than all"},
		{"no end", calibrate.Config{Particles: 10, Alpha: 0.5, MinAcceptRate: 0.05}, "set a budget or a maximum number of generations"},
		{"small budget", calibrate.Config{Particles: 10, Alpha: 0.5, Budget: 9}, "budget 9 is less than the first generation's 10 simulations"},
		{"rate", calibrate.Config{Particles: 10, Alpha: 0.5, MaxGenerations: 1, MinAcceptRate: 1}, "min accept rate must be in [0, 1) (got 1)"},
		{"epsilon", calibrate.Config{Particles: 10, Alpha: 0.5, MaxGenerations: 1, Epsilon: math.NaN()}, "epsilon must be finite and >= 0 (got NaN)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate() = %v; want nil", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("Validate() = %v; want %q", err, tc.want)
			}
		})
	}
}
