package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/sim/scenario"
)

type validateOptions struct {
	files        []string
	output       outputFlags
	loadScenario func(ref string) (*scenario.Resolved, error)
}

func newValidateCommand(d *deps) *cobra.Command {
	opts := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check scenario files and report every problem",
		Long: `Load each scenario file as "sibsim run" would: resolve its extends chain,
decode it strictly (unknown or misspelt fields are errors) and check every
value. Prints "FILE: ok" for a valid file and every problem of an invalid
one, each as file:line:column: field: message, on stdout.

A valid file may get notes, one a line after "FILE: ok", each as
file:line:column: field: note: message. A note says that a list replaced
the whole list of the scenario it extends: lists whose items have a name
(providers, neighbourhoods, shocks, payers) merge item by item, matched by
name, but others (payment phases, tariffs) cannot.

Exits with code 3 if any file is invalid or missing, 0 if all are valid. A
shipped scenario name is accepted in place of a file.`,
		Example: `  sibsim validate my-scenario.yaml
  sibsim validate scenarios/*.yaml`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: d.completeScenarios,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.files = args
			opts.loadScenario = d.loadScenario
			return classify(cmd.Context(), runValidate(cmd.Context(), opts, d.streams))
		},
	}
	addOutputFlags(cmd.Flags(), &opts.output)
	return cmd
}

func runValidate(ctx context.Context, opts *validateOptions, s streams) error {
	invalid := 0
	j := jsonValidate{Command: "validate", Format: jsonFormat, Files: []jsonValidated{}}
	for _, f := range opts.files {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := opts.loadScenario(f)
		var ee *exitError
		switch {
		case err == nil:
			v := jsonValidated{File: f, Valid: true, Scenario: optional(res.Scenario.Name), Problems: []jsonProblem{}, Notes: []jsonProblem{}}
			for _, n := range res.Notes {
				v.Notes = append(v.Notes, problemJSON(n))
			}
			j.Files = append(j.Files, v)
			if opts.output.text() {
				fmt.Fprintf(s.out, "%s: ok\n", f)
				for _, n := range res.Notes {
					n.Msg = "note: " + n.Msg
					fmt.Fprintln(s.out, n.Error())
				}
			}
		case errors.As(err, &ee) && ee.code == exitInvalid:
			invalid++
			v := jsonValidated{File: f, Problems: []jsonProblem{}, Notes: []jsonProblem{}}
			var se *scenario.Error
			if errors.As(err, &se) {
				for _, p := range se.Problems {
					v.Problems = append(v.Problems, problemJSON(p))
				}
			} else {
				v.Problems = append(v.Problems, jsonProblem{File: optional(f), Message: ee.Error()})
			}
			j.Files = append(j.Files, v)
			if opts.output.json {
				continue
			}
			if len(ee.detail) == 0 {
				fmt.Fprintln(s.out, ee.Error())
			}
			for _, line := range ee.detail {
				fmt.Fprintln(s.out, line)
			}
		default:
			return err
		}
	}
	j.Invalid = invalid
	if opts.output.json {
		if err := writeJSON(s.out, j); err != nil {
			return err
		}
	}
	if invalid > 0 {
		return &exitError{code: exitInvalid, err: fmt.Errorf("%d of %d scenario files invalid", invalid, len(opts.files))}
	}
	return nil
}
