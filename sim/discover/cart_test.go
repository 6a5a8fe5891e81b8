package discover

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestCARTRecoversBox(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			d := synthetic(2000, 0, seed)
			boxes, err := CART(d, TreeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// Without noise the known box is three splits from the root
			// and its leaf is pure: one box, density 1. A greedy split
			// between two impure sides need not fall exactly on the edge;
			// the sliver it leaves on the wrong side cannot be split off
			// when smaller than a leaf (MinLeaf, 20 of the box's ~400
			// points), so the coverage is at least 0.95.
			if len(boxes) != 1 {
				t.Fatalf("CART found %d boxes; want 1", len(boxes))
			}
			b := boxes[0]
			if b.Density != 1 || b.Coverage < 0.95 {
				t.Errorf("density %v, coverage %v; want 1 and >= 0.95", b.Density, b.Coverage)
			}
			// A threshold lies halfway between the last point inside and
			// the first outside: 2000 points, about 400 along an edge of
			// 0.4 or 0.5, a gap of about 0.001-0.003; 0.01 is ample.
			checkRecovered(t, d, b, 0.01)
			if r := d.Space().Restricted(b); !reflect.DeepEqual(r, []int{0, 1}) {
				t.Errorf("restricted dimensions = %v; want [0 1]", r)
			}
		})
	}
}

func TestCARTNoisyOutcome(t *testing.T) {
	// With 10% of outcomes flipped, a tree three deep has room for the
	// three splits of the known box and no more: one leaf where the
	// outcome holds.
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			d := synthetic(2000, 0.1, seed)
			boxes, err := CART(d, TreeOptions{MaxDepth: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(boxes) != 1 {
				t.Fatalf("CART found %d boxes; want 1", len(boxes))
			}
			b := boxes[0]
			checkRecovered(t, d, b, tolNoisy)
			purity, recall := overlap(d, b)
			if purity < minOverlap || recall < minOverlap {
				t.Errorf("share of the box in the known box %.3f, of the known box in the box %.3f; want both >= %v", purity, recall, minOverlap)
			}
			want := 0.9*purity + 0.1*(1-purity)
			se := math.Sqrt(want * (1 - want) / float64(b.N))
			if math.Abs(b.Density-want) > 3*se {
				t.Errorf("density = %.3f; want %.3f ± %.3f (3 standard errors)", b.Density, want, 3*se)
			}
		})
	}
}

func TestCARTSmall(t *testing.T) {
	// Points 0..9 on one dimension, y for 6..9: one split, at 5.5.
	d := &Data{Names: []string{"x"}}
	for i := range 10 {
		d.X = append(d.X, []float64{float64(i)})
		d.Y = append(d.Y, i >= 6)
	}
	boxes, err := CART(d, TreeOptions{MinLeaf: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 1 || boxes[0].Lo[0] != 5.5 || boxes[0].Hi[0] != 9 || boxes[0].N != 4 || boxes[0].Mass != 0.4 {
		t.Errorf("CART = %+v; want one box 5.5 <= x <= 9 of 4 points, mass 0.4", boxes)
	}
	// With leaves of at least 5 points the split must be at 4.5: the
	// right leaf holds 4 of 5 of interest, the left 0 of 5.
	boxes, err = CART(d, TreeOptions{MinLeaf: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 1 || boxes[0].Lo[0] != 4.5 || boxes[0].Density != 0.8 {
		t.Errorf("CART with MinLeaf 5 = %+v; want one box x >= 4.5, density 0.8", boxes)
	}
	// No point of interest: no box.
	for i := range d.Y {
		d.Y[i] = false
	}
	if boxes, err := CART(d, TreeOptions{}); err != nil || len(boxes) != 0 {
		t.Errorf("CART with no point of interest = %v, %v; want no box", boxes, err)
	}
}

func TestCARTDeterministic(t *testing.T) {
	a, err := CART(synthetic(1000, 0.1, 4), TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CART(synthetic(1000, 0.1, 4), TreeOptions{})
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("two runs of CART on the same data differ")
	}
}

func TestCARTInvalid(t *testing.T) {
	d := synthetic(50, 0, 1)
	for _, tt := range []struct {
		opts TreeOptions
		want string
	}{
		{TreeOptions{MaxDepth: -1}, "maximum depth -1"},
		{TreeOptions{MinLeaf: -1}, "minimum leaf size -1"},
	} {
		if _, err := CART(d, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CART(%+v) error = %v; want one containing %q", tt.opts, err, tt.want)
		}
	}
	if _, err := CART(&Data{}, TreeOptions{}); err == nil {
		t.Errorf("CART of no data: no error")
	}
}
