package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/plots/explorer"
	"github.com/sibsim/sibsim/scenarios"
)

type serveOptions struct {
	addr            string
	maxReplications int
	workers         int
	// listening, if set, is called with the address once the server listens
	// (tests use it to find a port chosen by the system).
	listening func(addr string)
	// readTimeout bounds reading one request, headers and body (0:
	// serveReadTimeout); tests shorten it.
	readTimeout time.Duration
}

// Reading a request's headers may take serveHeaderTimeout and the whole
// request serveReadTimeout: the largest body, a 1 MiB upload, takes well
// under a second even over a slow network, and a client that trickles
// bytes would otherwise hold its connection open for ever.
const (
	serveHeaderTimeout = 10 * time.Second
	serveReadTimeout   = time.Minute
)

func newServeCommand(d *deps) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Explore funding models in a local web app",
		Long: `Start a local web app for trying funding models without editing YAML.

Pick a baseline (a shipped scenario or an uploaded file), change levers in a
form (tariffs and amounts, phase boundaries, payer shares and caps, GP
engagement, community capacity, caseloads, providers' cultures), run
replications in the background and read the headlines, key metrics with 95%
intervals and paired differences against the baseline (common random
numbers), and figures of care share, the equity gap and money. Every
variant has a shareable link, downloads as a scenario file that "sibsim
validate" accepts, and exports its results as CSV; saved variants show side
by side.

The app needs no network: its pages and scripts are built in, and it reads
no files but the shipped scenarios and files uploaded to it. It listens on
localhost unless --addr says otherwise; stop it with Ctrl-C.`,
		Example: `  sibsim serve
  sibsim serve --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return classify(cmd.Context(), runServe(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port)")
	intFlag(f, &opts.maxReplications, "max-replications", 200, fmt.Sprintf("most replications one request may ask for (1 to %d)", maxReplications))
	intFlag(f, &opts.workers, "workers", 0, "parallel workers per run (0 = all cores); never changes results")
	return cmd
}

func runServe(ctx context.Context, opts *serveOptions, s streams) error {
	if opts.maxReplications < 1 || opts.maxReplications > maxReplications {
		return usageErrorf("--max-replications must be between 1 and %d (got %d)", maxReplications, opts.maxReplications)
	}
	if opts.workers < 0 {
		return usageErrorf("--workers must be >= 0 (got %d)", opts.workers)
	}
	e, err := explorer.New(explorer.Options{Shipped: scenarios.FS, MaxReplications: opts.maxReplications, Workers: opts.workers})
	if err != nil {
		return err
	}
	defer e.Close()
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return usageError(fmt.Errorf("--addr: %w", err))
	}
	read := opts.readTimeout
	if read <= 0 {
		read = serveReadTimeout
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: min(serveHeaderTimeout, read), ReadTimeout: read, IdleTimeout: 2 * time.Minute}
	// The address is the one output a user needs: a server nobody can be
	// told the address of is not left running.
	if _, err := fmt.Fprintf(s.out, "sibsim explorer: open http://%s/ (Ctrl-C to stop)\n", ln.Addr()); err != nil {
		ln.Close()
		return fmt.Errorf("write the address to stdout: %w", err)
	}
	if opts.listening != nil {
		opts.listening(ln.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		e.Close()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return errInterrupted
	}
}
