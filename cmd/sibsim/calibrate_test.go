package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyTargets calibrates one parameter of the default scenario over 20
// weeks: a few seconds.
const tinyTargets = `name: tiny
base: ways-to-wellness
weeks: 20
particles: 8
budget: 30
check_draws: 6
parameters:
  - path: referrals.refusal_prob
    uniform: [0.05, 0.5]
targets:
  - metric: engaged_share
    observed: 0.5
    tolerance: 0.05
`

func TestCalibrateCommand(t *testing.T) {
	targets := writeFile(t, "targets.yaml", tinyTargets)
	out := filepath.Join(t.TempDir(), "cal")
	code, stdout, stderr := cli(t, context.Background(), "calibrate", targets, "--out", out, "--workers", "2")
	if code != exitOK {
		t.Fatalf("calibrate = exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"Calibration tiny: 1 parameter, 1 target, smc", "Posterior: median and 90% credible interval", "referrals.refusal_prob", "Posterior predictive check: 6 simulations", "Results written to"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "generation 0: tolerance") || !strings.Contains(stderr, "acceptance rate") {
		t.Errorf("stderr shows no progress:\n%s", stderr)
	}
	for _, f := range []string{"manifest.json", "posterior.csv", "posterior.parquet", "summary.csv", "check.csv", "calibrated.yaml", "figures/posterior-pairs.svg", "figures/predictive-check.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	// Run again: complete already, the same summary.
	before, _ := os.ReadFile(filepath.Join(out, "summary.csv"))
	code, stdout2, _ := cli(t, context.Background(), "calibrate", targets, "--out", out)
	after, _ := os.ReadFile(filepath.Join(out, "summary.csv"))
	if code != exitOK || string(before) != string(after) || !strings.Contains(stdout2, "Resumed after generation") {
		t.Errorf("second run = exit %d, summary changed %v:\n%s", code, string(before) != string(after), stdout2)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no out", []string{"calibrate", targets}, exitUsage, "--out DIR is required"},
		{"budget", []string{"calibrate", targets, "--out", t.TempDir(), "--budget", "10"}, exitUsage, "budget too small"},
		{"figures", []string{"calibrate", targets, "--out", t.TempDir(), "--figures", "gif"}, exitUsage, "--figures must be svg, png or pdf"},
		{"shard", []string{"calibrate", targets, "--out", t.TempDir(), "--shard", "3/2"}, exitUsage, "--shard must be K/N"},
		{"missing", []string{"calibrate", "nope.yaml", "--out", t.TempDir()}, exitInvalid, "does not exist"},
		{"unknown shipped", []string{"calibrate", "nope", "--out", t.TempDir()}, exitInvalid, `no shipped targets file "nope" (shipped: ways-to-wellness)`},
		{"invalid", []string{"calibrate", writeFile(t, "bad.yaml", strings.Replace(tinyTargets, "tolerance: 0.05", "tolerance: -1", 1)), "--out", t.TempDir()}, exitInvalid, "targets[0].tolerance: must be > 0"},
		{"other calibration", []string{"calibrate", writeFile(t, "other.yaml", strings.Replace(tinyTargets, "observed: 0.5", "observed: 0.6", 1)), "--out", out}, exitUsage, "holds another calibration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := cli(t, context.Background(), tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("%v = exit %d, stderr\n%s\nwant exit %d and %q", tt.args, code, stderr, tt.code, tt.want)
			}
		})
	}
}

func TestShippedTargetsLoad(t *testing.T) {
	d := &deps{loader: defaultLoader()}
	c, err := d.loadCalibration("ways-to-wellness")
	if err != nil {
		t.Fatalf("shipped targets file: %v", err)
	}
	if len(c.Spec.Parameters) != 8 || len(c.Spec.Targets) != 10 {
		t.Errorf("shipped targets file has %d parameters and %d targets; want the brief's 8 unknowns and 10 figures", len(c.Spec.Parameters), len(c.Spec.Targets))
	}
}

// TestCalibrateInertTargets: a target the parameters cannot move (the
// investor's IRR over 5 weeks, -1 in every run) is named on stderr after
// the first generation; when every target is inert, sampling stops there.
func TestCalibrateInertTargets(t *testing.T) {
	short := strings.Replace(tinyTargets, "weeks: 20", "weeks: 5", 1)
	irr := "  - metric: investor_irr\n    range: [0.05, 0.1]\n"
	note := "note: target investor_irr took the same value, -1.000, in all 8 simulations of the first generation"
	withOther := writeFile(t, "with-other.yaml", short+irr)
	code, stdout, stderr := cli(t, context.Background(), "calibrate", withOther, "--out", filepath.Join(t.TempDir(), "cal"))
	if code != exitOK || !strings.Contains(stderr, note) || strings.Contains(stderr, "engaged_share took") {
		t.Errorf("calibrate with one inert target = exit %d; want exit 0 and a note naming investor_irr alone:\n%s%s", code, stdout, stderr)
	}
	alone := writeFile(t, "alone.yaml", short[:strings.Index(short, "targets:")]+"targets:\n"+irr)
	code, stdout, stderr = cli(t, context.Background(), "calibrate", alone, "--out", filepath.Join(t.TempDir(), "cal"))
	if code != exitOK || !strings.Contains(stderr, note) || !strings.Contains(stdout, "Stopped after 1 generation (every target took one value in every simulation of the first generation") {
		t.Errorf("calibrate with every target inert = exit %d; want exit 0, the note, and a stop after generation 0:\n%s%s", code, stdout, stderr)
	}
}
