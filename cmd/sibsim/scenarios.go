package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/sim/scenario"
)

func newScenariosCommand(d *deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List and show scenarios",
		Long: `List the shipped scenarios or show a resolved scenario.

Shipped scenarios are built into the sibsim binary; run them by name, or
save one with "sibsim scenarios show NAME > my.yaml" and edit it (or write a
file that extends it: extends: NAME).`,
		Example: `  sibsim scenarios list
  sibsim scenarios show ways-to-wellness > my.yaml`,
		Args: cobra.ArbitraryArgs,
		RunE: helpOrUnknownCommand,
	}
	cmd.AddCommand(newScenariosListCommand(d), newScenariosShowCommand(d))
	return cmd
}

type scenariosListOptions struct {
	list func() ([]scenario.Info, error)
}

func newScenariosListCommand(d *deps) *cobra.Command {
	opts := &scenariosListOptions{}
	return &cobra.Command{
		Use:   "list",
		Short: "List the shipped scenarios",
		Long: `List the shipped scenarios, sorted by name, with their descriptions.
Any of the names can be given to "sibsim run" and "sibsim scenarios show".`,
		Example: `  sibsim scenarios list`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.list = d.loader.List
			return classify(cmd.Context(), runScenariosList(cmd.Context(), opts, d.streams))
		},
	}
}

func runScenariosList(_ context.Context, opts *scenariosListOptions, s streams) error {
	infos, err := opts.list()
	if err != nil {
		return fmt.Errorf("list shipped scenarios: %w", err)
	}
	tw := tabwriter.NewWriter(s.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDESCRIPTION")
	for _, info := range infos {
		fmt.Fprintf(tw, "%s\t%s\n", info.Name, strings.Join(strings.Fields(info.Description), " "))
	}
	return tw.Flush()
}

type scenariosShowOptions struct {
	ref          string
	explain      bool
	loadScenario func(ref string) (*scenario.Resolved, error)
}

func newScenariosShowCommand(d *deps) *cobra.Command {
	opts := &scenariosShowOptions{}
	cmd := &cobra.Command{
		Use:   "show NAME|FILE",
		Short: "Print a resolved scenario as YAML",
		Long: `Print a scenario as YAML after resolving its extends chain and checking
it: every parameter with its value, defaults included. The output is a
valid scenario file that reproduces the scenario (its SHA-256 is the hash
recorded in run manifests).

With --explain, every field has a comment above it with its meaning, unit,
range, default and source (from the model description, docs/ODD.md
appendix A), and a value that a file of the extends chain changed from
the base scenario says "set in FILE" on its line. The output is still a
valid scenario file for the same scenario, but its bytes, and so their
SHA-256, differ.`,
		Example: `  sibsim scenarios show ways-to-wellness
  sibsim scenarios show my-variant.yaml > resolved.yaml
  sibsim scenarios show my-variant.yaml --explain | less`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return d.completeScenarios(cmd, args, toComplete)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ref = args[0]
			opts.loadScenario = d.loadScenario
			return classify(cmd.Context(), runScenariosShow(cmd.Context(), opts, d.streams))
		},
	}
	cmd.Flags().BoolVar(&opts.explain, "explain", false, "comment every field with its meaning, unit, range, default and source, and mark values changed from the base scenario")
	return cmd
}

func runScenariosShow(_ context.Context, opts *scenariosShowOptions, s streams) error {
	r, err := opts.loadScenario(opts.ref)
	if err != nil {
		return err
	}
	out := r.YAML
	if opts.explain {
		if out, err = r.Explain(); err != nil {
			return err
		}
	}
	_, err = s.out.Write(out)
	return err
}
