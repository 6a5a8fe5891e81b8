package results

import (
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// TestFromRunMatchesReadRun checks that FromRun gives what Write and then
// ReadRun give: the same manifest, summary, columns, providers and values
// (to the 10 significant digits the CSV files keep).
func TestFromRunMatchesReadRun(t *testing.T) {
	run := testRun(3, 5, 7)
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(t.Context(), dir, run); err != nil {
		t.Fatal(err)
	}
	want, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FromRun(run)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Manifest, want.Manifest) {
		t.Errorf("FromRun manifest = %+v; want %+v", got.Manifest, want.Manifest)
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"metrics", got.Metrics, want.Metrics},
		{"weekly columns", got.WeeklyColumns, want.WeeklyColumns},
		{"provider columns", got.ProviderColumns, want.ProviderColumns},
		{"providers", got.Providers, want.Providers},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("FromRun %s = %q; want %q", c.name, c.got, c.want)
		}
	}
	if !slices.Equal(got.ReplicationIDs, want.ReplicationIDs) {
		t.Errorf("FromRun replication ids = %v; want %v", got.ReplicationIDs, want.ReplicationIDs)
	}
	if len(got.Summary) != len(want.Summary) {
		t.Fatalf("FromRun has %d summary rows; want %d", len(got.Summary), len(want.Summary))
	}
	for i := range got.Summary {
		g, w := got.Summary[i], want.Summary[i]
		if g.Metric != w.Metric || g.Unit != w.Unit || g.N != w.N || !near(g.Mean, w.Mean) || !near(g.Hi95, w.Hi95) {
			t.Errorf("FromRun summary row %d = %+v; want %+v", i, g, w)
		}
	}
	check := func(what string, g, w []float64) {
		t.Helper()
		if len(g) != len(w) {
			t.Fatalf("%s: %d values; want %d", what, len(g), len(w))
		}
		for i := range g {
			if !near(g[i], w[i]) {
				t.Fatalf("%s[%d] = %v; want %v", what, i, g[i], w[i])
			}
		}
	}
	if len(got.Weekly) != len(want.Weekly) || len(got.ProviderWeekly) != len(want.ProviderWeekly) {
		t.Fatalf("FromRun has %d/%d replications of series; want %d/%d", len(got.Weekly), len(got.ProviderWeekly), len(want.Weekly), len(want.ProviderWeekly))
	}
	for r := range want.Replications {
		check("replications", got.Replications[r], want.Replications[r])
		for w := range want.Weekly[r] {
			check("weekly", got.Weekly[r][w], want.Weekly[r][w])
		}
		for p := range want.ProviderWeekly[r] {
			for w := range want.ProviderWeekly[r][p] {
				check("provider weekly", got.ProviderWeekly[r][p][w], want.ProviderWeekly[r][p][w])
			}
		}
	}
}

func TestFromRunRejectsBadRuns(t *testing.T) {
	noWeekly := testRun(2, 3, 1)
	for _, r := range noWeekly.Batch.Results {
		r.Weekly = nil
	}
	for name, run := range map[string]Run{
		"no scenario": {Batch: testRun(1, 2, 1).Batch},
		"no batch":    {Scenario: testRun(1, 2, 1).Scenario},
		"no weekly":   noWeekly,
	} {
		if _, err := FromRun(run); err == nil {
			t.Errorf("FromRun(%s) = nil error; want one", name)
		}
	}
}

// near reports whether a and b agree to the 10 significant digits of
// FormatFloat (both NaN counts as agreeing).
func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}
