package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
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
	var out bytes.Buffer
	addr, done := startServe(t, ctx, &serveOptions{addr: "127.0.0.1:0", maxReplications: 10}, &out)
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

// TestServeDropsSlowBodies: a client that sends its headers and then
// trickles its body is cut off once the read timeout passes, rather than
// holding a connection (and its goroutine) for ever.
func TestServeDropsSlowBodies(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out bytes.Buffer
	addr, _ := startServe(t, ctx, &serveOptions{addr: "127.0.0.1:0", maxReplications: 10, readTimeout: 500 * time.Millisecond}, &out)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /api/validate HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nv="
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	closed := false
	for i := 0; i < 40 && !closed; i++ { // a byte every 100 ms, for up to 4 s
		time.Sleep(100 * time.Millisecond)
		if _, err := io.WriteString(conn, "a"); err != nil {
			closed = true
		}
		conn.SetReadDeadline(time.Now().Add(time.Millisecond))
		var b [1]byte
		if _, err := conn.Read(b[:]); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			closed = true
		}
	}
	if !closed {
		t.Errorf("a body trickled for %v kept its connection open; want it closed after 500ms", time.Since(start).Round(time.Millisecond))
	}
}

// startServe runs the explorer with opts until ctx is cancelled, writing
// to out, and returns the address it listens on and the channel that
// receives runServe's result; the test fails if it does not listen within
// 10 s.
func startServe(t *testing.T, ctx context.Context, opts *serveOptions, out *bytes.Buffer) (string, <-chan error) {
	t.Helper()
	addrs := make(chan string, 1)
	opts.listening = func(a string) { addrs <- a }
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, opts, streams{out: out, err: out}) }()
	select {
	case addr := <-addrs:
		return addr, done
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not listen")
	}
	return "", nil
}
