package scenario

import "github.com/sibsim/sibsim/sim/strictyaml"

// Problem is one thing wrong with a scenario, located in the file that set
// it: file:line:col: path: msg (see strictyaml.Problem). Line and Column
// are 0 for a problem with a whole file, and File too for a Scenario built
// in Go and checked with Validate.
type Problem = strictyaml.Problem

// Error lists every problem found in a scenario, sorted by file, line,
// column, path and message. Use errors.As to get at the problems.
type Error struct {
	Problems []Problem
	// More counts further problems found but not listed (Load lists at most 1000).
	More int
}

// Error joins the problems, one per line.
func (e *Error) Error() string { return (*strictyaml.Error)(e).Error() }

// newError sorts and de-duplicates ps and wraps them in an *Error, or returns
// nil when there are none.
func newError(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	return &Error{Problems: strictyaml.Sort(ps, strictyaml.ByPositionAndText)}
}

// treeErr returns the problems recorded in t as an *Error, or nil.
func treeErr(t *strictyaml.Tree) error {
	ps, more := t.Problems()
	if len(ps) == 0 {
		return nil
	}
	return &Error{Problems: ps, More: more}
}
