//go:build unix

package results

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadRunRefusesUnboundedFiles replaces one file of a valid results
// directory with something a reader could block on or never finish, and
// checks that ReadRun refuses it at once with a clear message.
func TestReadRunRefusesUnboundedFiles(t *testing.T) {
	tests := []struct {
		name string
		file string
		make func(t *testing.T, path string)
		want string
	}{
		{"fifo data file", WeeklyFile, func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "weekly.csv: not a regular file (a named pipe)"},
		{"fifo manifest", ManifestFile, func(t *testing.T, p string) {
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "manifest.json: not a regular file (a named pipe)"},
		{"endless device", SummaryFile, func(t *testing.T, p string) {
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Skip(err)
			}
		}, "summary.csv: not a regular file (a device)"},
		{"directory", ReplicationsFile, func(t *testing.T, p string) {
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}, "replications.csv: not a regular file (a directory)"},
		{"huge data file", WeeklyFile, func(t *testing.T, p string) {
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(MaxDataFileBytes + 1); err != nil { // sparse: no disk used
				t.Skip(err)
			}
		}, "weekly.csv: too large: 8589934593 bytes; the limit is 8589934592"},
		{"huge manifest", ManifestFile, func(t *testing.T, p string) {
			if err := os.Truncate(p, MaxManifestBytes+1); err != nil {
				t.Fatal(err)
			}
		}, "manifest.json: too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := Write(context.Background(), dir, testRun(2, 2, 1)); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, tt.file)
			if tt.file != ManifestFile || !strings.HasPrefix(tt.name, "huge") {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
			}
			tt.make(t, p)
			done := make(chan error, 1)
			go func() { _, err := ReadRun(dir); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("ReadRun = %v; want an error containing %q", err, tt.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("ReadRun blocked")
			}
		})
	}
}

func TestOpenRegularLimits(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "long.csv")
	if err := os.WriteFile(long, []byte("a,b\n"+strings.Repeat("x", MaxLineBytes+1)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenRegular(context.Background(), long, MaxDataFileBytes, true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(f)
	f.Close()
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "a line longer than 1048576 bytes") {
		t.Errorf("reading a %d-byte line = %v; want ErrTooLarge naming the line limit", MaxLineBytes+1, err)
	}

	// Exactly the limit is fine.
	ok := filepath.Join(dir, "ok.csv")
	if err := os.WriteFile(ok, []byte(strings.Repeat("x", MaxLineBytes)+"\n"+strings.Repeat("y", MaxLineBytes)), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err = OpenRegular(context.Background(), ok, MaxDataFileBytes, true)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := readAll(f); err != nil || n != 2*MaxLineBytes+1 {
		t.Errorf("reading lines of exactly %d bytes = %d, %v; want all of it", MaxLineBytes, n, err)
	}
	f.Close()

	// A file that grows past its limit while read.
	grow := filepath.Join(dir, "grow")
	if err := os.WriteFile(grow, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err = OpenRegular(context.Background(), grow, 5, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(grow, []byte("1234567890"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(f); !errors.Is(err, ErrTooLarge) {
		t.Errorf("reading a file grown past its limit = %v; want ErrTooLarge", err)
	}
	f.Close()

	// Cancelled: reads stop.
	ctx, cancel := context.WithCancel(context.Background())
	f, err = OpenRegular(ctx, ok, MaxDataFileBytes, true)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := readAll(f); !errors.Is(err, context.Canceled) {
		t.Errorf("reading after cancel = %v; want context.Canceled", err)
	}
	f.Close()
}

func readAll(f *File) (int, error) {
	buf := make([]byte, 1<<16)
	n := 0
	for {
		k, err := f.Read(buf)
		n += k
		if err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
	}
}
