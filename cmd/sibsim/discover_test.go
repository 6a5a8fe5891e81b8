package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// policySweep runs a small sweep over three policies with the CLI and
// returns its directory.
func policySweep(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	exp := filepath.Join(dir, "p.yaml")
	os.WriteFile(exp, []byte(`name: p
seed: 2
replications: 2
weeks: 30
metrics: [care_share, referrals_total]
policies: [ways-to-wellness, blended, block-grant]
design: {kind: lhs, n: 12}
parameters:
  - path: referrals.gp_engagement_mean
    uniform: [0.2, 0.6]
  - path: providers[*].culture
    uniform: [0.2, 0.8]
`), 0o644)
	out := filepath.Join(dir, "out")
	if code, stdout, stderr := cli(t, context.Background(), "sweep", exp, "--out", out); code != 0 {
		t.Fatalf("sweep: exit %d\n%s%s", code, stdout, stderr)
	} else if !strings.Contains(stdout, "12 points x 2 replications x 3 policies (ways-to-wellness, blended, block-grant) = 72 runs") {
		t.Errorf("sweep printed %q; want the points, replications and policies", stdout)
	}
	return out
}

func TestDiscoverCommand(t *testing.T) {
	dir := policySweep(t)
	ctx := context.Background()
	code, stdout, stderr := cli(t, ctx, "discover", dir, "--metric", "care_share", "--diff", "ways-to-wellness,block-grant", "--below", "0")
	if code != 0 {
		t.Fatalf("discover: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "Where care_share: ways-to-wellness − block-grant < 0: ") || !strings.Contains(stdout, "Discovery written to "+filepath.Join(dir, "discover")) {
		t.Errorf("discover printed %q", stdout)
	}
	for _, f := range []string{"boxes.csv", "cases.csv", "trajectory.csv"} {
		if _, err := os.Stat(filepath.Join(dir, "discover", f)); err != nil {
			t.Errorf("discover did not write %s: %v", f, err)
		}
	}
	// Again into the same place (a previous discovery is replaced), by CART.
	if code, stdout, stderr := cli(t, ctx, "discover", dir, "--metric", "care_share", "--scenario", "blended", "--above", "0.3", "--method", "cart"); code != 0 {
		t.Fatalf("discover --method cart: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "discover", "trajectory.csv")); err == nil {
		t.Error("a CART discovery kept the previous PRIM trajectory")
	}
	// The sweep directory still resumes with a discovery beside it.
	if code, _, stderr := cli(t, ctx, "analyze", dir); code != 0 {
		t.Errorf("analyze beside a discovery: exit %d\n%s", code, stderr)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no threshold", []string{"--metric", "care_share", "--scenario", "blended"}, 2, "give exactly one of --above T and --below T"},
		{"both thresholds", []string{"--metric", "care_share", "--scenario", "blended", "--above", "1", "--below", "2"}, 2, "give exactly one of"},
		{"no policy", []string{"--metric", "care_share", "--above", "0.3"}, 2, "has policies (ways-to-wellness, blended, block-grant)"},
		{"unknown policy", []string{"--metric", "care_share", "--diff", "blended,nope", "--above", "0"}, 2, `--diff: unknown policy "nope"`},
		{"bad diff", []string{"--metric", "care_share", "--diff", "blended", "--above", "0"}, 2, "--diff must be two policies A,B"},
		{"unknown metric", []string{"--metric", "care_shares", "--scenario", "blended", "--above", "0"}, 2, `unknown metric "care_shares"`},
		{"bad method", []string{"--metric", "care_share", "--scenario", "blended", "--above", "0", "--method", "tree"}, 2, "--method must be prim or cart"},
		{"pick beyond the trajectory", []string{"--metric", "care_share", "--scenario", "blended", "--above", "0", "--pick", "100000"}, 2, "trajectory index 100000: the trajectory has boxes 0 to"},
		{"same policy twice", []string{"--metric", "care_share", "--diff", "blended,blended", "--above", "0"}, 2, "--diff: the difference of blended with itself is 0 everywhere"},
		{"bad alpha", []string{"--metric", "care_share", "--scenario", "blended", "--above", "0", "--alpha", "0.6"}, 2, "--alpha must be in (0, 0.5)"},
		{"foreign out", []string{"--metric", "care_share", "--scenario", "blended", "--above", "0", "--out", dir}, 2, "which sibsim discover does not write"},
		{"not a sweep", []string{"--metric", "care_share", "--scenario", "blended", "--above", "0", "--out", t.TempDir()}, 3, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sweepDir := dir
			if tt.name == "not a sweep" {
				sweepDir = t.TempDir()
			}
			code, _, stderr := cli(t, ctx, append([]string{"discover", sweepDir}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("discover %q: exit %d, stderr %q; want exit %d containing %q", tt.args, code, stderr, tt.code, tt.want)
			}
		})
	}
}
