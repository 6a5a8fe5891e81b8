package results

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/scenario"
)

// roundTrip is what x reads back as after FormatFloat.
func roundTrip(t *testing.T, x float64) float64 {
	t.Helper()
	y, err := ParseFloat(FormatFloat(x))
	if err != nil {
		t.Fatalf("ParseFloat(FormatFloat(%v)): %v", x, err)
	}
	return y
}

// same reports whether a and b are equal, counting NaN equal to NaN.
func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// checkRunData compares d with the run it was written from, value by value.
func checkRunData(t *testing.T, d *RunData, run Run) {
	t.Helper()
	b := run.Batch
	first := b.Results[0]
	if got, want := d.Metrics, names(sim.Metrics()); !slices.Equal(got, want) {
		t.Errorf("Metrics = %q; want %q", got, want)
	}
	if got, want := d.WeeklyColumns, names(sim.WeeklyColumns()); !slices.Equal(got, want) {
		t.Errorf("WeeklyColumns = %q; want %q", got, want)
	}
	if got, want := d.ProviderColumns, names(sim.ProviderColumns()); !slices.Equal(got, want) {
		t.Errorf("ProviderColumns = %q; want %q", got, want)
	}
	if !slices.Equal(d.Providers, first.Providers) {
		t.Errorf("Providers = %q; want %q", d.Providers, first.Providers)
	}
	if d.Manifest == nil || d.Manifest.Replications != len(b.Results) || d.Manifest.Weeks != first.Weeks {
		t.Fatalf("Manifest = %+v; want %d replications of %d weeks", d.Manifest, len(b.Results), first.Weeks)
	}
	if len(d.Summary) != len(sim.Metrics()) {
		t.Errorf("len(Summary) = %d; want %d", len(d.Summary), len(sim.Metrics()))
	}
	for i, row := range Summarize(b) {
		if i < len(d.Summary) && (d.Summary[i].Metric != row.Metric || d.Summary[i].Unit != row.Unit || !same(d.Summary[i].Mean, roundTrip(t, row.Mean))) {
			t.Errorf("Summary[%d] = %+v; want %+v", i, d.Summary[i], row)
		}
	}
	if len(d.Replications) != len(b.Results) || len(d.Weekly) != len(b.Results) || len(d.ProviderWeekly) != len(b.Results) {
		t.Fatalf("replications: %d metric rows, %d weekly, %d provider; want %d",
			len(d.Replications), len(d.Weekly), len(d.ProviderWeekly), len(b.Results))
	}
	for r, res := range b.Results {
		if d.ReplicationIDs[r] != res.Replication {
			t.Errorf("ReplicationIDs[%d] = %d; want %d", r, d.ReplicationIDs[r], res.Replication)
		}
		for m, x := range res.Metrics {
			if got, want := d.Replications[r][m], roundTrip(t, x); !same(got, want) {
				t.Errorf("Replications[%d][%d] (%s) = %v; want %v", r, m, d.Metrics[m], got, want)
			}
		}
		if len(d.Weekly[r]) != res.Weeks {
			t.Fatalf("len(Weekly[%d]) = %d; want %d", r, len(d.Weekly[r]), res.Weeks)
		}
		for w, row := range res.Weekly {
			for c, x := range row {
				if got, want := d.Weekly[r][w][c], roundTrip(t, x); !same(got, want) {
					t.Fatalf("Weekly[%d][%d][%d] (%s) = %v; want %v", r, w, c, d.WeeklyColumns[c], got, want)
				}
			}
		}
		if len(d.ProviderWeekly[r]) != len(res.Providers) {
			t.Fatalf("len(ProviderWeekly[%d]) = %d; want %d", r, len(d.ProviderWeekly[r]), len(res.Providers))
		}
		for p, series := range res.ProviderWeekly {
			if len(d.ProviderWeekly[r][p]) != len(series) {
				t.Fatalf("len(ProviderWeekly[%d][%d]) = %d; want %d", r, p, len(d.ProviderWeekly[r][p]), len(series))
			}
			for w, row := range series {
				for c, x := range row {
					if got, want := d.ProviderWeekly[r][p][w][c], roundTrip(t, x); !same(got, want) {
						t.Fatalf("ProviderWeekly[%d][%d][%d][%d] (%s) = %v; want %v", r, p, w, c, d.ProviderColumns[c], got, want)
					}
				}
			}
		}
	}
}

func TestReadRunModel(t *testing.T) {
	l := scenario.Loader{Shipped: scenarios.FS}
	res, err := l.Load("ways-to-wellness")
	if err != nil {
		t.Fatal(err)
	}
	b, err := sim.RunBatch(context.Background(), res.Scenario, sim.Options{Replications: 2, Seed: 3, Weeks: 20})
	if err != nil {
		t.Fatal(err)
	}
	run := Run{Batch: b, Scenario: res, Version: "test", Command: []string{"sibsim", "run"}}
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(context.Background(), dir, run); err != nil {
		t.Fatal(err)
	}
	d, err := ReadRun(dir)
	if err != nil {
		t.Fatalf("ReadRun: %v", err)
	}
	if d.Dir != dir || d.Manifest.Scenario != "ways-to-wellness" {
		t.Errorf("Dir, Manifest.Scenario = %q, %q; want %q, %q", d.Dir, d.Manifest.Scenario, dir, "ways-to-wellness")
	}
	checkRunData(t, d, run)

	// The accessors pick columns by name.
	share, ok := d.Metric("care_share_last_year")
	if !ok || len(share) != 2 || !same(share[1], roundTrip(t, b.Results[1].Metrics[slices.Index(d.Metrics, "care_share_last_year")])) {
		t.Errorf("Metric(care_share_last_year) = %v, %v", share, ok)
	}
	quits, ok := d.WeeklyColumn("quits")
	if qc := slices.Index(d.WeeklyColumns, "quits"); !ok || len(quits) != 2 || len(quits[0]) != 20 || !same(quits[1][19], d.Weekly[1][19][qc]) {
		t.Errorf("WeeklyColumn(quits) = %v, %v", quits, ok)
	}
	rev, ok := d.ProviderColumn("revenue_gbp")
	if rc := slices.Index(d.ProviderColumns, "revenue_gbp"); !ok || len(rev) != 2 || len(rev[0]) != len(d.Providers) ||
		len(rev[0][1]) != 20 || !same(rev[1][1][7], d.ProviderWeekly[1][1][7][rc]) {
		t.Errorf("ProviderColumn(revenue_gbp) = %v, %v", rev, ok)
	}
	for _, name := range []string{"nope", "replication", "week"} {
		if _, ok := d.Metric(name); ok {
			t.Errorf("Metric(%q) ok; want false", name)
		}
		if _, ok := d.WeeklyColumn(name); ok {
			t.Errorf("WeeklyColumn(%q) ok; want false", name)
		}
		if _, ok := d.ProviderColumn(name); ok {
			t.Errorf("ProviderColumn(%q) ok; want false", name)
		}
	}
}

func TestReadRunHandmade(t *testing.T) {
	for _, tt := range []struct {
		name        string
		reps, weeks int
	}{
		{"several", 3, 4},
		{"one week", 2, 1},
		{"one replication", 1, 3},
		{"no weeks", 2, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run := testRun(tt.reps, tt.weeks, 5)
			for i, r := range run.Batch.Results {
				r.Replication = 10 + 2*i // indices need not start at 0
			}
			dir := filepath.Join(t.TempDir(), "out")
			if err := Write(context.Background(), dir, run); err != nil {
				t.Fatal(err)
			}
			d, err := ReadRun(dir)
			if err != nil {
				t.Fatalf("ReadRun: %v", err)
			}
			checkRunData(t, d, run)
			if m, _ := d.Metric(d.Metrics[1]); len(m) != tt.reps || !math.IsNaN(m[0]) {
				t.Errorf("Metric(%s) = %v; want NaN for NA", d.Metrics[1], m)
			}
		})
	}
}

func TestReadRunErrors(t *testing.T) {
	header := func(file string) string {
		switch file {
		case WeeklyFile:
			return "replication,week," + strings.Join(names(sim.WeeklyColumns()), ",")
		case ProviderFile:
			return "replication,week,provider," + strings.Join(names(sim.ProviderColumns()), ",")
		}
		return "replication," + strings.Join(names(sim.Metrics()), ",")
	}
	// Each edit rewrites one file of a valid directory of 2 replications of
	// 2 weeks (providers "north, east" and "west"). The manifest's sha256
	// of the edited file is then updated, so that the parser sees the
	// edit, except in the cases named "stale", where the hash check must
	// refuse the directory.
	tests := []struct {
		name string
		file string
		edit func(lines []string) []string
		want string // substring of the error
	}{
		{"stale: weekly rows changed", WeeklyFile, func(l []string) []string { return l[:4] }, "weekly.csv does not match manifest.json"},
		{"stale: summary from another run", SummaryFile, func(l []string) []string {
			l[1], l[2] = l[2], l[1]
			return l
		}, "summary.csv does not match manifest.json"},
		{"no hash recorded", ManifestFile, func(l []string) []string {
			var out []string
			for _, line := range l {
				if !strings.Contains(line, `"weekly.csv": "`) {
					out = append(out, line)
				}
			}
			return out
		}, "no sha256 recorded for weekly.csv"},
		{"missing file", WeeklyFile, func([]string) []string { return nil }, "weekly.csv"},
		{"empty file", ReplicationsFile, func([]string) []string { return []string{""} }, "replications.csv: empty file"},
		{"bad key header", WeeklyFile, func(l []string) []string {
			l[0] = strings.Replace(l[0], "replication,week", "rep,week", 1)
			return l
		}, "weekly.csv:1: header begins"},
		{"columns differ from manifest", ProviderFile, func(l []string) []string {
			l[0] = strings.Replace(l[0], "hours_choice,hours_care", "hours_care,hours_choice", 1)
			return l
		}, "weekly_by_provider.csv:1: columns"},
		{"short row", WeeklyFile, func(l []string) []string {
			l[3] = l[3][:strings.LastIndex(l[3], ",")]
			return l
		}, "weekly.csv: record on line 4: wrong number of fields"},
		{"bad number", ReplicationsFile, func(l []string) []string {
			f := strings.Split(l[2], ",")
			f[3] = "x1"
			l[2] = strings.Join(f, ",")
			return l
		}, "replications.csv:3:"},
		{"bad replication", ReplicationsFile, func(l []string) []string {
			l[1] = "one" + l[1][1:]
			return l
		}, `replications.csv:2:1: replication: invalid integer "one"`},
		{"too few replications", ReplicationsFile, func(l []string) []string { return l[:2] }, "replications.csv: 1 replications; the manifest says 2"},
		{"weeks out of order", WeeklyFile, func(l []string) []string {
			l[1], l[2] = l[2], l[1]
			return l
		}, "weekly.csv:2:3: week 2; want 1"},
		{"replication out of order", WeeklyFile, func(l []string) []string {
			return []string{l[0], l[3], l[4], l[1], l[2]}
		}, "weekly.csv:2:1: replication 1; want 0"},
		{"missing weekly rows", WeeklyFile, func(l []string) []string { return l[:4] }, "weekly.csv: 3 rows; want 4"},
		{"extra weekly row", WeeklyFile, func(l []string) []string { return append(l, l[4]) }, "weekly.csv:6:1: more rows than 2 replications of 2 weeks"},
		{"NaN spelled out", WeeklyFile, func(l []string) []string {
			f := strings.Split(l[2], ",")
			f[2] = "NaN"
			l[2] = strings.Join(f, ",")
			return l
		}, `weekly.csv:3:5: hours_outreach: invalid number "NaN"`},
		{"provider order", ProviderFile, func(l []string) []string {
			l[3], l[4] = l[4], l[3]
			return l
		}, `weekly_by_provider.csv:4:5: provider "west"; want "north, east"`},
		{"duplicate provider", ProviderFile, func(l []string) []string {
			l[2] = strings.Replace(l[2], "west", `"north, east"`, 1)
			return l
		}, `weekly_by_provider.csv:3:5: provider "north, east" appears twice`},
		{"missing provider rows", ProviderFile, func(l []string) []string { return l[:len(l)-1] }, "weekly_by_provider.csv: 7 rows; want 8"},
		{"provider renamed everywhere", ProviderFile, replaceIn(`,west,`, `,east,`), "do not match the manifest's"},
		{"manifest format", ManifestFile, replaceIn(`"format": 2,`, `"format": 99,`), "manifest.json: format 99"},
		// A manifest's counts are checked before anything is sized by
		// them: a hand-edited horizon must not allocate terabytes.
		{"manifest weeks huge", ManifestFile, replaceIn(`"weeks": 2,`, `"weeks": 2000000000,`), "manifest.json: weeks 2000000000: want 0 to 2600"},
		{"manifest weeks negative", ManifestFile, replaceIn(`"weeks": 2,`, `"weeks": -1,`), "manifest.json: weeks -1: want 0 to 2600"},
		{"manifest replications huge", ManifestFile, replaceIn(`"replications": 2,`, `"replications": 2000000000,`), "manifest.json: replications 2000000000: want 0 to 100000"},
		{"header only", WeeklyFile, func(l []string) []string { return []string{header(WeeklyFile), ""} }, "weekly.csv: 0 rows; want 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := Write(context.Background(), dir, testRun(2, 2, 1)); err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, tt.file)
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			lines := tt.edit(strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"))
			if lines == nil {
				err = os.Remove(name)
			} else {
				err = os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			if lines != nil && tt.file != ManifestFile && !strings.HasPrefix(tt.name, "stale") {
				rehash(t, dir, tt.file)
			}
			d, err := ReadRun(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadRun = %v, %v; want error containing %q", d, err, tt.want)
			}
		})
	}
}

// rehash records the current SHA-256 of file in the manifest of dir.
func rehash(t *testing.T, dir, file string) {
	t.Helper()
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := FileSHA256(context.Background(), filepath.Join(dir, file), MaxDataFileBytes)
	if err != nil {
		t.Fatal(err)
	}
	m.SHA256[file] = sum
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceIn returns an edit of a file's lines that replaces the first old
// in each line with new.
func replaceIn(old, new string) func([]string) []string {
	return func(l []string) []string {
		for i := range l {
			l[i] = strings.Replace(l[i], old, new, 1)
		}
		return l
	}
}
