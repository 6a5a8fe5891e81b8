package results

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// DirCheck reports whether an output directory may be replaced by a Stage:
// exists is false when dir does not exist; a directory that may not be
// replaced gives an error wrapping ErrOutDir. It is called with an absolute
// path, once before staging and again just before the swap.
type DirCheck func(dir string) (exists bool, err error)

// ReadOutDir lists an output directory for a DirCheck: nothing, with
// exists false, if dir does not exist; an error wrapping ErrOutDir if dir is
// empty or not a directory; otherwise its entries, sorted by name.
func ReadOutDir(dir string) (entries []fs.DirEntry, exists bool, err error) {
	if dir == "" {
		return nil, false, fmt.Errorf("%w: empty path", ErrOutDir)
	}
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !info.IsDir() {
		return nil, true, fmt.Errorf("%w: %s is not a directory", ErrOutDir, dir)
	}
	entries, err = os.ReadDir(dir)
	return entries, true, err
}

// Stage is a temporary directory beside an output directory whose contents
// replace the output directory, all at once, on Commit: the output
// directory appears complete or not at all. Write the contents into Tmp;
// always call Cleanup (deferred) to remove what a failed or abandoned stage
// left.
type Stage struct {
	// Dir is the output directory, made absolute.
	Dir string
	// Tmp is the temporary directory to fill, in the same parent as Dir.
	Tmp string

	check     DirCheck
	created   string // topmost parent directory created, removed on failure
	committed bool
}

// NewStage checks dir with check, creates its missing parents and a
// temporary directory beside it. Errors: check's (wrapping ErrOutDir when
// dir may not be replaced), or failure to create the directories.
func NewStage(dir string, check DirCheck) (*Stage, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOutDir, err)
	}
	if _, err := check(abs); err != nil {
		return nil, err
	}
	s := &Stage{Dir: abs, check: check}
	parent := filepath.Dir(abs)
	if s.created, err = MkdirParents(parent); err != nil {
		return nil, fmt.Errorf("create %s: %w", parent, err)
	}
	if s.Tmp, err = os.MkdirTemp(parent, "."+filepath.Base(abs)+".tmp-"); err != nil {
		s.Cleanup()
		return nil, fmt.Errorf("create temporary directory: %w", err)
	}
	return s, nil
}

// Commit moves Tmp into place as Dir, after checking Dir again. If Dir
// exists (empty, or a previous output the check accepts), it is moved aside
// first, and removed once Tmp is in place; if the second rename fails, the
// previous output is moved back.
func (s *Stage) Commit() error {
	exists, err := s.check(s.Dir)
	if err != nil {
		return err
	}
	if err := os.Chmod(s.Tmp, 0o755); err != nil {
		return err
	}
	if !exists {
		if err := os.Rename(s.Tmp, s.Dir); err != nil {
			return err
		}
		s.committed = true
		SyncDir(filepath.Dir(s.Dir))
		return nil
	}
	old, err := os.MkdirTemp(filepath.Dir(s.Dir), "."+filepath.Base(s.Dir)+".old-")
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
	SyncDir(filepath.Dir(s.Dir))
	return nil
}

// Cleanup removes Tmp, and the parent directories NewStage created, unless
// the stage was committed. It is safe to call more than once.
func (s *Stage) Cleanup() {
	if s.Tmp != "" && !s.committed {
		os.RemoveAll(s.Tmp)
	}
	if s.created != "" && !s.committed {
		os.RemoveAll(s.created)
	}
}

// WriteFileAtomic writes the file name with fn through a temporary file in
// the same directory, which is synced, given mode 0644 and renamed to name:
// name is complete or untouched. The directory must exist. On error the
// temporary file is removed.
func WriteFileAtomic(name string, fn func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-")
	if err != nil {
		return err
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
