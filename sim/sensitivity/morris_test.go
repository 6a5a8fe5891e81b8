package sensitivity

import (
	"math"
	"strings"
	"testing"
)

func runMorris(t testing.TB, f func([]float64) float64, dists []Dist, p, r int, seed uint64) *MorrisResult {
	t.Helper()
	d, err := NewDesign(DesignSpec{Kind: DesignMorris, Levels: p, Trajectories: r}, dists, seed)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, len(d.Points))
	for i := range y {
		y[i] = f(d.Values(dists, i))
	}
	res, err := Morris(d, dists, y)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestMorrisLinear: for f = Σ a_i v_i, with v_i a parameter's value, every
// elementary effect of parameter i on the unit scale is a_i × (max_i −
// min_i), so mu = that, mu* = |mu| and sigma = 0.
func TestMorrisLinear(t *testing.T) {
	a := []float64{3, -2, 0.5, 0}
	dists := []Dist{
		{Kind: KindUniform, Min: 0, Max: 1},
		{Kind: KindUniform, Min: 10, Max: 20},
		{Kind: KindUniform, Min: -4, Max: 4},
		{Kind: KindUniform, Min: 0, Max: 100},
	}
	f := func(v []float64) float64 {
		s := 0.0
		for i := range a {
			s += a[i] * v[i]
		}
		return s
	}
	for _, p := range []int{2, 4, 8} {
		r := runMorris(t, f, dists, p, 12, 1)
		for i := range a {
			want := a[i] * (dists[i].Max - dists[i].Min)
			tol := 1e-9 * math.Max(1, math.Abs(want))
			if math.Abs(r.Mu[i]-want) > tol || math.Abs(r.MuStar[i]-math.Abs(want)) > tol || r.Sigma[i] > tol {
				t.Errorf("p=%d x%d: mu %v mu* %v sigma %v; want %v, %v, 0", p, i+1, r.Mu[i], r.MuStar[i], r.Sigma[i], want, math.Abs(want))
			}
		}
	}
}

// TestMorrisGFunction uses Sobol's g-function, g = Π (|4x_i − 2| + a_i) /
// (1 + a_i) on [0,1]^8 with a = 0, 1, 4.5, 9, 99, 99, 99, 99: a smaller a_i
// means a more important x_i, and all the x_i interact. mu* must rank the
// first four in order, above the last four, and sigma must be positive for
// the important ones (interactions) and rank them the same way.
func TestMorrisGFunction(t *testing.T) {
	a := []float64{0, 1, 4.5, 9, 99, 99, 99, 99}
	g := func(x []float64) float64 {
		prod := 1.0
		for i, ai := range a {
			prod *= (math.Abs(4*x[i]-2) + ai) / (1 + ai)
		}
		return prod
	}
	for _, seed := range []uint64{1, 2, 3} {
		r := runMorris(t, g, uniforms(8), 4, 30, seed)
		for i := range 3 {
			if !(r.MuStar[i] > r.MuStar[i+1]) || !(r.Sigma[i] > r.Sigma[i+1]) {
				t.Errorf("seed %d: mu* %v sigma %v; want x%d above x%d on both", seed, r.MuStar, r.Sigma, i+1, i+2)
			}
		}
		for i := 4; i < 8; i++ {
			if !(r.MuStar[i] < r.MuStar[3]/3) {
				t.Errorf("seed %d: mu* of x%d = %v; want well below x4's %v", seed, i+1, r.MuStar[i], r.MuStar[3])
			}
		}
		if r.Sigma[0] <= 0 {
			t.Errorf("seed %d: sigma of x1 = %v; want > 0 (interactions)", seed, r.Sigma[0])
		}
	}
}

func TestMorrisNaNAndNotes(t *testing.T) {
	dists := []Dist{{Kind: KindUniform, Min: 0, Max: 1}, {Kind: KindLevels, Levels: []float64{1, 2, 3}}}
	d, err := NewDesign(DesignSpec{Kind: DesignMorris, Levels: 4, Trajectories: 4}, dists, 2)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, len(d.Points))
	for i := range y {
		v := d.Values(dists, i)
		y[i] = v[0] + v[1]
	}
	y[0] = math.NaN() // the first step of trajectory 1 is lost
	r, err := Morris(d, dists, y)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0 // the parameter trajectory 1 moves first
	if d.Points[1][1] != d.Points[0][1] {
		moved = 1
	}
	for _, want := range []string{"skipped 1 of 4 elementary effects", "r = 4 trajectories is few"} {
		if !hasNote(r.Notes, want) {
			t.Errorf("notes %q; want one containing %q", r.Notes, want)
		}
	}
	if !strings.HasPrefix(r.Notes[0], "x"+string(rune('1'+moved))) {
		t.Errorf("first note %q; want it about x%d", r.Notes[0], moved+1)
	}
	// Levels {1,2,3} on a 4-level grid: coordinates 0 and 1/3 both give 1,
	// 2/3 and 1 give 2 and 3; a Δ = 2/3 step always changes the level, so
	// there is no note on unchanged steps here.
	if hasNote(r.Notes, "unchanged") {
		t.Errorf("notes %q; want none on unchanged steps", r.Notes)
	}
	if math.Abs(r.Mu[0]-1) > 1e-12 {
		t.Errorf("mu x1 = %v; want 1", r.Mu[0])
	}
}

func TestMorrisLevelsUnchanged(t *testing.T) {
	// A parameter with a single level never changes value: every one of
	// its elementary effects is zero by construction, and noted.
	dists := []Dist{{Kind: KindUniform, Min: 0, Max: 1}, {Kind: KindLevels, Levels: []float64{5}}}
	r := runMorris(t, func(v []float64) float64 { return v[0] * v[1] }, dists, 6, 10, 1)
	if !hasNote(r.Notes, "x2: 10 of 10 steps left its value unchanged") {
		t.Errorf("notes %q; want one on x2's unchanged steps", r.Notes)
	}
	if r.MuStar[1] != 0 || r.Sigma[1] != 0 {
		t.Errorf("x2: mu* %v sigma %v; want 0, 0", r.MuStar[1], r.Sigma[1])
	}
}

func TestMorrisErrors(t *testing.T) {
	mor, _ := NewDesign(DesignSpec{Kind: DesignMorris, Levels: 4, Trajectories: 2}, uniforms(2), 1)
	sob, _ := NewDesign(DesignSpec{Kind: DesignSobol, N: 4}, uniforms(2), 1)
	twoSteps := &Design{Spec: mor.Spec, K: 2, Points: [][]float64{{0, 0}, {1, 1}, {1, 0}, {0, 0}, {0, 1}, {1, 1}}}
	tests := []struct {
		name  string
		d     *Design
		dists []Dist
		y     []float64
		want  string
	}{
		{"nil", nil, nil, nil, "nil design"},
		{"kind", sob, uniforms(2), make([]float64, 16), `design kind "sobol"`},
		{"length", mor, uniforms(2), make([]float64, 5), "5 outputs for 6 design points"},
		{"dists", mor, uniforms(3), make([]float64, 6), "3 distributions for 2 parameters"},
		{"structure", twoSteps, uniforms(2), make([]float64, 6), "points 0 and 1 differ in 2 coordinates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Morris(tt.d, tt.dists, tt.y)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Morris = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}
