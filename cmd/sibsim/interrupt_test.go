//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this test binary as sibsim: with
// SIBSIM_TEST_AS_MAIN=1 it runs the command line after "--" as main does.
func TestMain(m *testing.M) {
	if os.Getenv("SIBSIM_TEST_AS_MAIN") == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := execute(ctx, args, systemStreams())
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestInterruptWithinASecond starts sibsim as a process, sends it SIGINT
// while it works and checks that it exits with code 130 within a second.
func TestInterruptWithinASecond(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	root := t.TempDir()
	// A run directory whose weekly.csv is 6 GiB (sparse): reading it for
	// its hash takes several seconds.
	big := filepath.Join(root, "big")
	if code, _, stderr := cli(t, context.Background(), "run", "--weeks", "2", "--replications", "1", "--out", big); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	if err := os.Truncate(filepath.Join(big, "weekly.csv"), 6<<30); err != nil {
		t.Skip(err)
	}
	// An experiment at the largest design size: checking its points takes
	// seconds.
	exp := filepath.Join(root, "large.yaml")
	writeTestFile(t, exp, `name: large
base: ways-to-wellness
seed: 1
replications: 1
design: {kind: random, n: 4194304}
parameters:
  - path: referrals.gp_engagement_mean
    uniform: [0.3, 0.4]
  - path: providers[*].culture
    uniform: [0, 1]
`)
	tests := []struct {
		name string
		args []string
	}{
		{"run", []string{"run", "--replications", "100000", "--weeks", "2600"}},
		{"compare", []string{"compare", "ways-to-wellness", "block-grant", "--replications", "100000"}},
		{"report reading a large file", []string{"report", big, "--out", filepath.Join(root, "r.html")}},
		{"plot reading a large file", []string{"plot", big, "--out", filepath.Join(root, "figs")}},
		{"sweep checking the largest design", []string{"sweep", exp, "--out", filepath.Join(root, "out-sweep")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, tt.args...)...)
			cmd.Env = append(os.Environ(), "SIBSIM_TEST_AS_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(700 * time.Millisecond) // let it get to work
			sent := time.Now()
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("sibsim %q still running 5 s after SIGINT; stderr %q", tt.args, stderr.String())
			}
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted || !strings.Contains(stderr.String(), "sibsim: interrupted") {
				t.Errorf("sibsim %q after SIGINT: %v, stderr %q; want exit 130 and \"sibsim: interrupted\"", tt.args, err, stderr.String())
			}
			if took > time.Second {
				t.Errorf("sibsim %q took %v to stop after SIGINT; want at most 1s", tt.args, took)
			}
		})
	}
}
