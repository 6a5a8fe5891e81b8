package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
)

// writeSummaryTable prints one line per metric: mean, 95% interval, the
// number of replications in which it was defined, and unit. Names are
// left-aligned, numbers right-aligned. Cells pass through terminalText.
func writeSummaryTable(w io.Writer, rows []results.Row) {
	cells := [][]string{{"metric", "mean", "95% interval", "n", "unit"}}
	for _, r := range rows {
		interval := results.NA
		if !math.IsNaN(r.Lo95) && !math.IsNaN(r.Hi95) {
			interval = "[" + results.Human(r.Lo95) + ", " + results.Human(r.Hi95) + "]"
		}
		cells = append(cells, []string{r.Metric, results.Human(r.Mean), interval, strconv.Itoa(r.N), r.Unit})
	}
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
			c = terminalText(c)
			row[i] = c
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range cells {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				b.WriteString(c + pad)
			case i == len(row)-1:
				b.WriteString("  " + c)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, b.String())
	}
}

// intervalText is "[lo, hi]" with both ends by results.Human, or NA.
func intervalText(lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return results.NA
	}
	return "[" + results.Human(lo) + ", " + results.Human(hi) + "]"
}

// writeAligned prints rows of cells in columns two spaces apart: the first
// left columns aligned left, the others right, without trailing spaces.
// Cells pass through terminalText: they hold names read from files.
func writeAligned(w io.Writer, rows [][]string, left int) {
	rows = terminalRows(rows)
	var widths []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < left {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// writeTable prints rows in aligned columns, left-aligned where left[i].
// Cells pass through terminalText: they hold names read from files.
func writeTable(w io.Writer, rows [][]string, left []bool) {
	rows = terminalRows(rows)
	widths := make([]int, len(left))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i > 0 {
				b.WriteString("  ")
			}
			if left[i] {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// terminalText makes s safe to print on a terminal: every character that
// scenario.CheckText refuses (control characters, DEL, C1, line
// separators, bidirectional controls, noncharacters, invalid UTF-8) is
// written as a Go escape (\x1b, \u202e), so text read from files can
// never move the cursor, clear the screen or reorder a line. The loaders
// already refuse such names; this is the renderer's own defence.
func terminalText(s string) string {
	if scenario.CheckText(s) == nil {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				fmt.Fprintf(&b, "\\x%02x", s[i])
				continue
			}
		}
		if scenario.CheckText(string(r)) != nil {
			q := strconv.QuoteRune(r) // 'x1b' style escapes, without quotes
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// terminalRows returns a copy of rows with every cell passed through
// terminalText.
func terminalRows(rows [][]string) [][]string {
	safe := make([][]string, len(rows))
	for k, row := range rows {
		safe[k] = make([]string, len(row))
		for i, c := range row {
			safe[k][i] = terminalText(c)
		}
	}
	return safe
}

// money formats an amount in GBP for people: "£" and whole pounds with
// thousands separators ("£1,234,567", "-£950"), pence under £100 ("£3.50"),
// NA for NaN and 0 for anything that rounds to zero.
func money(x float64) string {
	switch {
	case math.IsNaN(x):
		return results.NA
	case math.IsInf(x, 0):
		return results.FormatFloat(x)
	}
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	if x < 100 {
		s := strconv.FormatFloat(x, 'f', 2, 64)
		if s == "0.00" {
			return "0"
		}
		return sign + "£" + s
	}
	if x >= 1e15 {
		return sign + "£" + strconv.FormatFloat(x, 'g', 4, 64)
	}
	digits := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + "£" + b.String()
}
