package results

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DirCheck reports whether an output directory may be replaced by a Stage:
// exists is false when dir does not exist; a directory that may not be
// replaced gives an error wrapping ErrOutDir. It is called with an absolute
// path, once before staging and again just before the swap.
type DirCheck func(dir string) (exists bool, err error)

// ReadOutDir lists an output directory for a DirCheck: nothing, with
// exists false, if dir does not exist; otherwise its entries, sorted by
// name. An error wrapping ErrOutDir says, before any work, that dir cannot
// be an output directory replaced by a Stage: an empty path, a name too
// long for the temporary directory beside it, a symbolic link that does
// not resolve, something other than a directory (or a path under a file),
// a mount point, or a place whose parent (or, for a new directory, its
// nearest existing ancestor) the process cannot write.
func ReadOutDir(dir string) (entries []fs.DirEntry, exists bool, err error) {
	if dir == "" {
		return nil, false, fmt.Errorf("%w: empty path", ErrOutDir)
	}
	if err := CheckOutPath(dir); err != nil {
		return nil, false, err
	}
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, creatable(dir)
	}
	if err != nil {
		// A parent that is a file, no permission: the path given cannot be
		// an output directory.
		return nil, false, fmt.Errorf("%w: %v", ErrOutDir, err)
	}
	if !info.IsDir() {
		return nil, true, fmt.Errorf("%w: %s is not a directory", ErrOutDir, dir)
	}
	if target, err := resolveOut(dir); err != nil {
		return nil, true, err
	} else if err := placeable(target); err != nil {
		return nil, true, err
	}
	entries, err = os.ReadDir(dir)
	return entries, true, err
}

// maxOutName is the longest last element of an output path: the temporary
// directory beside it is named .NAME.tmp-NNNNNNNNNN, and a name may have
// at most 255 bytes on common file systems.
const maxOutName = 255 - len(".") - len(".tmp-") - 10

// CheckOutPath refuses, before any work, an output path (a directory, or a
// file written by WriteFileAtomic) whose last element is too long for the
// temporary entry beside it, or that is a symbolic link that does not
// resolve (to nothing, or a loop). Errors wrap ErrOutDir.
func CheckOutPath(dir string) error {
	name := dir
	if info, err := os.Lstat(dir); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return fmt.Errorf("%w: %s is a symbolic link that does not resolve: %v", ErrOutDir, dir, err)
		}
		name = target // the temporary entry is named after the link's target
	}
	if base := filepath.Base(name); len(base) > maxOutName {
		return fmt.Errorf("%w: the last element of %s has %d bytes; at most %d", ErrOutDir, name, len(base), maxOutName)
	}
	return nil
}

// creatable reports whether the missing output directory dir could be
// made, with the temporary directory beside it: its nearest existing
// ancestor must be a directory the process can write. nil if so (or if
// that cannot be told here).
func creatable(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrOutDir, err)
	}
	for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		switch {
		case err == nil && !info.IsDir():
			return fmt.Errorf("%w: %s is not a directory", ErrOutDir, p)
		case err == nil:
			if err := writable(p); err != nil {
				return fmt.Errorf("%w: %s cannot be made: %s is not writable: %v", ErrOutDir, dir, p, err)
			}
			return nil
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("%w: %v", ErrOutDir, err)
		}
		if filepath.Dir(p) == p {
			return nil
		}
	}
}

// resolveOut returns dir made absolute, with a symbolic link at its last
// element resolved: the directory the results replace.
func resolveOut(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrOutDir, err)
	}
	if info, err := os.Lstat(abs); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return "", fmt.Errorf("%w: %s is a symbolic link that does not resolve: %v", ErrOutDir, dir, err)
		}
		return target, nil
	}
	return abs, nil
}

// Stage is a temporary directory beside an output directory whose contents
// replace the output directory, all at once, on Commit: the output
// directory appears complete or not at all, and always holds exactly one
// complete result. Write the contents into Tmp; always call Cleanup
// (deferred) to remove what a failed or abandoned stage left.
//
// While the stage is open its temporary directory is locked (flock, where
// the platform has it), so that a later stage of the same output can tell
// it from one a killed process left: NewStage removes temporary
// directories and files of the output (.NAME.tmp-*, .NAME.old-*) that no
// live process holds.
type Stage struct {
	// Dir is the output directory, made absolute; if the path given is a
	// symbolic link, Dir is where it points, so the link is kept and the
	// results replace its target.
	Dir string
	// Tmp is the temporary directory to fill, in the same parent as Dir.
	Tmp string

	check     DirCheck
	created   string   // topmost parent directory created, removed on failure
	lock      *os.File // holds the lock on Tmp
	committed bool
}

// ErrLocked is wrapped by the error of Lock when another process holds
// the lock.
var ErrLocked = errors.New("locked by another process")

// errNoExchange says that directories cannot be swapped atomically here.
var errNoExchange = errors.New("atomic exchange not supported")

// exchangeDirs is exchange; tests replace it to exercise the fallback.
var exchangeDirs = exchange

// tempPrefix and oldPrefix begin the names of the temporary entries of
// output name in its parent directory.
func tempPrefix(name string) string { return "." + name + ".tmp-" }
func oldPrefix(name string) string  { return "." + name + ".old-" }

// NewStage checks dir with check, creates its missing parents and a
// temporary directory beside it, after removing abandoned temporary
// entries of dir (see Stage). A dir that is a symbolic link stages beside
// its target (Stage.Dir). Errors: check's (wrapping ErrOutDir when dir may
// not be replaced; a check built on ReadOutDir refuses what it lists),
// ErrOutDir for a name too long or a link that does not resolve, or
// failure to create the directories.
func NewStage(dir string, check DirCheck) (*Stage, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: empty path", ErrOutDir)
	}
	if err := CheckOutPath(dir); err != nil {
		return nil, err
	}
	// A symbolic link is kept: the results replace what it points to.
	abs, err := resolveOut(dir)
	if err != nil {
		return nil, err
	}
	if _, err := check(abs); err != nil {
		return nil, err
	}
	s := &Stage{Dir: abs, check: check}
	parent := filepath.Dir(abs)
	if s.created, err = MkdirParents(parent); err != nil {
		return nil, fmt.Errorf("create %s: %w", parent, err)
	}
	RemoveAbandoned(abs)
	if s.Tmp, err = os.MkdirTemp(parent, tempPrefix(filepath.Base(abs))); err != nil {
		s.Cleanup()
		return nil, fmt.Errorf("create temporary directory: %w", err)
	}
	if s.lock, err = lockPath(s.Tmp); err != nil {
		s.Cleanup()
		return nil, fmt.Errorf("lock temporary directory: %w", err)
	}
	return s, nil
}

// RemoveAbandoned removes the temporary entries of the output path out
// (.NAME.tmp-* and .NAME.old-* beside it) that a killed process left: those
// no live process holds locked. Errors are ignored: what cannot be removed
// now is tried again next time.
func RemoveAbandoned(out string) {
	parent, base := filepath.Dir(out), filepath.Base(out)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, tempPrefix(base)) && !strings.HasPrefix(name, oldPrefix(base)) {
			continue
		}
		if p := filepath.Join(parent, name); abandoned(p) {
			os.RemoveAll(p)
		}
	}
}

// Commit moves Tmp into place as Dir, after checking Dir again. If Dir does
// not exist, Tmp is renamed to it. If it exists (empty, or a previous
// output the check accepts), the two are swapped in one atomic step
// (renameat2 RENAME_EXCHANGE on Linux) and the previous output, now at
// Tmp, is removed: a reader sees the old output or the new one, never a
// mixture, and never no output. Where the swap is not supported, the
// previous output is renamed aside, Tmp renamed into place and the aside
// copy removed: between the two renames (a few microseconds) Dir does not
// exist, and if the second rename fails the previous output is moved back.
func (s *Stage) Commit() error {
	exists, err := s.check(s.Dir)
	if err != nil {
		return err
	}
	// The new directory takes the mode (setgid and sticky bits included)
	// and, where it may, the group of the one it replaces; if new, what the
	// umask leaves (the temporary directory was made 0700).
	mode := dirMode(s.Tmp)
	if info, err := os.Stat(s.Dir); err == nil {
		mode = info.Mode() & (fs.ModePerm | fs.ModeSetgid | fs.ModeSticky)
		keepGroup(s.Tmp, info)
	}
	if err := os.Chmod(s.Tmp, mode); err != nil {
		return err
	}
	parent := filepath.Dir(s.Dir)
	if !exists {
		if err := os.Rename(s.Tmp, s.Dir); err != nil {
			return err
		}
		s.committed = true
		SyncDir(parent)
		return nil
	}
	switch err := exchangeDirs(s.Tmp, s.Dir); {
	case err == nil:
		// Tmp now holds the previous output; it stays locked until removed.
		s.committed = true
		SyncDir(parent)
		os.RemoveAll(s.Tmp)
		return nil
	case !errors.Is(err, errNoExchange):
		return err
	}
	old, err := os.MkdirTemp(parent, oldPrefix(filepath.Base(s.Dir)))
	if err != nil {
		return err
	}
	defer os.RemoveAll(old)
	aside := filepath.Join(old, "previous")
	if err := os.Rename(s.Dir, aside); err != nil {
		return err
	}
	if err := os.Rename(s.Tmp, s.Dir); err != nil {
		if rerr := os.Rename(aside, s.Dir); rerr != nil {
			return fmt.Errorf("%w (and the previous output, moved to %s, could not be restored: %v)", err, aside, rerr)
		}
		return err
	}
	s.committed = true
	SyncDir(parent)
	return nil
}

// Cleanup removes Tmp, and the parent directories NewStage created, unless
// the stage was committed, and releases the lock. It is safe to call more
// than once.
func (s *Stage) Cleanup() {
	if s.Tmp != "" && !s.committed {
		os.RemoveAll(s.Tmp)
	}
	if s.created != "" && !s.committed {
		os.RemoveAll(s.created)
	}
	if s.lock != nil {
		s.lock.Close()
		s.lock = nil
	}
}

// WriteFileAtomic writes the file name with fn through a temporary file in
// the same directory, which is synced, given mode 0644 and renamed to name:
// name is complete or untouched. The directory must exist. On error the
// temporary file is removed.
//
// The temporary file is locked while it is written, and temporary files of
// name that killed processes left are removed first (RemoveAbandoned).
func WriteFileAtomic(name string, fn func(io.Writer) error) (err error) {
	RemoveAbandoned(name)
	f, err := os.CreateTemp(filepath.Dir(name), tempPrefix(filepath.Base(name)))
	if err != nil {
		return err
	}
	lock, lerr := lockPath(f.Name())
	if lerr == nil {
		defer lock.Close()
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := fn(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
