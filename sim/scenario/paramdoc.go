package scenario

import (
	"fmt"
	"strings"
	"sync"

	"github.com/sibsim/sibsim/docs"
)

// The parameter table of docs/ODD.md (appendix A) lies between these markers.
const (
	oddTableBegin = "<!-- BEGIN PARAMETERS -->"
	oddTableEnd   = "<!-- END PARAMETERS -->"
)

// ParamDoc documents one scenario parameter: one row of the parameter
// table in appendix A of docs/ODD.md, the single place where parameters
// are described. Texts are as written there, Markdown included.
type ParamDoc struct {
	// Path is the field path in the notation of the table: fields joined by
	// dots, a list of structs as name[] (neighbourhoods[].name).
	Path    string
	Meaning string
	Unit    string
	// Default is the value in the default scenario (ways-to-wellness), as
	// the table words it ("0.3, 0.3, 0.25, 0.15" for list items).
	Default string
	// Source is the citation, or *assumption*.
	Source string
	// Line is the row's 1-based line in docs/ODD.md.
	Line int
}

var paramDocs = sync.OnceValues(func() (map[string]ParamDoc, error) { return parseParamTable(docs.ODD) })

// ParamDocs returns the rows of the parameter table of docs/ODD.md, by
// path. The error reports a table that cannot be read (missing markers, a
// header without a Path column, a row without a path); it does not happen
// with the table the binary was built with, which the package tests read.
func ParamDocs() (map[string]ParamDoc, error) { return paramDocs() }

// parseParamTable reads the Markdown tables between the parameter markers
// of odd. Columns are found by their header (Path, Meaning, Unit, a header
// starting "Default", Source), so their order does not matter; a first
// cell may name several paths, each in backquotes.
func parseParamTable(odd string) (map[string]ParamDoc, error) {
	before, rest, ok := strings.Cut(odd, oddTableBegin)
	table, _, ok2 := strings.Cut(rest, oddTableEnd)
	if !ok || !ok2 {
		return nil, fmt.Errorf("parameter table markers %q and %q not found", oddTableBegin, oddTableEnd)
	}
	line := strings.Count(before, "\n") + 1
	out := map[string]ParamDoc{}
	var cols map[string]int // column name -> index among the cells
	for i, l := range strings.Split(table, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "|") {
			cols = nil // a table ends at the first line that is not a row
			continue
		}
		cells := splitRow(l)
		switch {
		case cols == nil:
			cols = map[string]int{}
			for j, c := range cells {
				name, _, _ := strings.Cut(c, " ")
				cols[name] = j
			}
			if _, ok := cols["Path"]; !ok {
				return nil, fmt.Errorf("line %d: parameter table header has no Path column", line+i)
			}
			continue
		case strings.HasPrefix(l, "|-") || strings.HasPrefix(l, "|:"):
			continue
		}
		cell := func(name string) string {
			if j, ok := cols[name]; ok && j < len(cells) {
				return cells[j]
			}
			return ""
		}
		paths := backquoted(cell("Path"))
		if len(paths) == 0 {
			return nil, fmt.Errorf("line %d: parameter table row names no path in backquotes", line+i)
		}
		for _, p := range paths {
			if prev, dup := out[p]; dup {
				return nil, fmt.Errorf("line %d: parameter %s already has a row (line %d)", line+i, p, prev.Line)
			}
			out[p] = ParamDoc{Path: p, Meaning: cell("Meaning"), Unit: cell("Unit"), Default: cell("Default"), Source: cell("Source"), Line: line + i}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no parameter rows between the table markers")
	}
	return out, nil
}

// splitRow splits a Markdown table row into its trimmed cells.
func splitRow(l string) []string {
	l = strings.TrimSuffix(strings.TrimPrefix(l, "|"), "|")
	cells := strings.Split(l, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// backquoted returns the texts in backquotes in s.
func backquoted(s string) []string {
	var out []string
	for {
		_, after, ok := strings.Cut(s, "`")
		if !ok {
			return out
		}
		p, rest, closed := strings.Cut(after, "`")
		if !closed {
			return out
		}
		out = append(out, p)
		s = rest
	}
}

// PlainText turns a cell of the parameter table into plain text for
// comments and schema descriptions: without backquotes and the asterisks
// of emphasis, and "—" (nothing) as "".
func PlainText(s string) string {
	s = strings.NewReplacer("`", "", "**", "", "*", "").Replace(s)
	if s = strings.TrimSpace(s); s == "—" {
		return ""
	}
	return s
}

// DocFor returns the parameter table's row for a resolved field path, as
// SetPath and problems write it (providers[1].culture,
// contract.provider_payments[0].rules[1].tariffs_gbp[2],
// contract.payers[0].payer_shares.ccg): list indices become [], and an
// element of a list of numbers or an entry of a mapping is documented by
// its list or mapping. ok is false when no row documents the path.
func DocFor(path string) (ParamDoc, bool) {
	docs, err := paramDocs()
	if err != nil {
		return ParamDoc{}, false
	}
	p := listIndex.ReplaceAllString(path, "[]")
	if d, ok := docs[p]; ok {
		return d, true
	}
	if q, ok := strings.CutSuffix(p, "[]"); ok { // an element of a list of numbers
		d, ok := docs[q]
		return d, ok
	}
	if i := strings.LastIndexByte(p, '.'); i > 0 { // an entry of a mapping
		d, ok := docs[p[:i]]
		return d, ok
	}
	return ParamDoc{}, false
}
