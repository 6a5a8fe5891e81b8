package discover_test

import (
	"fmt"
	"os"

	"github.com/sibsim/sibsim/sim/discover"
)

func ExamplePRIM() {
	// A 20 × 20 grid over two parameters; the outcome happens where
	// tariff >= 0.5 and demand < 0.3.
	d := &discover.Data{Names: []string{"tariff", "demand"}}
	for i := range 20 {
		for j := range 20 {
			x := []float64{(float64(i) + 0.5) / 20, (float64(j) + 0.5) / 20}
			d.X = append(d.X, x)
			d.Y = append(d.Y, x[0] >= 0.5 && x[1] < 0.3)
		}
	}
	// The box holds the 10 × 6 grid points of interest and nothing else.
	// Its tariff restriction's quasi-p-value is 1/C(120, 60): all 60
	// points of the strip demand < 0.3 drawn at random being of interest.
	boxes, err := discover.PRIM(d, discover.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	sp := d.Space()
	for _, b := range boxes {
		fmt.Printf("coverage %.2f, density %.2f, mass %.3f\n", b.Coverage, b.Density, b.Mass)
		for _, j := range sp.Restricted(b.Box) {
			fmt.Printf("  %s in [%.3f, %.3f]\n", sp.Names[j], b.Lo[j], b.Hi[j])
		}
	}
	if err := discover.WriteBoxes(os.Stdout, sp, []discover.Box{boxes[0].Box}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// coverage 1.00, density 1.00, mass 0.150
	//   tariff in [0.525, 0.975]
	//   demand in [0.025, 0.275]
	// box,dimension,restricted,lower,upper,coverage,density,mass,points,of_interest,quasi_p
	// 1,tariff,true,0.525,0.975,1,1,0.15,60,60,1.035036944e-35
	// 1,demand,true,0.025,0.275,1,1,0.15,60,60,1.42035269e-52
}
