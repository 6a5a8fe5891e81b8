package results

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// onlyFiles is a DirCheck that accepts directories holding only regular
// files named in ok.
func onlyFiles(ok ...string) DirCheck {
	return func(dir string) (bool, error) {
		entries, exists, err := ReadOutDir(dir)
		if err != nil {
			return exists, err
		}
		for _, e := range entries {
			if !slices.Contains(ok, e.Name()) || !e.Type().IsRegular() {
				return true, fmt.Errorf("%w: %s holds %s", ErrOutDir, dir, e.Name())
			}
		}
		return exists, nil
	}
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func TestStageNewDirectory(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "a", "b", "out")
	s, err := NewStage(out, onlyFiles("x.txt"))
	if err != nil {
		t.Fatalf("NewStage(%s) = %v; want nil", out, err)
	}
	defer s.Cleanup()
	if err := WriteFileAtomic(filepath.Join(s.Tmp, "x.txt"), writeString("new")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatalf("%s exists before Commit", out)
	}
	if err := s.Commit(); err != nil {
		t.Fatalf("Commit() = %v; want nil", err)
	}
	s.Cleanup() // after Commit, must leave everything in place
	if got, _ := os.ReadFile(filepath.Join(out, "x.txt")); string(got) != "new" {
		t.Errorf("after Commit, x.txt = %q; want %q", got, "new")
	}
	if got := listDir(t, filepath.Dir(out)); !slices.Equal(got, []string{"out"}) {
		t.Errorf("parent holds %q; want only out (no temporary directories)", got)
	}
}

func TestStageRefusesForeignDirectory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "mine.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStage(out, onlyFiles("x.txt")); !errors.Is(err, ErrOutDir) {
		t.Errorf("NewStage(foreign dir) = %v; want an error wrapping ErrOutDir", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStage(file, onlyFiles()); !errors.Is(err, ErrOutDir) {
		t.Errorf("NewStage(a file) = %v; want an error wrapping ErrOutDir", err)
	}
	if _, _, err := ReadOutDir(""); !errors.Is(err, ErrOutDir) {
		t.Errorf("ReadOutDir(\"\") = %v; want an error wrapping ErrOutDir", err)
	}
}

// TestStageCommitRechecks: a directory that became foreign between
// NewStage and Commit is not replaced.
func TestStageCommitRechecks(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	s, err := NewStage(out, onlyFiles("x.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Cleanup()
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "late.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); !errors.Is(err, ErrOutDir) {
		t.Fatalf("Commit() = %v; want an error wrapping ErrOutDir", err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "late.txt")); string(got) != "keep" {
		t.Errorf("late.txt = %q after a refused Commit; want it untouched", got)
	}
}

func TestStageCleanupRemovesCreatedParents(t *testing.T) {
	root := t.TempDir()
	s, err := NewStage(filepath.Join(root, "new", "deeper", "out"), onlyFiles())
	if err != nil {
		t.Fatal(err)
	}
	s.Cleanup()
	if got := listDir(t, root); len(got) != 0 {
		t.Errorf("after Cleanup without Commit, %s holds %q; want nothing", root, got)
	}
}

func TestWriteFileAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFileAtomic(name, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("WriteFileAtomic = %v; want the writer's error", err)
	}
	if got, _ := os.ReadFile(name); string(got) != "old" {
		t.Errorf("after a failed write, f.txt = %q; want %q", got, "old")
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"f.txt"}) {
		t.Errorf("after a failed write, %s holds %q; want only f.txt", dir, got)
	}
}

// TestStageCommitSwapsOrFallsBack replaces a previous output with the
// atomic exchange and with the rename-aside fallback: either way the
// output holds exactly the new files and nothing is left beside it.
func TestStageCommitSwapsOrFallsBack(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprintf("fallback=%v", fallback), func(t *testing.T) {
			if fallback {
				old := exchangeDirs
				exchangeDirs = func(a, b string) error { return errNoExchange }
				defer func() { exchangeDirs = old }()
			}
			// A previous output of x.txt and y.txt is replaced as a whole.
			out := filepath.Join(t.TempDir(), "out")
			if err := os.Mkdir(out, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"x.txt", "y.txt"} {
				if err := os.WriteFile(filepath.Join(out, name), []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			commitX(t, out, "new", "y.txt")
			if got := listDir(t, out); !slices.Equal(got, []string{"x.txt"}) {
				t.Errorf("after Commit, out holds %q; want only the new x.txt", got)
			}
			if got, _ := os.ReadFile(filepath.Join(out, "x.txt")); string(got) != "new" {
				t.Errorf("x.txt = %q; want new", got)
			}
			if got := listDir(t, filepath.Dir(out)); !slices.Equal(got, []string{"out"}) {
				t.Errorf("parent holds %q; want only out", got)
			}
		})
	}
}

// TestStageRemovesAbandoned: temporary entries a killed process left
// beside an output are removed by the next stage of that output; those of
// a stage still open are not.
func TestStageRemovesAbandoned(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	live, err := NewStage(out, onlyFiles("x.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Cleanup()
	for _, name := range []string{".out.tmp-123", ".out.old-456"} { // left by a killed run
		if err := os.MkdirAll(filepath.Join(root, name, "previous"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, ".out.tmp-789"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(root, ".other.tmp-1") // another output's: not ours to remove
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := NewStage(out, onlyFiles("x.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Cleanup()
	want := []string{filepath.Base(live.Tmp), filepath.Base(s.Tmp), ".other.tmp-1"}
	slices.Sort(want)
	if got := listDir(t, root); !slices.Equal(got, want) {
		t.Errorf("after NewStage, %s holds %q; want %q (the open stages' and the other output's)", root, got, want)
	}
}

// TestStageThroughSymlink checks that an output path that is a symbolic
// link keeps the link and replaces what it points to, that a link to
// nothing is refused before any work, and that a path under a regular
// file is refused as an unusable output directory (ErrOutDir).
func TestStageThroughSymlink(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "disk", "results")
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "x.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "out")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("symbolic links not available:", err)
	}
	commitX(t, link, "new")
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("after Commit, %s is no longer a symbolic link (%v)", link, err)
	}
	if got, _ := os.ReadFile(filepath.Join(target, "x.txt")); string(got) != "new" {
		t.Errorf("after Commit, the link's target holds x.txt = %q; want %q", got, "new")
	}
	if got := listDir(t, filepath.Dir(target)); !slices.Equal(got, []string{"results"}) {
		t.Errorf("target's parent holds %q; want only results", got)
	}

	dangling := filepath.Join(root, "dangling")
	if err := os.Symlink(filepath.Join(root, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStage(dangling, onlyFiles("x.txt")); !errors.Is(err, ErrOutDir) {
		t.Errorf("NewStage(link to nothing) = %v; want an ErrOutDir error", err)
	}

	file := filepath.Join(root, "afile")
	if err := os.WriteFile(file, []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewStage(filepath.Join(file, "sub"), onlyFiles("x.txt")); !errors.Is(err, ErrOutDir) {
		t.Errorf("NewStage(afile/sub) = %v; want an ErrOutDir error", err)
	}
}

// TestStageNamesAndModes checks that an output name too long for the
// temporary directory beside it is refused before any work, and that a
// replaced directory keeps its mode (a private 0700 one stays private).
func TestStageNamesAndModes(t *testing.T) {
	root := t.TempDir()
	long := filepath.Join(root, strings.Repeat("a", maxOutName+1))
	if _, err := NewStage(long, onlyFiles("x.txt")); !errors.Is(err, ErrOutDir) {
		t.Errorf("NewStage(name of %d bytes) = %v; want an ErrOutDir error", maxOutName+1, err)
	}
	if _, _, err := ReadOutDir(long); !errors.Is(err, ErrOutDir) {
		t.Errorf("ReadOutDir(name of %d bytes) = %v; want an ErrOutDir error", maxOutName+1, err)
	}
	private := filepath.Join(root, "private")
	if err := os.Mkdir(private, 0o700); err != nil {
		t.Fatal(err)
	}
	commitX(t, private, "new")
	if info, err := os.Stat(private); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("replaced directory's mode = %v, %v; want 0700 kept", info.Mode().Perm(), err)
	}
}

// commitX stages out holding only x.txt with text, and commits it (and
// cleans up after, which must leave everything in place). out may hold
// x.txt and the other files named.
func commitX(t *testing.T, out, text string, other ...string) {
	t.Helper()
	s, err := NewStage(out, onlyFiles(append([]string{"x.txt"}, other...)...))
	if err != nil {
		t.Fatalf("NewStage(%s) = %v; want nil", out, err)
	}
	defer s.Cleanup()
	if err := WriteFileAtomic(filepath.Join(s.Tmp, "x.txt"), writeString(text)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatalf("Commit() = %v; want nil", err)
	}
}
