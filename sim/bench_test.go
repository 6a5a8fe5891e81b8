package sim

import (
	"context"
	"testing"
)

// benchRun runs whole replications of a shipped scenario and reports the
// time per active client-week, the hot-path figure PRs quote, in wall time
// (ns/client-week) and in the process's CPU time (cpu-ns/client-week, the
// truer figure on a loaded machine), and the CPU time per replication.
func benchRun(b *testing.B, name string, weeks int) {
	sc := loadShipped(b, name)
	if weeks == 0 {
		weeks = sc.Weeks
	}
	b.ReportAllocs()
	b.ResetTimer()
	var clientWeeks float64
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		m, err := New(sc, 1, i)
		if err != nil {
			b.Fatal(err)
		}
		m.weeks = weeks
		m.recordWeekly = true
		for w := 0; w < weeks; w++ {
			m.Step()
			clientWeeks += float64(m.cnt.active)
		}
		_ = m.Result()
	}
	cpu := cpuTime() - c0
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/clientWeeks, "ns/client-week")
	b.ReportMetric(float64(cpu.Nanoseconds())/clientWeeks, "cpu-ns/client-week")
	b.ReportMetric(cpu.Seconds()*1e3/float64(b.N), "cpu-ms/op")
	b.ReportMetric(clientWeeks/float64(b.N)/float64(weeks), "active-clients")
}

// BenchmarkDefaultRun is one replication of the default scenario over its
// full horizon (7 years). Target: 20 ms of CPU or less (not met: about 48
// ms on a quiet 2-core machine; the README's speed section says why).
func BenchmarkDefaultRun(b *testing.B) { benchRun(b, "ways-to-wellness", 0) }

// BenchmarkRunBatch is ten replications of the default through RunBatch.
func BenchmarkRunBatch(b *testing.B) {
	sc := loadShipped(b, "ways-to-wellness")
	for i := 0; i < b.N; i++ {
		if _, err := RunBatch(context.Background(), sc, Options{Replications: 10, Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNationalYear is one year (52 weeks) of england-national, from an
// empty start, reporting ns per active client-week at national scale.
func BenchmarkNationalYear(b *testing.B) { benchRun(b, "england-national", 52) }

// BenchmarkNationalStep times single weeks of england-national at steady
// state (after a one-year warm-up that is not timed). Each iteration is
// one week of the whole model.
func BenchmarkNationalStep(b *testing.B) {
	sc := loadShipped(b, "england-national")
	m, err := New(sc, 1, 0)
	if err != nil {
		b.Fatal(err)
	}
	m.weeks = 1 << 30
	for w := 0; w < 52; w++ {
		m.Step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	var clientWeeks float64
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		m.Step()
		clientWeeks += float64(m.cnt.active)
	}
	cpu := cpuTime() - c0
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/clientWeeks, "ns/client-week")
	b.ReportMetric(float64(cpu.Nanoseconds())/clientWeeks, "cpu-ns/client-week")
	b.ReportMetric(clientWeeks/float64(b.N), "active-clients")
}
