// Package sensitivity builds experimental designs over model parameters and
// estimates how sensitive an output is to each parameter.
//
// A parameter has a distribution (Dist) that maps a unit-interval coordinate
// to a value. A Design is a list of points in the unit hypercube, one
// coordinate per parameter, in run order: a full-factorial grid, random or
// Latin-hypercube samples, a Saltelli design on a scrambled Sobol sequence
// for variance-based (Sobol) indices, or Morris trajectories for elementary
// effects. The caller runs the model at Design.Values of each point and
// hands the outputs back to Sobol or Morris.
//
// The package is pure and deterministic: no printing, no global state, and
// all randomness from math/rand/v2 PCG generators seeded by hashing (seed,
// stream name), so the same inputs always give the same designs and
// estimates.
package sensitivity
