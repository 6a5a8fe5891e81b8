package stats_test

import (
	"fmt"

	"github.com/sibsim/sibsim/sim/stats"
)

func ExampleIRR() {
	// 100 invested now, 60 back after one year and 60 after two.
	annual, ok := stats.IRR([]float64{-100, 60, 60}, 1)
	fmt.Printf("%.4f %v\n", annual, ok)

	// Weekly flows: 100 out in week 0, 110 back in week 52.
	flows := make([]float64, 53)
	flows[0], flows[52] = -100, 110
	annual, ok = stats.IRR(flows, 52)
	fmt.Printf("%.4f %v\n", annual, ok)

	// Money only goes out: no rate of return.
	_, ok = stats.IRR([]float64{-100, -10}, 1)
	fmt.Println(ok)
	// Output:
	// 0.1307 true
	// 0.1000 true
	// false
}

func ExampleDescribe() {
	nan := 0.0
	nan /= nan // a replication in which the metric is undefined
	s := stats.Describe([]float64{1, 2, nan, 3, 4})
	fmt.Printf("n=%d mean=%.2f sd=%.3f 95%% CI [%.3f, %.3f]\n", s.N, s.Mean, s.SD, s.Lo95, s.Hi95)
	// Output:
	// n=4 mean=2.50 sd=1.291 95% CI [0.446, 4.554]
}
