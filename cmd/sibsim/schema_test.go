package main

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestSchemaCommand(t *testing.T) {
	code, stdout, stderr := cli(t, context.Background(), "schema")
	if code != exitOK || stderr != "" {
		t.Fatalf("sibsim schema = exit %d, stderr %q; want 0 and none", code, stderr)
	}
	// The committed copy is kept current by the scenario package's tests.
	want, err := os.ReadFile("../../docs/scenario.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Errorf("sibsim schema differs from docs/scenario.schema.json (%d bytes against %d)", len(stdout), len(want))
	}
	if code, _, _ := cli(t, context.Background(), "schema", "extra"); code != exitUsage {
		t.Errorf("sibsim schema extra = exit %d; want %d", code, exitUsage)
	}
}

func TestScenariosShowExplain(t *testing.T) {
	code, plain, _ := cli(t, context.Background(), "scenarios", "show", "capitation")
	if code != exitOK {
		t.Fatalf("scenarios show capitation = exit %d", code)
	}
	code, explained, stderr := cli(t, context.Background(), "scenarios", "show", "capitation", "--explain")
	if code != exitOK || stderr != "" {
		t.Fatalf("scenarios show capitation --explain = exit %d, stderr %q; want 0 and none", code, stderr)
	}
	for _, want := range []string{
		"# Number of GP practices in the area. Unit: count.",
		"gbp_per_client_month: 45 # set in scenarios/capitation.yaml\n",
		"  practices: 17\n",
	} {
		if !strings.Contains(explained, want) {
			t.Errorf("--explain output lacks %q", want)
		}
	}
	if !strings.Contains(plain, "gbp_per_client_month: 45\n") || strings.Contains(plain, "#") {
		t.Errorf("scenarios show without --explain has comments or lacks the capitation tariff")
	}
}
