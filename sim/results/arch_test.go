package results

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestArch(t *testing.T) {
	key := "GO" + strings.ToUpper(runtime.GOARCH)
	info := &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: key, Value: "v9"}}}
	if got, want := archFrom(info, true), runtime.GOARCH+" "+key+"=v9"; got != want {
		t.Errorf("archFrom with %s set = %q; want %q", key, got, want)
	}
	if got := archFrom(&debug.BuildInfo{}, true); got != runtime.GOARCH {
		t.Errorf("archFrom without a level = %q; want %q", got, runtime.GOARCH)
	}
	if got := archFrom(nil, false); got != runtime.GOARCH {
		t.Errorf("archFrom without build information = %q; want %q", got, runtime.GOARCH)
	}
	if got := Arch(); !strings.HasPrefix(got, runtime.GOARCH) {
		t.Errorf("Arch() = %q; want it to begin with %q", got, runtime.GOARCH)
	}
}

func TestDiffBuilds(t *testing.T) {
	a := Build{Version: "v1", GoVersion: "go1.26", Arch: "amd64 GOAMD64=v1"}
	if d, ok := DiffBuilds(a, a); ok {
		t.Errorf("DiffBuilds of one build = %+v; want none", d)
	}
	for _, tt := range []struct {
		b    Build
		want BuildDifference
	}{
		{Build{"v2", "go1.0", "arm64"}, BuildDifference{"sibsim version", "sibsim versions", "v1", "v2"}},
		{Build{"v1", "go1.0", "arm64"}, BuildDifference{"Go toolchain", "Go toolchains", "go1.26", "go1.0"}},
		{Build{"v1", "go1.26", ""}, BuildDifference{"architecture", "architectures", "amd64 GOAMD64=v1", "not recorded"}},
	} {
		if d, ok := DiffBuilds(a, tt.b); !ok || d != tt.want {
			t.Errorf("DiffBuilds(%+v, %+v) = %+v, %v; want %+v", a, tt.b, d, ok, tt.want)
		}
	}
}
