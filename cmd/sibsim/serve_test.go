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
