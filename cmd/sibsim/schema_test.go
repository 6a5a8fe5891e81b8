package main

import (
	"context"
	"os"
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
