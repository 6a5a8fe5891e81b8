package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/sibsim/sibsim/sim/scenario"
)

// RefKind names what a reference points at, for messages: Shipped as in
// "no shipped experiment", File as in "experiment file x.yaml does not
// exist".
type RefKind struct{ Shipped, File string }

// ReadError is a file that exists but cannot be read: a directory, a FIFO,
// a file over its size limit. Loaders report it as a problem of File.
type ReadError struct {
	File string
	Err  error
}

func (e *ReadError) Error() string { return e.File + ": cannot read: " + e.Err.Error() }

// Problem is e as a located problem: "cannot read: ...".
func (e *ReadError) Problem() Problem {
	return Problem{File: e.File, Msg: "cannot read: " + e.Err.Error()}
}

// ReadRef reads the experiment or targets file ref: a shipped name (read
// from shipped, shown as shippedDir/NAME.yaml) or, when
// scenario.IsFileRef(ref), a file read with readFile. It returns the file
// name to use in messages and the file's bytes.
//
// Errors: an unknown shipped name (listing the shipped names), a missing
// file or no readFile match fs.ErrNotExist; any other read error is a
// *ReadError.
func ReadRef(ref string, shipped fs.FS, shippedDir string, readFile func(string) ([]byte, error), kind RefKind) (file string, data []byte, err error) {
	file = ref
	if !scenario.IsFileRef(ref) {
		file = shippedDir + "/" + ref + ".yaml"
		if shipped == nil || !fs.ValidPath(ref+".yaml") {
			err = fs.ErrNotExist
		} else {
			data, err = fs.ReadFile(shipped, ref+".yaml")
		}
		if errors.Is(err, fs.ErrNotExist) {
			list := strings.Join(scenario.YAMLNames(shipped), ", ")
			if list == "" {
				list = "none"
			}
			return file, nil, notFound(fmt.Sprintf("no shipped %s %q (shipped: %s)", kind.Shipped, ref, list))
		}
	} else {
		if readFile == nil {
			return file, nil, notFound(fmt.Sprintf("%s %s: no file system for file references", kind.File, ref))
		}
		data, err = readFile(ref)
		if errors.Is(err, fs.ErrNotExist) {
			return file, nil, notFound(fmt.Sprintf("%s %s does not exist", kind.File, ref))
		}
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return file, nil, &ReadError{File: file, Err: err}
	}
	return file, data, nil
}
