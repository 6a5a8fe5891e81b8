package sweep_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sweep"
)

func ExampleLoader_Load() {
	shipped, _ := fs.Sub(scenarios.Sweeps, "sweeps")
	l := sweep.Loader{Scenarios: scenario.Loader{Shipped: scenarios.FS}, Shipped: shipped}
	p, err := l.Load("assessment-tariff")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Points, "points,", p.Runs, "runs,", p.Chunks, "chunks of", p.ChunkSize)
	fmt.Println(p.PointsHeader())
	fmt.Println(p.Values(5))
	// Output:
	// 9 points, 18 runs, 18 chunks of 1
	// [point contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[*] referrals.gp_engagement_mean]
	// [1 0.6]
}

func ExampleRun() {
	e, err := sweep.Parse("short.yaml", []byte(`
name: short
base: ways-to-wellness
replications: 2
weeks: 8
metrics: [referrals_total, engaged_share]
design: {kind: grid, levels: 2}
parameters:
  - path: referrals.gp_engagement_mean
    uniform: [0.3, 0.5]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	base, err := scenario.Loader{Shipped: scenarios.FS}.Load(e.Base)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := sweep.NewPlan(e, base)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "sweep-example-")
	defer os.RemoveAll(dir)
	if _, err := sweep.Run(context.Background(), p, filepath.Join(dir, "out"), sweep.Options{Workers: 2}); err != nil {
		fmt.Println(err)
		return
	}
	points, _ := os.ReadFile(filepath.Join(dir, "out", sweep.PointsFile))
	runs, _ := os.ReadFile(filepath.Join(dir, "out", sweep.RunsFile))
	fmt.Print(string(points))
	header, _, _ := strings.Cut(string(runs), "\n")
	fmt.Println(header, strings.Count(string(runs), "\n")-1, "rows")
	// Output:
	// point,referrals.gp_engagement_mean
	// 0,0.3
	// 1,0.5
	// point,replication,referrals_total,engaged_share 4 rows
}
