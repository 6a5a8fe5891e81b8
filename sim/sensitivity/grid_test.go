package sensitivity

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestGridMeans: on a 3 × 2 × 2 grid of y = 2 x0 + x1 x2, with x0 in
// {0, 1, 2}, x1 in {1, 3} and x2 in {−1, 1}, the main effect of x0 at a is
// 2 a + mean(x1 x2) = 2 a; of x1 at b, 2 + b mean(x2) = 2; of x2 at c,
// 2 + 2 c; and the x1-x2 cell means are x1 x2 + mean(2 x0), exactly.
func TestGridMeans(t *testing.T) {
	dists := []Dist{{Kind: KindLevels, Levels: []float64{0, 1, 2}}, {Kind: KindUniform, Min: 1, Max: 3}, {Kind: KindUniform, Min: -1, Max: 1}}
	d, err := NewDesign(DesignSpec{Kind: DesignGrid, Levels: 2}, dists, 1)
	if err != nil {
		t.Fatal(err)
	}
	var pts [][]float64
	var y []float64
	for p := range d.Points {
		x := d.Values(dists, p)
		pts = append(pts, x)
		y = append(y, 2*x[0]+x[1]*x[2])
	}
	// Reverse the order: the means do not depend on it.
	slices.Reverse(pts)
	slices.Reverse(y)
	g, err := GridMeans(pts, y)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0, 1, 2}, {1, 3}, {-1, 1}}
	for i := range want {
		if !slices.Equal(g.Levels[i], want[i]) {
			t.Errorf("levels of x%d = %v; want %v", i, g.Levels[i], want[i])
		}
	}
	// mean(x1 x2) over {1,3} × {−1,1} is 0; mean(2 x0) is 2.
	if !slices.Equal(g.Main[0], []float64{0, 2, 4}) || !slices.Equal(g.N[0], []int{4, 4, 4}) {
		t.Errorf("main effect of x0 = %v (n %v); want [0 2 4] (n 4 each)", g.Main[0], g.N[0])
	}
	if !slices.Equal(g.Main[1], []float64{2, 2}) || !slices.Equal(g.Main[2], []float64{0, 4}) {
		t.Errorf("main effects of x1, x2 = %v, %v; want [2 2], [0 4]", g.Main[1], g.Main[2])
	}
	cells := [][]float64{{2 - 1, 2 + 1}, {2 - 3, 2 + 3}}
	for a := range 2 {
		if !slices.Equal(g.Pair[1][2][a], cells[a]) {
			t.Errorf("x1-x2 cell means at x1 level %d = %v; want %v", a, g.Pair[1][2][a], cells[a])
		}
	}
	if g.Pair[2][1] != nil || g.Pair[0][0] != nil {
		t.Error("Pair[i][j] is set for i >= j; want nil")
	}

	// Undefined outputs are left out; a cell with none is NaN.
	for p, x := range pts {
		if x[0] == 2 && x[1] == 3 {
			y[p] = math.NaN()
		}
	}
	g, err = GridMeans(pts, y)
	if err != nil {
		t.Fatal(err)
	}
	if g.N[0][2] != 2 || g.Main[0][2] != 4+(-1+1)/2.0 {
		t.Errorf("x0 level 2 with NA: mean %v of %d; want 4 of 2", g.Main[0][2], g.N[0][2])
	}
	if !math.IsNaN(g.Pair[0][1][2][1]) {
		t.Errorf("x0-x1 cell (2, 3) = %v; want NaN (every output NA)", g.Pair[0][1][2][1])
	}
}

func TestGridMeansErrors(t *testing.T) {
	full := [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}
	tests := []struct {
		name string
		pts  [][]float64
		y    []float64
		want string
	}{
		{"empty", nil, nil, "no points"},
		{"length", full, []float64{1, 2, 3}, "3 outputs for 4 points"},
		{"ragged", [][]float64{{0, 0}, {1}}, []float64{1, 2}, "point 1 has 1 values; want 2"},
		{"duplicate", [][]float64{{0, 0}, {0, 1}, {1, 0}, {0, 1}}, []float64{1, 2, 3, 4}, "points 1 and 3 have the same parameter values"},
		{"incomplete", full[:3], []float64{1, 2, 3}, "3 points; a full factorial of these levels has 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := GridMeans(tt.pts, tt.y)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("GridMeans = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}
