package discover

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestWriteBoxes(t *testing.T) {
	sp := Space{Names: []string{"a", "b,c"}, Min: []float64{0, 0}, Max: []float64{1, 10}}
	boxes := []Box{
		{Lo: []float64{0.25, 0}, Hi: []float64{1, 10}, N: 20, K: 15, Coverage: 0.75, Density: 0.75, Mass: 0.2,
			QuasiP: []float64{1.5e-7, math.NaN()}},
		// A trajectory box: no quasi-p-values; no point of interest
		// anywhere, so no coverage.
		{Lo: []float64{0, 2}, Hi: []float64{1, 10}, N: 0, K: 0, Coverage: math.NaN(), Density: math.NaN(), Mass: 0},
	}
	var buf bytes.Buffer
	if err := WriteBoxes(&buf, sp, boxes); err != nil {
		t.Fatal(err)
	}
	want := `box,dimension,restricted,lower,upper,coverage,density,mass,points,of_interest,quasi_p
1,a,true,0.25,1,0.75,0.75,0.2,20,15,1.5e-07
1,"b,c",false,0,10,0.75,0.75,0.2,20,15,NA
2,a,false,0,1,NA,NA,0,0,0,NA
2,"b,c",true,2,10,NA,NA,0,0,0,NA
`
	if got := buf.String(); got != want {
		t.Errorf("WriteBoxes =\n%s\nwant\n%s", got, want)
	}
	if got := strings.Join(BoxesHeader(), ","); !strings.HasPrefix(want, got+"\n") {
		t.Errorf("BoxesHeader = %s; want the header WriteBoxes writes", got)
	}

	bad := []Box{{Lo: []float64{0}, Hi: []float64{1, 10}}}
	if err := WriteBoxes(&buf, sp, bad); err == nil || !strings.Contains(err.Error(), "box 1 has 1 lower") {
		t.Errorf("WriteBoxes of a box with one lower limit for two dimensions error = %v; want one naming box 1", err)
	}
}
