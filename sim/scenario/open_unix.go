//go:build unix

package scenario

import (
	"os"
	"syscall"
)

// openNonblocking opens name read-only without waiting for a FIFO's
// writer; O_NONBLOCK does not change reads of a regular file.
func openNonblocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
