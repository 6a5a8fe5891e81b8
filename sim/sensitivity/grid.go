package sensitivity

import (
	"fmt"
	"math"
	"slices"
)

// GridEffects are the main effects and two-way interaction means of an
// output over a full-factorial (grid) design, as the classical analysis
// of a factorial experiment tabulates them (Montgomery, Design and
// Analysis of Experiments, ch. 5): the output's mean at each level of one
// parameter, and at each pair of levels of two, averaged over every other
// parameter's levels. In a full factorial each such mean averages the same
// number of points, so a main effect is not confounded with the others.
type GridEffects struct {
	// Levels are each parameter's distinct values in the design, in
	// increasing order: Levels[parameter][level].
	Levels [][]float64
	// Main[i][a] is the mean output over the points where parameter i is
	// at Levels[i][a]; N[i][a] counts the points with the output defined.
	// NaN where none is.
	Main [][]float64
	N    [][]int
	// Pair[i][j][a][b], for i < j, is the mean output over the points
	// where parameter i is at Levels[i][a] and j at Levels[j][b]; NaN
	// where none is defined. Pair[i][j] is nil for i >= j.
	Pair [][][][]float64
}

// GridMeans tabulates GridEffects of the outputs y (y[p] at points[p],
// points[p][parameter]) of a grid design; outputs that are not finite
// (NaN for undefined) are left out of the means. The levels are read from
// the points, so the result does not depend on how the grid was built.
// Errors: no points, points of different lengths, len(y) != len(points),
// or points that are not a full factorial of their levels (each
// combination exactly once).
func GridMeans(points [][]float64, y []float64) (*GridEffects, error) {
	if len(points) == 0 || len(points[0]) == 0 {
		return nil, fmt.Errorf("grid means: no points or no parameters")
	}
	if len(y) != len(points) {
		return nil, fmt.Errorf("grid means: %d outputs for %d points", len(y), len(points))
	}
	k := len(points[0])
	g := &GridEffects{Levels: make([][]float64, k)}
	for p, x := range points {
		if len(x) != k {
			return nil, fmt.Errorf("grid means: point %d has %d values; want %d", p, len(x), k)
		}
		for i, v := range x {
			if !slices.Contains(g.Levels[i], v) {
				g.Levels[i] = append(g.Levels[i], v)
			}
		}
	}
	size := 1
	for i := range g.Levels {
		slices.Sort(g.Levels[i])
		size *= len(g.Levels[i])
		if size > len(points) {
			break
		}
	}
	// Level index of each parameter at each point; a full factorial has
	// every combination once.
	idx := make([][]int, len(points))
	seen := make(map[string]int, len(points))
	key := make([]byte, 0, 4*k)
	for p, x := range points {
		idx[p] = make([]int, k)
		key = key[:0]
		for i, v := range x {
			a, _ := slices.BinarySearch(g.Levels[i], v)
			idx[p][i] = a
			key = fmt.Appendf(key, "%d,", a)
		}
		if q, dup := seen[string(key)]; dup {
			return nil, fmt.Errorf("grid means: points %d and %d have the same parameter values: not a full factorial", q, p)
		}
		seen[string(key)] = p
	}
	if size != len(points) {
		return nil, fmt.Errorf("grid means: %d points; a full factorial of these levels has %d", len(points), size)
	}

	g.Main = make([][]float64, k)
	g.N = make([][]int, k)
	for i := range k {
		sum := make([]float64, len(g.Levels[i]))
		n := make([]int, len(g.Levels[i]))
		for p, v := range y {
			if finite(v) {
				sum[idx[p][i]] += v
				n[idx[p][i]]++
			}
		}
		g.Main[i], g.N[i] = means(sum, n), n
	}
	g.Pair = make([][][][]float64, k)
	for i := range k {
		g.Pair[i] = make([][][]float64, k)
		for j := i + 1; j < k; j++ {
			li, lj := len(g.Levels[i]), len(g.Levels[j])
			sum := make([]float64, li*lj)
			n := make([]int, li*lj)
			for p, v := range y {
				if finite(v) {
					c := idx[p][i]*lj + idx[p][j]
					sum[c] += v
					n[c]++
				}
			}
			m := means(sum, n)
			g.Pair[i][j] = make([][]float64, li)
			for a := range li {
				g.Pair[i][j][a] = m[a*lj : (a+1)*lj]
			}
		}
	}
	return g, nil
}

// means divides sums by counts, NaN where a count is 0.
func means(sum []float64, n []int) []float64 {
	out := make([]float64, len(sum))
	for c := range sum {
		out[c] = math.NaN()
		if n[c] > 0 {
			out[c] = sum[c] / float64(n[c])
		}
	}
	return out
}
