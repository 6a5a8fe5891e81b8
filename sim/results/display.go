package results

import (
	"math"
	"strconv"
	"strings"
)

// Human formats x for people to read, as the command's tables and the HTML
// report show numbers: four significant digits (every digit of the integer
// part of large values), an exponent only for very large or very small
// values, NA for NaN and 0 for anything that rounds to zero. Files use
// FormatFloat instead.
func Human(x float64) string {
	switch {
	case math.IsNaN(x):
		return NA
	case math.IsInf(x, 0):
		return FormatFloat(x)
	case x == 0:
		return "0"
	}
	a := math.Abs(x)
	if a >= 1e12 || a < 1e-4 {
		return strconv.FormatFloat(x, 'g', 4, 64)
	}
	decimals := max(0, 3-int(math.Floor(math.Log10(a))))
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		return "0"
	}
	return s
}
