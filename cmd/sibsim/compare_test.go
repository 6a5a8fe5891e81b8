package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
)

// tree returns every regular file under dir by its slash-separated path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sortedKeys(m map[string][]byte) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// compareArgs is a small comparison of two shipped scenarios.
var compareArgs = []string{"compare", "ways-to-wellness", "block-grant", "--replications", "2", "--weeks", "20", "--seed", "4"}

func runCompareCLI(t *testing.T, out string, extra ...string) (stdout string) {
	t.Helper()
	args := append(slices.Clone(compareArgs), extra...)
	if out != "" {
		args = append(args, "--out", out)
	}
	code, stdout, stderr := cli(t, context.Background(), args...)
	if code != exitOK {
		t.Fatalf("sibsim %q = exit %d; want 0\nstderr: %s", args, code, stderr)
	}
	if stderr != "" {
		t.Errorf("sibsim compare wrote to stderr: %q", stderr)
	}
	return stdout
}

func TestCompareWritesFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cmp")
	stdout := runCompareCLI(t, out)

	if got, want := entries(t, out), []string{"block-grant", compare.File, compare.FiguresDir, compare.ReportFile, "ways-to-wellness"}; !slices.Equal(got, want) {
		t.Fatalf("--out holds %q; want %q", got, want)
	}
	for _, name := range []string{"ways-to-wellness", "block-grant"} {
		dir := filepath.Join(out, name)
		if got, want := entries(t, dir), slices.Sorted(slices.Values(results.FileNames())); !slices.Equal(got, want) {
			t.Errorf("%s holds %q; want %q", name, got, want)
		}
		m, err := results.ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		if m.Scenario != name || m.Seed != 4 || m.Replications != 2 || m.Weeks != 20 {
			t.Errorf("%s manifest = %s, seed %d, %d replications, %d weeks; want %s, 4, 2, 20", name, m.Scenario, m.Seed, m.Replications, m.Weeks, name)
		}
		if want := append([]string{"sibsim"}, append(slices.Clone(compareArgs), "--out", out)...); !slices.Equal(m.Command, want) {
			t.Errorf("%s manifest command = %q; want %q", name, m.Command, want)
		}
	}

	csv, err := os.ReadFile(filepath.Join(out, compare.File))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(csv), "\n"), "\n")
	if lines[0] != "scenario,metric,mean,lo95,hi95,diff,diff_lo95,diff_hi95,payments_scaled,payment_scale" {
		t.Errorf("comparison.csv header = %q", lines[0])
	}
	if got, want := len(lines)-1, 2*len(sim.Metrics()); got != want {
		t.Errorf("comparison.csv has %d rows; want %d (2 scenarios x every metric)", got, want)
	}
	careShare := false
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "ways-to-wellness,") && !strings.HasSuffix(l, ",NA,NA,NA,none,1") {
			t.Errorf("reference row %q: want NA diff columns, not rescaled", l)
		}
		if !strings.HasSuffix(l, ",none,1") {
			t.Errorf("row %q: want payments not rescaled (none,1)", l)
		}
		if f := strings.Split(l, ","); len(f) == 10 && f[0] == "block-grant" && f[1] == "care_share" {
			careShare = f[5] != "NA" && f[6] != "NA" && f[7] != "NA"
		}
	}
	if !careShare {
		t.Errorf("comparison.csv has no block-grant,care_share row with a difference and interval")
	}

	figs := entries(t, filepath.Join(out, compare.FiguresDir))
	if len(figs) < 2 {
		t.Errorf("figures = %q; want several", figs)
	}
	for _, f := range figs {
		if !strings.HasSuffix(f, ".svg") {
			t.Errorf("figure %s is not .svg (the default format)", f)
		}
	}
	html, err := os.ReadFile(filepath.Join(out, compare.ReportFile))
	if err != nil || !bytes.HasPrefix(html, []byte("<!DOCTYPE html>")) {
		t.Errorf("report.html = %d bytes, %v; want an HTML document", len(html), err)
	}
	if n := bytes.Count(html, []byte("<svg")); n != len(figs) {
		t.Errorf("report.html holds %d SVG figures; want %d", n, len(figs))
	}

	if !strings.HasPrefix(stdout, "Compared 2 scenarios: 2 replications each, seed 4, common random numbers\n") {
		t.Errorf("stdout begins %q", firstN(stdout, 100))
	}
	for _, m := range compare.KeyMetrics() {
		if !strings.Contains(stdout, "\n"+m+" ") {
			t.Errorf("stdout has no row for key metric %s", m)
		}
	}
	for _, want := range []string{"(scenario - ways-to-wellness)", " *", "* the interval excludes 0", "written to " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q\n%s", want, stdout)
		}
	}
}

func TestCompareWithoutOut(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	stdout := runCompareCLI(t, "")
	if got := entries(t, dir); len(got) != 0 {
		t.Errorf("compare without --out wrote %q", got)
	}
	// The same table as with --out, apart from the last line.
	withOut := runCompareCLI(t, filepath.Join(t.TempDir(), "cmp"))
	if i := strings.LastIndex(withOut, "\nResults"); i < 0 || withOut[:i] != stdout {
		t.Errorf("stdout without --out differs from stdout with --out:\n%s\n---\n%s", stdout, withOut)
	}
}

// TestCompareDeterministicAcrossWorkers: one and two workers give the same
// bytes in every file, figures and report included, and the same stdout.
func TestCompareDeterministicAcrossWorkers(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "cmp")
	var trees []map[string][]byte
	var stdouts []string
	for _, w := range []string{"1", "2"} {
		stdouts = append(stdouts, runCompareCLI(t, out, "--workers", w))
		trees = append(trees, tree(t, out))
		if err := os.RemoveAll(out); err != nil {
			t.Fatal(err)
		}
	}
	if stdouts[0] != stdouts[1] {
		t.Errorf("stdout differs between --workers 1 and --workers 2")
	}
	a, b := sortedKeys(trees[0]), sortedKeys(trees[1])
	if !slices.Equal(a, b) {
		t.Fatalf("files differ: %q vs %q", a, b)
	}
	for _, name := range a {
		if !bytes.Equal(trees[0][name], trees[1][name]) {
			t.Errorf("%s differs between --workers 1 and --workers 2", name)
		}
	}
}

// TestPlotAndReportReproduceCompare: plot and report from a compare output,
// or from its scenario directories, give the bytes compare wrote.
func TestPlotAndReportReproduceCompare(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "cmp")
	runCompareCLI(t, out)
	want := tree(t, out)
	scenarioDirs := []string{filepath.Join(out, "ways-to-wellness"), filepath.Join(out, "block-grant")}

	for name, inputs := range map[string][]string{"compare dir": {out}, "run dirs": scenarioDirs} {
		t.Run(name, func(t *testing.T) {
			figs := filepath.Join(t.TempDir(), "figs")
			code, stdout, stderr := cli(t, context.Background(), append(append([]string{"plot"}, inputs...), "--out", figs)...)
			if code != exitOK {
				t.Fatalf("sibsim plot = exit %d\n%s", code, stderr)
			}
			got := tree(t, figs)
			if len(got) == 0 || len(strings.Split(strings.TrimSpace(stdout), "\n")) != len(got) {
				t.Errorf("plot wrote %d figures and listed %q", len(got), stdout)
			}
			for f, data := range got {
				if !bytes.Equal(data, want["figures/"+f]) {
					t.Errorf("plot: %s differs from compare's figures/%s", f, f)
				}
			}
			if len(got) != len(entries(t, filepath.Join(out, compare.FiguresDir))) {
				t.Errorf("plot wrote %d figures; compare wrote %d", len(got), len(entries(t, filepath.Join(out, compare.FiguresDir))))
			}

			html := filepath.Join(t.TempDir(), "sub", "r.html")
			code, stdout, stderr = cli(t, context.Background(), append(append([]string{"report"}, inputs...), "--out", html)...)
			if code != exitOK || stdout != html+"\n" {
				t.Fatalf("sibsim report = exit %d, stdout %q\n%s", code, stdout, stderr)
			}
			if data, _ := os.ReadFile(html); !bytes.Equal(data, want[compare.ReportFile]) {
				t.Errorf("report differs from compare's report.html")
			}
			// A second report replaces the first.
			if code, _, stderr := cli(t, context.Background(), append(append([]string{"report"}, inputs...), "--out", html)...); code != exitOK {
				t.Errorf("sibsim report over an earlier report = exit %d\n%s", code, stderr)
			}
		})
	}

	t.Run("png into the compare output", func(t *testing.T) {
		figs := filepath.Join(out, compare.FiguresDir)
		if code, _, stderr := cli(t, context.Background(), "plot", out, "--out", figs, "--format", "png"); code != exitOK {
			t.Fatalf("sibsim plot --format png = exit %d\n%s", code, stderr)
		}
		for _, f := range entries(t, figs) {
			if !strings.HasSuffix(f, ".png") {
				t.Errorf("figures holds %s after plot --format png; want only the new PNGs", f)
			}
		}
		// The compare output with PNG figures is still a compare output.
		runCompareCLI(t, out)
	})
}

func TestCompareInvalidScenarios(t *testing.T) {
	good := writeFile(t, "good.yaml", goodScenario)
	bad := writeFile(t, "bad.yaml", badScenario)
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	out := filepath.Join(t.TempDir(), "cmp")
	code, stdout, stderr := cli(t, context.Background(), "compare", good, bad, "block-grant", missing, "no-such-scenario", "--out", out)
	if code != exitInvalid {
		t.Errorf("exit %d; want %d\n%s", code, exitInvalid, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q; want nothing", stdout)
	}
	if !strings.HasPrefix(stderr, "sibsim: 3 of 5 scenarios invalid\n") {
		t.Errorf("stderr = %q; want it to begin sibsim: 3 of 5 scenarios invalid", stderr)
	}
	if n := len(problemLine.FindAllString(stderr, -1)); n != 3 {
		t.Errorf("stderr has %d file:line:col problems; want 3\n%s", n, stderr)
	}
	for _, want := range []string{"invalid scenario " + bad, "missing.yaml", "no-such-scenario"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("--out exists after invalid scenarios (%v)", err)
	}
	if got := entries(t, filepath.Dir(out)); len(got) != 0 {
		t.Errorf("invalid compare left %q", got)
	}
}

func TestCompareNames(t *testing.T) {
	evil := writeFile(t, "evil.yaml", "extends: block-grant\nname: \"<script>alert(1)</script>\"\n")
	figures := writeFile(t, "figures.yaml", "extends: block-grant\nname: figures\n")
	clash := writeFile(t, "clash.yaml", "extends: block-grant\nname: \"block grant\"\n")
	clash2 := writeFile(t, "clash2.yaml", "extends: block-grant\nname: \"block/grant\"\n")
	for _, args := range [][]string{
		{"block-grant", "block-grant"},
		{"ways-to-wellness", figures},
		{clash, clash2},
	} {
		out := filepath.Join(t.TempDir(), "cmp")
		code, stdout, stderr := cli(t, context.Background(), append(append([]string{"compare"}, args...), "--replications", "1", "--weeks", "2", "--out", out)...)
		if code != exitInvalid || stdout != "" || !strings.HasPrefix(stderr, "sibsim: ") {
			t.Errorf("sibsim compare %q = exit %d, stdout %q, stderr %q; want 3", args, code, stdout, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("--out exists after duplicate names (%v)", err)
		}
	}

	// A name that is markup gets a safe directory name; plot and report
	// find it again through comparison.csv.
	out := filepath.Join(t.TempDir(), "cmp")
	code, stdout, stderr := cli(t, context.Background(), "compare", "ways-to-wellness", evil, "--replications", "2", "--weeks", "10", "--out", out)
	if code != exitOK {
		t.Fatalf("compare with a markup name = exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "<script>alert(1)</script> ("+evil+")") {
		t.Errorf("stdout does not name the scenario as given:\n%s", stdout)
	}
	if got, want := entries(t, out), []string{"_script_alert_1___script_", compare.File, compare.FiguresDir, compare.ReportFile, "ways-to-wellness"}; !slices.Equal(got, want) {
		t.Errorf("--out holds %q; want %q", got, want)
	}
	html, _ := os.ReadFile(filepath.Join(out, compare.ReportFile))
	if bytes.Contains(html, []byte("<script")) || !bytes.Contains(html, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Errorf("report.html does not escape the scenario name")
	}
	again := filepath.Join(t.TempDir(), "r.html")
	if code, _, stderr := cli(t, context.Background(), "report", out, "--out", again); code != exitOK {
		t.Fatalf("report = exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(again); !bytes.Equal(data, html) {
		t.Errorf("report from the compare output differs from compare's")
	}
}

func TestCompareUsageErrors(t *testing.T) {
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644)
	runDir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := cli(t, context.Background(), "run", "--replications", "1", "--weeks", "2", "--out", runDir); code != exitOK {
		t.Fatalf("run = exit %d\n%s", code, stderr)
	}
	aFile := writeFile(t, "file", "")
	report := writeFile(t, "notes.html", "<p>my notes</p>")
	tests := [][]string{
		{"compare"},
		{"compare", "ways-to-wellness"},
		{"compare", "a", ""},
		{"compare", "a", "b", "--replications", "0"},
		{"compare", "a", "b", "--workers", "-1"},
		{"compare", "a", "b", "--weeks", "2601"},
		{"compare", "a", "b", "--seed", "x"},
		{"compare", "a", "b", "--format", "jpeg"},
		{"compare", "a", "b", "--out", foreign},
		{"compare", "a", "b", "--out", runDir},
		{"compare", "a", "b", "--out", aFile},
		{"compare", "a", "b", "--bogus"},
		{"plot"},
		{"plot", runDir, "--format", "gif"},
		{"plot", runDir, "--out", foreign},
		{"plot", runDir, "--out", aFile},
		{"report"},
		{"report", runDir, "--out", report},
		{"report", runDir, "--out", foreign},
		{"report", runDir, "--bogus"},
	}
	checkUsageErrors(t, tests, foreign)
	if data, _ := os.ReadFile(report); string(data) != "<p>my notes</p>" {
		t.Errorf("report overwrote a file that is not a report")
	}
}

func TestPlotReportInvalidInput(t *testing.T) {
	root := t.TempDir()
	runs := map[string][]string{
		"seed1":  {"ways-to-wellness", "--seed", "1", "--replications", "2"},
		"seed2":  {"block-grant", "--seed", "2", "--replications", "2"},
		"reps3":  {"block-grant", "--seed", "1", "--replications", "3"},
		"block1": {"block-grant", "--seed", "1", "--replications", "2"},
	}
	for name, args := range runs {
		args = append([]string{"run", "--weeks", "3", "--out", filepath.Join(root, name)}, args...)
		if code, _, stderr := cli(t, context.Background(), args...); code != exitOK {
			t.Fatalf("sibsim %q = exit %d\n%s", args, code, stderr)
		}
	}
	broken := filepath.Join(root, "broken")
	os.MkdirAll(broken, 0o755)
	os.WriteFile(filepath.Join(broken, results.ManifestFile), []byte("{"), 0o644)
	badCmp := filepath.Join(root, "badcmp")
	os.MkdirAll(badCmp, 0o755)
	os.WriteFile(filepath.Join(badCmp, compare.File), []byte("scenario,metric\n"), 0o644)
	aFile := writeFile(t, "file", "")
	at := func(name string) string { return filepath.Join(root, name) }
	tests := []struct {
		name string
		dirs []string
		want string
	}{
		{"missing", []string{at("nope")}, "no such directory"},
		{"a file", []string{aFile}, "is not a directory"},
		{"not a run", []string{t.TempDir()}, "neither a run directory"},
		{"broken manifest", []string{broken}, "manifest.json"},
		{"broken comparison", []string{badCmp}, "comparison.csv"},
		{"different seeds", []string{at("seed1"), at("seed2")}, "seed"},
		{"different replications", []string{at("seed1"), at("reps3")}, "replications"},
		{"same scenario twice", []string{at("reps3"), at("reps3")}, "appear once"},
		{"one good one missing", []string{at("seed1"), at("nope")}, "nope"},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"plot", "report"} {
			t.Run(cmd+" "+tt.name, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "out")
				code, stdout, stderr := cli(t, context.Background(), append(append([]string{cmd}, tt.dirs...), "--out", out)...)
				if code != exitInvalid || stdout != "" || !strings.HasPrefix(stderr, "sibsim: ") || !strings.Contains(stderr, tt.want) {
					t.Errorf("sibsim %s %s = exit %d, stdout %q, stderr %q; want 3 and a message with %q", cmd, tt.name, code, stdout, stderr, tt.want)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("--out exists after invalid input (%v)", err)
				}
			})
		}
	}
	// Runs that pair: fine.
	if code, _, stderr := cli(t, context.Background(), "report", at("seed1"), at("block1"), "--out", filepath.Join(t.TempDir(), "r.html")); code != exitOK {
		t.Errorf("report of paired runs = exit %d\n%s", code, stderr)
	}
}

func TestCompareOverwritesPreviousOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cmp")
	runCompareCLI(t, out)
	os.MkdirAll(out+"-empty", 0o755)
	runCompareCLI(t, out+"-empty")
	code, _, stderr := cli(t, context.Background(), "compare", "block-grant", "ways-to-wellness", "--replications", "1", "--weeks", "3", "--out", out)
	if code != exitOK {
		t.Fatalf("second compare = exit %d\n%s", code, stderr)
	}
	if m, err := results.ReadManifest(filepath.Join(out, "block-grant")); err != nil || m.Replications != 1 {
		t.Errorf("manifest after second compare = %+v, %v; want 1 replication", m, err)
	}
	if got := entries(t, filepath.Dir(out)); !slices.Equal(got, []string{"cmp", "cmp-empty"}) {
		t.Errorf("after replacing, the parent holds %q; want no temporary directories", got)
	}
}

func TestCompareCancelled(t *testing.T) {
	t.Run("before start", func(t *testing.T) {
		root := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		code, stdout, stderr := cli(t, ctx, append(slices.Clone(compareArgs), "--out", filepath.Join(root, "a", "cmp"))...)
		if code != exitInterrupted || stderr != "sibsim: interrupted\n" || stdout != "" {
			t.Errorf("cancelled compare = exit %d, stdout %q, stderr %q; want 130, nothing, sibsim: interrupted", code, stdout, stderr)
		}
		if got := entries(t, root); len(got) != 0 {
			t.Errorf("cancelled compare left %q", got)
		}
	})
	for _, after := range []int{1, 6} {
		t.Run(fmt.Sprintf("after %d progress writes", after), func(t *testing.T) {
			root := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// Progress goes to a "terminal" that cancels after some
			// writes, as Ctrl-C would during the first or second scenario.
			var errb bytes.Buffer
			w := &cancelWriter{w: &errb, cancel: func() {
				if after--; after <= 0 {
					cancel()
				}
			}}
			var stdout bytes.Buffer
			d := &deps{streams: streams{out: &stdout, err: w, errTTY: true}, loader: defaultLoader(),
				args: []string{"compare", "ways-to-wellness", "block-grant", "--replications", "4", "--weeks", "10", "--workers", "1",
					"--out", filepath.Join(root, "cmp")}, version: "test"}
			code := d.execute(ctx)
			if code != exitInterrupted || stdout.Len() != 0 || !strings.HasSuffix(errb.String(), "sibsim: interrupted\n") {
				t.Errorf("interrupted compare = exit %d, stdout %q, stderr %q; want 130, nothing, sibsim: interrupted", code, stdout.String(), errb.String())
			}
			if got := entries(t, root); len(got) != 0 {
				t.Errorf("interrupted compare left %q", got)
			}
		})
	}
}

// TestCompareEqualCost rescales the block grant to the social impact bond's
// commissioner spend over 60 weeks and checks what the outputs say.
func TestCompareEqualCost(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cmp")
	args := []string{"compare", "ways-to-wellness", "block-grant", "--replications", "2", "--weeks", "60", "--seed", "4", "--equal-cost", "--out", out}
	code, stdout, stderr := cli(t, context.Background(), args...)
	if code != exitOK {
		t.Fatalf("sibsim %q = exit %d\n%s", args, code, stderr)
	}
	if !strings.Contains(stdout, "\nEqual cost: block-grant: all payment amounts (2) scaled by 0.") {
		t.Errorf("stdout does not say how block-grant was rescaled:\n%s", stdout)
	}
	csv, err := os.ReadFile(filepath.Join(out, compare.File))
	if err != nil {
		t.Fatal(err)
	}
	var ref, scaled float64
	factor := ""
	for _, l := range strings.Split(strings.TrimSpace(string(csv)), "\n")[1:] {
		f := strings.Split(l, ",")
		switch {
		case f[0] == "ways-to-wellness" && (f[8] != "none" || f[9] != "1"):
			t.Errorf("reference row %q: want none,1", l)
		case f[0] == "block-grant" && f[8] != "all":
			t.Errorf("block-grant row %q: want payments_scaled all", l)
		case f[0] == "block-grant":
			if factor == "" {
				factor = f[9]
			} else if f[9] != factor {
				t.Errorf("block-grant rows give factors %s and %s", factor, f[9])
			}
		}
		if f[1] == compare.CommissionerSpendMetric {
			v, _ := results.ParseFloat(f[2])
			if f[0] == "ways-to-wellness" {
				ref = v
			} else {
				scaled = v
			}
		}
	}
	if !(ref > 0) || math.Abs(scaled/ref-1) > 0.01 {
		t.Errorf("comparison.csv: mean %s %g (block-grant, rescaled) against %g; want within 1%%", compare.CommissionerSpendMetric, scaled, ref)
	}
	// The rescaled scenario's manifest holds the scaled grant.
	m, err := results.ReadManifest(filepath.Join(out, "block-grant"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.ScenarioYAML, "Equal cost: all payment amounts scaled by "+factor) {
		t.Errorf("manifest description does not record the rescaling by %s:\n%s", factor, firstN(m.ScenarioYAML, 400))
	}
	// The report says so at the top, with the factor.
	page, err := os.ReadFile(filepath.Join(out, compare.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := results.ParseFloat(factor)
	want := "block-grant: every payment amount multiplied by " + strconv.FormatFloat(f, 'g', 4, 64)
	if i, h := strings.Index(string(page), want), strings.Index(string(page), `id="metrics"`); i < 0 || i > h {
		t.Errorf("report.html does not say %q before the key metrics", want)
	}
	// sibsim report and plot read the rescaling back: the same report.
	html := filepath.Join(t.TempDir(), "r.html")
	if code, _, stderr := cli(t, context.Background(), "report", out, "--out", html); code != exitOK {
		t.Fatalf("sibsim report: exit %d\n%s", code, stderr)
	}
	a, _ := os.ReadFile(html)
	b, _ := os.ReadFile(filepath.Join(out, compare.ReportFile))
	if !bytes.Equal(a, b) {
		t.Errorf("sibsim report of an equal-cost output differs from its report.html")
	}
}

func TestCompareEqualCostErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--equal-cost-rule", "bonus"}, exitUsage, "--equal-cost-rule must be all or one of block_grant"},
		{[]string{"--equal-cost-rule", "per_assessment"}, exitInvalid, "block-grant has no per_assessment payment rule"},
		// A reference whose payers are capped at nothing spends nothing:
		// there is no cost to match.
		{[]string{"--equal-cost"}, exitRuntime, "the reference's mean outcome_payments_gbp is 0"},
	}
	unpaid := writeFile(t, "unpaid.yaml", "extends: ways-to-wellness\nname: unpaid\ncontract:\n  payers:\n"+
		"    - {name: ccg, cap_gbp: 0}\n    - {name: cbo, cap_gbp: 0}\n    - {name: cabinet_office, cap_gbp: 0}\n")
	for i, tt := range tests {
		args := append(slices.Clone(compareArgs), tt.args...)
		if i == len(tests)-1 {
			args[1] = unpaid
		}
		code, stdout, stderr := cli(t, context.Background(), args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("sibsim %q = exit %d, stdout %q, stderr %q; want exit %d, nothing on stdout, stderr with %q", args, code, stdout, stderr, tt.code, tt.want)
		}
	}
}

// TestCompareTableWidth: the table fits 100 columns with every key metric
// and the longest shipped name, and money has separators and currency.
func TestCompareTableWidth(t *testing.T) {
	args := []string{"compare", "ways-to-wellness", "front-loaded-then-assessment", "--replications", "2", "--weeks", "60"}
	code, stdout, stderr := cli(t, context.Background(), args...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, l := range strings.Split(stdout, "\n") {
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("line of %d characters (want <= 100): %q", n, l)
		}
	}
	if !regexp.MustCompile(`\nprovider_revenue_gbp +GBP\n  ways-to-wellness +£\d{1,3}(,\d{3})+ +± £`).MatchString(stdout) {
		t.Errorf("provider_revenue_gbp is not shown as money with its unit:\n%s", stdout)
	}
}

func TestMoney(t *testing.T) {
	for _, tt := range []struct {
		x    float64
		want string
	}{
		{1234567.4, "£1,234,567"}, {-950, "-£950"}, {100, "£100"}, {999.5, "£1,000"},
		{3.5, "£3.50"}, {-0.004, "0"}, {0, "0"}, {math.NaN(), "NA"}, {12345, "£12,345"},
	} {
		if got := money(tt.x); got != tt.want {
			t.Errorf("money(%g) = %q; want %q", tt.x, got, tt.want)
		}
	}
}
