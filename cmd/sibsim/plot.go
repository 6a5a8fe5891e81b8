package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	runs, err := readRuns(opts.dirs)
	if err != nil {
		return err
	}
	a, err := analyse(runs)
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

// readRuns reads the runs named on the command line: run directories, and
// compare outputs, which stand for their scenario directories in
// comparison order. Missing or unreadable directories are invalid input
// (exit 3).
func readRuns(args []string) ([]*results.RunData, error) {
	var dirs, want []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, invalidInput(fmt.Errorf("%s: no such directory", arg))
		case err != nil:
			return nil, invalidInput(err)
		case !info.IsDir():
			return nil, invalidInput(fmt.Errorf("%s is not a directory", arg))
		}
		name := filepath.Join(arg, compare.File)
		f, err := os.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			if _, err := os.Stat(filepath.Join(arg, results.ManifestFile)); errors.Is(err, fs.ErrNotExist) {
				return nil, invalidInput(fmt.Errorf("%s is neither a run directory (no %s) nor a compare output (no %s)",
					arg, results.ManifestFile, compare.File))
			}
			dirs, want = append(dirs, arg), append(want, "")
			continue
		}
		if err != nil {
			return nil, invalidInput(err)
		}
		names, err := compare.ReadScenarioNames(f)
		f.Close()
		if err != nil {
			return nil, invalidInput(fmt.Errorf("%s: %w", name, err))
		}
		for _, n := range names {
			dirs, want = append(dirs, filepath.Join(arg, scenarioDir(n))), append(want, n)
		}
	}
	runs, err := results.ReadRuns(dirs)
	if err != nil {
		return nil, invalidInput(err)
	}
	for i, d := range runs {
		if want[i] != "" && d.Manifest.Scenario != want[i] {
			return nil, invalidInput(fmt.Errorf("%s holds scenario %s; %s lists %s", d.Dir, d.Manifest.Scenario,
				compare.File, want[i]))
		}
	}
	return runs, nil
}

func invalidInput(err error) error { return &exitError{code: exitInvalid, err: err} }
