package calibrate_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

func ExampleSMC() {
	// Calibrate a rate to an observed count of 37 events (± 5), and a
	// share to a published range of 0.3 to 0.4.
	spec := calibrate.Spec{
		Parameters: []calibrate.Parameter{
			{Name: "rate", Prior: sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0, Max: 100}},
			{Name: "share", Prior: sensitivity.Dist{Kind: sensitivity.KindUniform, Min: 0, Max: 1}},
		},
		Targets: []calibrate.Target{
			{Name: "events", Observed: 37, Tolerance: 5, Weight: 1},
			{Name: "share", Range: true, Min: 0.3, Max: 0.4, Weight: 1},
		},
	}
	// The model: each proposal carries its own seed.
	simulate := func(_ context.Context, p calibrate.Proposal) ([]float64, error) {
		r := rand.New(rand.NewPCG(p.Seed, 0))
		return []float64{p.Values[0] + 3*r.NormFloat64(), p.Values[1]}, nil
	}
	s, err := calibrate.NewSMC(spec, calibrate.Config{Seed: 1, Particles: 400, Alpha: 0.5, MinAcceptRate: 0.05, Budget: 20000})
	if err != nil {
		fmt.Println(err)
		return
	}
	pop, why, err := s.Run(context.Background(), calibrate.Pointwise(simulate, 0), calibrate.RunOptions{
		OnPopulation: func(p *calibrate.Population) error {
			return nil // report p.Epsilon and p.AcceptRate, or save p as a checkpoint
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("stopped (%s) after %d simulations\n", why, pop.Total)
	for _, sm := range calibrate.Summarise(spec, pop) {
		fmt.Printf("%s: median %.2g, 90%% interval [%.2g, %.2g]\n", sm.Name, sm.Median, sm.Lower, sm.Upper)
	}
	// Output:
	// stopped (acceptance) after 4800 simulations
	// rate: median 36, 90% interval [32, 41]
	// share: median 0.34, 90% interval [0.3, 0.39]
}
