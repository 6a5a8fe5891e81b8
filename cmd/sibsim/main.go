// Command sibsim runs the sibsim agent-based model of social impact bonds
// that fund link-worker social prescribing, validates scenario files and
// lists the shipped scenarios. Run "sibsim help" for usage; docs/cli.md
// describes every command, flag and exit code.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], systemStreams())
	stop()
	os.Exit(code)
}
