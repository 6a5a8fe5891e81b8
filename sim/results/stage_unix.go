//go:build unix

package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

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

// placeable reports why an existing output directory dir (absolute, links
// resolved) cannot be replaced by a directory staged beside it: it is a
// mount point (a rename cannot replace it), or its parent is not writable
// (the temporary directory cannot be made there). nil if neither.
func placeable(dir string) error {
	parent := filepath.Dir(dir)
	var st, pst unix.Stat_t
	if unix.Stat(dir, &st) == nil && unix.Stat(parent, &pst) == nil && st.Dev != pst.Dev {
		return fmt.Errorf("%w: %s is a mount point, which the results cannot replace: use a directory inside it", ErrOutDir, dir)
	}
	if err := writable(parent); err != nil {
		return fmt.Errorf("%w: the results are written beside %s and moved into place, but %s is not writable: %v", ErrOutDir, dir, parent, err)
	}
	return nil
}

// writable reports whether the process may create entries in directory
// dir (access(2) with W_OK: the real user's permissions, and a read-only
// file system).
func writable(dir string) error { return unix.Access(dir, unix.W_OK) }

// keepGroup gives tmp and everything in it the group of the directory
// they replace (old), where the process may (it belongs to that group);
// otherwise it leaves them as they are.
func keepGroup(tmp string, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	gid := int(st.Gid)
	filepath.WalkDir(tmp, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			os.Lchown(p, -1, gid)
		}
		return nil
	})
}

// dirMode is the mode of a new output directory: what the process's umask
// leaves of 0777, read by making a directory in tmp (a stage's own
// temporary directory) and removing it; reading the umask itself would
// change it for every thread. 0755 if the probe fails.
func dirMode(tmp string) os.FileMode {
	p := filepath.Join(tmp, ".mode-probe")
	if err := os.Mkdir(p, 0o777); err != nil {
		return 0o755
	}
	defer os.Remove(p)
	info, err := os.Stat(p)
	if err != nil {
		return 0o755
	}
	return info.Mode().Perm()
}
