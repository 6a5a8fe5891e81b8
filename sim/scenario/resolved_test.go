package scenario

import (
	"bytes"
	"testing"
	"testing/fstest"

	"github.com/sibsim/sibsim/scenarios"
)

// TestWithWeeks checks that a horizon set on the command line reaches the
// resolved YAML and hash, that the YAML reproduces it when loaded, and
// that the original is left alone.
func TestWithWeeks(t *testing.T) {
	r := mustLoad(t, Loader{Shipped: scenarios.FS}, DefaultName)
	horizon := r.Scenario.Weeks
	if same, err := r.WithWeeks(0); err != nil || same != r {
		t.Errorf("WithWeeks(0) = %p, %v; want r itself", same, err)
	}
	if same, err := r.WithWeeks(horizon); err != nil || same != r {
		t.Errorf("WithWeeks(horizon) = %p, %v; want r itself", same, err)
	}
	w, err := r.WithWeeks(104)
	if err != nil {
		t.Fatal(err)
	}
	if w.Scenario.Weeks != 104 || r.Scenario.Weeks != horizon {
		t.Errorf("weeks: derived %d, original %d; want 104 and %d", w.Scenario.Weeks, r.Scenario.Weeks, horizon)
	}
	if w.Hash == r.Hash || !bytes.Contains(w.YAML, []byte("\nweeks: 104\n")) {
		t.Errorf("derived YAML does not carry weeks: 104 (hash %s, original %s)", w.Hash, r.Hash)
	}
	again, err := Loader{Files: fstest.MapFS{"run.yaml": {Data: w.YAML}}}.Load("run.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if again.Hash != w.Hash || again.Scenario.Weeks != 104 {
		t.Errorf("reloaded: hash %s weeks %d; want %s and 104", again.Hash, again.Scenario.Weeks, w.Hash)
	}
	if _, err := r.WithWeeks(5000); err == nil {
		t.Error("WithWeeks(5000) was accepted; the schema's maximum is 2600")
	}
}

// TestDocFor checks that resolved paths find their row of the parameter
// table: list indices, an element of a list of numbers and an entry of a
// mapping; and that a path no row documents is reported as such.
func TestDocFor(t *testing.T) {
	for path, row := range map[string]string{
		"health.anxiety_rate_effect": "health.anxiety_rate_effect",
		"providers[1].culture":       "providers[].culture",
		"contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[2]": "contract.provider_payments[].rules[].per_assessment.tariffs_gbp",
	} {
		d, ok := DocFor(path)
		if !ok || d.Path != row || d.Meaning == "" {
			t.Errorf("DocFor(%s) = %q (meaning %q), %v; want the row %s", path, d.Path, d.Meaning, ok, row)
		}
	}
	if d, ok := DocFor("health.no_such_field"); ok {
		t.Errorf("DocFor(health.no_such_field) = %q, true; want no row", d.Path)
	}
}
