package sweep

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim"
)

// benchSweep is the default scenario over its full horizon (364 weeks):
// 8 random points x 2 replications = 16 runs.
const benchSweep = `name: bench
base: ways-to-wellness
seed: 1
replications: 2
design: {kind: random, n: 8}
parameters:
  - path: referrals.gp_engagement_mean
    uniform: [0.3, 0.4]
`

// BenchmarkSweep runs 16 replications of the default scenario through the
// sweep runner at 1 and 2 workers and reports runs per second; parallel
// efficiency is (runs/s at 2) / (2 × runs/s at 1).
func BenchmarkSweep(b *testing.B) {
	p := plan(b, benchSweep)
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			root := b.TempDir()
			for i := 0; i < b.N; i++ {
				dir := filepath.Join(root, fmt.Sprint(i))
				if _, err := Run(context.Background(), p, dir, Options{Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*p.Runs)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}

// BenchmarkOverhead measures what the runner adds to sim.RunOne: both run
// the same 256 one-week runs on one worker, so the model's work is small
// and the difference in ns/run is the runner's (building each point's
// scenario, collecting metrics, writing chunks and the final files).
func BenchmarkOverhead(b *testing.B) {
	p := plan(b, strings.Replace(strings.Replace(benchSweep, "n: 8", "n: 128", 1), "seed: 1", "seed: 1\nweeks: 1", 1))
	b.Run("runner", func(b *testing.B) {
		root := b.TempDir()
		for i := 0; i < b.N; i++ {
			if _, err := Run(context.Background(), p, filepath.Join(root, fmt.Sprint(i)), Options{Workers: 1}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*p.Runs), "ns/run")
	})
	b.Run("RunOne", func(b *testing.B) {
		sc := p.Base.Scenario
		for i := 0; i < b.N; i++ {
			for r := range p.Runs {
				if _, err := sim.RunOne(context.Background(), sc, 1, r%2, 1, false); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*p.Runs), "ns/run")
	})
}
