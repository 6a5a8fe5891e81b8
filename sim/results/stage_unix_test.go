//go:build unix

package results

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutDirRefusedBeforeWork checks the refusals ReadOutDir makes before
// any work: a link whose target's name leaves no room for the temporary
// directory, a mount point (where one is at hand), and a place the process
// cannot write (skipped as root, who can write anywhere); and that a
// replaced directory keeps its setgid bit.
func TestOutDirRefusedBeforeWork(t *testing.T) {
	root := t.TempDir()
	longTarget := filepath.Join(root, strings.Repeat("b", maxOutName+5))
	if err := os.Mkdir(longTarget, 0o755); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(root, "short")
	if err := os.Symlink(longTarget, short); err != nil {
		t.Skip("symbolic links not available:", err)
	}
	if _, _, err := ReadOutDir(short); !errors.Is(err, ErrOutDir) {
		t.Errorf("ReadOutDir(link to a %d-byte name) = %v; want an ErrOutDir error", maxOutName+5, err)
	}

	if info, err := os.Stat("/dev/shm"); err == nil && info.IsDir() {
		if p, err := os.Stat("/dev"); err == nil && !os.SameFile(info, p) && isMount(t, "/dev/shm") {
			if _, _, err := ReadOutDir("/dev/shm"); !errors.Is(err, ErrOutDir) || !strings.Contains(err.Error(), "mount point") {
				t.Errorf("ReadOutDir(/dev/shm) = %v; want a mount-point error", err)
			}
		}
	}

	if os.Geteuid() != 0 {
		ro := filepath.Join(root, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		for _, dir := range []string{filepath.Join(ro, "new"), filepath.Join(ro, "a", "b")} {
			if _, _, err := ReadOutDir(dir); !errors.Is(err, ErrOutDir) || !strings.Contains(err.Error(), "not writable") {
				t.Errorf("ReadOutDir(%s) = %v; want a not-writable error", dir, err)
			}
		}
	}

	shared := filepath.Join(root, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o775|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	commitX(t, shared, "new")
	if info, err := os.Stat(shared); err != nil || info.Mode()&os.ModeSetgid == 0 || info.Mode().Perm() != 0o775 {
		t.Errorf("replaced setgid directory's mode = %v, %v; want setgid and 0775 kept", info.Mode(), err)
	}
}

// isMount reports whether dir is on another device than its parent.
func isMount(t *testing.T, dir string) bool {
	t.Helper()
	a, err1 := os.Stat(dir)
	b, err2 := os.Stat(filepath.Dir(dir))
	if err1 != nil || err2 != nil {
		return false
	}
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && sa.Dev != sb.Dev
}
