package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

type versionOptions struct {
	version string
}

func newVersionCommand(d *deps) *cobra.Command {
	opts := &versionOptions{}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the sibsim version",
		Long: `Print the sibsim version and the Go toolchain that built it.

The version is the main module's version when sibsim was installed with
"go install ...@version", otherwise "devel", followed by the VCS revision
when the build recorded one (with "-dirty" for uncommitted changes). It is
fixed for a given binary and is recorded in every run manifest.`,
		Example: `  sibsim version`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.version = d.version
			return classify(cmd.Context(), runVersion(cmd.Context(), opts, d.streams))
		},
	}
}

func runVersion(_ context.Context, opts *versionOptions, s streams) error {
	_, err := fmt.Fprintf(s.out, "sibsim %s (%s %s/%s)\n", opts.version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

// version returns the sibsim version from the build information.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionFrom(info)
}

func versionFrom(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "devel-" + rev
	if modified == "true" {
		v += "-dirty"
	}
	return v
}
