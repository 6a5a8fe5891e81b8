//go:build !unix

package scenario

import "os"

// openNonblocking opens name read-only.
func openNonblocking(name string) (*os.File, error) { return os.Open(name) }
