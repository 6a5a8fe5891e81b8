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
