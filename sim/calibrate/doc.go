// Package calibrate fits model parameters to observed figures by
// approximate Bayesian computation (ABC): rejection sampling, and a
// sequential Monte Carlo sampler (adaptive population Monte Carlo).
//
// A Spec names the parameters, each with a prior (a sensitivity.Dist, the
// distributions of an experiment file), and the targets: summary figures
// with an observed value and a tolerance, or an observed range, each with a
// weight. A simulation at a parameter vector returns one summary value per
// target; Distance scores it against the targets (see Distance for the
// formula).
//
// # Parametrisation
//
// Both samplers work in unit coordinates: parameter k of a particle is
// Prior.Value(u_k) with u_k in [0, 1], the prior's quantile function (as in
// a sweep design). Every prior is then uniform on the unit cube, so bounded
// priors keep every proposal inside their support without rejection, and a
// levels prior needs no special kernel. The posterior is reported on the
// parameters' own scale.
//
// # Algorithms
//
// Rejection (Pritchard et al. 1999, Mol Biol Evol 16:1791) draws from the
// prior and keeps the draws nearest the targets (or those within a fixed
// tolerance).
//
// SMC is the adaptive population Monte Carlo ABC of Lenormand, Jabot and
// Deffuant (2013, Comput Stat 28:2777–2796), which builds on the ABC-PMC of
// Beaumont, Cornuet, Marin and Robert (2009, Biometrika 96:983–990).
// Generation 0 draws N particles from the prior; each later generation
// keeps the N_α = ⌊αN⌋ particles nearest the targets, whose largest
// distance is the tolerance ε_t (the α-quantile of the distances: an
// adaptive schedule), and proposes N − N_α new ones by picking a kept
// particle in proportion to its weight and perturbing it with a Gaussian
// kernel of twice the kept particles' weighted variance, coordinate by
// coordinate (Beaumont et al.'s kernel), truncated to the unit cube. A new
// particle's importance weight is prior/proposal density, π(u)/q_t(u) with
// q_t the kernel mixture (Beaumont et al. eq. 3; π = 1 on the cube). The
// acceptance rate of a generation is the share of its new particles within
// the previous tolerance; sampling stops when it falls below a threshold,
// when ε stops falling, reaches a target or zero, or when the simulation
// budget or generation cap would be exceeded (see Config).
//
// # Batches and determinism
//
// Each generation is one batch: Propose returns the parameter vectors to
// simulate (explicit points), an Evaluator simulates them in any order or in
// parallel, and Update weights and selects. Proposals are a pure function of
// (seed, generation, index) and the previous Population, each drawing from
// its own random stream (PCG seeded by SHA-256 of the tuple, as in package
// sim), and each carries its own simulation seed, a hash of the same tuple.
// Results therefore never depend on evaluation order or worker count, and a
// Population (JSON-serialisable) is a complete checkpoint: a run resumed
// from it gives the same bytes as one that never stopped.
//
// The package does no printing, reads no files or flags and holds no global
// state.
package calibrate
