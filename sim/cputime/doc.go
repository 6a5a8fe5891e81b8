// Package cputime reads the process's CPU time, the measure the speed
// benchmarks report beside wall time (sim's BenchmarkFloor and
// BenchmarkDefaultRun, sim/sweep's BenchmarkSweep and BenchmarkSpin,
// plots/explorer's BenchmarkServe20Replications).
package cputime
