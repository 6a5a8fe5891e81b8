package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/sim/results"
)

type versionOptions struct {
	version string
	// revision describes the VCS revision the binary was built from; "" if
	// the build did not record one.
	revision string
}

func newVersionCommand(d *deps) *cobra.Command {
	opts := &versionOptions{}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the sibsim version",
		Long: `Print the sibsim version and the Go toolchain that built it, and on a
second line the VCS revision it was built from when the build recorded one.

The version is the main module's version when the build has one (a release
installed with "go install ...@version", or the pseudo-version the go
command gives a build from a repository), otherwise "devel", followed by
the VCS revision when the build recorded one (with "-dirty" for
uncommitted changes). It is fixed for a given binary and is recorded in
every run manifest. A binary installed from the module proxy records no
revision: the version names the release.`,
		Example: `  sibsim version`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.version, opts.revision = d.version, d.revision
			return classify(cmd.Context(), runVersion(cmd.Context(), opts, d.streams))
		},
	}
}

func runVersion(_ context.Context, opts *versionOptions, s streams) error {
	// The architecture as manifests record it (results.Arch), with its
	// level: a directory resumes and merges only with the same.
	_, err := fmt.Fprintf(s.out, "sibsim %s (%s %s/%s)\n", opts.version, runtime.Version(), runtime.GOOS, results.Arch())
	if err == nil && opts.revision != "" {
		_, err = fmt.Fprintf(s.out, "revision %s\n", opts.revision)
	}
	return err
}

// revision returns the VCS revision from the build information, or "".
func revision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return revisionFrom(info)
}

// revisionFrom is the full VCS revision, with " (modified)" when the
// working tree had uncommitted changes and ", committed TIME" when the
// build recorded the commit time; "" without a revision.
func revisionFrom(info *debug.BuildInfo) string {
	var rev, modified, at string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		case "vcs.time":
			at = s.Value
		}
	}
	if rev == "" {
		return ""
	}
	if modified == "true" {
		rev += " (modified)"
	}
	if at != "" {
		rev += ", committed " + at
	}
	return rev
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
