package main

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkCompare8x20 is "sibsim compare" of the eight shipped funding
// scenarios with 20 replications each, writing every output (runs,
// comparison.csv, figures, report). Target: under 30 s on 2 cores.
func BenchmarkCompare8x20(b *testing.B) {
	args := []string{"compare",
		"ways-to-wellness", "block-grant", "capitation", "per-referral",
		"outcomes-wellbeing", "outcomes-secondary-care", "blended", "front-loaded-then-assessment",
		"--replications", "20", "--seed", "1"}
	for i := 0; i < b.N; i++ {
		out := filepath.Join(b.TempDir(), "cmp")
		code, _, stderr := cli(b, context.Background(), append(args, "--out", out)...)
		if code != 0 {
			b.Fatalf("compare exit %d: %s", code, stderr)
		}
	}
}
