package main

import (
	"runtime/debug"
	"slices"
	"testing"
)

func TestRecordedCommand(t *testing.T) {
	tests := []struct {
		args, want []string
	}{
		{nil, []string{"sibsim"}},
		{[]string{"run", "--workers", "4", "x.yaml"}, []string{"sibsim", "run", "x.yaml"}},
		{[]string{"run", "--workers=4", "--seed", "3"}, []string{"sibsim", "run", "--seed", "3"}},
		{[]string{"run", "--", "--workers"}, []string{"sibsim", "run", "--", "--workers"}},
		{[]string{"run", "--workers"}, []string{"sibsim", "run"}},
	}
	for _, tt := range tests {
		if got := recordedCommand(tt.args); !slices.Equal(got, tt.want) {
			t.Errorf("recordedCommand(%q) = %q; want %q", tt.args, got, tt.want)
		}
	}
}

func TestVersionFrom(t *testing.T) {
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"released", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{"devel without vcs", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{"empty", debug.BuildInfo{}, "devel"},
		{"devel with vcs", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}}, "devel-0123456789ab"},
		{"dirty", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}}, "devel-abc-dirty"},
	}
	for _, tt := range tests {
		if got := versionFrom(&tt.info); got != tt.want {
			t.Errorf("versionFrom(%s) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestRevisionFrom(t *testing.T) {
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"none", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, ""},
		{"clean", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"},
			{Key: "vcs.time", Value: "2025-01-02T03:04:05Z"}}}, "0123456789abcdef0123, committed 2025-01-02T03:04:05Z"},
		{"modified", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}}, "abc (modified)"},
	}
	for _, tt := range tests {
		if got := revisionFrom(&tt.info); got != tt.want {
			t.Errorf("revisionFrom(%s) = %q; want %q", tt.name, got, tt.want)
		}
	}
}
