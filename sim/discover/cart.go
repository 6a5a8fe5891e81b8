package discover

import (
	"cmp"
	"fmt"
	"slices"
)

// TreeOptions configure CART. The zero value gives the defaults.
type TreeOptions struct {
	// MaxDepth is the most splits from the root to a leaf; 0 means 5.
	MaxDepth int
	// MinLeaf is the fewest points a leaf may hold; 0 means 1% of the
	// points, at least 5.
	MinLeaf int
}

// CART grows a classification tree on d (Breiman, Friedman, Olshen and
// Stone 1984) and returns, in the tree's order (the side x <= t of a
// split before the side x > t), the leaves where the outcome holds: those
// where more than half the points are of interest, as boxes with their
// statistics and quasi-p-values (QuasiP) over the whole of d.
//
// A node is split on the dimension and threshold that most lower the
// Gini impurity, N_left·2p_l(1−p_l) + N_right·2p_r(1−p_r) against
// N·2p(1−p), among thresholds halfway between successive distinct values
// that leave at least MinLeaf points on each side; ties go to the lower
// dimension, then the lower threshold. A node is not split when it is
// pure, at MaxDepth, or no split lowers the impurity. A split at t gives
// one side the upper limit t and the other the lower limit t; as t lies
// between data values, no point lies on a limit and the boxes, read as
// closed, hold exactly their leaves' points.
//
// It returns an error if d or opts is invalid.
func CART(d *Data, opts TreeOptions) ([]Box, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	switch {
	case opts.MaxDepth < 0:
		return nil, fmt.Errorf("discover: maximum depth %d: must be >= 1", opts.MaxDepth)
	case opts.MinLeaf < 0:
		return nil, fmt.Errorf("discover: minimum leaf size %d: must be >= 1", opts.MinLeaf)
	}
	if opts.MaxDepth == 0 {
		opts.MaxDepth = 5
	}
	if opts.MinLeaf == 0 {
		opts.MinLeaf = max(5, len(d.X)/100)
	}
	sp := d.Space()
	all := counts{n: len(d.X), k: d.interest()}
	rows := make([]int, len(d.X))
	for i := range rows {
		rows[i] = i
	}
	var out []Box
	var grow func(rows []int, b Box, depth int)
	grow = func(rows []int, b Box, depth int) {
		k := 0
		for _, i := range rows {
			if d.Y[i] {
				k++
			}
		}
		n := len(rows)
		s, ok := bestSplit(d, rows, k, opts.MinLeaf)
		if depth >= opts.MaxDepth || k == 0 || k == n || !ok {
			if 2*k > n {
				b = b.withStats(n, k, all)
				b.QuasiP = QuasiP(d, nil, sp, b)
				out = append(out, b)
			}
			return
		}
		left, right := b.clone(), b.clone()
		left.Hi[s.dim], right.Lo[s.dim] = s.t, s.t
		var lrows, rrows []int
		for _, i := range rows {
			if d.X[i][s.dim] <= s.t {
				lrows = append(lrows, i)
			} else {
				rrows = append(rrows, i)
			}
		}
		grow(lrows, left, depth+1)
		grow(rrows, right, depth+1)
	}
	grow(rows, Box{Lo: slices.Clone(sp.Min), Hi: slices.Clone(sp.Max)}, 0)
	return out, nil
}

// split is a split of a tree node: x[dim] <= t goes left.
type split struct {
	dim int
	t   float64
}

// bestSplit returns the split of the points rows of d (k of them of
// interest) that most lowers the Gini impurity with at least minLeaf
// points on each side, or false if none lowers it.
func bestSplit(d *Data, rows []int, k, minLeaf int) (split, bool) {
	n := len(rows)
	// Impurity × N, up to the factor 2: N·p(1−p) = k(N−k)/N.
	imp := func(n, k int) float64 {
		if n == 0 {
			return 0
		}
		return float64(k) * float64(n-k) / float64(n)
	}
	bestImp := imp(n, k)
	parent := bestImp
	best, found := split{}, false
	order := slices.Clone(rows)
	for j := range d.Names {
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(d.X[a][j], d.X[b][j]) })
		kl := 0
		for r := 1; r < n; r++ { // left: ranks [0, r)
			if d.Y[order[r-1]] {
				kl++
			}
			lo, hi := d.X[order[r-1]][j], d.X[order[r]][j]
			if r < minLeaf || n-r < minLeaf || lo == hi {
				continue
			}
			v := imp(r, kl) + imp(n-r, k-kl)
			// Strictly lower, with room for rounding so that equal
			// impurities reached by different sums count as ties.
			if v < bestImp-1e-12*parent {
				t := lo + (hi-lo)/2
				if t >= hi { // lo and hi are adjacent floats
					t = lo
				}
				bestImp, best, found = v, split{dim: j, t: t}, true
			}
		}
	}
	return best, found
}
