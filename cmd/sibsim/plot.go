package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/plots"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
)

type plotOptions struct {
	dirs   []string
	out    string
	format string
}

func newPlotCommand(d *deps) *cobra.Command {
	opts := &plotOptions{}
	cmd := &cobra.Command{
		Use:   "plot DIR...",
		Short: "Draw the figures of saved runs without simulating",
		Long: `Draw the figures of one or more saved runs, without simulating, into FIGDIR
as NAME.FORMAT.

Each DIR is a run directory (written by "sibsim run --out") or a compare
output (written by "sibsim compare --out"), which stands for its scenarios
in their comparison order. The first scenario is the reference. Runs must
share their seed and replications, so that they can be compared replication
by replication; each scenario may appear once. The figures are the ones
"sibsim compare --out" writes, byte for byte.

FIGDIR must be new, empty, or hold only figure files (.svg, .png, .pdf),
which are replaced. The figures are written to a temporary directory and
moved into place only when all are complete.`,
		Example: `  sibsim plot results/cmp
  sibsim plot results/sib results/block --out figures --format png`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dirs = args
			return classify(cmd.Context(), runPlot(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "figures", "write the figures into this directory")
	f.StringVar(&opts.format, "format", "svg", "figure format: svg, png or pdf")
	return cmd
}

func runPlot(ctx context.Context, opts *plotOptions, s streams) error {
	if err := checkFormat(opts.format); err != nil {
		return err
	}
	if _, err := plots.CheckDir(opts.out); err != nil {
		return outDirError(err)
	}
	runs, scales, err := readRuns(ctx, opts.dirs)
	if err != nil {
		return err
	}
	a, err := analyse(runs, scales)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return errInterrupted
	}
	stage, err := results.NewStage(opts.out, plots.CheckDir)
	if err != nil {
		return outDirError(err)
	}
	defer stage.Cleanup()
	if err := plots.WriteFiles(ctx, stage.Tmp, a.figures, opts.format); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return errInterrupted
	}
	if err := stage.Commit(); err != nil {
		return fmt.Errorf("move figures into place: %w", err)
	}
	for _, f := range a.figures {
		fmt.Fprintln(s.out, filepath.Join(opts.out, f.Name+"."+opts.format))
	}
	return nil
}

// readRuns reads the runs named on the command line, and how each was
// rescaled for an equal-cost comparison (compare.ReadOutputContext): any
// problem is invalid input (exit 3), unless ctx was cancelled.
func readRuns(ctx context.Context, args []string) ([]*results.RunData, []compare.Scale, error) {
	runs, scales, err := compare.ReadOutputContext(ctx, args)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, errInterrupted
		}
		return nil, nil, invalidInput(err)
	}
	return runs, scales, nil
}

func invalidInput(err error) error { return &exitError{code: exitInvalid, err: err} }
