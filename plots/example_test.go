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
	"github.com/sibsim/sibsim/sim/sensitivity"
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
	// care-share-by-provider
	// hours-ways-to-wellness
	// hours-block-grant
	// referrals
	// disengagement-by-tier
	// equity-gap
	// star-gain-by-tier
	// money
	// distress
	// quits
	// vacancies
}

// Draw the figures of a sweep's analysis: a metric's Sobol indices and its
// design-point means against each parameter, as sibsim analyze does.
func ExampleSensitivityFigures() {
	sw := plots.Sweep{
		Params: []string{"referrals.gp_engagement_mean", "workforce.quit_base_per_year"},
		Points: [][]float64{{0.2, 0.05}, {0.6, 0.05}, {0.2, 0.25}, {0.6, 0.25}},
	}
	metric := plots.SweepMetric{
		Name:  "care_share_last_year",
		Means: []float64{0.31, 0.42, 0.30, 0.40}, // one per design point
		Sobol: &sensitivity.SobolResult{
			S1: []sensitivity.Index{{Value: 0.82, Lo95: 0.7, Hi95: 0.95}, {Value: 0.05, Lo95: -0.02, Hi95: 0.12}},
			ST: []sensitivity.Index{{Value: 0.9, Lo95: 0.78, Hi95: 1.02}, {Value: 0.08, Lo95: 0.03, Hi95: 0.15}},
		},
	}
	figs, err := plots.SensitivityFigures(sw, []plots.SweepMetric{metric})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range figs {
		if _, err := plots.Render(f, "svg"); err != nil {
			log.Fatal(err)
		}
		fmt.Println(f.Name + ": " + f.Reading)
	}
	// Output:
	// sobol-care_share_last_year: By its total Sobol index, care_share_last_year is most sensitive to referrals.gp_engagement_mean (ST = 0.9000, first order S1 = 0.8200).
	// response-care_share_last_year: Over the 4 design points with care_share_last_year defined (of 4), its mean over replications goes from 0.3000 to 0.4200.
}
