package scenario

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sibsim/sibsim/scenarios"
)

// TestExplainLoadsToTheSameScenario checks that the comments change
// nothing: the explained YAML of every shipped scenario loads to the same
// resolved YAML.
func TestExplainLoadsToTheSameScenario(t *testing.T) {
	for _, name := range YAMLNames(scenarios.FS) {
		t.Run(name, func(t *testing.T) {
			r, err := Loader{Shipped: scenarios.FS}.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := r.Explain()
			if err != nil {
				t.Fatal(err)
			}
			if string(ex) == string(r.YAML) || !strings.Contains(string(ex), "# ") {
				t.Fatal("Explain() has no comments")
			}
			back, err := Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"x.yaml": {Data: ex}}}.Load("x.yaml")
			if err != nil {
				t.Fatalf("loading the explained YAML: %v", err)
			}
			if back.Hash != r.Hash {
				t.Errorf("explained YAML loads to hash %s; want %s", back.Hash, r.Hash)
			}
		})
	}
}

// commentAbove returns the comment lines just above the first line of out
// that starts (after indentation) with key, joined by spaces, and that
// line.
func commentAbove(t *testing.T, out, key string) (comment, line string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimLeft(l, " -"), key) {
			continue
		}
		var cs []string
		for j := i - 1; j >= 0; j-- {
			c := strings.TrimLeft(lines[j], " -")
			if !strings.HasPrefix(c, "# ") {
				break
			}
			cs = append([]string{strings.TrimPrefix(c, "# ")}, cs...)
		}
		return strings.Join(cs, " "), l
	}
	t.Fatalf("no line %q in\n%s", key, out)
	return "", ""
}

func TestExplain(t *testing.T) {
	const variant = "extends: ways-to-wellness\nname: v\npopulation: {practices: 20}\nproviders: [{name: coaching, link_workers: 5}]\n"
	l := Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"v.yaml": {Data: []byte(variant)}}}
	r, err := l.Load("v.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Explain()
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	tests := []struct {
		key, wantComment, wantLine string
	}{
		{"name:", "Short name of the scenario, shown in outputs and figures. Unit: text.", "name: v # set in v.yaml"},
		{"practices:", "Number of GP practices in the area. Unit: count. Range: 1 to 20000. Default: 17. Source: Moffatt et al. 2017 BMJ Open.",
			"  practices: 20 # set in v.yaml"},
		{"list_size_mean:", "Mean registered list size of a practice. Unit: persons. Range: 100 to 1000000. Default: 7,400.",
			"  list_size_mean: 7400"},
		{"refusal_prob:", "Probability that a referred person declines at once. Unit: probability. Range: 0 to 1.", "  refusal_prob: 0.21"},
		{"tariffs_gbp:", "Paid per completed Well-being Star reading by sequence number", "            tariffs_gbp: [150, 110, 75]"},
		{"payer_shares:", "Split of each outcome payment across payers by name", "      payer_shares:"},
	}
	for _, tc := range tests {
		c, line := commentAbove(t, out, tc.key)
		if !strings.HasPrefix(c, tc.wantComment) {
			t.Errorf("comment above %s = %q; want it to start %q", tc.key, c, tc.wantComment)
		}
		if line != tc.wantLine {
			t.Errorf("line of %s = %q; want %q", tc.key, line, tc.wantLine)
		}
	}
	// The second provider's posts were set by the variant, the first's not.
	if !strings.Contains(out, "link_workers: 11\n") || !strings.Contains(out, "link_workers: 5 # set in v.yaml\n") {
		t.Errorf("Explain() does not mark coaching's link_workers alone as set in v.yaml:\n%s", out)
	}
	if n := strings.Count(out, "# set in v.yaml"); n != 4 {
		t.Errorf("Explain() marks %d values as set in v.yaml; want 4 (name, practices, and coaching's name and link_workers)", n)
	}
	// Every parameter of the default has its comment: as many field
	// comments as documented leaves in the resolved scenario.
	def, err := Loader{Shipped: scenarios.FS}.Load(DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	db, err := def.Explain()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(db), "set in") {
		t.Error("Explain() of a scenario read from one file marks values as set in a file")
	}
	if n, want := commentedValues(string(db)), countLeaves(reflect.ValueOf(def.Scenario).Elem()); n != want || want < 200 {
		t.Errorf("Explain() of the default has %d field comments; want one per value set, %d", n, want)
	}
}

// commentedValues counts the lines of out that set a value (key: value, or
// key: alone before a mapping of payer shares) just below a comment.
func commentedValues(out string) int {
	n := 0
	lines := strings.Split(out, "\n")
	for i := 1; i < len(lines); i++ {
		l := strings.TrimLeft(lines[i], " -")
		above := strings.TrimLeft(lines[i-1], " -")
		if strings.HasPrefix(above, "#") && !strings.HasPrefix(l, "#") && strings.Contains(l, ":") {
			k, v, _ := strings.Cut(l, ":")
			if v != "" || k == "payer_shares" {
				n++
			}
		}
	}
	return n
}

// countLeaves counts the values of v that the resolved YAML writes as one
// field: scalars, lists of scalars and maps, each optional one when set.
func countLeaves(v reflect.Value) int {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		return countLeaves(v.Elem())
	case reflect.Struct:
		n := 0
		for _, f := range fieldsOf(v.Type()) {
			fv := v.Field(f.index)
			if f.optional && (fv.IsZero() || (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.Len() == 0) {
				continue
			}
			n += countLeaves(fv)
		}
		return n
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Struct {
			return 1
		}
		n := 0
		for i := range v.Len() {
			n += countLeaves(v.Index(i))
		}
		return n
	}
	return 1
}
