package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnalyzeHalfWidthRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := cli(t, context.Background(), "run", "--replications", "3", "--weeks", "30", "--out", dir); code != exitOK {
		t.Fatalf("sibsim run = exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := cli(t, context.Background(), "analyze", dir, "--half-width", "5%", "--half-width", "engaged_share=0.001", "--metric", "engaged_share,referrals_total")
	if code != exitOK {
		t.Fatalf("analyze RUN --half-width = exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"Run " + dir + ": 3 replications", "replications needed", "referrals_total", "5% of the mean", "Law & Kelton"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "care_share") {
		t.Errorf("stdout has a metric not asked for:\n%s", stdout)
	}
	// engaged_share has its own absolute target, not 5%.
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "engaged_share ") && (strings.Contains(line, "% of the mean") || !strings.Contains(line, "0.001000")) {
			t.Errorf("engaged_share row %q; want the absolute target 0.001", line)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "is a run directory (sibsim run), not a sweep"},
		{[]string{"--half-width", "0"}, "--half-width \"0\": want a positive number"},
		{[]string{"--half-width", "150%"}, "a percentage below 100%"},
		{[]string{"--half-width", "0x1p-4"}, "--half-width \"0x1p-4\": want a positive number"},
		{[]string{"--half-width", "0.0_1"}, "--half-width \"0.0_1\": want a positive number"},
		{[]string{"--half-width", "Inf"}, "--half-width \"Inf\": want a positive number"},
		{[]string{"--half-width", "+0.1"}, "--half-width \"+0.1\": want a positive number"},
		{[]string{"--half-width", "m=1e-400"}, "--half-width \"m=1e-400\": want a positive number"},
		{[]string{"--half-width", "=1"}, "empty metric name"},
		{[]string{"--half-width", "nope=1"}, `unknown metric "nope"`},
	} {
		code, _, stderr := cli(t, context.Background(), append([]string{"analyze", dir}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("analyze RUN %q = exit %d, %q; want exit 2 with %q", tt.args, code, stderr, tt.want)
		}
	}
}

func TestAnalyzeHalfWidthSweep(t *testing.T) {
	dir := ishigamiFixture().write(t)
	code, stdout, stderr := cli(t, context.Background(), "analyze", dir, "--metric", "ishigami", "--bootstrap", "0", "--half-width", "ishigami=0.005")
	if code != exitOK {
		t.Fatalf("analyze --half-width = exit %d\n%s", code, stderr)
	}
	// Replications differ by 0.02: sd 0.01414, and t(0.975, n-1) 0.01414/√n
	// ≤ 0.005 first at n = 34 (t(0.975,32)/√33 · 0.01414 = 0.00501,
	// t(0.975,33)/√34 · 0.01414 = 0.00493), at every point alike.
	for _, want := range []string{"Replications per design point (now 2)", "  34  ", "34 at point 0", "worst point"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := cli(t, context.Background(), "analyze", dir, "--metric", "ishigami", "--half-width", "sometimes_na=1"); code != exitUsage ||
		!strings.Contains(stderr, `metric "sometimes_na" is not analysed`) {
		t.Errorf("--half-width for a metric not analysed = exit %d, %q; want 2", code, stderr)
	}
}
