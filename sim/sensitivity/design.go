package sensitivity

import (
	"errors"
	"fmt"
	"math/bits"
)

// Design kinds.
const (
	DesignGrid   = "grid"   // full factorial
	DesignRandom = "random" // independent uniform coordinates
	DesignLHS    = "lhs"    // Latin hypercube
	DesignSobol  = "sobol"  // Saltelli scheme on a scrambled Sobol sequence
	DesignMorris = "morris" // Morris elementary-effects trajectories
)

// DesignKinds lists the kinds of design, in documentation order.
func DesignKinds() []string {
	return []string{DesignGrid, DesignRandom, DesignLHS, DesignSobol, DesignMorris}
}

// MaxPoints bounds the number of points of a design, so that no spec a user
// writes can exhaust memory.
const MaxPoints = 1 << 22

// DesignSpec says which design to build and how large. Fields a kind does
// not use are ignored. The JSON field names are those of a sweep manifest.
type DesignSpec struct {
	// Kind is one of "grid", "random", "lhs", "sobol", "morris".
	Kind string `json:"kind"`
	// N is the number of points of a random or lhs design, and the base
	// sample size of a sobol design (a power of 2 keeps the Sobol
	// sequence's balance; the estimates note when it is not).
	N int `json:"n"`
	// Levels is the number of levels per parameter of a grid (parameters
	// with a levels distribution use their own levels instead), and the
	// number p of grid levels of a morris design (even, so that the step
	// Δ = p/(2(p−1)) lands on the grid).
	Levels int `json:"levels"`
	// Trajectories is the number r of morris trajectories (at least 2).
	Trajectories int `json:"trajectories"`
	// SecondOrder adds the BA_i blocks to a sobol design, for second-order
	// indices.
	SecondOrder bool `json:"second_order"`
}

// Design is a set of points in the unit hypercube [0, 1]^K, one coordinate
// per parameter, in the order they are to be run. Parameter values are
// Dist.Value of the coordinates (see Values).
//
// Point order by kind, a stable contract (estimators and stored sweeps rely
// on it):
//
//   - grid: full factorial, the last parameter varying fastest. A parameter
//     with a levels distribution takes each of its L levels, at coordinates
//     (j+0.5)/L; any other takes Spec.Levels = p values at coordinates
//     j/(p−1), j = 0..p−1, so the grid includes both ends of its range.
//   - random: N points of independent uniform coordinates.
//   - lhs: N points; in each dimension, each of the N strata
//     [j/N, (j+1)/N) holds exactly one point, at a uniform position within
//     it, the strata assigned to points by an independent random
//     permutation per dimension.
//   - sobol: the Saltelli (2010) scheme. Base matrices A and B (N×K) are the
//     first K and last K coordinates of the first N points of a scrambled
//     2K-dimensional Sobol sequence (Joe-Kuo direction numbers, Gray-code
//     order, linear matrix scrambling and a digital shift: see newSobolSeq).
//     AB_i is A with column i taken from B, and BA_i is B with column i taken
//     from A. Points come in blocks of N rows: A, B, AB_1, ..., AB_K, then
//     with SecondOrder BA_1, ..., BA_K; point b·N + j is row j of block b.
//     That is N(K+2) points, or N(2K+2) with SecondOrder.
//   - morris: r trajectories of K+1 points each (Morris 1991), trajectory t
//     being points t(K+1) to t(K+1)+K. Coordinates lie on the p-level grid
//     {0, 1/(p−1), ..., 1}. A trajectory starts at a random grid point and
//     moves one parameter at a time, in a random order, by Δ = p/(2(p−1))
//     up or down (each parameter's direction random), so consecutive points
//     differ by ±Δ in exactly one coordinate and every parameter moves once.
//     Trajectories are drawn independently, not selected for spread
//     (Campolongo et al. 2007's optimisation is not applied).
type Design struct {
	Spec DesignSpec
	// K is the number of parameters.
	K int
	// Points are the unit coordinates, [point][parameter], in run order.
	Points [][]float64
}

// NewDesign builds the design spec over parameters with distributions
// dists. Randomness (LHS permutations, Sobol scrambling, Morris
// trajectories) comes from seed alone, hashed with a name per design kind:
// the same spec, dists and seed give the same design. Distributions matter
// only to grid designs (through levels distributions) but are all
// validated. The error lists every problem.
func NewDesign(spec DesignSpec, dists []Dist, seed uint64) (*Design, error) {
	n, err := DesignSize(spec, dists)
	if err != nil {
		return nil, err
	}
	k := len(dists)
	d := &Design{Spec: spec, K: k}
	switch spec.Kind {
	case DesignGrid:
		d.Points = gridPoints(spec, dists, n)
	case DesignRandom:
		r := newRand(seed, streamRandom)
		d.Points = matrix(n, k)
		for _, p := range d.Points {
			for i := range p {
				p[i] = unitFloat(r)
			}
		}
	case DesignLHS:
		r := newRand(seed, streamLHS)
		d.Points = matrix(n, k)
		for i := range k {
			perm := r.Perm(n)
			for j, p := range d.Points {
				p[i] = (float64(perm[j]) + unitFloat(r)) / float64(n)
			}
		}
	case DesignSobol:
		d.Points = saltelliPoints(spec, k, seed)
	case DesignMorris:
		d.Points = morrisPoints(spec, k, seed)
	}
	return d, nil
}

// DesignSize returns the number of points NewDesign(spec, dists, seed)
// would build, or every problem with spec and dists.
func DesignSize(spec DesignSpec, dists []Dist) (int, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	k := len(dists)
	if k == 0 {
		bad("no parameters")
	}
	for i, d := range dists {
		if err := d.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("parameter %d: %w", i+1, err))
		}
	}
	// n is the number of points; 0 when it cannot be computed.
	n := 0
	mul := func(a, b int) int {
		hi, lo := bits.Mul64(uint64(a), uint64(b))
		if hi != 0 || lo > MaxPoints {
			return MaxPoints + 1
		}
		return int(lo)
	}
	switch spec.Kind {
	case DesignGrid:
		continuous := false
		n = 1
		for _, d := range dists {
			if d.Kind == KindLevels {
				n = mul(n, max(1, len(d.Levels)))
			} else {
				continuous = true
				n = mul(n, max(1, spec.Levels))
			}
		}
		if continuous && spec.Levels < 2 {
			bad("grid: levels must be >= 2 (got %d)", spec.Levels)
			n = 0
		}
	case DesignRandom, DesignLHS:
		if spec.N < 1 {
			bad("%s: n must be >= 1 (got %d)", spec.Kind, spec.N)
		} else {
			n = spec.N
		}
	case DesignSobol:
		if spec.N < 2 {
			bad("sobol: n must be >= 2 (got %d)", spec.N)
		} else if 2*k > MaxSobolDims {
			bad("sobol: at most %d parameters (got %d): the Sobol sequence has %d dimensions and the design needs two per parameter",
				MaxSobolDims/2, k, MaxSobolDims)
		} else {
			blocks := k + 2
			if spec.SecondOrder {
				blocks = 2*k + 2
			}
			n = mul(spec.N, blocks)
		}
	case DesignMorris:
		p, r := spec.Levels, spec.Trajectories
		switch {
		case p < 2 || p%2 != 0:
			bad("morris: levels must be even and >= 2 (got %d), so that the step p/(2(p-1)) lands on the grid", p)
		case r < 2:
			bad("morris: trajectories must be >= 2 (got %d)", r)
		default:
			n = mul(r, k+1)
		}
	case "":
		bad("missing design kind; want one of %q", DesignKinds())
	default:
		bad("unknown design kind %q; want one of %q", spec.Kind, DesignKinds())
	}
	if n > MaxPoints {
		bad("%s: more than %d points", spec.Kind, MaxPoints)
	}
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return n, nil
}

// Values returns the parameter values of point: dists[i].Value of each
// coordinate. dists must be those the design was built with.
func (d *Design) Values(dists []Dist, point int) []float64 {
	if len(dists) != d.K {
		panic(fmt.Sprintf("sensitivity: Design.Values with %d distributions for %d parameters", len(dists), d.K))
	}
	p := d.Points[point]
	v := make([]float64, d.K)
	for i, dist := range dists {
		v[i] = dist.Value(p[i])
	}
	return v
}

// matrix returns n rows of k zeros, sharing one backing array.
func matrix(n, k int) [][]float64 {
	flat := make([]float64, n*k)
	m := make([][]float64, n)
	for i := range m {
		m[i] = flat[i*k : (i+1)*k : (i+1)*k]
	}
	return m
}

func gridPoints(spec DesignSpec, dists []Dist, n int) [][]float64 {
	k := len(dists)
	coords := make([][]float64, k)
	for i, d := range dists {
		if d.Kind == KindLevels {
			l := len(d.Levels)
			for j := range l {
				coords[i] = append(coords[i], (float64(j)+0.5)/float64(l))
			}
			continue
		}
		p := spec.Levels
		for j := range p {
			coords[i] = append(coords[i], float64(j)/float64(p-1))
		}
	}
	pts := matrix(n, k)
	for idx, p := range pts {
		rest := idx
		for i := k - 1; i >= 0; i-- {
			l := len(coords[i])
			p[i] = coords[i][rest%l]
			rest /= l
		}
	}
	return pts
}

// saltelliPoints builds the sobol design's points in block order.
func saltelliPoints(spec DesignSpec, k int, seed uint64) [][]float64 {
	n := spec.N
	base := newSobolSeq(2*k, newRand(seed, streamSobol)).points(n)
	blocks := k + 2
	if spec.SecondOrder {
		blocks = 2*k + 2
	}
	pts := matrix(n*blocks, k)
	for j, row := range base {
		a, b := row[:k], row[k:]
		copy(pts[j], a)
		copy(pts[n+j], b)
		for i := range k {
			ab := pts[(2+i)*n+j]
			copy(ab, a)
			ab[i] = b[i]
			if spec.SecondOrder {
				ba := pts[(2+k+i)*n+j]
				copy(ba, b)
				ba[i] = a[i]
			}
		}
	}
	return pts
}

// morrisPoints builds r trajectories on the p-level grid, working in
// integer level indices so that every coordinate is exactly j/(p−1).
func morrisPoints(spec DesignSpec, k int, seed uint64) [][]float64 {
	p, r := spec.Levels, spec.Trajectories
	half := p / 2 // Δ in level indices
	rng := newRand(seed, streamMorris)
	pts := matrix(r*(k+1), k)
	level := make([]int, k)
	up := make([]bool, k)
	for t := range r {
		for i := range k {
			base := rng.IntN(half) // x* in {0, ..., 1−Δ}
			up[i] = rng.IntN(2) == 0
			level[i] = base
			if !up[i] {
				level[i] = base + half
			}
		}
		order := rng.Perm(k)
		for s := 0; s <= k; s++ {
			if s > 0 {
				i := order[s-1]
				if up[i] {
					level[i] += half
				} else {
					level[i] -= half
				}
			}
			pt := pts[t*(k+1)+s]
			for i, l := range level {
				pt[i] = float64(l) / float64(p-1)
			}
		}
	}
	return pts
}

// morrisDelta is the Morris step in unit coordinates for p levels.
func morrisDelta(p int) float64 { return float64(p) / (2 * float64(p-1)) }
