package results

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Limits on what readers read, so that no file (a FIFO, a device, a file
// that never ends, a line that never ends) can block a reader or exhaust
// memory. docs/cli.md lists them.
const (
	// MaxManifestBytes bounds a manifest.json (a scenario file is at most
	// 1 MiB, and the manifest holds one).
	MaxManifestBytes = 16 << 20
	// MaxDataFileBytes bounds a CSV file of a results or sweep directory.
	// The weekly series a run may hold in memory are bounded by 4 GiB of
	// float64s, which CSV writes in fewer bytes than this.
	MaxDataFileBytes = 8 << 30
	// MaxLineBytes bounds one line of a CSV file.
	MaxLineBytes = 1 << 20
)

// ErrNotRegular is wrapped by the error of OpenRegular for a path that is
// not a regular file (a directory, FIFO, socket or device).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by read errors for a file larger than its limit
// or a line longer than MaxLineBytes.
var ErrTooLarge = errors.New("too large")

// File is a regular file opened by OpenRegular: reads stop with an error
// wrapping ErrTooLarge past the size limit or MaxLineBytes without a line
// end (when lines are checked), and with ctx's error once ctx is done.
type File struct {
	f       *os.File
	name    string
	ctx     context.Context
	left    int64 // bytes still allowed
	limit   int64
	lines   bool
	lineLen int64
}

// OpenRegular opens name for reading if it is a regular file of at most
// limit bytes. It never blocks: a FIFO is refused without waiting for a
// writer. Errors wrap ErrNotRegular, ErrTooLarge or the open error
// (fs.ErrNotExist for a missing file). With lines, every line must be at
// most MaxLineBytes long.
func OpenRegular(ctx context.Context, name string, limit int64, lines bool) (*File, error) {
	f, err := openNonblocking(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, fileKind(st.Mode()))}
	}
	if st.Size() > limit {
		f.Close()
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: %d bytes; the limit is %d", ErrTooLarge, st.Size(), limit)}
	}
	return &File{f: f, name: name, ctx: ctx, left: limit, limit: limit, lines: lines}, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// Read reads from the file within its limits.
func (f *File) Read(p []byte) (int, error) {
	if err := f.ctx.Err(); err != nil {
		return 0, err
	}
	if f.left <= 0 {
		// The file grew past its limit while it was read.
		var one [1]byte
		if n, _ := f.f.Read(one[:]); n > 0 {
			return 0, &fs.PathError{Op: "read", Path: f.name, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, f.limit)}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.f.Read(p)
	f.left -= int64(n)
	if f.lines {
		chunk := p[:n]
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				f.lineLen += int64(len(chunk))
				break
			}
			f.lineLen += int64(i)
			if f.lineLen > MaxLineBytes {
				break
			}
			f.lineLen = 0
			chunk = chunk[i+1:]
		}
		if f.lineLen > MaxLineBytes {
			return 0, &fs.PathError{Op: "read", Path: f.name, Err: fmt.Errorf("%w: a line longer than %d bytes", ErrTooLarge, MaxLineBytes)}
		}
	}
	return n, err
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

// ReadRegularFile reads the whole of name with OpenRegular (lines not
// checked).
func ReadRegularFile(ctx context.Context, name string, limit int64) ([]byte, error) {
	f, err := OpenRegular(ctx, name, limit, false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// FileSHA256 returns the hex SHA-256 of the regular file name, read within
// limit bytes.
func FileSHA256(ctx context.Context, name string, limit int64) (string, error) {
	f, err := OpenRegular(ctx, name, limit, false)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
