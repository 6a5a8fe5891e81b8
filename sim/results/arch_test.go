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
