package plots

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/discover"
)

// testDiscovery is the trajectory and boxes of PRIM on a 20 × 20 grid of
// two parameters and a third, irrelevant one, with the outcome where
// a >= 0.5 and b < 0.3.
func testDiscovery(t *testing.T) (discover.Space, []discover.PRIMBox) {
	t.Helper()
	d := &discover.Data{Names: []string{"a", "b", "c"}}
	for i := range 20 {
		for j := range 20 {
			x := []float64{(float64(i) + 0.5) / 20, (float64(j) + 0.5) / 20, float64((i*7+j*3)%11) / 10}
			d.X = append(d.X, x)
			d.Y = append(d.Y, x[0] >= 0.5 && x[1] < 0.3)
		}
	}
	boxes, err := discover.PRIM(d, discover.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Space(), boxes
}

func TestTradeoffFigure(t *testing.T) {
	sp, boxes := testDiscovery(t)
	b := boxes[0]
	f, err := TradeoffFigure("care_share > 0.5", sp, b.Trajectory, b.Selected)
	if err != nil {
		t.Fatalf("TradeoffFigure error: %v", err)
	}
	checkFigure(t, f, "tradeoff-care_share-0.5", "care_share")
	if want := "selected box " + strconv.Itoa(b.Selected) + " has coverage 1.000 and density 1.000 and restricts 2 dimensions"; !strings.Contains(f.Reading, want) {
		t.Errorf("Reading = %q; want it to contain %q", f.Reading, want)
	}

	undefined := []discover.Box{{Lo: sp.Min, Hi: sp.Max, Coverage: math.NaN(), Density: math.NaN()}}
	short := []discover.Box{{Lo: sp.Min[:1], Hi: sp.Max}}
	for _, tt := range []struct {
		name     string
		traj     []discover.Box
		selected int
		want     error
	}{
		{"selected beyond the trajectory", b.Trajectory, len(b.Trajectory), nil},
		{"negative selected", b.Trajectory, -1, nil},
		{"box with too few limits", short, 0, nil},
		{"nothing defined", undefined, 0, ErrNothingToDraw},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TradeoffFigure("m", sp, tt.traj, tt.selected)
			checkErr(t, "TradeoffFigure", err, tt.want)
		})
	}
}

func TestBoxLimitsFigure(t *testing.T) {
	sp, boxes := testDiscovery(t)
	b := boxes[0].Box
	f, err := BoxLimitsFigure("care_share > 0.5", sp, []discover.Box{b})
	if err != nil {
		t.Fatalf("BoxLimitsFigure error: %v", err)
	}
	checkFigure(t, f, "box-limits-care_share-0.5", "care_share")
	// The box is 0.525 <= a and b <= 0.275 on the grid's values; c is
	// irrelevant and unrestricted.
	if want := "the first box restricts a to 0.5250–0.9750, b to 0.02500–0.2750 (coverage 1.000, density 1.000)"; !strings.Contains(f.Reading, want) {
		t.Errorf("Reading = %q; want it to contain %q", f.Reading, want)
	}
	svg, err := Render(f, "svg")
	if err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{">a (p ", ">b (p ", ">0.5250<", ">0.2750<"} {
		if !strings.Contains(string(svg), label) {
			t.Errorf("SVG has no %q", label)
		}
	}
	if strings.Contains(string(svg), ">c<") || strings.Contains(string(svg), ">c (p") {
		t.Errorf("SVG labels the unrestricted dimension c")
	}

	// Two boxes, the second from CART (no quasi-p-values): rows are
	// labelled with their box.
	second := discover.Box{Lo: []float64{0, 0.5, 0}, Hi: sp.Max, Coverage: 0.1, Density: 0.5}
	f, err = BoxLimitsFigure("m", sp, []discover.Box{b, second})
	if err != nil {
		t.Fatalf("BoxLimitsFigure of two boxes error: %v", err)
	}
	svg, _ = Render(f, "svg")
	for _, label := range []string{">box 1: a (p ", ">box 2: b<"} {
		if !strings.Contains(string(svg), label) {
			t.Errorf("SVG of two boxes has no %q", label)
		}
	}

	whole := discover.Box{Lo: sp.Min, Hi: sp.Max}
	badP := b
	badP.QuasiP = []float64{1}
	for _, tt := range []struct {
		name  string
		boxes []discover.Box
		want  error
	}{
		{"no box", nil, ErrNothingToDraw},
		{"nothing restricted", []discover.Box{whole}, ErrNothingToDraw},
		{"too few quasi-p-values", []discover.Box{badP}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BoxLimitsFigure("m", sp, tt.boxes)
			checkErr(t, "BoxLimitsFigure", err, tt.want)
		})
	}
}
