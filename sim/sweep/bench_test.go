package sweep

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/cputime"
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
// sweep runner at 1 worker and at 2, side by side in each iteration (in
// alternating order, runOrder), and reports for each the process's CPU
// time per run (cpu-ms/run-1w,
// cpu-ms/run-2w) and the parallel efficiency at 2 workers: in CPU time,
// cpu-efficiency = cpu-ms/run-1w / cpu-ms/run-2w (below 1 by what running
// side by side costs each run: garbage collection, shared caches and
// memory, the runner's locking), and in wall time, wall-efficiency =
// t(1 worker) / (2 × t(2 workers)). Target: cpu-efficiency at least 0.95.
// BenchmarkSpin gives the machine's own figure for comparison.
func BenchmarkSweep(b *testing.B) {
	p := plan(b, benchSweep)
	root := b.TempDir()
	var cpu, wall [2]time.Duration
	for i := 0; i < b.N; i++ {
		for _, k := range runOrder(i) {
			workers := k + 1
			dir := filepath.Join(root, fmt.Sprint(i, "-", workers))
			c0, w0 := cputime.Process(), time.Now()
			if _, err := Run(context.Background(), p, dir, Options{Workers: workers}); err != nil {
				b.Fatal(err)
			}
			cpu[k] += cputime.Process() - c0
			wall[k] += time.Since(w0)
		}
	}
	runs := float64(b.N * p.Runs)
	b.ReportMetric(cpu[0].Seconds()*1e3/runs, "cpu-ms/run-1w")
	b.ReportMetric(cpu[1].Seconds()*1e3/runs, "cpu-ms/run-2w")
	b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "cpu-efficiency")
	b.ReportMetric(float64(wall[0])/(2*float64(wall[1])), "wall-efficiency")
}

// BenchmarkSpin is the machine's parallel efficiency with nothing of
// sibsim's in the way: in each iteration, 1 and 2 goroutines (in
// alternating order) each draw 2^24 random numbers into their own 64 KiB
// buffer, allocating nothing else. Its cpu-efficiency (CPU time per spin
// at 1 over that at 2) is the machine's figure to read BenchmarkSweep's
// against: below 1 where the two cores share a physical core or slow down
// together, and noisy on a shared machine (use -count and compare).
func BenchmarkSpin(b *testing.B) {
	spin := func(seed uint64) float32 {
		r := rand.NewPCG(seed, 1)
		buf := make([]float32, 1<<14)
		for i := 0; i < 1<<24; i++ {
			buf[i&(1<<14-1)] += float32(r.Uint64()>>40) * 0x1p-24
		}
		return buf[0]
	}
	var cpu [2]time.Duration
	for i := 0; i < b.N; i++ {
		for _, k := range runOrder(i) {
			workers := k + 1
			c0 := cputime.Process()
			var wg sync.WaitGroup
			for g := range workers {
				wg.Add(1)
				go func() { defer wg.Done(); sink.Add(uint64(spin(uint64(g)))) }()
			}
			wg.Wait()
			cpu[k] += (cputime.Process() - c0) / time.Duration(workers)
		}
	}
	b.ReportMetric(cpu[0].Seconds()*1e3/float64(b.N), "cpu-ms/spin-1w")
	b.ReportMetric(cpu[1].Seconds()*1e3/float64(b.N), "cpu-ms/spin-2w")
	b.ReportMetric(float64(cpu[0])/float64(cpu[1]), "cpu-efficiency")
}

// runOrder is the order of the 1-worker (0) and 2-worker (1) halves of
// iteration i: they alternate, so that neither always runs first (on a warm
// cache, or before the machine's clock drops).
func runOrder(i int) [2]int {
	if i%2 == 0 {
		return [2]int{0, 1}
	}
	return [2]int{1, 0}
}

// sink keeps BenchmarkSpin's work from being optimised away.
var sink atomic.Uint64

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
