package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/sim/discover"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/sweep"
)

type discoverOptions struct {
	dir          string
	metric       string
	above, below float64
	hasAbove     bool
	hasBelow     bool
	diff         string
	scenario     string
	method       string
	alpha        float64
	minMass      float64
	boxes        int
	pick         int
	rule         string
	minCoverage  float64
	noPaste      bool
	maxDepth     int
	minLeaf      int
	out          string
	format       string
}

func newDiscoverCommand(d *deps) *cobra.Command {
	opts := &discoverOptions{}
	cmd := &cobra.Command{
		Use:   "discover DIR --metric M (--above T | --below T)",
		Short: "Find where in a sweep's uncertainty space an outcome happens (PRIM or CART)",
		Long: `Scenario discovery on a finished sweep: DIR is a directory written by
"sibsim sweep". It finds the regions of the space of the sweep's
parameters where an outcome of interest happens, as boxes: limits on a few
parameters.

A case is a design point. Its value is the mean over replications of
--metric at that point (under --scenario, in a sweep over several
policies) or, with --diff A,B, the paired difference A − B at that point:
the mean over replications of each replication's difference, under common
random numbers. Cases where the value is undefined are left out; a case is
of interest where its value is above --above T or below --below T
(strictly).

  prim  (default) the Patient Rule Induction Method: peels a box a share
        --alpha of the cases at a time, selects a box on the peeling
        trajectory (--rule wracc: the knee of coverage against density;
        --rule density: the densest box with coverage >= --min-coverage;
        --pick K: box K of the trajectory), pastes it back out, and with
        --boxes N repeats on the cases left (covering).
  cart  a classification tree (--max-depth, --min-leaf); its leaves where
        most cases are of interest.

Each box has its coverage (share of the cases of interest inside it),
density (share of its cases that are of interest), mass (share of all
cases inside it) and, per restricted parameter, a quasi-p-value.

Written into --out (default DIR/discover): boxes.csv (box, dimension,
restricted, lower, upper, coverage, density, mass, points, of_interest,
quasi_p), cases.csv (each point's parameters, value and whether it is of
interest), trajectory.csv (PRIM's peeling trajectories) and figures:
tradeoff-OUTCOME (PRIM: coverage against density along the first
trajectory) and box-limits-OUTCOME. The output directory must be new,
empty or a previous discovery, which is replaced; it appears complete or
not at all.`,
		Example: `  # Where does the SIB keep less care than the block grant, by more than 0.1?
  sibsim discover out/policies --metric care_share_last_year \
      --diff ways-to-wellness,block-grant --below -0.1

  # Where does the blended contract lose more than 40% of complex clients? (CART)
  sibsim discover out/policies --metric disengaged_share_complex \
      --scenario blended --above 0.4 --method cart`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dir = args[0]
			opts.hasAbove = cmd.Flags().Changed("above")
			opts.hasBelow = cmd.Flags().Changed("below")
			return classify(cmd.Context(), runDiscover(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.metric, "metric", "", "the metric that decides the outcome (required)")
	floatFlag(f, &opts.above, "above", 0, "a case is of interest where its value is above this")
	floatFlag(f, &opts.below, "below", 0, "a case is of interest where its value is below this")
	f.StringVar(&opts.diff, "diff", "", "A,B: use the paired difference A − B between two policies")
	f.StringVar(&opts.scenario, "scenario", "", "the policy whose values are used, in a sweep over several")
	f.StringVar(&opts.method, "method", sweep.MethodPRIM, "prim or cart")
	floatFlag(f, &opts.alpha, "alpha", 0.05, "PRIM: share of the cases peeled at each step, in (0, 0.5)")
	floatFlag(f, &opts.minMass, "min-mass", 0.05, "PRIM: smallest share of all cases a box may hold, in (0, 1]")
	intFlag(f, &opts.boxes, "boxes", 1, "PRIM: the most boxes to find (covering)")
	intFlag(f, &opts.pick, "pick", 0, "PRIM: take box K of the first peeling trajectory instead of --rule's")
	f.StringVar(&opts.rule, "rule", "wracc", "PRIM: how a box is selected: wracc or density")
	floatFlag(f, &opts.minCoverage, "min-coverage", 0.5, "PRIM with --rule density: the least coverage, in [0, 1]")
	f.BoolVar(&opts.noPaste, "no-paste", false, "PRIM: do not paste the selected box")
	intFlag(f, &opts.maxDepth, "max-depth", 5, "CART: the most splits from the root to a leaf")
	intFlag(f, &opts.minLeaf, "min-leaf", 0, "CART: the fewest cases in a leaf (0: 1% of the cases, at least 5)")
	f.StringVar(&opts.out, "out", "", "write into this directory (default DIR/"+sweep.DiscoverDir+")")
	f.StringVar(&opts.format, "format", "svg", "figure format: "+strings.Join(plots.Formats(), ", "))
	return cmd
}

// query checks the flags and returns the discovery they ask for.
func (o *discoverOptions) query() (sweep.DiscoverQuery, error) {
	q := sweep.DiscoverQuery{Metric: strings.TrimSpace(o.metric), Method: o.method, Policy: o.scenario}
	switch {
	case o.dir == "":
		return q, usageErrorf("empty sweep directory")
	case q.Metric == "":
		return q, usageErrorf("--metric is required: the metric that decides the outcome")
	case o.hasAbove == o.hasBelow:
		return q, usageErrorf("give exactly one of --above T and --below T")
	case o.method != sweep.MethodPRIM && o.method != sweep.MethodCART:
		return q, usageErrorf("--method must be prim or cart (got %q)", o.method)
	case o.diff != "" && o.scenario != "":
		return q, usageErrorf("give --diff A,B or --scenario S, not both")
	case o.boxes < 1:
		return q, usageErrorf("--boxes must be >= 1 (got %d)", o.boxes)
	case o.maxDepth < 1:
		return q, usageErrorf("--max-depth must be >= 1 (got %d)", o.maxDepth)
	case o.minLeaf < 0:
		return q, usageErrorf("--min-leaf must be >= 0 (got %d)", o.minLeaf)
	case !(o.alpha > 0 && o.alpha < 0.5):
		return q, usageErrorf("--alpha must be in (0, 0.5) (got %v)", o.alpha)
	case !(o.minMass > 0 && o.minMass <= 1):
		return q, usageErrorf("--min-mass must be in (0, 1] (got %v)", o.minMass)
	case !(o.minCoverage >= 0 && o.minCoverage <= 1):
		return q, usageErrorf("--min-coverage must be in [0, 1] (got %v)", o.minCoverage)
	case o.pick < 0:
		return q, usageErrorf("--pick must be >= 0 (got %d)", o.pick)
	}
	q.Threshold, q.Above = o.below, false
	if o.hasAbove {
		q.Threshold, q.Above = o.above, true
	}
	if math.IsNaN(q.Threshold) || math.IsInf(q.Threshold, 0) {
		return q, usageErrorf("the threshold must be a finite number (got %v)", q.Threshold)
	}
	if o.diff != "" {
		a, b, ok := strings.Cut(o.diff, ",")
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		if !ok || a == "" || b == "" || strings.Contains(b, ",") {
			return q, usageErrorf("--diff must be two policies A,B (got %q)", o.diff)
		}
		if a == b {
			return q, usageErrorf("--diff: the difference of %s with itself is 0 everywhere; give two different policies", a)
		}
		q.DiffA, q.DiffB = a, b
	}
	rule := discover.RuleWRAcc
	switch o.rule {
	case "wracc":
	case "density":
		rule = discover.RuleDensity
	default:
		return q, usageErrorf("--rule must be wracc or density (got %q)", o.rule)
	}
	q.PRIM = discover.Options{Alpha: o.alpha, MinMass: o.minMass, Rule: rule, Pick: o.pick,
		MinCoverage: o.minCoverage, NoPaste: o.noPaste, MaxBoxes: o.boxes}
	q.CART = discover.TreeOptions{MaxDepth: o.maxDepth, MinLeaf: o.minLeaf}
	return q, checkFormat(o.format)
}

func runDiscover(ctx context.Context, opts *discoverOptions, s streams) error {
	q, err := opts.query()
	if err != nil {
		return err
	}
	metrics := []string{q.Metric}
	res, err := sweep.ReadResults(ctx, opts.dir, metrics)
	if err != nil {
		return analyzeError(ctx, err)
	}
	d, err := sweep.Discover(ctx, res, q)
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case errors.Is(err, sweep.ErrUnknownPolicy) && q.DiffA != "":
		return usageError(fmt.Errorf("--diff: %w", err))
	case errors.Is(err, sweep.ErrUnknownPolicy):
		return usageError(fmt.Errorf("--scenario: %w", err))
	case errors.Is(err, sweep.ErrDiscoverOptions):
		// A flag out of range for this sweep: --pick beyond the trajectory
		// found (the other options are checked by query).
		return usageError(err)
	case err != nil:
		return invalidInput(err)
	}

	out := opts.out
	if out == "" {
		out = filepath.Join(opts.dir, sweep.DiscoverDir)
	}
	check := func(dir string) (bool, error) { return sweep.CheckDiscoverDir(dir, plots.IsFigureFile) }
	if err := writeStagedDir(ctx, out, check, "discovery", d.WriteFiles, func() ([]plots.Figure, error) { return discoveryFigures(d) }, opts.format); err != nil {
		return err
	}
	writeDiscovery(s.out, d)
	fmt.Fprintf(s.out, "\nDiscovery written to %s\n", out)
	return nil
}

// discoveryFigures draws PRIM's first trade-off and the limits of the
// boxes, leaving out a figure with nothing to draw.
func discoveryFigures(d *sweep.Discovery) ([]plots.Figure, error) {
	var figs []plots.Figure
	add := func(f plots.Figure, err error) error {
		if errors.Is(err, plots.ErrNothingToDraw) {
			return nil
		}
		if err == nil {
			figs = append(figs, f)
		}
		return err
	}
	if len(d.PRIM) > 0 {
		if err := add(plots.TradeoffFigure(d.Outcome, d.Space, d.PRIM[0].Trajectory, d.PRIM[0].Selected)); err != nil {
			return nil, err
		}
	}
	if len(d.Boxes) > 0 {
		if err := add(plots.BoxLimitsFigure(d.Outcome, d.Space, d.Boxes)); err != nil {
			return nil, err
		}
	}
	return figs, nil
}

// writeDiscovery prints the cases and the boxes found.
func writeDiscovery(w io.Writer, d *sweep.Discovery) {
	cases, interest := d.OfInterest()
	method := "PRIM"
	if d.Query.Method == sweep.MethodCART {
		method = "CART"
	}
	fmt.Fprintf(w, "Where %s: %d of %d design points (%s)", d.Outcome, interest, cases, percent(float64(interest)/float64(cases)))
	if left := len(d.Values) - cases; left > 0 {
		fmt.Fprintf(w, "; %d points left out, the value undefined", left)
	}
	fmt.Fprintln(w)
	if len(d.Boxes) == 0 {
		switch {
		case interest == 0:
			fmt.Fprintf(w, "%s: no box: no case is of interest\n", method)
		case method == "CART":
			fmt.Fprintln(w, "CART: no leaf where most cases are of interest")
		default:
			fmt.Fprintln(w, "PRIM: no box denser than the whole space")
		}
		return
	}
	for i, b := range d.Boxes {
		fmt.Fprintf(w, "\n%s box %d: coverage %s, density %s, mass %s (%d points, %d of interest)\n", method, i+1,
			results.Human(b.Coverage), results.Human(b.Density), results.Human(b.Mass), b.N, b.K)
		rows := [][]string{{"parameter", "lower", "upper", "range", "quasi-p"}}
		for _, j := range d.Space.Restricted(b) {
			p := results.NA
			if b.QuasiP != nil {
				p = results.Human(b.QuasiP[j])
			}
			rows = append(rows, []string{d.Space.Names[j], results.Human(b.Lo[j]), results.Human(b.Hi[j]),
				results.Human(d.Space.Min[j]) + " to " + results.Human(d.Space.Max[j]), p})
		}
		if len(rows) == 1 {
			fmt.Fprintln(w, "  restricts no parameter")
			continue
		}
		writeTable(w, rows, []bool{true, false, false, false, false})
	}
}
