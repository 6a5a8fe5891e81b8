package sweep

import (
	"context"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

func pointsBase(t testing.TB) *scenario.Resolved {
	t.Helper()
	r, err := scenario.Loader{Shipped: scenarios.FS}.Load("ways-to-wellness")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// pointsSpec has n points; points 0 and 1 share their coordinates but not
// their seeds.
func pointsSpec(n int) PointsSpec {
	s := PointsSpec{
		Name: "points", Base: "ways-to-wellness", Weeks: 20,
		Metrics: []string{"referrals_total", "engaged_share"},
		Parameters: []Parameter{
			{Path: "referrals.gp_engagement_mean", Dist: sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0.2, Max: 0.6}},
			{Path: "providers[*].culture", Dist: sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0.2, Max: 0.8}},
		},
	}
	for i := range n {
		u := []float64{float64(i%7) / 6, float64(i%5) / 4}
		if i == 1 {
			u = s.Unit[0]
		}
		s.Unit = append(s.Unit, u)
		s.Seeds = append(s.Seeds, uint64(1000+i))
	}
	return s
}

func TestPointsPlanRuns(t *testing.T) {
	base := pointsBase(t)
	spec := pointsSpec(40)
	p, err := NewPointsPlan(spec, base)
	if err != nil {
		t.Fatalf("NewPointsPlan = %v", err)
	}
	dir := t.TempDir()
	one := filepath.Join(dir, "one")
	mustRun(t, p, one, Options{Workers: 1, Version: "v"})
	got, err := ReadPointRuns(context.Background(), one, p)
	if err != nil {
		t.Fatalf("ReadPointRuns = %v", err)
	}
	if len(got) != 40 {
		t.Fatalf("ReadPointRuns gave %d rows; want 40", len(got))
	}
	// Each point is replication 0 with its own seed.
	for _, i := range []int{0, 1, 17} {
		sc, err := ApplyParameters(base.Scenario, spec.Parameters, p.Values(i))
		if err != nil {
			t.Fatal(err)
		}
		res, err := sim.RunOne(context.Background(), sc, spec.Seeds[i], 0, 20, false)
		if err != nil {
			t.Fatal(err)
		}
		for k, m := range []int{0, 4} { // referrals_total, engaged_share
			// runs.csv holds the value as results.FormatFloat writes it.
			w, _ := results.ParseFloat(results.FormatFloat(res.Metrics[m]))
			if got[i][k] != w && !(math.IsNaN(w) && math.IsNaN(got[i][k])) {
				t.Errorf("point %d metric %d = %v; want %v (RunOne with the point's seed)", i, k, got[i][k], w)
			}
		}
	}
	if got[0][0] == got[1][0] && got[0][1] == got[1][1] {
		t.Errorf("points 0 and 1 (same values, different seeds) gave the same results %v: seeds not used", got[0])
	}

	// Sharded and merged, and run on more workers: the same bytes.
	var shards []string
	for k := range 3 {
		d := filepath.Join(dir, "shard-"+strconv.Itoa(k))
		mustRun(t, p, d, Options{Workers: 2, Version: "v", Shard: k, Shards: 3})
		shards = append(shards, d)
	}
	merged := filepath.Join(dir, "merged")
	if _, err := Merge(context.Background(), shards, merged, CSV); err != nil {
		t.Fatalf("Merge = %v", err)
	}
	sameFiles(t, "merged", readDir(t, merged), readDir(t, one))

	// Other seeds make another sweep.
	spec.Seeds[3]++
	q, err := NewPointsPlan(spec, base)
	if err != nil {
		t.Fatal(err)
	}
	if q.Hash() == p.Hash() {
		t.Error("changing a seed left the hash unchanged")
	}
	if _, err := ReadPointRuns(context.Background(), one, q); err == nil || !strings.Contains(err.Error(), "different sweep") {
		t.Errorf("ReadPointRuns of another plan's directory = %v; want a different-sweep error", err)
	}
}

func TestPointsPlanErrors(t *testing.T) {
	base := pointsBase(t)
	tests := []struct {
		name string
		edit func(*PointsSpec)
		want string
	}{
		{"no points", func(s *PointsSpec) { s.Unit, s.Seeds = nil, nil }, "no points"},
		{"seeds", func(s *PointsSpec) { s.Seeds = s.Seeds[:1] }, "1 seeds for 3 points"},
		{"outside cube", func(s *PointsSpec) { s.Unit[2][1] = 1.5 }, "point 2: coordinate 1 is 1.5"},
		{"coordinates", func(s *PointsSpec) { s.Unit[1] = s.Unit[1][:1] }, "point 1 has 1 coordinates for 2 parameters"},
		{"metric", func(s *PointsSpec) { s.Metrics = []string{"nope"} }, `unknown metric "nope"`},
		{"path", func(s *PointsSpec) { s.Parameters[0].Path = "referrals.nope" }, "parameters[0].path"},
		{"invalid scenario", func(s *PointsSpec) {
			s.Parameters[0] = Parameter{Path: "referrals.refusal_prob", Dist: sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0, Max: 5}}
			s.Unit[2][0] = 1
		}, "design point 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := pointsSpec(3)
			tt.edit(&s)
			_, err := NewPointsPlan(s, base)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewPointsPlan = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}
