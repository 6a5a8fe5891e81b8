package discover

import (
	"fmt"
	"math"
	"math/rand/v2"
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
