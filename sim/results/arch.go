package results

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Arch names the CPU architecture the running sibsim was built for, with
// its instruction-set level when the build records one: "amd64 GOAMD64=v1",
// "arm64 GOARM64=v8.0". Results are byte-identical only within one
// architecture and level, because some levels fuse multiply-adds (arm64,
// and amd64 at GOAMD64=v3 or above), which rounds differently; manifests
// record it, and sweep and calibration directories refuse to be resumed
// or merged across it. The operating system is left out: it does not
// change results.
func Arch() string { return archFrom(debug.ReadBuildInfo()) }

// archFrom is Arch for the build information info (ok false: none).
func archFrom(info *debug.BuildInfo, ok bool) string {
	arch := runtime.GOARCH
	if !ok {
		return arch
	}
	key := "GO" + strings.ToUpper(arch) // GOAMD64, GOARM64, GOARM, GO386, ...
	for _, s := range info.Settings {
		if s.Key == key {
			return arch + " " + key + "=" + s.Value
		}
	}
	return arch
}

// Build names what built a sibsim: its version, Go toolchain
// (runtime.Version()) and architecture (Arch). Results are byte-identical
// only within one build, so directories that a run continues (sweep
// shards, calibrations) are resumed and merged only by the build that
// started them.
type Build struct{ Version, GoVersion, Arch string }

// BuildDifference is the first field in which two builds differ: What
// names it in the singular ("Go toolchain"), Whats in the plural, and A
// and B are the two values, "not recorded" for an empty one (a directory
// written before sibsim recorded it).
type BuildDifference struct{ What, Whats, A, B string }

// DiffBuilds returns how builds a and b differ, comparing version, then
// toolchain, then architecture, and false when they agree.
func DiffBuilds(a, b Build) (BuildDifference, bool) {
	shown := func(v string) string {
		if v == "" {
			return "not recorded"
		}
		return v
	}
	for _, f := range []BuildDifference{
		{"sibsim version", "sibsim versions", a.Version, b.Version},
		{"Go toolchain", "Go toolchains", a.GoVersion, b.GoVersion},
		{"architecture", "architectures", a.Arch, b.Arch},
	} {
		if f.A != f.B {
			f.A, f.B = shown(f.A), shown(f.B)
			return f, true
		}
	}
	return BuildDifference{}, false
}
