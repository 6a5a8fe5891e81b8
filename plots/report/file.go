package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/sibsim/sibsim/sim/results"
)

// generatorMark is in the head of every report Write writes (the
// template's generator meta tag).
var generatorMark = []byte(`<meta name="generator" content="sibsim `)

// CheckFile reports whether a report may be written to the file name: it
// does not exist, or is an earlier report (its first KiB holds the
// template's generator tag), which may be replaced; a symbolic link is
// judged by the file it points to. A name that is empty, too long, a link
// that does not resolve, under a file, not a regular file or another file
// gives an error wrapping results.ErrOutDir; failing to read it gives that
// error.
func CheckFile(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty path", results.ErrOutDir)
	}
	if err := results.CheckOutPath(name); err != nil {
		return err
	}
	info, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		// A parent that is a file, no permission.
		return fmt.Errorf("%w: %v", results.ErrOutDir, err)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%w: %s exists and is not a file", results.ErrOutDir, name)
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, _ := io.ReadFull(f, head)
	if !bytes.Contains(head[:n], generatorMark) {
		return fmt.Errorf("%w: %s exists and is not a sibsim report; choose another file or remove it", results.ErrOutDir, name)
	}
	return nil
}
