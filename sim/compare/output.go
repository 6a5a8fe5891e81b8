package compare

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sibsim/sibsim/sim/results"
)

// Names in a compare output directory, beside File and one run directory
// per scenario (named by ScenarioDir).
const (
	// FiguresDir holds the figures as NAME.FORMAT.
	FiguresDir = "figures"
	// ReportFile is the HTML report.
	ReportFile = "report.html"
)

// ScenarioDir is the directory of a scenario's results in a compare
// output: its name with every character other than ASCII letters, digits,
// '.', '-' and '_' replaced by '_', a leading '.' replaced by '_', cut to
// 200 bytes.
func ScenarioDir(name string) string {
	out := make([]byte, 0, len(name))
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			out = append(out, byte(r))
		default:
			out = append(out, '_')
		}
	}
	if len(out) > 0 && out[0] == '.' {
		out[0] = '_'
	}
	if len(out) > 200 {
		out = out[:200]
	}
	return string(out)
}

// Reserved reports whether dir, a ScenarioDir, is a name a compare output
// uses for its own files (File, FiguresDir, ReportFile), so that no
// scenario may have it.
func Reserved(dir string) bool {
	return dir == FiguresDir || dir == ReportFile || dir == File
}

// CheckOutDir is a results.DirCheck for a compare output: dir may be
// replaced when it does not exist, is an empty directory, or holds a
// previous compare output (File, ReportFile, FiguresDir and directories
// holding a results.ManifestFile). Otherwise the error wraps
// results.ErrOutDir.
func CheckOutDir(dir string) (exists bool, err error) {
	entries, exists, err := results.ReadOutDir(dir)
	if err != nil || len(entries) == 0 {
		return exists, err
	}
	previous := false
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == File && e.Type().IsRegular():
			previous = true
			continue
		case name == ReportFile && e.Type().IsRegular(), name == FiguresDir && e.IsDir():
			continue
		case e.IsDir():
			if _, err := os.Stat(filepath.Join(dir, name, results.ManifestFile)); err == nil {
				continue
			}
		}
		return true, fmt.Errorf("%w: %s holds %s, which sibsim compare does not write; "+
			"use a new or empty directory, or a previous compare output", results.ErrOutDir, dir, name)
	}
	if !previous {
		return true, fmt.Errorf("%w: %s is not empty and holds no %s, so it is not a previous compare output; "+
			"use a new or empty directory", results.ErrOutDir, dir, File)
	}
	return true, nil
}

// ReadRuns reads the runs in dirs, each a run directory (holding a
// results.ManifestFile) or a compare output (holding File), which stands
// for its scenarios' run directories in comparison order. Errors: a
// missing path, one that is neither, a File that does not parse, a run
// directory that does not read (results.ReadRun), or a compare output
// whose scenario directory holds another scenario than File lists.
func ReadRuns(dirs []string) ([]*results.RunData, error) {
	runs, _, err := ReadOutputContext(context.Background(), dirs)
	return runs, err
}

// ReadRunsContext is ReadRuns, stopping with ctx's error once ctx is
// done. Every file is read as results.ReadRunContext reads it: regular
// files only, within its limits; File within results.MaxDataFileBytes.
func ReadRunsContext(ctx context.Context, dirs []string) ([]*results.RunData, error) {
	runs, _, err := ReadOutputContext(ctx, dirs)
	return runs, err
}

// ReadOutput is ReadRuns, and also returns how each run's payments were
// rescaled for an equal-cost comparison, from File (Scale{Factor: 1} for a
// run directory, or a scenario File lists as not rescaled).
func ReadOutput(dirs []string) ([]*results.RunData, []Scale, error) {
	return ReadOutputContext(context.Background(), dirs)
}

// ReadOutputContext is ReadOutput, stopping with ctx's error once ctx is
// done, reading files as ReadRunsContext does.
func ReadOutputContext(ctx context.Context, dirs []string) ([]*results.RunData, []Scale, error) {
	var runDirs, want []string
	var scales []Scale
	for _, arg := range dirs {
		info, err := os.Stat(arg)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, nil, fmt.Errorf("%s: no such directory", arg)
		case err != nil:
			return nil, nil, err
		case !info.IsDir():
			return nil, nil, fmt.Errorf("%s is not a directory", arg)
		}
		name := filepath.Join(arg, File)
		f, err := results.OpenRegular(ctx, name, results.MaxDataFileBytes, true)
		if errors.Is(err, fs.ErrNotExist) {
			if _, err := os.Stat(filepath.Join(arg, results.ManifestFile)); errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("%s is neither a run directory (no %s) nor a compare output (no %s)",
					arg, results.ManifestFile, File)
			}
			runDirs, want = append(runDirs, arg), append(want, "")
			scales = append(scales, Scale{Factor: 1})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		names, sc, err := ReadTable(f)
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		scales = append(scales, sc...)
		for _, n := range names {
			runDirs, want = append(runDirs, filepath.Join(arg, ScenarioDir(n))), append(want, n)
		}
	}
	runs, err := results.ReadRunsContext(ctx, runDirs)
	if err != nil {
		return nil, nil, err
	}
	for i, d := range runs {
		if want[i] != "" && d.Manifest.Scenario != want[i] {
			return nil, nil, fmt.Errorf("%s holds scenario %s; %s lists %s", d.Dir, d.Manifest.Scenario, File, want[i])
		}
	}
	return runs, scales, nil
}

// DuplicateError is the error of CompareRuns for a scenario that appears
// in two run directories.
type DuplicateError struct {
	First, Second string // the run directories
	Scenario      string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s and %s both hold scenario %s; each scenario may appear once", e.First, e.Second, e.Scenario)
}

// CompareRuns compares run directories read by results.ReadRun, the first
// the reference: Compare of FromRun of each. Errors: *DuplicateError if a
// scenario appears twice, an error wrapping ErrUnpaired if the runs do not
// share their seed and replications.
func CompareRuns(runs []*results.RunData) (*Comparison, error) {
	inputs := make([]Input, len(runs))
	for i, d := range runs {
		inputs[i] = FromRun(d)
		for j := range i {
			if inputs[j].Name == inputs[i].Name {
				return nil, &DuplicateError{First: runs[j].Dir, Second: d.Dir, Scenario: d.Manifest.Scenario}
			}
		}
	}
	c, err := Compare(inputs)
	if errors.Is(err, ErrUnpaired) {
		return nil, fmt.Errorf("cannot compare these runs: %w", err)
	}
	return c, err
}
