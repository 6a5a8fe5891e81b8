package plots_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

// Draw the comparison figures of two results directories, the reference
// first, and render each as SVG.
func ExampleFigures() {
	// The directories would normally come from sibsim run --out; here two
	// short runs are written to a temporary directory.
	tmp, err := os.MkdirTemp("", "sibsim-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	var dirs []string
	for _, name := range []string{"ways-to-wellness", "block-grant"} {
		res, err := scenario.Loader{Shipped: scenarios.FS}.Load(name)
		if err != nil {
			log.Fatal(err)
		}
		b, err := sim.RunBatch(context.Background(), res.Scenario, sim.Options{Replications: 2, Seed: 1, Weeks: 30})
		if err != nil {
			log.Fatal(err)
		}
		dir := filepath.Join(tmp, name)
		if err := results.Write(context.Background(), dir, results.Run{Batch: b, Scenario: res}); err != nil {
			log.Fatal(err)
		}
		dirs = append(dirs, dir)
	}

	var runs []*results.RunData
	for _, dir := range dirs {
		d, err := results.ReadRun(dir)
		if err != nil {
			log.Fatal(err)
		}
		runs = append(runs, d)
	}
	figs, err := plots.Figures(runs)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range figs {
		svg, err := plots.Render(f, "svg")
		if err != nil {
			log.Fatal(err)
		}
		// In practice: os.WriteFile(filepath.Join(out, f.Name+".svg"), svg, 0o644)
		_ = svg
		fmt.Println(f.Name)
	}
	// Output:
	// care-share
	// hours-ways-to-wellness
	// hours-block-grant
	// referrals
	// disengagement-by-tier
	// star-gain-by-tier
	// money
	// distress
	// quits
	// vacancies
}
