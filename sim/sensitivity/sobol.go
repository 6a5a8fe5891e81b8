package sensitivity

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Index is an estimated sensitivity index with a 95% bootstrap percentile
// interval; Lo95 and Hi95 are NaN without bootstrap, and all three are NaN
// when the index is undefined.
type Index struct{ Value, Lo95, Hi95 float64 }

// containsZero reports whether the interval of x is defined and holds 0.
func (x Index) containsZero() bool { return x.Lo95 <= 0 && x.Hi95 >= 0 }

// SobolResult holds Sobol indices of one output.
type SobolResult struct {
	// S1 and ST are the first-order and total indices, per parameter.
	S1, ST []Index
	// S2 holds second-order indices at [i][j], i < j (K×K, the entries
	// with i >= j NaN); nil for a design without second order.
	S2 [][]Index
	// Notes say what to beware of in reading the indices. Parameters are
	// named x1..xK, in design order.
	Notes []string
}

// smallN is the base sample size below which Sobol notes that intervals
// are wide.
const smallN = 128

// MinIntervalN is the number of base rows (with every output defined)
// below which Sobol gives no bootstrap intervals (NA), saying why in a
// note. Resamples of fewer rows repeat so many of them that the 2.5% and
// 97.5% percentiles of the replicate indices come from a handful of
// distinct values and understate the uncertainty. The threshold is
// sibsim's assumption, not a published rule; 16 is a power of 2, a Sobol
// design's natural N.
const MinIntervalN = 16

// Sobol estimates Sobol sensitivity indices of the output y of a sobol
// design d (y[p] is the output at d.Points[p]):
//
//   - first order S_i = mean(f_B (f_AB_i − f_A)) / V (Saltelli et al. 2010);
//   - total ST_i = mean((f_A − f_AB_i)²) / (2V) (Jansen 1999);
//   - second order, with d.Spec.SecondOrder,
//     S_ij = mean(f_BA_i f_AB_j − f_A f_B) / V − S_i − S_j (Saltelli 2002);
//
// where V is the variance (n denominator) of f_A and f_B together, and the
// outputs are first centred on their mean (which leaves the estimands
// unchanged and reduces the estimators' variance). Base rows j, each with
// its N(K+2) or N(2K+2) outputs, in which any output is not finite (NaN for
// undefined) are dropped, with a note.
//
// With bootstrap > 0, each index gets a 95% percentile interval from that
// many resamples (with replacement) of the base rows, all indices of a
// resample computed from the same rows; the resamples are drawn from seed.
// Resampling treats the base rows as independent: for scrambled Sobol
// points and a smooth output the intervals are conservative (several times
// the spread of estimates across seeds); when the output carries
// simulation noise, which the rows' independence describes well, they are
// about right.
// With fewer than MinIntervalN base rows kept, no resamples are drawn and
// the intervals are NaN, with a note saying why.
// Notes flag intervals that contain zero, every interval (first-order,
// total or second-order) that lies wholly outside [0, 1], where no index
// can be, a small N, first-order indices that sum materially above 1,
// totals materially below first-order indices, and outputs too few or
// constant for indices to be defined (then the indices are NaN; that is
// not an error).
func Sobol(d *Design, y []float64, bootstrap int, seed uint64) (*SobolResult, error) {
	switch {
	case d == nil:
		return nil, errors.New("sobol: nil design")
	case d.Spec.Kind != DesignSobol:
		return nil, fmt.Errorf("sobol: design kind %q; want %q", d.Spec.Kind, DesignSobol)
	case len(y) != len(d.Points):
		return nil, fmt.Errorf("sobol: %d outputs for %d design points", len(y), len(d.Points))
	case bootstrap < 0:
		return nil, fmt.Errorf("sobol: bootstrap must be >= 0 (got %d)", bootstrap)
	}
	n, k, second := d.Spec.N, d.K, d.Spec.SecondOrder
	blocks := k + 2
	if second {
		blocks = 2*k + 2
	}
	if k < 1 || n < 1 || n*blocks != len(d.Points) {
		return nil, fmt.Errorf("sobol: design of %d points is not a Saltelli design of N = %d and K = %d", len(d.Points), n, k)
	}

	// Keep the base rows whose outputs are all finite, as columns
	// f[b][m] for block b and kept row m.
	var kept []int
	for j := range n {
		ok := true
		for b := range blocks {
			if !finite(y[b*n+j]) {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, j)
		}
	}
	m := len(kept)
	f := make([][]float64, blocks)
	for b := range f {
		f[b] = make([]float64, m)
		for r, j := range kept {
			f[b][r] = y[b*n+j]
		}
	}
	e := &sobolEstimator{k: k, second: second, fA: f[0], fB: f[1], fAB: f[2 : 2+k]}
	if second {
		e.fBA = f[2+k:]
	}

	res := &SobolResult{S1: make([]Index, k), ST: make([]Index, k)}
	if second {
		res.S2 = make([][]Index, k)
		for i := range res.S2 {
			res.S2[i] = make([]Index, k)
		}
	}
	note := func(format string, args ...any) { res.Notes = append(res.Notes, fmt.Sprintf(format, args...)) }
	if dropped := n - m; dropped > 0 && m > 0 {
		note("dropped %d of %d base rows in which some output was undefined (NA); indices use the other %d", dropped, n, m)
	} else if dropped > 0 {
		note("every one of the %d base rows has some output undefined (NA)", n)
	}

	idx := make([]int, m)
	for r := range idx {
		idx[r] = r
	}
	est := e.estimate(idx)
	if m < 2 || !(est.v > 0) {
		if m < 2 {
			note("fewer than 2 base rows with defined outputs: indices are undefined")
		} else {
			note("the output is constant across the design: indices are undefined")
		}
		nan := Index{math.NaN(), math.NaN(), math.NaN()}
		for i := range k {
			res.S1[i], res.ST[i] = nan, nan
			if second {
				for j := range k {
					res.S2[i][j] = nan
				}
			}
		}
		return res, nil
	}

	if bootstrap > 0 && m < MinIntervalN {
		note("N = %d base rows is below %d: no bootstrap intervals (NA), as resamples of so few rows give percentiles that understate the uncertainty; increase N", m, MinIntervalN)
		bootstrap = 0
	}

	// Bootstrap: reps[q] holds replicate values of index q, in the order of
	// est.flat().
	flat := est.flat()
	reps := make([][]float64, len(flat))
	sumLo := math.NaN() // lower 95% bound of the sum of S1
	if bootstrap > 0 {
		rng := newRand(seed, streamBootstrap)
		for q := range reps {
			reps[q] = make([]float64, 0, bootstrap)
		}
		sums := make([]float64, 0, bootstrap)
		for range bootstrap {
			for r := range idx {
				idx[r] = rng.IntN(m)
			}
			b := e.estimate(idx)
			for q, x := range b.flat() {
				reps[q] = append(reps[q], x)
			}
			sums = append(sums, sum(b.s1))
		}
		sumLo, _ = percentiles(sums)
	}
	q := 0
	index := func(v float64) Index {
		lo, hi := math.NaN(), math.NaN()
		if bootstrap > 0 {
			lo, hi = percentiles(reps[q])
		}
		q++
		return Index{v, lo, hi}
	}
	for i := range k {
		res.S1[i] = index(est.s1[i])
	}
	for i := range k {
		res.ST[i] = index(est.st[i])
	}
	for i := range k {
		for j := range k {
			if !second {
				break
			}
			if j <= i {
				res.S2[i][j] = Index{math.NaN(), math.NaN(), math.NaN()}
				continue
			}
			res.S2[i][j] = index(est.s2[i][j])
		}
	}

	if n&(n-1) != 0 {
		note("N = %d is not a power of 2: the Sobol sequence's balance is lost and estimates converge more slowly", n)
	}
	if m < smallN && m >= MinIntervalN {
		note("N = %d is small: intervals are wide", m)
	}
	switch s := sum(est.s1); {
	case bootstrap > 0 && sumLo > 1:
		note("the first-order indices sum to %.3g (95%% interval from %.3g), materially above 1: the sample is too small or the output too noisy for them", s, sumLo)
	case bootstrap == 0 && s > 1.1:
		note("the first-order indices sum to %.3g, materially above 1: the sample is too small or the output too noisy for them", s)
	}
	if bootstrap > 0 {
		for i := range k {
			if s1 := res.S1[i]; s1.containsZero() {
				note("S1 for x%d is indistinguishable from zero (95%% interval [%.3g, %.3g])", i+1, s1.Lo95, s1.Hi95)
			} else {
				noteOutside(note, fmt.Sprintf("S1 for x%d", i+1), s1)
			}
			if st := res.ST[i]; st.containsZero() {
				note("ST for x%d is indistinguishable from zero (95%% interval [%.3g, %.3g]): x%d has no detectable influence", i+1, st.Lo95, st.Hi95, i+1)
			} else {
				noteOutside(note, fmt.Sprintf("ST for x%d", i+1), st)
			}
			if s1, st := res.S1[i], res.ST[i]; st.Hi95 < s1.Lo95 {
				note("ST for x%d (%.3g) is materially below S1 (%.3g): estimation error; increase N", i+1, st.Value, s1.Value)
			}
		}
		for i := range res.S2 {
			for j := i + 1; j < k; j++ {
				noteOutside(note, fmt.Sprintf("S2 for x%d and x%d", i+1, j+1), res.S2[i][j])
			}
		}
	}
	return res, nil
}

// noteOutside notes an index whose 95% interval lies wholly below 0 or
// above 1: a variance share cannot be there, so the estimate is off by
// more than its sampling error suggests.
func noteOutside(note func(string, ...any), what string, x Index) {
	switch {
	case x.Hi95 < 0:
		note("%s is below zero (95%% interval [%.3g, %.3g]): estimation error; increase N", what, x.Lo95, x.Hi95)
	case x.Lo95 > 1:
		note("%s is above one (95%% interval [%.3g, %.3g]): estimation error; increase N", what, x.Lo95, x.Hi95)
	}
}

// sobolEstimator holds the centred outputs of the kept base rows, by block.
type sobolEstimator struct {
	k        int
	second   bool
	fA, fB   []float64
	fAB, fBA [][]float64
}

// sobolEstimate is one estimate of every index.
type sobolEstimate struct {
	v      float64 // variance of the output
	s1, st []float64
	s2     [][]float64 // [i][j] for i < j
}

// flat lists the indices in a fixed order: S1, ST, then S2 row by row.
func (s *sobolEstimate) flat() []float64 {
	out := append(append([]float64(nil), s.s1...), s.st...)
	for i, row := range s.s2 {
		out = append(out, row[i+1:]...)
	}
	return out
}

// estimate computes every index from base rows idx (with repeats, for a
// bootstrap resample).
func (e *sobolEstimator) estimate(idx []int) *sobolEstimate {
	k, m := e.k, float64(len(idx))
	out := &sobolEstimate{s1: make([]float64, k), st: make([]float64, k)}
	// Centre on the mean of f_A and f_B.
	c := 0.0
	for _, r := range idx {
		c += e.fA[r] + e.fB[r]
	}
	c /= 2 * m
	v, ab := 0.0, 0.0
	for _, r := range idx {
		a, b := e.fA[r]-c, e.fB[r]-c
		v += a*a + b*b
		ab += a * b
	}
	v /= 2 * m
	ab /= m
	out.v = v
	for i := range k {
		fab := e.fAB[i]
		s1, st := 0.0, 0.0
		for _, r := range idx {
			a, b, x := e.fA[r]-c, e.fB[r]-c, fab[r]-c
			s1 += b * (x - a)
			st += (a - x) * (a - x)
		}
		out.s1[i] = s1 / m / v
		out.st[i] = st / m / (2 * v)
	}
	if e.second {
		out.s2 = make([][]float64, k)
		for i := range k {
			out.s2[i] = make([]float64, k)
			for j := i + 1; j < k; j++ {
				fba, fab := e.fBA[i], e.fAB[j]
				vij := 0.0
				for _, r := range idx {
					vij += (fba[r] - c) * (fab[r] - c)
				}
				out.s2[i][j] = (vij/m-ab)/v - out.s1[i] - out.s1[j]
			}
		}
	}
	return out
}

// percentiles returns the 2.5% and 97.5% percentiles of the finite values
// of xs (linear interpolation between order statistics, R's type 7), or NaN
// if there are none.
func percentiles(xs []float64) (lo, hi float64) {
	fin := make([]float64, 0, len(xs))
	for _, x := range xs {
		if finite(x) {
			fin = append(fin, x)
		}
	}
	if len(fin) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(fin)
	return quantile(fin, 0.025), quantile(fin, 0.975)
}

// quantile is the p-quantile of sorted xs, type 7.
func quantile(sorted []float64, p float64) float64 {
	h := p * float64(len(sorted)-1)
	i := int(math.Floor(h))
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
