package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// OSFiles returns an fs.FS over the operating system's files for
// Loader.Files. With it, Load takes file references exactly as a user types
// them on the command line, relative to the working directory or absolute:
//
//	l := scenario.Loader{Shipped: scenarios.FS, Files: scenario.OSFiles()}
//	r, err := l.Load(arg) // "my.yaml", "../runs/x.yaml", "/tmp/x.yaml"
//
// Error messages name files as typed, and files reached through extends
// relative to the file that extends them. The FS itself is rooted at the
// file-system root: its Open takes slash-separated absolute paths without
// the leading slash ("home/me/x.yaml"); on Windows they start with the
// volume ("C:/Users/me/x.yaml"). UNC paths are not supported.
func OSFiles() fs.FS { return osFiles{} }

type osFiles struct{}

func (osFiles) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	native := filepath.FromSlash(name)
	if filepath.VolumeName(native) == "" {
		native = string(filepath.Separator) + native
	}
	// Opened without blocking: opening a FIFO for reading would wait for
	// a writer. readFile then refuses anything but a regular file.
	return openNonblocking(native)
}

// fsPath maps an operating-system path to the name Open takes.
func (osFiles) fsPath(name string) (string, error) {
	abs, err := filepath.Abs(filepath.FromSlash(name))
	if err != nil {
		return "", err
	}
	p := strings.TrimLeft(filepath.ToSlash(abs), "/")
	if p == "" {
		p = "."
	}
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("path %q cannot be opened", name)
	}
	return p, nil
}

// pathMapper is implemented by file systems (OSFiles) that map the names
// users write to their own paths.
type pathMapper interface {
	fsPath(name string) (string, error)
}

// IsFileRef reports whether ref names a file (it holds a path separator or
// ends in .yaml or .yml) rather than a shipped scenario, experiment or
// targets file: the one rule every loader uses.
func IsFileRef(ref string) bool {
	lower := strings.ToLower(ref)
	return strings.ContainsRune(ref, '/') || strings.ContainsRune(ref, os.PathSeparator) ||
		strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml")
}

// RelativeRef returns ref as the file named from would mean it: a relative
// file reference is joined to from's directory (slash-separated); a shipped
// name or an absolute path is returned as it is.
func RelativeRef(from, ref string) string {
	if IsFileRef(ref) && !filepath.IsAbs(ref) && !path.IsAbs(filepath.ToSlash(ref)) {
		return path.Join(path.Dir(filepath.ToSlash(from)), filepath.ToSlash(ref))
	}
	return ref
}

// joinRef names the file ref refers to from the file named base, for
// messages: relative to base's directory unless ref is absolute.
func joinRef(base, ref string) string {
	if path.IsAbs(filepath.ToSlash(ref)) || filepath.IsAbs(ref) {
		return ref
	}
	return path.Join(path.Dir(filepath.ToSlash(base)), filepath.ToSlash(ref))
}

var errInvalidPath = errors.New("not a valid path in the scenario file system")

// fsPath maps a file name as shown to users to its path in fsys.
func fsPath(fsys fs.FS, name string) (string, error) {
	if m, ok := fsys.(pathMapper); ok {
		return m.fsPath(name)
	}
	p := path.Clean(filepath.ToSlash(name))
	if !fs.ValidPath(p) {
		return "", errInvalidPath
	}
	return p, nil
}

var (
	errTooLarge  = fmt.Errorf("file is larger than %d bytes", maxFileBytes)
	errIsDir     = errors.New("is a directory")
	errIrregular = errors.New("is not a regular file (a named pipe, socket or device)")
)

// readFile reads name in fsys, a regular file of at most maxFileBytes.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	if fsys == nil {
		return nil, fs.ErrNotExist
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil:
		return nil, err
	case st.IsDir():
		return nil, errIsDir
	case !st.Mode().IsRegular():
		return nil, errIrregular
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, errTooLarge
	}
	return data, nil
}

// readErrMsg describes a read error without the file-system path, which
// users did not type.
func readErrMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

// YAMLNames lists the NAME of every NAME.yaml at the root of fsys, sorted:
// the shipped scenarios, or the shipped experiments.
func YAMLNames(fsys fs.FS) []string {
	if fsys == nil {
		return nil
	}
	files, _ := fs.Glob(fsys, "*.yaml")
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, strings.TrimSuffix(f, ".yaml"))
	}
	slices.Sort(names)
	return names
}
