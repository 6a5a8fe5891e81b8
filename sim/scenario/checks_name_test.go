package scenario

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sibsim/sibsim/scenarios"
)

// TestCheckName: names that look like another name in a table, or that a
// spreadsheet would run as a formula when it opens comparison.csv, are
// refused; ordinary names, inner spaces and dashes included, pass.
func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"ways-to-wellness", ""},
		{"JavaScript: notes", ""},
		{"block grant (2024)", ""},
		{"figures ", "must not begin or end with spaces"},
		{" figures", "must not begin or end with spaces"},
		{"=cmd|' /C calc'!A0", `must not begin with '='`},
		{"+1", `must not begin with '+'`},
		{"-sum", `must not begin with '-'`},
		{"@SUM(A1)", `must not begin with '@'`},
	} {
		err := CheckName(tc.in)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckName(%q) = %v; want nil", tc.in, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckName(%q) = %v; want an error containing %q", tc.in, err, tc.want)
		}
	}
}

// TestScenarioNamesChecked: the name check applies to the scenario's name
// through the loader, with the field's position.
func TestScenarioNamesChecked(t *testing.T) {
	l := Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"x.yaml": {Data: []byte("extends: ways-to-wellness\nname: \"=1+1\"\n")}}}
	_, err := l.Load("x.yaml")
	if err == nil || !strings.Contains(err.Error(), "x.yaml:2:7: name: must not begin with '='") {
		t.Errorf("Load(name: =1+1) = %v; want the name refused at x.yaml:2:7", err)
	}
}
