package sweep

import (
	"fmt"
	"strings"
)

// checkOverlap refuses parameters that address the same number of the
// scenario, like providers[*].culture and providers[0].culture: one value
// would silently overwrite the other, and points.csv would record a value
// that never ran. Two paths overlap when they have the same steps, each
// step equal or one of the two a wildcard ([*] for an index, * for a
// field or key). (Parse already refuses a path given twice.)
func checkOverlap(e *Experiment, ps *[]Problem) {
	steps := make([][]string, len(e.Parameters))
	for i, prm := range e.Parameters {
		steps[i] = pathSteps(prm.Path)
	}
	for j := range e.Parameters {
		for i := range j {
			if !stepsOverlap(steps[i], steps[j]) {
				continue
			}
			*ps = append(*ps, e.problem(fmt.Sprintf("parameters[%d].path", j),
				"%s overlaps parameters[%d].path %s: both set some of the same numbers, so one value would overwrite the other; vary each number through one parameter",
				e.Parameters[j].Path, i, e.Parameters[i].Path))
			break
		}
	}
}

// pathSteps splits a parameter path into field names and [index] steps:
// "a.b[2].c[*]" gives a, b, [2], c, [*].
func pathSteps(path string) []string {
	var out []string
	for _, field := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(field, "[")
		out = append(out, name)
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			out = append(out, "["+idx+"]")
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return out
}

func stepsOverlap(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		switch {
		case x == y:
		case strings.HasPrefix(x, "[") != strings.HasPrefix(y, "["):
			return false
		case x == "[*]" || y == "[*]" || x == "*" || y == "*":
		default:
			return false
		}
	}
	return true
}
