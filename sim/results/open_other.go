//go:build !unix

package results

import "os"

// openNonblocking opens name read-only.
func openNonblocking(name string) (*os.File, error) { return os.Open(name) }
