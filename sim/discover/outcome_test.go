package discover

import (
	"math"
	"slices"
	"testing"
)

func TestClassify(t *testing.T) {
	vals := []float64{0.2, math.NaN(), 0.5, 0.7, math.Inf(-1)}
	for _, tt := range []struct {
		above bool
		want  []bool
	}{
		{true, []bool{false, false, true, false}},
		{false, []bool{true, false, false, true}},
	} {
		y, keep := Classify(vals, 0.5, tt.above)
		if !slices.Equal(y, tt.want) || !slices.Equal(keep, []int{0, 2, 3, 4}) {
			t.Errorf("Classify(%v, 0.5, %v) = %v, %v; want %v, [0 2 3 4]", vals, tt.above, y, keep, tt.want)
		}
	}
}
