package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestServeBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--max-replications", "0"},
		// More than run and compare allow: one request could ask for
		// billions of replications.
		{"serve", "--max-replications", "100001"},
		{"serve", "--workers", "-1"},
		{"serve", "--addr", "not an address"},
		{"serve", "extra"},
	} {
		if code, _, stderr := cli(t, t.Context(), args...); code != exitUsage {
			t.Errorf("sibsim %s: exit %d; want %d\n%s", strings.Join(args, " "), code, exitUsage, stderr)
		}
	}
}

// TestServeStdoutFailure: when the address cannot be written to stdout the
// explorer stops at once with exit 1, rather than serving an address
// nobody was told.
func TestServeStdoutFailure(t *testing.T) {
	var errb bytes.Buffer
	d := &deps{streams: streams{out: fullWriter{}, err: &errb}, loader: defaultLoader(), args: []string{"serve", "--addr", "127.0.0.1:0"}, version: "test"}
	done := make(chan int, 1)
	go func() { done <- d.execute(t.Context()) }()
	select {
	case code := <-done:
		if code != exitRuntime || !strings.Contains(errb.String(), errFull.Error()) {
			t.Errorf("serve with stdout full = exit %d, stderr %q; want exit 1 naming the failure", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve with stdout full kept running")
	}
}

// TestServeAnswersAndStops starts the explorer on a free loopback port,
// loads its page, and stops it as Ctrl-C would (exit code 130).
func TestServeAnswersAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	addrs := make(chan string, 1)
	var out bytes.Buffer
	opts := &serveOptions{addr: "127.0.0.1:0", maxReplications: 10, listening: func(a string) { addrs <- a }}
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, opts, streams{out: &out, err: &out}) }()
	var addr string
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not listen")
	}
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("GET /: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, errInterrupted) {
			t.Errorf("serve after interrupt returned %v; want interrupted", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if want := "open http://" + addr + "/"; !strings.Contains(out.String(), want) {
		t.Errorf("serve printed %q; want %q", out.String(), want)
	}
}
