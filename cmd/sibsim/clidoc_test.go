package main

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestCLIDocCoversCommands: docs/cli.md's synopsis names every command, and
// the document mentions every flag of every command, so that a command or
// flag added without its documentation fails here.
func TestCLIDocCoversCommands(t *testing.T) {
	data, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	_, rest, _ := strings.Cut(doc, "```\n")
	synopsis, _, _ := strings.Cut(rest, "```")
	var lines []string
	for _, l := range strings.Split(synopsis, "\n") {
		lines = append(lines, strings.TrimSpace(l)+" ")
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || c.Name() == "completion" {
				continue
			}
			path := sub.CommandPath() + " "
			found := false
			for _, l := range lines {
				found = found || strings.HasPrefix(l, path)
			}
			if !found {
				t.Errorf("docs/cli.md's synopsis has no line for %q", sub.CommandPath())
			}
			sub.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
				if f.Name != "help" && !strings.Contains(doc, "--"+f.Name) {
					t.Errorf("docs/cli.md does not mention %s --%s", sub.CommandPath(), f.Name)
				}
			})
			walk(sub)
		}
	}
	root := newRootCommand(&deps{loader: defaultLoader()})
	walk(root)
}
