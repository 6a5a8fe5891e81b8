package scenario

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a scenario, located in the file that set it.
// Like encoding/csv.ParseError it is an error in its own right; Line and
// Column are 1-based and 0 when unknown (a problem with the whole file, or a
// Scenario built in Go and checked with Validate).
type Problem struct {
	File   string
	Line   int
	Column int
	// Path is the field path, like contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0].
	Path string
	Msg  string
}

// Error formats the problem as file:line:col: path: msg, leaving out the
// parts that are unknown or empty.
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			b.WriteString(":" + strconv.Itoa(p.Line))
			if p.Column > 0 {
				b.WriteString(":" + strconv.Itoa(p.Column))
			}
		}
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error lists every problem found in a scenario, sorted by file, line,
// column and path. Use errors.As to get at the problems.
type Error struct {
	Problems []Problem
	// More counts further problems found but not listed (Load lists at most 1000).
	More int
}

// Error joins the problems, one per line.
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems), len(e.Problems)+1)
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	if e.More > 0 {
		lines = append(lines, "and "+strconv.Itoa(e.More)+" more problems")
	}
	return strings.Join(lines, "\n")
}

// newError sorts and de-duplicates ps and wraps them in an *Error, or returns
// nil when there are none.
func newError(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	ps = slices.Clone(ps)
	slices.SortFunc(ps, compareProblems)
	ps = slices.Compact(ps)
	return &Error{Problems: ps}
}

func compareProblems(a, b Problem) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Msg, b.Msg),
	)
}
