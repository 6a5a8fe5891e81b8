package strictyaml

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a file, located in the file that set it.
// Like encoding/csv.ParseError it is an error in its own right; Line and
// Column are 1-based and 0 when unknown (a problem with the whole file, or
// with a value built in Go rather than read from a file).
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

// Error lists every problem found in a file. Packages that read a kind of
// file define their own error type with the same fields, so that callers can
// tell the kinds apart, and convert to this one to format it.
type Error struct {
	Problems []Problem
	// More counts further problems found but not listed.
	More int
}

// Error joins the problems, one per line, then "and N more problems" when
// More > 0.
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

// Order says how Sort orders problems.
type Order int

const (
	// ByPositionAndText orders problems by file, line, column, path and
	// message.
	ByPositionAndText Order = iota
	// ByPosition orders problems by file, line and column, keeping the order
	// in which they were found among problems at the same place (for
	// messages that tell a story in order, like design points 1, 2, 10).
	ByPosition
)

// Sort returns a sorted copy of ps without repeated problems.
func Sort(ps []Problem, o Order) []Problem {
	ps = slices.Clone(ps)
	if o == ByPosition {
		slices.SortStableFunc(ps, comparePositions)
		// Repeats need not be adjacent: drop each problem seen before.
		seen := make(map[Problem]bool, len(ps))
		return slices.DeleteFunc(ps, func(p Problem) bool {
			dup := seen[p]
			seen[p] = true
			return dup
		})
	}
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(comparePositions(a, b), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Msg, b.Msg))
	})
	return slices.Compact(ps)
}

func comparePositions(a, b Problem) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
	)
}
