package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// toParquet replaces runs.csv of the sweep directory dir by runs.parquet,
// written as sibsim sweep --format parquet writes it, and records it in the
// manifest.
func toParquet(t testing.TB, dir string) {
	t.Helper()
	m := readFixtureManifest(t, dir)
	one := m
	one.ChunkSize, one.Chunks = m.Runs, 1
	var b bytes.Buffer
	csvName := filepath.Join(dir, RunsFile)
	if err := writeParquet(context.Background(), &b, one, layoutOf(&one), dir, func(int) string { return csvName }); err != nil {
		t.Fatal(err)
	}
	writeFixtureFile(t, filepath.Join(dir, RunsParquetFile), b.String())
	os.Remove(csvName)
	m.Files = []string{ManifestFile, PointsFile, RunsParquetFile}
	delete(m.SHA256, RunsFile)
	m.SHA256[RunsParquetFile] = sha256Hex(b.String())
	writeFixtureManifest(t, dir, m)
}

func readFixtureManifest(t testing.TB, dir string) Manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func writeFixtureManifest(t testing.TB, dir string, m Manifest) {
	t.Helper()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFixtureFile(t, filepath.Join(dir, ManifestFile), string(data))
}

// sameResults fails unless a and b hold the same sweep: parameters,
// points, metrics and values (NaN where the other has NaN).
func sameResults(t *testing.T, a, b *Results) {
	t.Helper()
	if !slices.Equal(a.Params, b.Params) || !slices.Equal(a.Available, b.Available) || !slices.Equal(a.Metrics, b.Metrics) {
		t.Fatalf("params %q / %q, available %q / %q, metrics %q / %q", a.Params, b.Params, a.Available, b.Available, a.Metrics, b.Metrics)
	}
	for p := range a.Points {
		if !slices.Equal(a.Points[p], b.Points[p]) {
			t.Fatalf("point %d: %v / %v", p, a.Points[p], b.Points[p])
		}
	}
	nan := 0
	for i := range a.Values {
		for run, x := range a.Values[i] {
			y := b.Values[i][run]
			if math.IsNaN(x) {
				nan++
			}
			if x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				t.Fatalf("%s run %d: %v / %v", a.Metrics[i], run, x, y)
			}
		}
	}
	if nan == 0 {
		t.Error("no undefined values: the test does not cover NA")
	}
}

// TestParquetAnalyzesLikeCSV: a sweep written as Parquet reads to the same
// Results as its CSV twin and analyses to the same files, byte for byte.
func TestParquetAnalyzesLikeCSV(t *testing.T) {
	csvDir := ishigami(16, true).write(t)
	pqDir := ishigami(16, true).write(t)
	toParquet(t, pqDir)
	rc, err := ReadResults(context.Background(), csvDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := ReadResults(context.Background(), pqDir, nil)
	if err != nil {
		t.Fatalf("ReadResults(Parquet sweep) = %v; want nil", err)
	}
	if rc.RunsFile != RunsFile || rp.RunsFile != RunsParquetFile {
		t.Errorf("RunsFile = %q, %q; want %q, %q", rc.RunsFile, rp.RunsFile, RunsFile, RunsParquetFile)
	}
	sameResults(t, rc, rp)
	out := map[string]string{}
	for _, r := range []*Results{rc, rp} {
		a, err := Analyze(context.Background(), r, 200)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := a.WriteFiles(dir); err != nil {
			t.Fatal(err)
		}
		out[r.RunsFile] = dir
	}
	for _, name := range []string{AnalysisPointsFile, AnalysisSobolFile, AnalysisSobol2File} {
		c, err1 := os.ReadFile(filepath.Join(out[RunsFile], name))
		p, err2 := os.ReadFile(filepath.Join(out[RunsParquetFile], name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(c, p) {
			t.Errorf("%s of the Parquet sweep differs from the CSV sweep's", name)
		}
	}

	// One metric, and an unknown one named with the Parquet file.
	if r, err := ReadResults(context.Background(), pqDir, []string{"sometimes_na"}); err != nil || !slices.Equal(r.Metrics, []string{"sometimes_na"}) {
		t.Errorf("ReadResults(one metric) = %v, %v", r, err)
	} else if !slices.EqualFunc(r.Values[0], rc.Values[1], func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }) {
		t.Error("one metric read from Parquet differs from the CSV's")
	}
	if _, err := ReadResults(context.Background(), pqDir, []string{"nope"}); err == nil ||
		!strings.Contains(err.Error(), filepath.Join(pqDir, RunsParquetFile)+" has: ishigami, sometimes_na") {
		t.Errorf("ReadResults(unknown metric) = %v; want the Parquet file's metrics", err)
	}
}

// TestParquetWithoutParameters: a runs.parquet of an earlier sibsim, with
// no parameter columns, still reads.
func TestParquetWithoutParameters(t *testing.T) {
	csvDir := ishigami(8, false).write(t)
	dir := ishigami(8, false).write(t)
	rc, err := ReadResults(context.Background(), csvDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	pw := parquet.NewWriter(&b, parquetSchema(nil, rc.Metrics, false))
	var rows []parquet.Row
	for run := range rc.Values[0] {
		row := parquet.Row{parquet.Int64Value(int64(run/rc.Replications)).Level(0, 0, 0), parquet.Int64Value(int64(run%rc.Replications)).Level(0, 0, 1)}
		for i := range rc.Metrics {
			if v := rc.Values[i][run]; math.IsNaN(v) {
				row = append(row, parquet.NullValue().Level(0, 0, 2+i))
			} else {
				row = append(row, parquet.DoubleValue(v).Level(0, 1, 2+i))
			}
		}
		rows = append(rows, row)
	}
	if _, err := pw.WriteRows(rows); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFixtureFile(t, filepath.Join(dir, RunsParquetFile), b.String())
	os.Remove(filepath.Join(dir, RunsFile))
	m := readFixtureManifest(t, dir)
	m.Files = []string{ManifestFile, PointsFile, RunsParquetFile}
	m.SHA256[RunsParquetFile] = sha256Hex(b.String())
	writeFixtureManifest(t, dir, m)
	rp, err := ReadResults(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("ReadResults(Parquet without parameters) = %v; want nil", err)
	}
	sameResults(t, rc, rp)
}

func TestParquetReadErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"parameter differs from points.csv", func(t *testing.T, dir string) {
			replacePointsValue(t, dir)
		}, "runs.parquet: row 5: a.x2 is "},
		{"truncated", func(t *testing.T, dir string) {
			name := filepath.Join(dir, RunsParquetFile)
			data, _ := os.ReadFile(name)
			writeFixtureFile(t, name, string(data[:len(data)/2]))
			rehash(t, dir, RunsParquetFile)
		}, "runs.parquet: "},
		{"not parquet", func(t *testing.T, dir string) {
			writeFixtureFile(t, filepath.Join(dir, RunsParquetFile), "point,replication\n")
			rehash(t, dir, RunsParquetFile)
		}, "runs.parquet: "},
		{"runs count", func(t *testing.T, dir string) {
			m := readFixtureManifest(t, dir)
			m.Experiment.Replications, m.Runs = 1, m.Points
			writeFixtureManifest(t, dir, m)
		}, "runs.parquet: 80 runs; the manifest says 40"},
		{"stale", func(t *testing.T, dir string) {
			m := readFixtureManifest(t, dir)
			m.SHA256[RunsParquetFile] = sha256Hex("other")
			writeFixtureManifest(t, dir, m)
		}, "runs.parquet does not match manifest.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := ishigami(8, false).write(t)
			toParquet(t, dir)
			tt.setup(t, dir)
			_, err := ReadResults(context.Background(), dir, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadResults = %v; want an error with %q", err, tt.want)
			}
		})
	}
}

// replacePointsValue changes a.x2 of point 2 in points.csv (line 4) and
// records the file's new hash.
func replacePointsValue(t *testing.T, dir string) {
	t.Helper()
	name := filepath.Join(dir, PointsFile)
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	f := strings.Split(lines[3], ",")
	f[2] = "0.125"
	lines[3] = strings.Join(f, ",")
	writeFixtureFile(t, name, strings.Join(lines, "\n"))
	rehash(t, dir, PointsFile)
}
