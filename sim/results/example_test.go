package results_test

import (
	"fmt"
	"math"

	"github.com/sibsim/sibsim/sim/results"
)

func ExampleFormatFloat() {
	for _, x := range []float64{0.1 + 0.2, 1234567.891, 1.0 / 3, math.NaN()} {
		fmt.Println(results.FormatFloat(x))
	}
	// Output:
	// 0.3
	// 1234567.891
	// 0.3333333333
	// NA
}
