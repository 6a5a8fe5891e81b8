package discover

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The known box of the synthetic problems: y = 1 where
// 0.2 <= x0 <= 0.6 and 0.5 <= x1 (<= 1, the top of the range), on five
// dimensions uniform on [0, 1], of which x2, x3 and x4 are irrelevant. Its
// mass is 0.4 × 0.5 = 0.2.
var (
	trueLo = []float64{0.2, 0.5}
	trueHi = []float64{0.6, 1.0}
)

// synthetic returns n points uniform on [0, 1]^5 with y true inside the
// known box, each y flipped with probability flip, from a PCG generator
// with the given seed.
func synthetic(n int, flip float64, seed uint64) *Data {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	d := &Data{Names: []string{"x0", "x1", "x2", "x3", "x4"}}
	for range n {
		x := make([]float64, 5)
		for j := range x {
			x[j] = rng.Float64()
		}
		y := x[0] >= trueLo[0] && x[0] <= trueHi[0] && x[1] >= trueLo[1]
		if rng.Float64() < flip {
			y = !y
		}
		d.X = append(d.X, x)
		d.Y = append(d.Y, y)
	}
	return d
}

// checkRecovered checks that box b of d has limits within tol of the known
// box on x0 and x1, leaves x1's upper end unrestricted, and restricts the
// irrelevant dimensions x2-x4 either not at all or insignificantly (a
// quasi-p-value above 0.01), while x0 and x1's restrictions are highly
// significant (below 1e-6).
func checkRecovered(t *testing.T, d *Data, b Box, tol float64) {
	t.Helper()
	sp := d.Space()
	for j := range 2 {
		lo, hi := trueLo[j], math.Min(trueHi[j], sp.Max[j])
		if math.Abs(b.Lo[j]-lo) > tol || math.Abs(b.Hi[j]-hi) > tol {
			t.Errorf("%s limits = [%.4f, %.4f]; want [%.2f, %.2f] ± %.3f", d.Names[j], b.Lo[j], b.Hi[j], lo, hi, tol)
		}
		if p := b.QuasiP[j]; !(p < 1e-6) {
			t.Errorf("%s quasi-p = %v; want < 1e-6", d.Names[j], p)
		}
	}
	if b.Hi[1] != sp.Max[1] {
		t.Errorf("x1 upper limit = %v; want unrestricted (%v)", b.Hi[1], sp.Max[1])
	}
	for j := 2; j < 5; j++ {
		if b.Restricts(sp, j) && !(b.QuasiP[j] > 0.01) {
			t.Errorf("irrelevant %s restricted to [%.3f, %.3f] with quasi-p %v; want unrestricted or quasi-p > 0.01",
				d.Names[j], b.Lo[j], b.Hi[j], b.QuasiP[j])
		}
	}
}

// inKnownBox reports whether x lies in the known box.
func inKnownBox(x []float64) bool {
	return x[0] >= trueLo[0] && x[0] <= trueHi[0] && x[1] >= trueLo[1]
}

// overlap returns the share of b's points of d that lie in the known box
// and the share of the known box's points that lie in b.
func overlap(d *Data, b Box) (purity, recall float64) {
	var inB, inTrue, both int
	for _, x := range d.X {
		if b.Contains(x) {
			inB++
		}
		if inKnownBox(x) {
			inTrue++
			if b.Contains(x) {
				both++
			}
		}
	}
	return float64(both) / float64(inB), float64(both) / float64(inTrue)
}

// Tolerances. Peeling with alpha = 0.05 near the known box removes about
// 5% of a box about 0.45 wide on x0 (and 0.55 on x1): a step of about
// 0.025 in the data's units. The selected box can stop up to one step
// short of an edge or one step past it, and pasting moves edges in steps
// of the same size, so a limit is within one step of the truth, plus the
// spacing of 2000 points (about 0.001 along an edge of the box) and, with
// a noisy outcome, the uncertainty of where the density changes, which
// one more step covers. In points, one step on each of the three edges
// that bound the known box is at most 3 × 5% of the box: at least 85% of
// the selected box lies in the known box and at least 85% of the known
// box lies in the selected box.
const (
	tolClean   = 0.03
	tolNoisy   = 0.055
	minOverlap = 0.85
)

func TestPRIMRecoversBox(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			d := synthetic(2000, 0, seed)
			boxes, err := PRIM(d, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(boxes) != 1 {
				t.Fatalf("PRIM found %d boxes; want 1", len(boxes))
			}
			b := boxes[0]
			checkRecovered(t, d, b.Box, tolClean)
			// Without noise the density is the share of the box in the
			// known box, and the coverage the share of the known box in
			// the box.
			if b.Density < minOverlap || b.Coverage < minOverlap {
				t.Errorf("density %.3f, coverage %.3f; want both >= %v", b.Density, b.Coverage, minOverlap)
			}
			if math.Abs(b.Mass-0.2) > 0.03 {
				t.Errorf("mass = %.3f; want 0.2 ± 0.03", b.Mass)
			}
		})
	}
}

func TestPRIMNoisyOutcome(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			d := synthetic(2000, 0.1, seed)
			boxes, err := PRIM(d, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(boxes) != 1 {
				t.Fatalf("PRIM found %d boxes; want 1", len(boxes))
			}
			b := boxes[0]
			checkRecovered(t, d, b.Box, tolNoisy)
			purity, recall := overlap(d, b.Box)
			if purity < minOverlap || recall < minOverlap {
				t.Errorf("share of the box in the known box %.3f, of the known box in the box %.3f; want both >= %v", purity, recall, minOverlap)
			}
			// y is 1 with probability 0.9 in the known box and 0.1 outside
			// it, so the box's density should be 0.9·purity + 0.1·(1 −
			// purity), about 0.9, within three binomial standard errors.
			want := 0.9*purity + 0.1*(1-purity)
			se := math.Sqrt(want * (1 - want) / float64(b.N))
			if math.Abs(b.Density-want) > 3*se {
				t.Errorf("density = %.3f; want %.3f ± %.3f (3 standard errors)", b.Density, want, 3*se)
			}
		})
	}
}

func TestPeelTrajectory(t *testing.T) {
	d := synthetic(1000, 0.1, 7)
	traj, err := Peel(d, Options{Alpha: 0.1, MinMass: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	sp := d.Space()
	if got := traj[0]; !slices.Equal(got.Lo, sp.Min) || !slices.Equal(got.Hi, sp.Max) || got.N != 1000 || got.Mass != 1 || got.Coverage != 1 {
		t.Errorf("box 0 = %+v; want the whole space, mass 1, coverage 1", got)
	}
	for i := 1; i < len(traj); i++ {
		prev, b := traj[i-1], traj[i]
		// Each peel removes about 10% of the box, at least one point.
		removed := prev.N - b.N
		if removed < 1 || removed > prev.N/10+1 {
			t.Errorf("peel %d removed %d of %d points; want 1 to %d", i, removed, prev.N, prev.N/10+1)
		}
		if b.Mass < 0.1 {
			t.Errorf("box %d mass = %v; want >= MinMass 0.1", i, b.Mass)
		}
		if b.Coverage > prev.Coverage {
			t.Errorf("box %d coverage %v > box %d's %v", i, b.Coverage, i-1, prev.Coverage)
		}
		changed := 0
		for j := range b.Lo {
			if b.Lo[j] < prev.Lo[j] || b.Hi[j] > prev.Hi[j] {
				t.Errorf("box %d is not inside box %d on %s", i, i-1, d.Names[j])
			}
			if b.Lo[j] != prev.Lo[j] || b.Hi[j] != prev.Hi[j] {
				changed++
			}
		}
		if changed != 1 {
			t.Errorf("peel %d changed %d limits; want 1", i, changed)
		}
		if n, k := count(d, nil2all(d), b); n != b.N || k != b.K {
			t.Errorf("box %d says N, K = %d, %d; counting gives %d, %d", i, b.N, b.K, n, k)
		}
	}
	// Peeling goes on while another peel leaves mass >= 0.1: the last box
	// cannot lose 10% more.
	if last := traj[len(traj)-1]; float64(last.N)*0.9 >= 100 {
		t.Errorf("last box has %d points; peeling stopped early", last.N)
	}
}

// nil2all returns the indices of every point of d.
func nil2all(d *Data) []int {
	rows := make([]int, len(d.X))
	for i := range rows {
		rows[i] = i
	}
	return rows
}

func TestPeelTies(t *testing.T) {
	// One discrete dimension with three values; y where it is 2.
	d := &Data{Names: []string{"k"}}
	for i := range 30 {
		v := float64(i % 3)
		d.X = append(d.X, []float64{v})
		d.Y = append(d.Y, v == 2)
	}
	traj, err := Peel(d, Options{MinMass: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	// A peel takes whole runs of tied values: first the 0s (the lower
	// edge, as ties go to it), then the 1s.
	var los []float64
	for _, b := range traj {
		los = append(los, b.Lo[0])
	}
	if want := []float64{0, 1, 2}; !slices.Equal(los, want) {
		t.Errorf("lower limits along the trajectory = %v; want %v", los, want)
	}
	if last := traj[len(traj)-1]; last.Density != 1 || last.N != 10 {
		t.Errorf("last box N = %d, density %v; want 10 points, density 1", last.N, last.Density)
	}
}

func TestSelect(t *testing.T) {
	// A trajectory from 100 points, 20 of interest.
	box := func(n, k int) Box {
		return Box{N: n, K: k, Coverage: float64(k) / 20, Density: float64(k) / float64(n)}
	}
	traj := []Box{box(100, 20), box(60, 19), box(30, 18), box(20, 15), box(10, 10), box(6, 6)}
	for _, tt := range []struct {
		name string
		rule Rule
		cov  float64
		traj []Box
		want int
	}{
		// K·100 − N·20: 0, 700, 1200, 1100, 800, 480.
		{"wracc", RuleWRAcc, 0, traj, 2},
		// Density 1 at boxes 4 and 5: the earlier.
		{"density", RuleDensity, 0, traj, 4},
		{"density with coverage 0.8", RuleDensity, 0.8, traj, 2},
		{"density with coverage 0.96", RuleDensity, 0.96, traj, 0},
		{"coverage nobody meets", RuleDensity, 1, traj[1:], 0},
		{"one box", RuleWRAcc, 0, traj[:1], 0},
		{"no box", RuleWRAcc, 0, nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Select(tt.traj, tt.rule, tt.cov); got != tt.want {
				t.Errorf("Select(%s, %v) = %d; want %d", tt.name, tt.cov, got, tt.want)
			}
		})
	}
}

func TestPaste(t *testing.T) {
	// y on x <= 0.5 of one dimension of 200 evenly spaced points; a box
	// peeled too far, x <= 0.3, is pasted back out while the density
	// stays 1, in steps of 5% of the box (4 or 5 points, 0.025 at most):
	// to within one step of 0.5, and not past it.
	d := &Data{Names: []string{"x", "z"}}
	for i := range 200 {
		x := (float64(i) + 0.5) / 200
		d.X = append(d.X, []float64{x, float64(i%7) / 6})
		d.Y = append(d.Y, x <= 0.5)
	}
	start := Box{Lo: []float64{0.0025, 0}, Hi: []float64{0.3, 1}}
	b, err := Paste(d, start, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Hi[0] > 0.5 || b.Hi[0] < 0.475 || b.Density != 1 || b.Lo[1] != 0 || b.Hi[1] != 1 {
		t.Errorf("Paste = x <= %v, z in [%v, %v], density %v; want x <= 0.475 to 0.5, z unrestricted, density 1", b.Hi[0], b.Lo[1], b.Hi[1], b.Density)
	}
	if n, k := count(d, nil2all(d), b); n != b.N || k != b.K {
		t.Errorf("Paste says N, K = %d, %d; counting gives %d, %d", b.N, b.K, n, k)
	}
	if start.Hi[0] != 0.3 {
		t.Errorf("Paste changed its argument's limits")
	}
	if _, err := Paste(d, Box{Lo: []float64{0}, Hi: []float64{1}}, Options{}); err == nil {
		t.Errorf("Paste of a one-dimensional box on two-dimensional data: no error")
	}
}

func TestHypergeomUpper(t *testing.T) {
	// Against sums of the probability mass function from binomial
	// coefficients computed exactly in float64 (small populations).
	choose := func(n, k int) float64 {
		if k < 0 || k > n {
			return 0
		}
		c := 1.0
		for i := range k {
			c = c * float64(n-i) / float64(i+1)
		}
		return c
	}
	for _, tt := range []struct{ m, k, n int }{{20, 7, 5}, {50, 25, 10}, {30, 3, 20}, {12, 12, 4}, {40, 0, 8}} {
		for x := -1; x <= tt.n+1; x++ {
			want := 0.0
			for i := max(x, 0); i <= tt.n; i++ {
				want += choose(tt.k, i) * choose(tt.m-tt.k, tt.n-i) / choose(tt.m, tt.n)
			}
			if got := hypergeomUpper(tt.m, tt.k, tt.n, x); math.Abs(got-want) > 1e-12 {
				t.Errorf("hypergeomUpper(%d, %d, %d, %d) = %v; want %v", tt.m, tt.k, tt.n, x, got, want)
			}
		}
	}
	// Far in the tail of a large population: 100 of 100 draws of interest
	// when 10% of 100000 are: about 1e-100, not 0, NaN or Inf.
	if p := hypergeomUpper(100000, 10000, 100, 100); !(p > 1e-101 && p < 1e-99) {
		t.Errorf("hypergeomUpper(100000, 10000, 100, 100) = %v; want about 1e-100", p)
	}
	if p := hypergeomUpper(100000, 10000, 1000, 1); !(p > 0.999999) {
		t.Errorf("hypergeomUpper(..., 1) = %v; want about 1", p)
	}
}

func TestQuasiP(t *testing.T) {
	// 4 × 5 grid of points, y where a >= 2 (10 of 20 points). The box
	// a >= 2, b <= 3 holds 8 points, all of interest. Without the
	// restriction on a, the box b <= 3 holds 16 points, 8 of interest:
	// P(H >= 8), H ~ Hypergeometric(16, 8, 8) = 1/C(16, 8) = 1/12870.
	// Without the one on b, a >= 2 holds 10 points, all of interest: 1.
	d := &Data{Names: []string{"a", "b", "c"}}
	for a := range 4 {
		for b := range 5 {
			d.X = append(d.X, []float64{float64(a), float64(b), 0})
			d.Y = append(d.Y, a >= 2)
		}
	}
	sp := d.Space()
	p := QuasiP(d, nil, sp, Box{Lo: []float64{2, 0, 0}, Hi: []float64{3, 3, 0}})
	if math.Abs(p[0]-1.0/12870) > 1e-15 || math.Abs(p[1]-1) > 1e-12 || !math.IsNaN(p[2]) {
		t.Errorf("QuasiP = %v; want [1/12870, 1, NaN]", p)
	}
}

func TestPRIMCovering(t *testing.T) {
	// Two disjoint regions of interest on two uniform dimensions:
	// x0 <= 0.3 and x1 <= 0.3 (mass 0.09), and x0 >= 0.7 and x1 >= 0.7
	// (mass 0.09). Covering finds one, then the other.
	rng := rand.New(rand.NewPCG(11, 0x5eed))
	d := &Data{Names: []string{"x0", "x1"}}
	for range 3000 {
		x := []float64{rng.Float64(), rng.Float64()}
		d.X = append(d.X, x)
		d.Y = append(d.Y, x[0] <= 0.3 && x[1] <= 0.3 || x[0] >= 0.7 && x[1] >= 0.7)
	}
	boxes, err := PRIM(d, Options{MaxBoxes: 2, MinMass: 0.03})
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 2 {
		t.Fatalf("PRIM found %d boxes; want 2", len(boxes))
	}
	var corners []string
	coverage := 0.0
	for i, b := range boxes {
		c := b.Box.Contains
		switch {
		case c([]float64{0.15, 0.15}) && !c([]float64{0.85, 0.85}):
			corners = append(corners, "low")
		case c([]float64{0.85, 0.85}) && !c([]float64{0.15, 0.15}):
			corners = append(corners, "high")
		default:
			t.Errorf("box %d = [%v, %v]; want one corner region", i, b.Lo, b.Hi)
		}
		if b.Density < minOverlap {
			t.Errorf("box %d density = %.3f; want >= %v", i, b.Density, minOverlap)
		}
		coverage += b.Coverage
	}
	if len(corners) == 2 && corners[0] == corners[1] {
		t.Errorf("both boxes cover the %s corner", corners[0])
	}
	// The two boxes' coverages add up (no point counted twice).
	if coverage < minOverlap || coverage > 1+1e-12 {
		t.Errorf("total coverage = %.3f; want between %v and 1", coverage, minOverlap)
	}
}

func TestPRIMDeterministic(t *testing.T) {
	d := synthetic(1500, 0.1, 5)
	a, err := PRIM(d, Options{MaxBoxes: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := PRIM(synthetic(1500, 0.1, 5), Options{MaxBoxes: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fmt.Sprint(a), fmt.Sprint(b)) {
		t.Errorf("two runs of PRIM on the same data differ")
	}
}

func TestPRIMPick(t *testing.T) {
	d := synthetic(500, 0, 1)
	traj, err := Peel(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	boxes, err := PRIM(d, Options{Pick: 3, NoPaste: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 1 || boxes[0].Selected != 3 || boxes[0].N != traj[3].N {
		t.Errorf("PRIM with Pick 3 = %d boxes, first selected %d; want trajectory box 3", len(boxes), boxes[0].Selected)
	}
	if _, err := PRIM(d, Options{Pick: len(traj)}); err == nil {
		t.Errorf("PRIM with Pick beyond the trajectory: no error")
	}
}

func TestPRIMInvalid(t *testing.T) {
	good := synthetic(50, 0, 1)
	for _, tt := range []struct {
		name string
		d    *Data
		opts Options
		want string
	}{
		{"nil data", nil, Options{}, "no data"},
		{"no dimensions", &Data{X: [][]float64{{}}, Y: []bool{true}}, Options{}, "no dimensions"},
		{"no points", &Data{Names: []string{"a"}}, Options{}, "no points"},
		{"empty name", &Data{Names: []string{""}, X: [][]float64{{1}}, Y: []bool{true}}, Options{}, "dimension 1 has no name"},
		{"name twice", &Data{Names: []string{"a", "a"}, X: [][]float64{{1, 2}}, Y: []bool{true}}, Options{}, `dimension "a" appears twice`},
		{"short y", &Data{Names: []string{"a"}, X: [][]float64{{1}, {2}}, Y: []bool{true}}, Options{}, "1 outcomes for 2 points"},
		{"short row", &Data{Names: []string{"a", "b"}, X: [][]float64{{1, 2}, {2}}, Y: []bool{true, false}}, Options{}, "point 2 has 1 values for 2 dimensions"},
		{"nan", &Data{Names: []string{"a"}, X: [][]float64{{math.NaN()}}, Y: []bool{true}}, Options{}, "point 1: a is NaN"},
		{"alpha", good, Options{Alpha: 0.5}, "peeling fraction 0.5"},
		{"min mass", good, Options{MinMass: -1}, "minimum mass -1"},
		{"rule", good, Options{Rule: 7}, "unknown selection rule 7"},
		{"pick", good, Options{Pick: -2}, "trajectory index -2"},
		{"coverage", good, Options{MinCoverage: 2}, "minimum coverage 2"},
		{"boxes", good, Options{MaxBoxes: -1}, "number of boxes -1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PRIM(tt.d, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("PRIM error = %v; want one containing %q", err, tt.want)
			}
		})
	}
}
