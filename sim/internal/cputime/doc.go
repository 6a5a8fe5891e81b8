// Package cputime reads the process's CPU time, the measure the speed
// benchmarks report beside wall time (BenchmarkFloor, BenchmarkDefaultRun,
// BenchmarkSweep).
package cputime
