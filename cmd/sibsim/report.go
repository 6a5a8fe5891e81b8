package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	htmlreport "github.com/sibsim/sibsim/plots/report"
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
)

type reportOptions struct {
	dirs []string
	out  string
}

func newReportCommand(d *deps) *cobra.Command {
	opts := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report DIR...",
		Short: "Write an HTML report of saved runs without simulating",
		Long: `Write one self-contained HTML file comparing saved runs, without simulating:
what was compared and how (scenarios, descriptions, the parameters that
differ from the reference, replications, seed, sibsim version), the key
metrics with their 95% intervals and paired differences from the
reference, every figure with how to read it, and notes on the model's
assumptions. The file needs no network: figures are inline SVG and there
are no external styles, scripts or fonts.

Each DIR is a run directory (written by "sibsim run --out") or a compare
output (written by "sibsim compare --out"), which stands for its scenarios
in their comparison order. The first scenario is the reference. Runs must
share their seed and replications; each scenario may appear once. From a
compare output, the report is the one "sibsim compare --out" wrote, byte
for byte.

FILE may exist only as an earlier sibsim report, which is replaced. It is
written to a temporary file and renamed into place when complete.`,
		Example: `  sibsim report results/cmp --out cmp.html
  sibsim report results/sib results/block`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.dirs = args
			return classify(cmd.Context(), runReport(cmd.Context(), opts, d.streams))
		},
	}
	cmd.Flags().StringVar(&opts.out, "out", compare.ReportFile, "write the report to this file")
	return cmd
}

func runReport(ctx context.Context, opts *reportOptions, s streams) error {
	if err := htmlreport.CheckFile(opts.out); err != nil {
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
	var b bytes.Buffer
	if err := a.writeReport(&b); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return errInterrupted
	}
	// A symbolic link is kept: the report replaces the file it points to.
	out := opts.out
	if target, err := filepath.EvalSymlinks(out); err == nil {
		out = target
	}
	created, err := results.MkdirParents(filepath.Dir(out))
	if err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(out), err)
	}
	if err := results.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(b.Bytes()); return err }); err != nil {
		if created != "" {
			os.RemoveAll(created)
		}
		return fmt.Errorf("write %s: %w", opts.out, err)
	}
	fmt.Fprintln(s.out, opts.out)
	return nil
}
