package calibration

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/sweep"
)

// recoveryPriors are two parameters of small with strong, separate
// signals, each on the metric after it.
var recoveryPriors = []struct {
	path     string
	min, max float64
	metric   string
}{
	{"referrals.refusal_prob", 0.05, 0.5, "engaged_share"},
	{"wellbeing.healthy_level", 4, 6, "star_baseline_mean"},
}

// binomialBelow returns P(X < k) for X ~ binomial(n, p).
func binomialBelow(k, n int, p float64) float64 {
	var s float64
	for i := range k {
		lc, _ := math.Lgamma(float64(n + 1))
		a, _ := math.Lgamma(float64(i + 1))
		b, _ := math.Lgamma(float64(n - i + 1))
		s += math.Exp(lc - a - b + float64(i)*math.Log(p) + float64(n-i)*math.Log1p(-p))
	}
	return s
}

// TestSyntheticRecovery calibrates small to figures that sibsim itself
// produced from known parameter values drawn from the prior (one run at
// the true values, with a seed the calibration never uses), over several
// data sets, and checks that the true values fall inside the 90% credible
// intervals at about the nominal rate and that the intervals are
// informative (much narrower than the prior).
//
// Tolerances: each target's tolerance is the standard deviation of its
// metric over 8 seeds at the prior's centre, so that the observed figure's
// own noise is one unit of distance. The coverage bound is binomial: with
// n intervals at the nominal 0.9, the count covered must be at least the
// largest k with P(X < k) <= 0.01 (for n = 16, k = 11: P(X <= 10) = 0.003, P(X <= 11) = 0.017).
// Intervals are counted as independent (the two of a data set share it),
// and ABC at a tolerance above zero widens intervals, which raises
// coverage, so only the lower side is tested.
func TestSyntheticRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: about 4500 simulations")
	}
	const sets = 8
	c0 := load(t, quick)
	base := c0.Base.Scenario
	var params []sweep.Parameter
	centre := make([]float64, len(recoveryPriors))
	for i, p := range recoveryPriors {
		params = append(params, sweep.Parameter{Path: p.path})
		centre[i] = (p.min + p.max) / 2
	}
	run := func(vals []float64, seed uint64) []float64 {
		sc, err := sweep.ApplyParameters(base, params, vals)
		if err != nil {
			t.Fatal(err)
		}
		res, err := sim.RunOne(context.Background(), sc, seed, 0, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float64, len(recoveryPriors))
		for i, p := range recoveryPriors {
			for j, m := range sim.Metrics() {
				if m.Name == p.metric {
					out[i] = res.Metrics[j]
				}
			}
		}
		return out
	}
	// The tolerances: metric SDs over 8 seeds at the centre.
	tol := make([]float64, len(recoveryPriors))
	var rows [][]float64
	for s := range 8 {
		rows = append(rows, run(centre, uint64(7000+s)))
	}
	for i := range tol {
		var m, v float64
		for _, r := range rows {
			m += r[i] / 8
		}
		for _, r := range rows {
			v += (r[i] - m) * (r[i] - m) / 7
		}
		tol[i] = math.Sqrt(v)
	}

	covered, n := 0, 0
	widths := make([]float64, len(recoveryPriors))
	rng := rand.New(rand.NewPCG(2024, 6))
	for d := range sets {
		truth := make([]float64, len(recoveryPriors))
		for i, p := range recoveryPriors {
			truth[i] = p.min + rng.Float64()*(p.max-p.min)
		}
		obs := run(truth, uint64(9000+d))
		var b strings.Builder
		fmt.Fprintf(&b, "name: synthetic-%d\nbase: small.yaml\nseed: %d\nparticles: 100\nalpha: 0.5\nmin_accept_rate: 0.15\nbudget: 560\ncheck_draws: 10\nparameters:\n", d, d+1)
		for _, p := range recoveryPriors {
			fmt.Fprintf(&b, "  - path: %s\n    uniform: [%v, %v]\n", p.path, p.min, p.max)
		}
		b.WriteString("targets:\n")
		for i, p := range recoveryPriors {
			fmt.Fprintf(&b, "  - metric: %s\n    observed: %v\n    tolerance: %v\n", p.metric, obs[i], tol[i])
		}
		c := load(t, b.String())
		res := mustRun(t, c, filepath.Join(t.TempDir(), "cal"), Options{Version: "v"})
		for i, s := range res.Summaries {
			n++
			in := s.Lower <= truth[i] && truth[i] <= s.Upper
			if in {
				covered++
			}
			w := (s.Upper - s.Lower) / (recoveryPriors[i].max - recoveryPriors[i].min)
			widths[i] += w / sets
			t.Logf("data set %d: %s true %.4g, 90%% interval [%.4g, %.4g] (%.0f%% of the prior), inside %v; ε %.3g after %d generations",
				d, s.Name, truth[i], s.Lower, s.Upper, 100*w, in, res.Population.Epsilon, res.Population.Generation+1)
		}
	}
	k := 0
	for binomialBelow(k+1, n, 0.9) <= 0.01 {
		k++
	}
	if covered < k {
		t.Errorf("%d of %d 90%% credible intervals hold the true value; want at least %d (P(X < %d) <= 0.01 for binomial(%d, 0.9))", covered, n, k, k, n)
	}
	for i, w := range widths {
		if w > 0.5 {
			t.Errorf("%s: mean 90%% interval is %.0f%% of the prior's width; want under 50%% (the figures should inform it)", recoveryPriors[i].path, 100*w)
		}
	}
	t.Logf("%d of %d intervals cover the truth (bound %d); mean widths %.2f of the priors", covered, n, k, widths)
}
