package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/sim/scenario"
)

type schemaOptions struct {
	// defaults loads the default scenario, whose values are the schema's
	// defaults.
	defaults func() (*scenario.Scenario, error)
}

func newSchemaCommand(d *deps) *cobra.Command {
	opts := &schemaOptions{}
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of scenario files",
		Long: `Print a JSON Schema (draft 2020-12) of scenario files on stdout.

Editors with YAML language support use it to complete field names, show
each field's meaning, unit, range, default and source, and flag unknown
fields, wrong types and values out of range as you type. The shipped
scenarios name the copy in the repository (docs/scenario.schema.json) in
their first line; put the same comment at the top of your own files,
with the path or URL of the schema:

  # yaml-language-server: $schema=scenario.schema.json

In a file without extends every field is required; in a file that extends
another, only what replaces the parent's value whole. The schema checks
each field on its own: "sibsim validate" also checks rules across fields
(shares summing to 1, scale limits) and the scenario extended.`,
		Example: `  sibsim schema > scenario.schema.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.defaults = func() (*scenario.Scenario, error) { return scenario.Default(d.loader.Shipped) }
			return classify(cmd.Context(), runSchema(cmd.Context(), opts, d.streams))
		},
	}
}

func runSchema(_ context.Context, opts *schemaOptions, s streams) error {
	def, err := opts.defaults()
	if err != nil {
		return fmt.Errorf("default scenario: %w", err)
	}
	b, err := scenario.JSONSchema(def)
	if err != nil {
		return err
	}
	_, err = s.out.Write(b)
	return err
}
