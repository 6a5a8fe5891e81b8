package sensitivity_test

import (
	"fmt"

	"github.com/sibsim/sibsim/sim/sensitivity"
)

func ExampleNewDesign() {
	dists := []sensitivity.Dist{
		{Kind: "uniform", Min: 0.1, Max: 0.9},
		{Kind: "levels", Levels: []float64{20, 30}},
	}
	d, err := sensitivity.NewDesign(sensitivity.DesignSpec{Kind: "grid", Levels: 3}, dists, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for p := range d.Points {
		fmt.Println(d.Values(dists, p))
	}
	// Output:
	// [0.1 20]
	// [0.1 30]
	// [0.5 20]
	// [0.5 30]
	// [0.9 20]
	// [0.9 30]
}

func ExampleSobol() {
	// y = 4a + 2b + c with a, b, c uniform on [0, 1]: S1 = ST = 16/21,
	// 4/21, 1/21 = 0.76, 0.19, 0.05.
	u := sensitivity.Dist{Kind: "uniform", Min: 0, Max: 1}
	dists := []sensitivity.Dist{u, u, u}
	d, err := sensitivity.NewDesign(sensitivity.DesignSpec{Kind: "sobol", N: 1024}, dists, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	y := make([]float64, len(d.Points))
	for p := range y {
		v := d.Values(dists, p)
		y[p] = 4*v[0] + 2*v[1] + v[2]
	}
	res, err := sensitivity.Sobol(d, y, 500, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, name := range []string{"a", "b", "c"} {
		fmt.Printf("%s: S1 %.2f, ST %.2f [%.2f, %.2f]\n", name,
			res.S1[i].Value, res.ST[i].Value, res.ST[i].Lo95, res.ST[i].Hi95)
	}
	// Output:
	// a: S1 0.76, ST 0.76 [0.71, 0.82]
	// b: S1 0.19, ST 0.19 [0.18, 0.21]
	// c: S1 0.05, ST 0.05 [0.04, 0.05]
}

func ExampleMorris() {
	// y = a·b + c over [0, 1]³: a and b interact (sigma > 0), c is linear.
	u := sensitivity.Dist{Kind: "uniform", Min: 0, Max: 1}
	dists := []sensitivity.Dist{u, u, u}
	d, err := sensitivity.NewDesign(sensitivity.DesignSpec{Kind: "morris", Levels: 4, Trajectories: 20}, dists, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	y := make([]float64, len(d.Points))
	for p := range y {
		v := d.Values(dists, p)
		y[p] = v[0]*v[1] + v[2]
	}
	res, err := sensitivity.Morris(d, dists, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("c: mu* %.2f sigma %.2f\n", res.MuStar[2], res.Sigma[2])
	fmt.Println("a interacts:", res.Sigma[0] > 0.1, "b interacts:", res.Sigma[1] > 0.1)
	// Output:
	// c: mu* 1.00 sigma 0.00
	// a interacts: true b interacts: true
}
