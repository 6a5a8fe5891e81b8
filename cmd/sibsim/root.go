package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/scenario"
)

// Exit codes: a documented contract (docs/cli.md and the root help).
const (
	exitOK          = 0   // success
	exitRuntime     = 1   // runtime or internal error
	exitUsage       = 2   // bad flags or arguments
	exitInvalid     = 3   // invalid input: scenario problems, missing file, unknown name
	exitInterrupted = 130 // interrupted (SIGINT or SIGTERM)
)

const exitCodesHelp = `Exit codes:
  0    success
  1    runtime or internal error
  2    usage error: unknown command or flag, bad flag value or argument count
  3    invalid input: scenario problems, missing scenario file, unknown
       shipped scenario name
  130  interrupted (Ctrl-C or SIGTERM); nothing is written`

// streams are where commands write: stdout for results, stderr for errors
// and progress.
type streams struct {
	out, err io.Writer
	// errTTY reports whether err is a terminal; progress is shown only then.
	errTTY bool
	// now is the clock of progress lines (time.Now when nil); tests set it.
	now func() time.Time
}

func systemStreams() streams {
	return streams{out: os.Stdout, err: os.Stderr, errTTY: isTerminal(os.Stderr)}
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// deps is what commands take from outside: streams, the scenario loader,
// the command line and the version. Tests build their own.
type deps struct {
	streams streams
	loader  scenario.Loader
	// args are the command-line arguments after the program name.
	args    []string
	version string
	// revision is the VCS revision "sibsim version" reports ("" if none).
	revision string
}

func defaultLoader() scenario.Loader {
	return scenario.Loader{Shipped: scenarios.FS, Files: scenario.OSFiles()}
}

// execute runs the command line args (without the program name) and
// returns the exit code, after printing any error to s.err.
func execute(ctx context.Context, args []string, s streams) int {
	d := &deps{streams: s, loader: defaultLoader(), args: args, version: version(), revision: revision()}
	return d.execute(ctx)
}

func (d *deps) execute(ctx context.Context) (code int) {
	// A panic is a bug, never a usage error: without this the Go runtime
	// would print a stack trace and exit 2, the usage-error code. Panics in
	// model runs come back as *sim.InternalError through classify; this
	// catches the rest of the command's own goroutine.
	defer func() {
		if v := recover(); v != nil {
			code = report(d.streams.err, nil, &exitError{code: exitRuntime, err: fmt.Errorf("internal error: %v", v)})
		}
	}()
	// Results on stdout are part of what a command produces: a failed
	// write (a full disk, a closed descriptor) makes it fail with exit 1,
	// whichever command wrote and whether or not it checked the write.
	out := &stickyWriter{w: d.streams.out}
	d.streams.out = out
	root := newRootCommand(d)
	root.SetArgs(d.args)
	cmd, err := root.ExecuteContextC(ctx)
	if out.err != nil && (err == nil || errors.Is(err, out.err)) {
		err = &exitError{code: exitRuntime, err: fmt.Errorf("write results to stdout: %w", out.err)}
	}
	if err == nil {
		return exitOK
	}
	return report(d.streams.err, cmd, err)
}

// stickyWriter passes writes to w until one fails, and keeps that error:
// later writes return it without writing, so that no output follows a gap.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	s.err = err
	return n, err
}

func newRootCommand(d *deps) *cobra.Command {
	root := &cobra.Command{
		Use:   "sibsim",
		Short: "Simulate social impact bonds that fund link-worker social prescribing",
		Long: `sibsim is an agent-based simulator of social impact bonds (SIBs) that fund
link-worker social prescribing. It runs seeded replications of a scenario
(a YAML file, or a shipped scenario by name), prints a summary of outcome
metrics with 95% intervals, and can write tidy CSV results with a JSON
manifest for later reporting and plotting.

Results are deterministic: the same scenario, seed, replications and weeks
give identical output on any number of workers.

` + exitCodesHelp,
		Example: `  sibsim run
  sibsim run ways-to-wellness --replications 50 --seed 7 --out results/wtw
  sibsim validate my-scenario.yaml
  sibsim scenarios list`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(d.streams.out)
	root.SetErr(d.streams.err)
	// "sibsim completion bash|zsh|fish|powershell" prints a shell
	// completion script; scenario arguments complete shipped names.
	root.CompletionOptions.HiddenDefaultCmd = false
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageError(err)
	})
	// An empty output path is never what was meant: refuse it for every
	// command, before anything runs.
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if cmd.Name() == "help" && cmd.Parent() == root {
			return checkHelpTopic(root, args)
		}
		for _, name := range []string{"out", "out-dir"} {
			if f := cmd.Flags().Lookup(name); f != nil && f.Changed && f.Value.String() == "" {
				return usageErrorf("--%s must not be empty", name)
			}
		}
		return nil
	}
	root.AddCommand(
		newRunCommand(d),
		newCompareCommand(d),
		newPlotCommand(d),
		newReportCommand(d),
		newValidateCommand(d),
		newScenariosCommand(d),
		newSchemaCommand(d),
		newVersionCommand(d),
		newSweepCommand(d),
		newAnalyzeCommand(d),
		newCalibrateCommand(d),
		newDiscoverCommand(d),
		newServeCommand(d),
	)
	// cobra adds "completion" when it runs; add it now to make a
	// mistyped shell a usage error, as for "scenarios".
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Args = cobra.ArbitraryArgs
			c.RunE = helpOrUnknownCommand
		}
	}
	return root
}

// helpOrUnknownCommand is the RunE of a command that only groups
// subcommands: without arguments it prints its help; an argument is a
// mistyped subcommand, a usage error (cobra checks unknown subcommands only
// under the root, and would print help and exit 0).
func helpOrUnknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return cmd.Help()
}

// checkHelpTopic refuses "sibsim help TOPIC..." when the topic names no
// command: cobra's help command prints "Unknown help topic" and exits 0.
func checkHelpTopic(root *cobra.Command, args []string) error {
	c, rest, err := root.Find(args)
	switch {
	case err != nil:
		return usageError(err)
	case len(rest) > 0:
		return usageErrorf("unknown command %q for %q", rest[0], c.CommandPath())
	}
	return nil
}

// completeScenarios completes a scenario argument with the names of the
// shipped scenarios that start with what was typed, and with files.
func (d *deps) completeScenarios(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, n := range scenario.YAMLNames(d.loader.Shipped) {
		if strings.HasPrefix(n, toComplete) {
			out = append(out, n)
		}
	}
	return out, cobra.ShellCompDirectiveDefault
}

// exitError carries an exit code and the message to print. Errors that
// cobra returns without one (unknown command, bad arguments) are usage
// errors; errors from a command's RunE are classified by classify.
type exitError struct {
	code int
	// msg is printed after "sibsim: "; err.Error() when empty.
	msg string
	// detail lines are printed after msg, one per line (scenario problems).
	detail []string
	err    error
}

func (e *exitError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

func usageErrorf(format string, args ...any) error {
	return usageError(fmt.Errorf(format, args...))
}

var errInterrupted = &exitError{code: exitInterrupted, msg: "interrupted", err: context.Canceled}

// scenarioError classifies an error from scenario.Loader.Load of ref:
// problems in the scenario, a missing file or an unknown shipped name are
// invalid input; anything else is a runtime error.
func scenarioError(ref string, err error) error {
	var se *scenario.Error
	switch {
	case errors.As(err, &se):
		detail := make([]string, len(se.Problems))
		for i, p := range se.Problems {
			detail[i] = p.Error()
		}
		n := "1 problem"
		if len(se.Problems) != 1 {
			n = fmt.Sprintf("%d problems", len(se.Problems))
		}
		return &exitError{code: exitInvalid, msg: fmt.Sprintf("invalid scenario %s (%s)", ref, n), detail: detail, err: err}
	case errors.Is(err, fs.ErrNotExist):
		return &exitError{code: exitInvalid, err: err}
	}
	return fmt.Errorf("load scenario %s: %w", ref, err)
}

// loadScenario loads ref, classifying errors with scenarioError.
func (d *deps) loadScenario(ref string) (*scenario.Resolved, error) {
	r, err := d.loader.Load(ref)
	if err != nil {
		return nil, scenarioError(ref, err)
	}
	if r == nil || r.Scenario == nil {
		return nil, fmt.Errorf("load scenario %s: loader returned no scenario", ref)
	}
	return r, nil
}

// classify gives err from a command's run function an exit code: errors
// that carry one keep it, errors after ctx was cancelled mean interrupted
// (130), anything else is a runtime error (1).
func classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return err
	case ctx.Err() != nil:
		return errInterrupted
	}
	return &exitError{code: exitRuntime, err: err}
}

// exitCode maps an error from the command tree to an exit code.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// cobra's own errors: unknown command, wrong number of arguments.
	return exitUsage
}

// report prints err to w as "sibsim: message", with detail lines and a
// usage hint for usage errors, and returns the exit code.
func report(w io.Writer, cmd *cobra.Command, err error) int {
	code := exitCode(err)
	msg := err.Error()
	var ee *exitError
	var detail []string
	if errors.As(err, &ee) {
		msg, detail = ee.Error(), ee.detail
	}
	fmt.Fprintf(w, "sibsim: %s\n", strings.TrimRight(msg, "\n"))
	for _, line := range detail {
		fmt.Fprintln(w, line)
	}
	if code == exitUsage {
		path := "sibsim"
		if cmd != nil && cmd.Name() != "help" { // "sibsim help --help" helps nobody
			path = cmd.CommandPath()
		}
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", path)
	}
	return code
}
