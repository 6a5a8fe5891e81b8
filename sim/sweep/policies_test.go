package sweep

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/parquet-go/parquet-go"

	"github.com/sibsim/sibsim/sim/results"
)

// tinyPolicies crosses 4 random points and 2 replications of 20 weeks
// with three policies: the default, a file that only renames it (so its
// runs must equal the default's under common random numbers) and the
// block grant.
const tinyPolicies = `name: tiny-policies
seed: 5
replications: 2
weeks: 20
metrics: [referrals_total, care_share, provider_revenue_gbp, investor_irr]
policies: [ways-to-wellness, same.yaml, block-grant]
design: {kind: random, n: 4}
parameters:
  - path: referrals.gp_engagement_mean
    uniform: [0.2, 0.6]
  - path: providers[*].culture
    uniform: [0.2, 0.8]
`

// sameScenario is the default scenario under another name.
const sameScenario = "name: same\nextends: ways-to-wellness\n"

func policyPlan(t testing.TB, yaml string) *Plan {
	t.Helper()
	p, err := loader(fstest.MapFS{
		"exp/x.yaml":    {Data: []byte(yaml)},
		"exp/same.yaml": {Data: []byte(sameScenario)},
	}).Load("exp/x.yaml")
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	return p
}

func TestPolicyPlan(t *testing.T) {
	p := policyPlan(t, tinyPolicies)
	if got, want := p.PolicyNames(), []string{"ways-to-wellness", "same", "block-grant"}; !slices.Equal(got, want) {
		t.Errorf("PolicyNames() = %q; want %q", got, want)
	}
	if p.Points != 4 || p.Runs != 24 {
		t.Errorf("plan: %d points, %d runs; want 4 and 24 (4 points x 2 replications x 3 policies)", p.Points, p.Runs)
	}
	// Policies vary fastest, then replications, then points.
	for run, want := range [][3]int{{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {0, 1, 0}, {1, 0, 0}, {3, 1, 2}} {
		i := map[int]int{0: 0, 1: 1, 2: 2, 3: 3, 4: 6, 5: 23}[run]
		if pt, rep, pol := p.RunOf(i); [3]int{pt, rep, pol} != want {
			t.Errorf("RunOf(%d) = %d, %d, %d; want %v", i, pt, rep, pol, want)
		}
	}
	sc, err := p.PolicyScenario(2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "block-grant" || sc.Referrals.GPEngagementMean != p.Values(1)[0] {
		t.Errorf("PolicyScenario(2, 1) = %s with gp_engagement_mean %g; want block-grant with %g", sc.Name, sc.Referrals.GPEngagementMean, p.Values(1)[0])
	}
	if got, want := p.RunsHeader(), []string{"point", "replication", "scenario", "referrals_total", "care_share", "provider_revenue_gbp", "investor_irr"}; !slices.Equal(got, want) {
		t.Errorf("RunsHeader() = %q; want %q", got, want)
	}
	if got := p.Chain(); !slices.Contains(got, "exp/same.yaml") || !slices.Contains(got, "scenarios/block-grant.yaml") {
		t.Errorf("Chain() = %q; want every policy's files", got)
	}
}

func TestPolicyErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"base and policies", strings.Replace(tinyPolicies, "seed: 5", "base: ways-to-wellness\nseed: 5", 1),
			"x.yaml:7:11: policies: give base (one scenario) or policies (several), not both"},
		{"same name", strings.Replace(tinyPolicies, "same.yaml", "other/block-grant.yml", 1),
			`x.yaml:6:53: policies[2]: policy name "block-grant" is also the name of policies[1]`},
		{"bad name", strings.Replace(tinyPolicies, "same.yaml", `"my sib.yaml"`, 1),
			`x.yaml:6:30: policies[1]: policy name "my sib" (from my sib.yaml) may hold only letters`},
		{"empty", strings.Replace(tinyPolicies, "[ways-to-wellness, same.yaml, block-grant]", "[]", 1),
			"x.yaml:6:11: policies: must not be empty"},
		{"path in one policy only", strings.Replace(tinyPolicies, "providers[*].culture",
			"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*]", 1),
			"x.yaml:11:11: parameters[1].path: valid in policy ways-to-wellness but not in policy block-grant: "},
		{"invalid point under one policy", strings.Replace(tinyPolicies, "uniform: [0.2, 0.8]", "uniform: [0.2, 1.8]", 1),
			"under policy ways-to-wellness gives an invalid scenario"},
		{"missing policy", strings.Replace(tinyPolicies, "same.yaml", "gone.yaml", 1),
			"x.yaml:6:30: policies[1]: scenario file exp/gone.yaml does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loader(fstest.MapFS{
				"exp/x.yaml":    {Data: []byte(tt.yaml)},
				"exp/same.yaml": {Data: []byte(sameScenario)},
			}).Load("exp/x.yaml")
			var ee *Error
			if !errors.As(err, &ee) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v; want an *Error containing %q", err, tt.want)
			}
		})
	}
}

// TestPolicyRuns: every policy runs every point and replication with the
// same random numbers, so a policy identical to another gives the same
// rows; the outputs are the same bytes whatever the workers and shards,
// and read back with their scenario column.
func TestPolicyRuns(t *testing.T) {
	p := policyPlan(t, tinyPolicies)
	base := t.TempDir()
	clean := filepath.Join(base, "clean")
	mustRun(t, p, clean, Options{Workers: 1, Version: "v"})
	want := readDir(t, clean)
	mustRun(t, p, filepath.Join(base, "w3"), Options{Workers: 3, Version: "v"})
	sameFiles(t, "3 workers", readDir(t, filepath.Join(base, "w3")), want)
	var shards []string
	for k := range 3 {
		dir := filepath.Join(base, "shard", string(rune('0'+k)))
		mustRun(t, p, dir, Options{Workers: 2, Version: "v", Shard: k, Shards: 3})
		shards = append(shards, dir)
	}
	if _, err := Merge(context.Background(), shards, filepath.Join(base, "merged"), CSV); err != nil {
		t.Fatalf("Merge = %v", err)
	}
	sameFiles(t, "merged shards", readDir(t, filepath.Join(base, "merged")), want)

	lines := strings.Split(strings.TrimSuffix(string(want[RunsFile]), "\n"), "\n")
	if len(lines) != 25 || lines[0] != "point,replication,scenario,referrals_total,care_share,provider_revenue_gbp,investor_irr" {
		t.Fatalf("runs.csv: %d lines, header %q", len(lines), lines[0])
	}
	differ := 0
	for i := 1; i < len(lines); i += 3 {
		w2w, same, bg := lines[i], lines[i+1], lines[i+2]
		if !strings.Contains(w2w, ",ways-to-wellness,") || !strings.Contains(same, ",same,") || !strings.Contains(bg, ",block-grant,") {
			t.Fatalf("runs.csv lines %d-%d are not the three policies in order: %q", i+1, i+3, lines[i:i+3])
		}
		if strings.Replace(w2w, ",ways-to-wellness,", ",same,", 1) != same {
			t.Errorf("runs.csv: %q and %q differ; the same scenario under common random numbers must give the same run", w2w, same)
		}
		if strings.Replace(w2w, ",ways-to-wellness,", ",block-grant,", 1) != bg {
			differ++
		}
	}
	if differ == 0 {
		t.Error("runs.csv: the block grant gives the same runs as the default; want the policy to matter")
	}
	m, err := ReadManifest(clean)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Policies) != 3 || m.Policies[1].Ref != "same.yaml" || m.Policies[1].Scenario != "same" || m.ScenarioYAML != "" {
		t.Errorf("manifest policies = %+v, scenario_yaml %d bytes; want 3 policies, the second same.yaml, and no base", m.Policies, len(m.ScenarioYAML))
	}

	r, err := ReadResults(context.Background(), clean, []string{"care_share"})
	if err != nil {
		t.Fatalf("ReadResults = %v", err)
	}
	if !slices.Equal(r.Policies, p.PolicyNames()) || len(r.Values[0]) != 24 {
		t.Fatalf("ReadResults: policies %q, %d values; want %q and 24", r.Policies, len(r.Values[0]), p.PolicyNames())
	}
	for pt := range 4 {
		for rep := range 2 {
			a, b := r.Values[0][r.Run(pt, rep, 0)], r.Values[0][r.Run(pt, rep, 1)]
			if a != b && !(a != a && b != b) {
				t.Errorf("care_share at point %d replication %d: %v under ways-to-wellness, %v under same", pt, rep, a, b)
			}
		}
	}

	// The analysis: per policy, and paired differences; the renamed
	// default equals the default at every point.
	all, err := ReadResults(context.Background(), clean, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(context.Background(), all, 0)
	if err != nil {
		t.Fatalf("Analyze = %v", err)
	}
	if len(a.Metrics) != 12 || a.Metrics[1].Name != "referrals_total" || a.Metrics[1].Policy != "same" || len(a.Policies) != 4 {
		t.Fatalf("Analyze: %d metric analyses (second %s under %s), %d comparisons; want 12, the second referrals_total under same, and 4",
			len(a.Metrics), a.Metrics[1].Name, a.Metrics[1].Policy, len(a.Policies))
	}
	for _, c := range a.Policies {
		if d := c.Pairs[0]; d.A != "ways-to-wellness" || d.B != "same" || d.Defined > 0 && d.Equal != 1 {
			t.Errorf("%s: %s − %s equal at a share %v of %d points; want 1 (the same scenario)", c.Metric, d.A, d.B, d.Equal, d.Defined)
		}
	}
	out := t.TempDir()
	if err := a.WriteFiles(out); err != nil {
		t.Fatal(err)
	}
	files := readDir(t, out)
	for name, header := range map[string]string{
		AnalysisPointsFile:      "point,scenario,referrals.gp_engagement_mean,providers[*].culture,referrals_total_mean,",
		AnalysisPoliciesFile:    "metric,scenario,points,mean,highest_share,lowest_share\nreferrals_total,ways-to-wellness,4,",
		AnalysisPairsFile:       "metric,a,b,points,mean_difference,a_higher_share,b_higher_share,equal_share,a_clearly_higher_share,b_clearly_higher_share\nreferrals_total,ways-to-wellness,same,4,0,0,0,1,0,0\n",
		AnalysisDifferencesFile: "metric,a,b,point,referrals.gp_engagement_mean,providers[*].culture,difference_mean,difference_lo95,difference_hi95,n\nreferrals_total,ways-to-wellness,same,0,",
	} {
		if !strings.HasPrefix(string(files[name]), header) {
			t.Errorf("%s begins %.200q; want %q", name, files[name], header)
		}
	}
	if lines := strings.Count(string(files[AnalysisPointsFile]), "\n"); lines != 13 {
		t.Errorf("%s has %d lines; want 13 (a header and 4 points x 3 policies)", AnalysisPointsFile, lines)
	}

	// A row of another policy is refused, even when the manifest's hash
	// of runs.csv has been made to agree with the changed file.
	bad := filepath.Join(base, "bad")
	os.MkdirAll(bad, 0o777)
	badRuns := bytes.Replace(want[RunsFile], []byte("0,0,same,"), []byte("0,0,other,"), 1)
	oldSum, newSum := sha256.Sum256(want[RunsFile]), sha256.Sum256(badRuns)
	for name, data := range want {
		switch name {
		case RunsFile:
			data = badRuns
		case ManifestFile:
			data = bytes.Replace(data, []byte(hex.EncodeToString(oldSum[:])), []byte(hex.EncodeToString(newSum[:])), 1)
		}
		os.WriteFile(filepath.Join(bad, name), data, 0o644)
	}
	if _, err := ReadResults(context.Background(), bad, nil); err == nil || !strings.Contains(err.Error(), `runs.csv:3: scenario "other"; want same`) {
		t.Errorf("ReadResults(wrong scenario) = %v; want an error at runs.csv:3", err)
	}
}

func TestPolicyParquet(t *testing.T) {
	p := policyPlan(t, tinyPolicies)
	dir := filepath.Join(t.TempDir(), "pq")
	mustRun(t, p, dir, Options{Version: "v", Format: Parquet})
	data, err := os.ReadFile(filepath.Join(dir, RunsParquetFile))
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range f.Schema().Columns() {
		cols = append(cols, strings.Join(c, "."))
	}
	// point, replication, scenario, then the parameters, then the metrics.
	head := p.RunsHeader()
	wantCols := slices.Clone(head[:3])
	for _, par := range p.Experiment.Parameters {
		wantCols = append(wantCols, par.Path)
	}
	wantCols = append(wantCols, head[3:]...)
	if len(p.Experiment.Parameters) == 0 || !slices.Equal(cols, wantCols) {
		t.Errorf("runs.parquet columns = %q; want %q", cols, wantCols)
	}
	rows := make([]parquet.Row, 30)
	n, _ := parquet.NewReader(bytes.NewReader(data)).ReadRows(rows)
	if n != 24 {
		t.Fatalf("runs.parquet has %d rows; want 24", n)
	}
	for i, row := range rows[:n] {
		if got, want := string(row[2].ByteArray()), p.PolicyNames()[i%3]; got != want {
			t.Errorf("runs.parquet row %d scenario = %q; want %q", i, got, want)
		}
	}

	// analyze reads it as it reads runs.csv of the same sweep.
	csvDir := filepath.Join(t.TempDir(), "csv")
	mustRun(t, p, csvDir, Options{Version: "v"})
	fromPq, err := ReadResults(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("ReadResults(parquet) = %v", err)
	}
	fromCSV, err := ReadResults(context.Background(), csvDir, nil)
	if err != nil {
		t.Fatalf("ReadResults(csv) = %v", err)
	}
	if !slices.Equal(fromPq.Policies, p.PolicyNames()) || !slices.Equal(fromPq.Metrics, fromCSV.Metrics) {
		t.Errorf("parquet: policies %q metrics %q; want %q and %q", fromPq.Policies, fromPq.Metrics, p.PolicyNames(), fromCSV.Metrics)
	}
	for i := range fromCSV.Values {
		for run, v := range fromCSV.Values[i] {
			if w := fromPq.Values[i][run]; w != v && !(math.IsNaN(v) && math.IsNaN(w)) {
				t.Errorf("%s run %d: parquet %v; csv %v", fromCSV.Metrics[i], run, w, v)
			}
		}
	}
}

// TestComparePolicies checks the comparison against values worked out by
// hand: 3 points, 3 replications, policies a, b and c.
func TestComparePolicies(t *testing.T) {
	nan := math.NaN()
	// vals[point][rep][policy]
	vals := [][][]float64{
		{{1, 0, 0}, {2, 1, 0}, {3, 2, 0}},     // a − b is 1 in every replication: clearly higher
		{{0, 2, 5}, {0, 2.1, 5}, {0, 1.9, 5}}, // a − b is -2, -2.1, -1.9: clearly lower; c highest
		{{1, 1, nan}, {2, 2, 1}, {4, 4, 1}},   // a and b equal; c undefined in one replication
	}
	r := &Results{Replications: 3, Policies: []string{"a", "b", "c"}, Metrics: []string{"m"}, Points: [][]float64{{0}, {1}, {2}}}
	r.Values = [][]float64{make([]float64, 27)}
	for p, reps := range vals {
		for rep, pols := range reps {
			for pol, v := range pols {
				r.Values[0][r.Run(p, rep, pol)] = v
			}
		}
	}
	cs := ComparePolicies(r)
	if len(cs) != 1 || len(cs[0].Pairs) != 3 {
		t.Fatalf("ComparePolicies = %d comparisons; want 1 with 3 pairs", len(cs))
	}
	c := cs[0]
	ab, bc := c.Pairs[0], c.Pairs[2]
	if ab.A != "a" || ab.B != "b" || bc.A != "b" || bc.B != "c" {
		t.Fatalf("pairs %s-%s, %s-%s; want a-b first and b-c last", ab.A, ab.B, bc.A, bc.B)
	}
	close := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("%s = %v; want %v", what, got, want)
		}
	}
	close("a−b mean at point 0", ab.Mean[0], 1)
	close("a−b mean at point 1", ab.Mean[1], -2)
	close("a−b mean at point 2", ab.Mean[2], 0)
	if ab.N[0] != 3 || !(ab.Lo95[0] == 1 && ab.Hi95[0] == 1) {
		t.Errorf("a−b at point 0: n %d, interval [%v, %v]; want 3 and [1, 1] (no spread)", ab.N[0], ab.Lo95[0], ab.Hi95[0])
	}
	close("a higher share", ab.AHigher, 1.0/3)
	close("b higher share", ab.BHigher, 1.0/3)
	close("equal share", ab.Equal, 1.0/3)
	close("a clearly higher share", ab.AClearly, 1.0/3)
	close("b clearly higher share", ab.BClearly, 1.0/3)
	close("mean a − b", ab.MeanDifference, -1.0/3)
	// b − c at point 2 leaves out the replication where c is undefined.
	if bc.N[2] != 2 {
		t.Errorf("b−c at point 2 has n %d; want 2", bc.N[2])
	}
	close("b−c mean at point 2", bc.Mean[2], 2)
	// Every policy's mean is defined at all three points (c's over 2
	// replications at point 2). Means: point 0 a 2, b 1, c 0; point 1 a 0,
	// b 2, c 5; point 2 a and b 7/3, c 1. Highest: a at 0, c at 1, a tie at
	// 2 (counted for neither). Lowest: c at 0 and 2, a at 1.
	if c.Compared != 3 {
		t.Errorf("Compared = %d; want 3", c.Compared)
	}
	close("a highest share", c.Highest[0], 1.0/3)
	close("c highest share", c.Highest[2], 1.0/3)
	close("a lowest share", c.Lowest[0], 1.0/3)
	close("c lowest share", c.Lowest[2], 2.0/3)
	close("b lowest share", c.Lowest[1], 0)
}

// TestSeries: weekly series are recorded for every run, the same bytes
// whatever the workers, shards and interruptions, in CSV and Parquet, and
// their bands are read back.
func TestSeries(t *testing.T) {
	yaml := strings.Replace(tinyPolicies, "design:", "series: [care_share, active_clients]\ndesign:", 1)
	p := policyPlan(t, yaml)
	base := t.TempDir()
	clean := filepath.Join(base, "clean")
	mustRun(t, p, clean, Options{Workers: 1, Version: "v"})
	want := readDir(t, clean)
	series := strings.Split(strings.TrimSuffix(string(want[SeriesFile]), "\n"), "\n")
	if len(series) != 1+24*20 || series[0] != "point,replication,scenario,week,care_share,active_clients" ||
		!strings.HasPrefix(series[1], "0,0,ways-to-wellness,1,") || !strings.HasPrefix(series[21], "0,0,same,1,") {
		t.Fatalf("series.csv: %d lines, beginning %q; want 481, the header, then 20 weeks per run", len(series), series[:2])
	}
	// Weekly values of the renamed default equal the default's.
	for w := 1; w <= 20; w++ {
		a, b := strings.SplitN(series[w], ",", 5), strings.SplitN(series[20+w], ",", 5)
		if a[4] != b[4] {
			t.Errorf("week %d: %s under ways-to-wellness, %s under same", w-1, a[4], b[4])
		}
	}
	m, _ := ReadManifest(clean)
	if !slices.Equal(m.Files, []string{ManifestFile, PointsFile, RunsFile, SeriesFile}) || len(m.SeriesColumns) != 2 {
		t.Errorf("manifest files %q, %d series columns; want the series file and 2", m.Files, len(m.SeriesColumns))
	}

	var shards []string
	for k := range 2 {
		dir := filepath.Join(base, "shard", string(rune('0'+k)))
		mustRun(t, p, dir, Options{Workers: 3, Version: "v", Shard: k, Shards: 2})
		shards = append(shards, dir)
	}
	if _, err := Merge(context.Background(), shards, filepath.Join(base, "merged"), CSV); err != nil {
		t.Fatalf("Merge = %v", err)
	}
	sameFiles(t, "merged shards", readDir(t, filepath.Join(base, "merged")), want)

	// A damaged series chunk is found on resume and computed again.
	dir := shards[0]
	name := filepath.Join(dir, ChunksDir, SeriesChunkName(0))
	data, _ := os.ReadFile(name)
	os.WriteFile(name, data[:len(data)/2], 0o644)
	rep := mustRun(t, p, dir, Options{Version: "v", Shard: 0, Shards: 2, Resume: true})
	if !slices.Equal(rep.Recomputed, []int{0}) {
		t.Errorf("resume with a cut series chunk recomputed %v; want [0]", rep.Recomputed)
	}
	if _, err := Merge(context.Background(), shards, filepath.Join(base, "merged2"), CSV); err != nil {
		t.Fatalf("Merge after resume = %v", err)
	}
	sameFiles(t, "merged after resume", readDir(t, filepath.Join(base, "merged2")), want)

	// Parquet: the same rows; a finished CSV sweep converts alone.
	pq := filepath.Join(base, "pq")
	mustRun(t, p, pq, Options{Version: "v", Format: Parquet})
	conv := filepath.Join(base, "conv")
	if _, err := Merge(context.Background(), []string{clean}, conv, Parquet); err != nil {
		t.Fatalf("Merge(finished, parquet) = %v", err)
	}
	sameFiles(t, "converted to Parquet", readDir(t, conv), readDir(t, pq))
	pdata := readDir(t, pq)[SeriesParquetFile]
	f, err := parquet.OpenFile(bytes.NewReader(pdata), int64(len(pdata)))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != 480 {
		t.Errorf("series.parquet has %d rows; want 480", f.NumRows())
	}

	// Bands: per policy, series and week, over the 8 runs of the policy.
	r, err := ReadResults(context.Background(), clean, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadSeriesBands(context.Background(), r)
	if err != nil {
		t.Fatalf("ReadSeriesBands = %v", err)
	}
	if len(b.Median) != 3 || b.Weeks != 20 || b.N[2][1][19] != 8 {
		t.Fatalf("bands: %d policies, %d weeks, n %d; want 3, 20, 8", len(b.Median), b.Weeks, b.N[2][1][19])
	}
	// active_clients in the last week (20, index 19) under block-grant: the
	// median of the 8 runs.
	var xs []float64
	for _, line := range series[1:] {
		fs := strings.Split(line, ",")
		if fs[2] == "block-grant" && fs[3] == "20" {
			v, _ := results.ParseFloat(fs[5])
			xs = append(xs, v)
		}
	}
	slices.Sort(xs)
	if got, want := b.Median[2][1][19], (xs[3]+xs[4])/2; got != want {
		t.Errorf("median active_clients in week 19 under block-grant = %v; want %v", got, want)
	}
	if !(b.P05[2][1][19] >= xs[0] && b.P05[2][1][19] <= xs[1] && b.P95[2][1][19] >= xs[6] && b.P95[2][1][19] <= xs[7]) {
		t.Errorf("5-95%% band [%v, %v]; want between the two lowest and the two highest of %v", b.P05[2][1][19], b.P95[2][1][19], xs)
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	for _, tt := range []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {0.05, 1.2}, {0.95, 4.8}, {1, 5}} {
		if got := Quantile(xs, tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Quantile(%v, %v) = %v; want %v", xs, tt.q, got, tt.want)
		}
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("Quantile(nil) is not NaN")
	}
}
