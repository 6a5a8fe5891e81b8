//go:build unix

package results

import (
	"os"
	"syscall"
)

// openNonblocking opens name read-only without blocking: opening a FIFO
// for reading would otherwise wait for a writer. O_NONBLOCK does not
// change reads of a regular file.
func openNonblocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
