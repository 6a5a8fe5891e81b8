package discover

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Data is the input of PRIM and CART: n points of a d-dimensional space
// and, for each, whether the outcome of interest happened there.
type Data struct {
	// Names are the dimensions' names (e.g. parameter paths), d of them,
	// distinct and not empty.
	Names []string
	// X holds the points, X[point][dimension]: n rows of d finite values.
	X [][]float64
	// Y[point] is true where the outcome of interest happened.
	Y []bool
}

// Validate returns an error describing the first problem with d: no
// dimensions or points, a name empty or used twice, a row of the wrong
// length, a value that is NaN or infinite, or a Y of the wrong length.
func (d *Data) Validate() error {
	if d == nil {
		return errors.New("discover: no data")
	}
	if len(d.Names) == 0 {
		return errors.New("discover: no dimensions")
	}
	seen := make(map[string]bool, len(d.Names))
	for j, name := range d.Names {
		switch {
		case name == "":
			return fmt.Errorf("discover: dimension %d has no name", j+1)
		case seen[name]:
			return fmt.Errorf("discover: dimension %q appears twice", name)
		}
		seen[name] = true
	}
	if len(d.X) == 0 {
		return errors.New("discover: no points")
	}
	if len(d.Y) != len(d.X) {
		return fmt.Errorf("discover: %d outcomes for %d points", len(d.Y), len(d.X))
	}
	for i, row := range d.X {
		if len(row) != len(d.Names) {
			return fmt.Errorf("discover: point %d has %d values for %d dimensions", i+1, len(row), len(d.Names))
		}
		for j, x := range row {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("discover: point %d: %s is %v (want a finite value)", i+1, d.Names[j], x)
			}
		}
	}
	return nil
}

// Space returns the dimensions' names and the range of the data along
// each. d must be valid.
func (d *Data) Space() Space {
	k := len(d.Names)
	sp := Space{Names: slices.Clone(d.Names), Min: make([]float64, k), Max: make([]float64, k)}
	for j := range k {
		sp.Min[j], sp.Max[j] = math.Inf(1), math.Inf(-1)
		for _, row := range d.X {
			sp.Min[j], sp.Max[j] = math.Min(sp.Min[j], row[j]), math.Max(sp.Max[j], row[j])
		}
	}
	return sp
}

// interest returns the number of points of interest in d.
func (d *Data) interest() int {
	k := 0
	for _, y := range d.Y {
		if y {
			k++
		}
	}
	return k
}

// Space names the dimensions of a data set and gives the range of the data
// along each: the limits of a box that restricts nothing.
type Space struct {
	Names    []string
	Min, Max []float64
}

// Restricted returns, in dimension order, the dimensions on which b
// restricts the space: those where b.Lo > Min or b.Hi < Max.
func (sp Space) Restricted(b Box) []int {
	var out []int
	for j := range sp.Names {
		if b.Restricts(sp, j) {
			out = append(out, j)
		}
	}
	return out
}

// Box is a hyper-rectangle of the space: the points x with
// Lo[j] <= x[j] <= Hi[j] for every dimension j, with its statistics over
// the data it was found on.
type Box struct {
	// Lo and Hi are the limits on each dimension, in the data's units. A
	// dimension the box does not restrict has the limits of the data
	// (Space.Min and Space.Max).
	Lo, Hi []float64
	// N is the number of points inside the box and K the number of those
	// of interest. For the second and later boxes of PRIM's covering, they
	// count only the points not inside an earlier box.
	N, K int
	// Coverage is K over the number of points of interest in the whole
	// data (NaN if there are none); Density is K/N (NaN if N is 0); Mass
	// is N over the number of points in the whole data.
	Coverage, Density, Mass float64
	// QuasiP holds, for each dimension the box restricts, the
	// quasi-p-value of that restriction (see QuasiP); NaN for a dimension
	// it does not restrict. Nil where it was not computed (the boxes of a
	// peeling trajectory).
	QuasiP []float64
}

// Restricts reports whether b restricts dimension j of sp.
func (b Box) Restricts(sp Space, j int) bool {
	return b.Lo[j] > sp.Min[j] || b.Hi[j] < sp.Max[j]
}

// Contains reports whether point x lies inside b (limits included).
func (b Box) Contains(x []float64) bool {
	for j, v := range x {
		if v < b.Lo[j] || v > b.Hi[j] {
			return false
		}
	}
	return true
}

// clone returns a copy of b that shares no slices with it.
func (b Box) clone() Box {
	b.Lo, b.Hi, b.QuasiP = slices.Clone(b.Lo), slices.Clone(b.Hi), slices.Clone(b.QuasiP)
	return b
}

// counts is the size of the whole data set, for a box's statistics.
type counts struct{ n, k int }

// withStats returns b with N and K set to n and k and its coverage,
// density and mass over the whole data, all.
func (b Box) withStats(n, k int, all counts) Box {
	b.N, b.K = n, k
	b.Coverage, b.Density, b.Mass = ratio(k, all.k), ratio(k, n), ratio(n, all.n)
	return b
}

// ratio returns a/b, NaN if b is 0.
func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// count returns the number of points of rows (indices into d) inside b,
// and of those of interest.
func count(d *Data, rows []int, b Box) (n, k int) {
	for _, i := range rows {
		if b.Contains(d.X[i]) {
			n++
			if d.Y[i] {
				k++
			}
		}
	}
	return n, k
}

// QuasiP returns, for each dimension j that box b restricts, the
// quasi-p-value of that restriction over the points rows of d (indices;
// nil for every point), and NaN for a dimension b does not restrict.
//
// Let B' be b with dimension j unrestricted, holding n' points of which k'
// are of interest, and b hold n points of which k are of interest. If the
// restriction on j did not matter, b's points would be a sample of n of
// the points of B' drawn at random without replacement, and the number of
// points of interest among them hypergeometric. The quasi-p-value is the
// one-sided probability of k or more: P(H >= k), H ~ Hypergeometric(n',
// k', n). A small value means removing the restriction would lower the
// density by more than chance explains. It is "quasi" because the box was
// chosen by looking at the same data, so it is not a valid p-value in the
// frequentist sense; it ranks restrictions (Bryant and Lempert 2010 use the
// same construction).
func QuasiP(d *Data, rows []int, sp Space, b Box) []float64 {
	if rows == nil {
		rows = make([]int, len(d.X))
		for i := range rows {
			rows[i] = i
		}
	}
	n, k := count(d, rows, b)
	out := make([]float64, len(sp.Names))
	for j := range out {
		if !b.Restricts(sp, j) {
			out[j] = math.NaN()
			continue
		}
		wide := b.clone()
		wide.Lo[j], wide.Hi[j] = sp.Min[j], sp.Max[j]
		n2, k2 := count(d, rows, wide)
		out[j] = hypergeomUpper(n2, k2, n, k)
	}
	return out
}

// hypergeomUpper returns P(H >= x) for H the number of successes in n
// draws without replacement from a population of size m holding k
// successes. It sums the probability mass function in logarithms (from
// math.Lgamma), so it is accurate for populations of millions.
func hypergeomUpper(m, k, n, x int) float64 {
	lo, hi := max(0, n-(m-k)), min(n, k)
	if x <= lo {
		return 1
	}
	if x > hi {
		return 0
	}
	lchoose := func(a, b int) float64 {
		la, _ := math.Lgamma(float64(a + 1))
		lb, _ := math.Lgamma(float64(b + 1))
		lc, _ := math.Lgamma(float64(a - b + 1))
		return la - lb - lc
	}
	ltotal := lchoose(m, n)
	ls := make([]float64, 0, hi-x+1)
	top := math.Inf(-1)
	for i := x; i <= hi; i++ {
		l := lchoose(k, i) + lchoose(m-k, n-i) - ltotal
		ls = append(ls, l)
		top = math.Max(top, l)
	}
	sum := 0.0
	for _, l := range ls {
		sum += math.Exp(l - top)
	}
	return math.Min(1, sum*math.Exp(top))
}
