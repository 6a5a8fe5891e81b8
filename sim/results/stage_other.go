//go:build !unix

package results

import (
	"io/fs"
	"os"
)

// lockPath opens name; without flock, it holds no lock.
func lockPath(name string) (*os.File, error) { return os.Open(name) }

// abandoned is false: without flock, a temporary entry of another process
// cannot be told from one a killed process left, so none is removed.
func abandoned(string) bool { return false }

// Lock opens name; without flock, it holds no lock and never fails with
// ErrLocked.
func Lock(name string) (*os.File, error) { return os.Open(name) }

// placeable checks nothing where mount points and access cannot be read.
func placeable(string) error { return nil }

// dirMode is 0755 where the umask cannot be read.
func dirMode(string) os.FileMode { return 0o755 }

// writable assumes a directory can be written where access cannot be asked.
func writable(string) error { return nil }

// keepGroup does nothing where groups cannot be read.
func keepGroup(string, fs.FileInfo) {}
