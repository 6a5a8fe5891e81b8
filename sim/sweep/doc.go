// Package sweep runs batch experiments over a scenario: a design of
// parameter values (grid, random, Latin hypercube, Sobol/Saltelli or
// Morris, from package sensitivity), each point run for a number of seeded
// replications, with one row of summary metrics per run.
//
// An experiment file (YAML, loaded strictly like a scenario: see Parse and
// docs/sweeps.md) names a base scenario, a seed, replications, metrics, a
// design and the parameters to vary, each a path into the scenario
// (scenario.SetPath) with a distribution. NewPlan checks every design point
// up front: no run starts unless every point gives a valid scenario.
//
// Run i (0 <= i < points × replications) is replication i % R of design
// point i / R, a pure function of its index:
//
//	sim.RunOne(ctx, pointScenario(i/R), seed, i%R, weeks, false)
//
// so every point shares the replications' random numbers (common random
// numbers) and results never depend on the worker count, the sharding, the
// order runs finish in or interruptions. Runs are grouped into chunks of
// ChunkSizeFor(runs) runs, written to their own files as they complete, so
// memory stays flat, an interrupted sweep resumes where it stopped, and a
// sweep splits into shards (chunk c belongs to shard c % N) that Merge
// joins byte for byte into what one process would have written.
//
// An experiment may name several policies (scenarios) instead of a base:
// then run i is policy i % Q, replication (i / Q) % R of point i / (Q R)
// (Plan.RunOf), every policy sharing each point's and replication's random
// numbers, and the outputs gain a scenario column. It may also record
// weekly series (series.csv). ComparePolicies compares policies by their
// paired differences, ReadSeriesBands bands the series, and Discover finds
// the regions of the parameters' space where an outcome happens (package
// discover).
//
// A finished sweep directory holds
//
//	manifest.json  the resolved experiment, design, base scenario, hashes, version
//	points.csv     point,<parameter paths...>: the value of each parameter at each point
//	runs.csv       point,replication,<metrics...>: one row per run, in run order
//
// (runs.parquet instead of runs.csv with Format Parquet, with the
// parameters' values beside the metrics). ReadResults reads a finished
// directory back, in either format, and Analyze estimates the parameters' effects
// on each metric (Sobol indices or Morris elementary effects, by the
// design), written by Analysis.WriteFiles. ClusterPlan lays a sweep out as
// a Slurm array script or a Kubernetes Indexed Job, one task per shard.
// The package does no printing and reads no flags or environment.
package sweep
