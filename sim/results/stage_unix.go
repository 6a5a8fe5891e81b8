//go:build unix

package results

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockPath takes an exclusive flock on the file or directory name and
// returns the open file holding it; closing it (or the process ending,
// however it ends) releases the lock.
func lockPath(name string) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// abandoned reports whether no live process holds the lock on name: the
// process that made it ended without removing it.
func abandoned(name string) bool {
	f, err := lockPath(name)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// Lock takes an exclusive lock (flock) on the existing file or directory
// name, without waiting. The lock lasts until the returned file is closed
// or the process ends, however it ends. If another process holds it, the
// error wraps ErrLocked.
func Lock(name string) (*os.File, error) {
	f, err := lockPath(name)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return nil, ErrLocked
	}
	return f, err
}
