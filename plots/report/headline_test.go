package report

import (
	"math"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
)

func TestDifferencePhrases(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		k    kind
		e    estimate
		want string
	}{
		{"clear share", share, estimate{0.172, 0.161, 0.183, 10}, "+17 percentage points [16, 18]"},
		{"clear negative share", share, estimate{-0.023, -0.036, -0.009, 10}, "−2 percentage points [−4, −1]"},
		{"includes zero", share, estimate{0.006, -0.004, 0.016, 10}, "no clear difference (+0.6 percentage points [−0.4, 1.6])"},
		{"one point", points, estimate{1.04, 0.2, 1.9, 5}, "+1.0 Star points [0.2, 1.9]"},
		{"money", money, estimate{-315.2, -344, -286, 5}, "−£315 [−£344, −£286]"},
		{"money thousands", money, estimate{12345, 11000, 13690.4, 5}, "+£12,345 [£11,000, £13,690]"},
		{"one replication", share, estimate{0.2, nan, nan, 1}, "+20 percentage points, from a single replication: no interval, so no clear difference can be claimed"},
		{"undefined", share, estimate{nan, nan, nan, 0}, "the difference is undefined (NA in every replication)"},
		{"zero everywhere", share, estimate{0, 0, 0, 3}, "no clear difference (0.00 percentage points [0.00, 0.00])"},
	}
	for _, tt := range tests {
		if got := tt.k.difference(tt.e); got != tt.want {
			t.Errorf("%s: difference(%+v) = %q; want %q", tt.name, tt.e, got, tt.want)
		}
	}
	if got, want := share.level(estimate{0.525, 0.516, 0.534, 4}), "52.5% [51.6%, 53.4%]"; got != want {
		t.Errorf("share.level = %q; want %q", got, want)
	}
	if got, want := money.level(estimate{1146.2, nan, nan, 1}), "£1,146"; got != want {
		t.Errorf("money.level(one replication) = %q; want %q", got, want)
	}
	if got := share.level(estimate{nan, nan, nan, 0}); !strings.HasPrefix(got, "undefined") {
		t.Errorf("share.level(undefined) = %q; want it to say undefined", got)
	}
}

func TestNumber(t *testing.T) {
	for _, tt := range []struct {
		x      float64
		dec    int
		signed bool
		want   string
	}{
		{1234567.8, 0, false, "1,234,568"},
		{999, 0, true, "+999"},
		{-1000, 0, false, "−1,000"},
		{-0.001, 1, true, "0.0"},
		{12345.25, 1, false, "12,345.2"},
	} {
		if got := number(tt.x, tt.dec, tt.signed); got != tt.want {
			t.Errorf("number(%v, %d, %v) = %q; want %q", tt.x, tt.dec, tt.signed, got, tt.want)
		}
	}
}

// fakeComparison builds a comparison of two scenarios, a and b, with the
// given statistics of every metric, and runs whose replications give the
// disengagement gap.
func fakeComparison(stats map[string][2]compare.Stat, complex, simple [2][]float64) (*compare.Comparison, []*results.RunData) {
	c := &compare.Comparison{Scenarios: []string{"a", "b"}, Replications: len(complex[0]), Stats: make([][]compare.Stat, 2)}
	for m, st := range stats {
		c.Metrics = append(c.Metrics, m)
		c.Stats[0] = append(c.Stats[0], st[0])
		c.Stats[1] = append(c.Stats[1], st[1])
	}
	var runs []*results.RunData
	for s := range 2 {
		d := &results.RunData{Metrics: []string{mDisengComplex, mDisengSimple}}
		for r := range complex[s] {
			d.Replications = append(d.Replications, []float64{complex[s][r], simple[s][r]})
		}
		runs = append(runs, d)
	}
	return c, runs
}

func TestHeadlines(t *testing.T) {
	nan := math.NaN()
	ref := func(m, lo, hi float64) compare.Stat {
		return compare.Stat{N: 4, Mean: m, Lo95: lo, Hi95: hi, NPaired: 0, Diff: nan, DiffLo95: nan, DiffHi95: nan}
	}
	other := func(m, d, lo, hi float64) compare.Stat {
		return compare.Stat{N: 4, Mean: m, Lo95: m - 0.01, Hi95: m + 0.01, NPaired: 4, Diff: d, DiffLo95: lo, DiffHi95: hi}
	}
	stats := map[string][2]compare.Stat{
		mCareShare:       {ref(0.35, 0.34, 0.36), other(0.52, 0.17, 0.16, 0.18)},
		mDisengComplex:   {ref(0.5, 0.45, 0.55), other(0.45, -0.05, -0.08, -0.02)},
		mDisengSimple:    {ref(0.3, 0.25, 0.35), other(0.3, 0, -0.01, 0.01)},
		mGainComplex:     {ref(2.9, 2.8, 3.0), other(3.5, 0.6, 0.5, 0.7)},
		mGainSimple:      {ref(2.2, 2.1, 2.3), other(2.3, 0.1, -0.1, 0.3)},
		mCostPerEngaged:  {ref(831, 810, 852), other(1146, 315, 286, 344)},
		mCostPerStar:     {ref(312, 300, 324), other(376, 64, 58, 71)},
		mTurnoverPerYear: {ref(0.14, 0.13, 0.15), other(0.12, -0.02, -0.04, 0.001)},
	}
	// Gap a: 0.2 in every replication but the last; gap b: a's minus 0.05.
	complex := [2][]float64{{0.5, 0.5, 0.5, 0.6}, {0.45, 0.45, 0.45, 0.55}}
	simple := [2][]float64{{0.3, 0.3, 0.3, 0.3}, {0.3, 0.3, 0.3, 0.3}}
	c, runs := fakeComparison(stats, complex, simple)
	hs := headlines(c, runs)
	var titles []string
	text := map[string]string{}
	for _, h := range hs {
		titles = append(titles, h.Title)
		text[h.Title] = strings.Join(h.Sentences, " ")
	}
	if got, want := strings.Join(titles, "|"), "Care share|Who is lost|Wellbeing gain by tier|The commissioner's cost|Staff turnover"; got != want {
		t.Fatalf("headline titles = %q; want %q", got, want)
	}
	for title, want := range map[string][]string{
		"Care share": {"Under b, link workers spend 52% of their care and choice hours on care against 35% under a: +17 percentage points [16, 18]."},
		"Who is lost": {
			"Under a, 50% of engaged complex-tier clients disengage against 30% of simple-tier clients; complex minus simple: +23 percentage points [15, 30].",
			"The gap under b minus the gap under a: −5.0 percentage points [−5.0, −5.0].",
		},
		"Wellbeing gain by tier":  {"against 2.9 and 2.2 under a: complex tier +0.6 Star points [0.5, 0.7]; simple tier no clear difference (+0.1 Star points [−0.1, 0.3])"},
		"The commissioner's cost": {"per engaged client +£315 [£286, £344]; per Star point +£64 [£58, £71]"},
		"Staff turnover":          {"no clear difference (−2.0 percentage points [−4.0, 0.1])"},
	} {
		for _, w := range want {
			if !strings.Contains(text[title], w) {
				t.Errorf("%s headline = %q; want it to contain %q", title, text[title], w)
			}
		}
	}

	t.Run("missing metrics", func(t *testing.T) {
		c, runs := fakeComparison(map[string][2]compare.Stat{mCareShare: stats[mCareShare]}, complex, simple)
		if hs := headlines(c, runs); len(hs) != 1 || hs[0].Title != "Care share" {
			t.Errorf("headlines with only care_share = %+v; want the care share alone", hs)
		}
	})
}
