package sensitivity

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func uniforms(k int) []Dist {
	d := make([]Dist, k)
	for i := range d {
		d[i] = Dist{Kind: KindUniform, Min: 0, Max: 1}
	}
	return d
}

func TestGridCountAndOrder(t *testing.T) {
	dists := []Dist{
		{Kind: KindUniform, Min: 0, Max: 10},
		{Kind: KindLevels, Levels: []float64{7, 8}},
		{Kind: KindLogUniform, Min: 1, Max: 100},
	}
	d, err := NewDesign(DesignSpec{Kind: DesignGrid, Levels: 3}, dists, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(d.Points), 3*2*3; got != want {
		t.Fatalf("grid has %d points; want %d", got, want)
	}
	var got [][]float64
	for p := range d.Points {
		got = append(got, d.Values(dists, p))
	}
	// Last parameter fastest; continuous parameters include both ends.
	want := [][]float64{
		{0, 7, 1}, {0, 7, 10}, {0, 7, 100},
		{0, 8, 1}, {0, 8, 10}, {0, 8, 100},
		{5, 7, 1}, {5, 7, 10}, {5, 7, 100},
		{5, 8, 1}, {5, 8, 10}, {5, 8, 100},
		{10, 7, 1}, {10, 7, 10}, {10, 7, 100},
		{10, 8, 1}, {10, 8, 10}, {10, 8, 100},
	}
	for p := range want {
		for i := range want[p] {
			if math.Abs(got[p][i]-want[p][i]) > 1e-12*want[p][i] {
				t.Errorf("grid point %d = %v; want %v", p, got[p], want[p])
				break
			}
		}
	}
}

func TestLHSStratification(t *testing.T) {
	for _, n := range []int{1, 7, 100} {
		d, err := NewDesign(DesignSpec{Kind: DesignLHS, N: n}, uniforms(5), 42)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Points) != n {
			t.Fatalf("lhs N=%d has %d points", n, len(d.Points))
		}
		for i := range 5 {
			hits := make([]int, n)
			for _, p := range d.Points {
				hits[int(p[i]*float64(n))]++
			}
			for s, h := range hits {
				if h != 1 {
					t.Errorf("lhs N=%d dimension %d: stratum %d hit %d times; want 1", n, i, s, h)
				}
			}
		}
	}
}

func TestRandomDesign(t *testing.T) {
	d, err := NewDesign(DesignSpec{Kind: DesignRandom, N: 500}, uniforms(3), 9)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, p := range d.Points {
		for _, u := range p {
			if u < 0 || u >= 1 {
				t.Fatalf("coordinate %v outside [0, 1)", u)
			}
			sum += u
		}
	}
	// Mean of 1500 uniforms: sd 0.29/sqrt(1500) = 0.0075; allow 5 sd.
	if mean := sum / 1500; math.Abs(mean-0.5) > 0.04 {
		t.Errorf("mean coordinate %v; want 0.5 ± 0.04", mean)
	}
}

func TestSaltelliStructure(t *testing.T) {
	for _, second := range []bool{false, true} {
		const n, k = 16, 4
		d, err := NewDesign(DesignSpec{Kind: DesignSobol, N: n, SecondOrder: second}, uniforms(k), 3)
		if err != nil {
			t.Fatal(err)
		}
		blocks := k + 2
		if second {
			blocks = 2*k + 2
		}
		if len(d.Points) != n*blocks {
			t.Fatalf("second order %v: %d points; want %d", second, len(d.Points), n*blocks)
		}
		for j := range n {
			a, b := d.Points[j], d.Points[n+j]
			for i := range k {
				ab := d.Points[(2+i)*n+j]
				for c := range k {
					want := a[c]
					if c == i {
						want = b[c]
					}
					if ab[c] != want {
						t.Errorf("AB_%d row %d column %d = %v; want %v", i+1, j, c, ab[c], want)
					}
				}
				if !second {
					continue
				}
				ba := d.Points[(2+k+i)*n+j]
				for c := range k {
					want := b[c]
					if c == i {
						want = a[c]
					}
					if ba[c] != want {
						t.Errorf("BA_%d row %d column %d = %v; want %v", i+1, j, c, ba[c], want)
					}
				}
			}
		}
		// A and B are different halves of the sequence: no column repeats.
		for i := range k {
			if d.Points[0][i] == d.Points[n][i] && d.Points[1][i] == d.Points[n+1][i] {
				t.Errorf("A and B share column %d", i)
			}
		}
	}
}

func TestMorrisTrajectories(t *testing.T) {
	for _, p := range []int{2, 4, 6} {
		const k, r = 5, 20
		d, err := NewDesign(DesignSpec{Kind: DesignMorris, Levels: p, Trajectories: r}, uniforms(k), 11)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Points) != r*(k+1) {
			t.Fatalf("p=%d: %d points; want %d", p, len(d.Points), r*(k+1))
		}
		delta := morrisDelta(p)
		for _, pt := range d.Points {
			for _, u := range pt {
				j := u * float64(p-1)
				if u < 0 || u > 1 || math.Abs(j-math.Round(j)) > 1e-12 {
					t.Fatalf("p=%d: coordinate %v is not on the %d-level grid", p, u, p)
				}
			}
		}
		for tr := range r {
			moved := make([]int, k)
			for s := range k {
				x0, x1 := d.Points[tr*(k+1)+s], d.Points[tr*(k+1)+s+1]
				changed := 0
				for i := range k {
					if x0[i] != x1[i] {
						changed++
						moved[i]++
						if diff := math.Abs(x1[i] - x0[i]); math.Abs(diff-delta) > 1e-12 {
							t.Errorf("p=%d trajectory %d step %d: x%d moves by %v; want Δ = %v", p, tr, s, i+1, diff, delta)
						}
					}
				}
				if changed != 1 {
					t.Errorf("p=%d trajectory %d step %d: %d coordinates change; want 1", p, tr, s, changed)
				}
			}
			for i, m := range moved {
				if m != 1 {
					t.Errorf("p=%d trajectory %d: x%d moves %d times; want 1", p, tr, i+1, m)
				}
			}
		}
	}
}

func TestDesignDeterminism(t *testing.T) {
	specs := []DesignSpec{
		{Kind: DesignRandom, N: 20},
		{Kind: DesignLHS, N: 20},
		{Kind: DesignSobol, N: 16, SecondOrder: true},
		{Kind: DesignMorris, Levels: 4, Trajectories: 5},
	}
	for _, spec := range specs {
		t.Run(spec.Kind, func(t *testing.T) {
			a, _ := NewDesign(spec, uniforms(3), 5)
			b, _ := NewDesign(spec, uniforms(3), 5)
			c, _ := NewDesign(spec, uniforms(3), 6)
			if !slices.EqualFunc(a.Points, b.Points, slices.Equal) {
				t.Errorf("seed 5 twice: designs differ")
			}
			if slices.EqualFunc(a.Points, c.Points, slices.Equal) {
				t.Errorf("seeds 5 and 6: designs identical")
			}
		})
	}
}

func TestDesignErrors(t *testing.T) {
	tests := []struct {
		name  string
		spec  DesignSpec
		dists []Dist
		want  []string
	}{
		{"no parameters", DesignSpec{Kind: DesignLHS, N: 4}, nil, []string{"no parameters"}},
		{"unknown kind", DesignSpec{Kind: "halton"}, uniforms(2), []string{`unknown design kind "halton"`}},
		{"missing kind", DesignSpec{}, uniforms(2), []string{"missing design kind"}},
		{"bad dist", DesignSpec{Kind: DesignLHS, N: 4}, []Dist{{Kind: KindUniform}, {Kind: "x"}}, []string{"parameter 1: uniform: max must be > min", `parameter 2: unknown kind "x"`}},
		{"grid levels", DesignSpec{Kind: DesignGrid, Levels: 1}, uniforms(2), []string{"levels must be >= 2"}},
		{"grid too large", DesignSpec{Kind: DesignGrid, Levels: 100}, uniforms(4), []string{"more than"}},
		{"random n", DesignSpec{Kind: DesignRandom}, uniforms(2), []string{"n must be >= 1"}},
		{"lhs n", DesignSpec{Kind: DesignLHS, N: -1}, uniforms(2), []string{"n must be >= 1"}},
		{"sobol n", DesignSpec{Kind: DesignSobol, N: 1}, uniforms(2), []string{"n must be >= 2"}},
		{"sobol dims", DesignSpec{Kind: DesignSobol, N: 8}, uniforms(65), []string{"at most 64 parameters"}},
		{"morris odd", DesignSpec{Kind: DesignMorris, Levels: 3, Trajectories: 4}, uniforms(2), []string{"levels must be even"}},
		{"morris r", DesignSpec{Kind: DesignMorris, Levels: 4, Trajectories: 1}, uniforms(2), []string{"trajectories must be >= 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDesign(tt.spec, tt.dists, 1)
			if err == nil {
				t.Fatalf("NewDesign(%+v) = %d points; want an error", tt.spec, len(d.Points))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("NewDesign(%+v) = %v; want an error containing %q", tt.spec, err, w)
				}
			}
		})
	}
}

func TestDesignSizeMatches(t *testing.T) {
	dists := append(uniforms(3), Dist{Kind: KindLevels, Levels: []float64{1, 2, 3, 4, 5}})
	for _, spec := range []DesignSpec{
		{Kind: DesignGrid, Levels: 4},
		{Kind: DesignRandom, N: 33},
		{Kind: DesignLHS, N: 10},
		{Kind: DesignSobol, N: 64},
		{Kind: DesignSobol, N: 64, SecondOrder: true},
		{Kind: DesignMorris, Levels: 4, Trajectories: 10},
	} {
		n, err := DesignSize(spec, dists)
		d, err2 := NewDesign(spec, dists, 1)
		if err != nil || err2 != nil || n != len(d.Points) {
			t.Errorf("DesignSize(%+v) = %d, %v; NewDesign has %d points, %v", spec, n, err, len(d.Points), err2)
		}
	}
}
