package discover

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Rule is how PRIM selects one box on a peeling trajectory.
type Rule int

const (
	// RuleWRAcc selects the box with the largest weighted relative
	// accuracy, mass × (density − base density), where the base density
	// is that of the trajectory's first box (Lavrač, Kavšek, Flach and
	// Todorovski 2004, "Subgroup discovery with CN2-SD", JMLR 5:153-188).
	// It is the box that holds the most more points of interest than a box
	// of its size would hold at random: adding a slice of points whose
	// density is above the base density raises it, adding one below lowers
	// it. On a region of uniformly high density inside a background of low
	// density it selects that region, the knee of the trade-off between
	// coverage and density. Ties go to the earlier (larger) box.
	RuleWRAcc Rule = iota
	// RuleDensity selects the box of highest density among those whose
	// coverage of the trajectory's points of interest (K over the first
	// box's K) is at least Options.MinCoverage. Ties go to the earlier box.
	RuleDensity
)

// Options configure PRIM. The zero value gives the defaults.
type Options struct {
	// Alpha is the peeling fraction: each peel removes about this share
	// of the points in the box, from one end of one dimension. 0 means
	// 0.05, Friedman and Fisher's usual choice; it must be in (0, 0.5).
	Alpha float64
	// MinMass is the smallest mass a peeled box may have (Friedman and
	// Fisher's β0), as a share of all points: peeling stops rather than
	// go below it. 0 means 0.05; it must be in (0, 1].
	MinMass float64
	// Rule selects a box on each trajectory (default RuleWRAcc); Pick,
	// if > 0, overrides it with the box at that index of the first
	// trajectory (index 0 is the whole space, so Pick 0 means "use Rule").
	Rule Rule
	Pick int
	// MinCoverage is RuleDensity's threshold, in [0, 1].
	MinCoverage float64
	// NoPaste skips pasting the selected box.
	NoPaste bool
	// MaxBoxes is the most boxes covering finds; 0 means 1.
	MaxBoxes int
}

// withDefaults returns o with its zero values replaced by the defaults,
// or an error naming the first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if o.MinMass == 0 {
		o.MinMass = 0.05
	}
	if o.MaxBoxes == 0 {
		o.MaxBoxes = 1
	}
	switch {
	case !(o.Alpha > 0 && o.Alpha < 0.5):
		return o, fmt.Errorf("discover: peeling fraction %v: must be in (0, 0.5)", o.Alpha)
	case !(o.MinMass > 0 && o.MinMass <= 1):
		return o, fmt.Errorf("discover: minimum mass %v: must be in (0, 1]", o.MinMass)
	case o.Rule != RuleWRAcc && o.Rule != RuleDensity:
		return o, fmt.Errorf("discover: unknown selection rule %d", o.Rule)
	case o.Pick < 0:
		return o, fmt.Errorf("discover: trajectory index %d: must be >= 0", o.Pick)
	case !(o.MinCoverage >= 0 && o.MinCoverage <= 1):
		return o, fmt.Errorf("discover: minimum coverage %v: must be in [0, 1]", o.MinCoverage)
	case o.MaxBoxes < 0:
		return o, fmt.Errorf("discover: number of boxes %d: must be >= 1", o.MaxBoxes)
	}
	return o, nil
}

// PRIMBox is one box found by PRIM, with the peeling trajectory it was
// selected from.
type PRIMBox struct {
	// Box is the selected box after pasting, with its quasi-p-values.
	Box
	// Trajectory holds the boxes of the peeling, from the whole space of
	// the points left (index 0) to the last peel.
	Trajectory []Box
	// Selected is the index in Trajectory of the box that was selected
	// and then pasted into Box.
	Selected int
}

// PRIM finds up to opts.MaxBoxes boxes by the Patient Rule Induction
// Method (Friedman and Fisher 1999) with covering: it peels a trajectory
// of boxes from the points not yet inside a box (Peel), selects one
// (Select, or opts.Pick for the first box), pastes it (Paste) unless
// opts.NoPaste, computes its quasi-p-values (QuasiP) and sets aside the
// points inside it. It stops early when no point of interest is left or
// the selected box is no denser than the points left. Each box's
// statistics count only the points not inside an earlier box, over the
// whole data's totals. A dimension a box does not restrict on the points
// left gets the whole data's range, so that the box reads as "inside
// these limits and not inside an earlier box".
//
// It returns an error if d or opts is invalid, or if opts.Pick is beyond
// the first trajectory. A picked box is kept even if it is no denser than
// the whole space.
func PRIM(d *Data, opts Options) ([]PRIMBox, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	sp := d.Space()
	all := counts{n: len(d.X), k: d.interest()}
	rows := make([]int, len(d.X))
	for i := range rows {
		rows[i] = i
	}
	var out []PRIMBox
	for len(out) < opts.MaxBoxes && len(rows) > 0 {
		traj := peel(d, rows, all, opts)
		var sel int
		if len(out) == 0 && opts.Pick > 0 {
			if opts.Pick >= len(traj) {
				return nil, fmt.Errorf("discover: trajectory index %d: the trajectory has boxes 0 to %d", opts.Pick, len(traj)-1)
			}
			sel = opts.Pick
		} else {
			sel = Select(traj, opts.Rule, opts.MinCoverage)
			if sel == 0 || traj[0].K == 0 || !(traj[sel].Density > traj[0].Density) {
				break
			}
		}
		b := traj[sel].clone()
		if !opts.NoPaste {
			b = paste(d, rows, b, all, opts.Alpha)
		}
		local := localSpace(d, rows, sp)
		for i := range traj {
			traj[i] = widen(traj[i], local, sp)
		}
		b = widen(b, local, sp)
		b.QuasiP = QuasiP(d, rows, sp, b)
		out = append(out, PRIMBox{Box: b, Trajectory: traj, Selected: sel})
		rows = slices.DeleteFunc(rows, func(i int) bool { return b.Contains(d.X[i]) })
	}
	return out, nil
}

// localSpace returns the range of the points rows of d, named as sp.
func localSpace(d *Data, rows []int, sp Space) Space {
	loc := Space{Names: sp.Names, Min: make([]float64, len(sp.Names)), Max: make([]float64, len(sp.Names))}
	for j := range loc.Min {
		loc.Min[j], loc.Max[j] = math.Inf(1), math.Inf(-1)
		for _, i := range rows {
			loc.Min[j], loc.Max[j] = math.Min(loc.Min[j], d.X[i][j]), math.Max(loc.Max[j], d.X[i][j])
		}
	}
	return loc
}

// widen returns b with each limit that does not restrict the points of
// local set to the whole space's limit.
func widen(b Box, local, whole Space) Box {
	for j := range b.Lo {
		if b.Lo[j] <= local.Min[j] {
			b.Lo[j] = whole.Min[j]
		}
		if b.Hi[j] >= local.Max[j] {
			b.Hi[j] = whole.Max[j]
		}
	}
	return b
}

// Peel returns the peeling trajectory of d (Friedman and Fisher 1999,
// section 4.1): box 0 is the whole range of the data; each next box
// removes from the previous one the peel that leaves the highest density.
// The candidate peels are, for each dimension in turn, the points below
// the Alpha quantile of the box's values on it (its lower edge) and those
// above the 1-Alpha quantile (its upper edge): the floor(Alpha × N)
// smallest or largest values, at least one, widened to whole runs of tied
// values and narrowed to leave at least one. A peel that would leave a
// mass below MinMass is not a candidate; peeling stops when none is left.
// Ties between peels go to the one removing fewer points, then to the
// lower dimension, then to the lower edge. The new limit is the smallest
// (or largest) value left, so boxes are closed and their limits are data
// values. Statistics are over the whole of d.
func Peel(d *Data, opts Options) ([]Box, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	rows := make([]int, len(d.X))
	for i := range rows {
		rows[i] = i
	}
	return peel(d, rows, counts{n: len(d.X), k: d.interest()}, opts), nil
}

// peel is Peel over the points rows of d, with statistics over all.
func peel(d *Data, rows []int, all counts, opts Options) []Box {
	sp := localSpace(d, rows, Space{Names: d.Names})
	in := slices.Clone(rows)
	k := 0
	for _, i := range in {
		if d.Y[i] {
			k++
		}
	}
	box := Box{Lo: sp.Min, Hi: sp.Max}.withStats(len(in), k, all)
	traj := []Box{box}
	minN := int(math.Ceil(opts.MinMass*float64(all.n) - 1e-9))
	order := make([]int, len(in))
	for {
		n := len(in)
		best := candidate{dim: -1}
		for j := range d.Names {
			order = order[:n]
			copy(order, in)
			slices.SortFunc(order, func(a, b int) int { return cmp.Compare(d.X[a][j], d.X[b][j]) })
			step := max(1, int(opts.Alpha*float64(n)))
			for _, c := range edgePeels(d, order, j, step) {
				if n-c.removed < minN {
					continue
				}
				c.kept = k - c.interest
				if best.dim < 0 || c.better(best, n) {
					best = c
				}
			}
		}
		if best.dim < 0 {
			return traj
		}
		next := box.clone()
		if best.upper {
			next.Hi[best.dim] = best.limit
		} else {
			next.Lo[best.dim] = best.limit
		}
		in = slices.DeleteFunc(in, func(i int) bool {
			x := d.X[i][best.dim]
			return x < next.Lo[best.dim] || x > next.Hi[best.dim]
		})
		k = best.kept
		box = next.withStats(len(in), k, all)
		traj = append(traj, box)
	}
}

// candidate is one possible peel or paste.
type candidate struct {
	dim      int
	upper    bool    // at the upper edge
	limit    float64 // the new limit on dim
	removed  int     // points removed (peel) or added (paste)
	interest int     // of them, points of interest
	kept     int     // points of interest in the box after it
}

// better reports whether peel c leaves a denser box than peel o, both
// from a box of n points, breaking ties as Peel documents. Densities are
// compared exactly, as products of integers.
func (c candidate) better(o candidate, n int) bool {
	l, r := int64(c.kept)*int64(n-o.removed), int64(o.kept)*int64(n-c.removed)
	if l != r {
		return l > r
	}
	if c.removed != o.removed {
		return c.removed < o.removed
	}
	if c.dim != o.dim {
		return c.dim < o.dim
	}
	return !c.upper && o.upper
}

// edgePeels returns the lower and upper peels of dimension j of the points
// order (indices into d sorted by their value on j), each of about step
// points: none where every value is tied.
func edgePeels(d *Data, order []int, j, step int) []candidate {
	n := len(order)
	x := func(r int) float64 { return d.X[order[r]][j] }
	if x(0) == x(n-1) {
		return nil
	}
	var out []candidate
	// Lower edge: remove ranks [0, r), r >= step, r at a change of value.
	r := min(step, n-1)
	for r < n && x(r) == x(r-1) {
		r++
	}
	if r == n { // the run of ties reached the top: remove the bottom run instead
		for r = 1; x(r) == x(0); r++ {
		}
	}
	out = append(out, peelOf(d, order[:r], j, false, x(r)))
	// Upper edge: remove ranks [r, n), n-r >= step.
	r = max(n-step, 1)
	for r > 0 && x(r) == x(r-1) {
		r--
	}
	if r == 0 {
		for r = n - 1; x(r-1) == x(n-1); r-- {
		}
	}
	out = append(out, peelOf(d, order[r:], j, true, x(r-1)))
	return out
}

// peelOf is the peel of the points gone from dimension j's lower or upper
// edge, leaving limit.
func peelOf(d *Data, gone []int, j int, upper bool, limit float64) candidate {
	c := candidate{dim: j, upper: upper, limit: limit, removed: len(gone)}
	for _, i := range gone {
		if d.Y[i] {
			c.interest++
		}
	}
	return c
}

// Select returns the index of the box that rule selects on trajectory traj
// (as returned by Peel; box 0 is the start): see RuleWRAcc and
// RuleDensity. minCoverage is RuleDensity's threshold; when no box meets
// it, the first box (index 0) is selected. It returns 0 for an empty or
// one-box trajectory.
func Select(traj []Box, rule Rule, minCoverage float64) int {
	if len(traj) < 2 {
		return 0
	}
	n0, k0 := int64(traj[0].N), int64(traj[0].K)
	sel := 0
	switch rule {
	case RuleDensity:
		sel = -1
		for i, b := range traj {
			if float64(b.K) < minCoverage*float64(k0) {
				continue
			}
			if sel < 0 || int64(b.K)*int64(traj[sel].N) > int64(traj[sel].K)*int64(b.N) {
				sel = i
			}
		}
		sel = max(sel, 0)
	default:
		// mass × (density − base) ∝ K − N·k0/n0 ∝ K·n0 − N·k0.
		score := func(b Box) int64 { return int64(b.K)*n0 - int64(b.N)*k0 }
		for i, b := range traj {
			if score(b) > score(traj[sel]) {
				sel = i
			}
		}
	}
	return sel
}

// Paste returns box b (from Peel or Select on d) pasted (Friedman and
// Fisher 1999, section 4.2): while some edge can be moved out over about
// Alpha × N of the points just outside it (those inside b on every other
// dimension) without lowering the density, the move giving the highest
// density is made; ties go to the move adding fewer points, then to the
// lower dimension, then to the lower edge. Each move adds at least one
// point, so pasting ends. Statistics are over the whole of d.
func Paste(d *Data, b Box, opts Options) (Box, error) {
	if err := d.Validate(); err != nil {
		return Box{}, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return Box{}, err
	}
	if len(b.Lo) != len(d.Names) || len(b.Hi) != len(d.Names) {
		return Box{}, errors.New("discover: box and data have different dimensions")
	}
	rows := make([]int, len(d.X))
	for i := range rows {
		rows[i] = i
	}
	return paste(d, rows, b.clone(), counts{n: len(d.X), k: d.interest()}, opts.Alpha), nil
}

// paste is Paste over the points rows of d, with statistics over all.
func paste(d *Data, rows []int, b Box, all counts, alpha float64) Box {
	n, k := count(d, rows, b)
	b = b.withStats(n, k, all)
	var outside []int
	for {
		best := candidate{dim: -1}
		step := max(1, int(alpha*float64(n)))
		for j := range d.Names {
			// Points outside b on dimension j only, below and above it.
			for _, upper := range []bool{false, true} {
				outside = outside[:0]
				for _, i := range rows {
					x := d.X[i][j]
					if (upper && x > b.Hi[j] || !upper && x < b.Lo[j]) && insideBut(b, d.X[i], j) {
						outside = append(outside, i)
					}
				}
				if len(outside) == 0 {
					continue
				}
				// Nearest first.
				slices.SortFunc(outside, func(p, q int) int {
					c := cmp.Compare(d.X[p][j], d.X[q][j])
					if upper {
						return c
					}
					return -c
				})
				r := min(step, len(outside))
				for r < len(outside) && d.X[outside[r]][j] == d.X[outside[r-1]][j] {
					r++
				}
				c := peelOf(d, outside[:r], j, upper, d.X[outside[r-1]][j])
				c.kept = k + c.interest
				// Not lower: (k+ci)/(n+r) >= k/n.
				if int64(c.kept)*int64(n) < int64(k)*int64(n+c.removed) {
					continue
				}
				if best.dim < 0 || pasteBetter(c, best, n) {
					best = c
				}
			}
		}
		if best.dim < 0 {
			return b
		}
		if best.upper {
			b.Hi[best.dim] = best.limit
		} else {
			b.Lo[best.dim] = best.limit
		}
		n, k = n+best.removed, best.kept
		b = b.withStats(n, k, all)
	}
}

// pasteBetter reports whether paste c gives a denser box than paste o, both
// onto a box of n points, breaking ties as Paste documents.
func pasteBetter(c, o candidate, n int) bool {
	l, r := int64(c.kept)*int64(n+o.removed), int64(o.kept)*int64(n+c.removed)
	if l != r {
		return l > r
	}
	if c.removed != o.removed {
		return c.removed < o.removed
	}
	if c.dim != o.dim {
		return c.dim < o.dim
	}
	return !c.upper && o.upper
}

// insideBut reports whether x is inside b on every dimension but j.
func insideBut(b Box, x []float64, j int) bool {
	for i, v := range x {
		if i != j && (v < b.Lo[i] || v > b.Hi[i]) {
			return false
		}
	}
	return true
}
