package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sibsim/sibsim/sim/results"
)

// writeSummaryTable prints one line per metric: mean, 95% interval, the
// number of replications in which it was defined, and unit. Names are
// left-aligned, numbers right-aligned.
func writeSummaryTable(w io.Writer, rows []results.Row) {
	cells := [][]string{{"metric", "mean", "95% interval", "n", "unit"}}
	for _, r := range rows {
		interval := results.NA
		if !math.IsNaN(r.Lo95) && !math.IsNaN(r.Hi95) {
			interval = "[" + humanFloat(r.Lo95) + ", " + humanFloat(r.Hi95) + "]"
		}
		cells = append(cells, []string{r.Metric, humanFloat(r.Mean), interval, strconv.Itoa(r.N), r.Unit})
	}
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
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

// humanFloat formats x for reading: four significant digits (all the
// digits of the integer part for large values) without an exponent unless
// x is very large or very small, and NA for NaN.
func humanFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return results.NA
	case math.IsInf(x, 0):
		return results.FormatFloat(x)
	case x == 0:
		return "0"
	}
	a := math.Abs(x)
	if a >= 1e12 || a < 1e-4 {
		return strconv.FormatFloat(x, 'g', 4, 64)
	}
	decimals := max(0, 3-int(math.Floor(math.Log10(a))))
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if s == "-0" || (len(s) > 1 && s[0] == '-' && isZero(s[1:])) {
		return "0"
	}
	return s
}

func isZero(s string) bool {
	for _, c := range s {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}
