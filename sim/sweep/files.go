package sweep

import (
	"context"

	"github.com/sibsim/sibsim/sim/results"
)

// ReadOSFile reads an experiment file from the operating system for
// Loader.ReadFile, by the name a user typed: only a regular file is read
// (a FIFO or device is refused without blocking), of at most 1 MiB (the
// limit Parse applies).
func ReadOSFile(name string) ([]byte, error) {
	return results.ReadRegularFile(context.Background(), name, maxFileBytes)
}
