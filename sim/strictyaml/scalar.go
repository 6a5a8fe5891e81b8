package strictyaml

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// How numbers are read (docs/cli.md, "How numbers are read"): a number
// means the decimal value written, or it is refused. yaml.v3 follows YAML
// 1.1 in part and would read 017 as 15, 0x1F as 31 and 1_000 as 1000, and
// other YAML readers disagree with it and with each other; so the readers
// here take the text of a scalar, not yaml.v3's reading of it, and accept
// only
//
//	[-+]digits                         a whole number (no leading zeros)
//	[-+]digits.digits e[-+]digits      a number, with optional parts: 1.5,
//	                                   .5, 1., 2e3, -1.5E-3 (no leading zeros
//	                                   before the point: 0.5 but not 00.5)
//	.inf -.inf .nan and their capitals (for numbers that are not whole;
//	                                   callers refuse them where a finite
//	                                   number is needed)
//
// in plain scalars or in scalars tagged !!int or !!float. A quoted number
// ("17") is a string, and true and false are the only booleans.

// ErrWrongType is returned by the scalar readers when a node is not the
// kind of value asked for at all (a string where a number is wanted, say);
// callers word the problem ("must be a whole number (got "x")").
var ErrWrongType = errors.New("wrong type")

// SpellingError is returned by the scalar readers for a value of the right
// kind that is written in a way they refuse (017, 0x1F, 1_000, True) or
// that cannot be represented (1e400). Msg is the whole problem, like
// "must be written without leading zeros (got 017)".
type SpellingError struct {
	Msg string
}

func (e *SpellingError) Error() string { return e.Msg }

// spelling returns a *SpellingError whose message is format with the value
// of n as written (cut to 40 bytes) for its first %s, and args after it.
func spelling(format string, n *yaml.Node, args ...any) error {
	return &SpellingError{Msg: fmt.Sprintf(format, append([]any{Shorten(n.Value)}, args...)...)}
}

var (
	// reDecimal matches what could be a decimal number, with underscores
	// and leading zeros still to be refused.
	reDecimal = regexp.MustCompile(`^[-+]?([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][-+]?[0-9][0-9_]*)?$`)
	// reBased matches integers with a base prefix.
	reBased = regexp.MustCompile(`^[-+]?0([xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)$`)
	// reSpecial matches the YAML spellings of infinity and not-a-number.
	reSpecial = regexp.MustCompile(`^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$`)
)

// numberText returns the text of n if n may hold a number: a scalar tagged
// !!int or !!float (resolved or explicit), or a plain scalar that yaml.v3
// left a string but that is spelled like a number (1e400, whose value
// does not fit a float64).
func numberText(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	switch n.ShortTag() {
	case IntTag, FloatTag:
		return n.Value, true
	case StrTag:
		if n.Style == 0 && (reDecimal.MatchString(n.Value) || reBased.MatchString(n.Value)) {
			return n.Value, true
		}
	}
	return "", false
}

// checkSpelling refuses text that is a number spelled in a way the
// readers do not accept.
func checkSpelling(n *yaml.Node, text string) error {
	switch {
	case reBased.MatchString(text):
		return spelling("must be a decimal number (got %s)", n)
	case !reDecimal.MatchString(text):
		return ErrWrongType
	case strings.Contains(text, "_"):
		return spelling("must be written without _ between digits (got %s)", n)
	}
	digits := strings.TrimLeft(text, "+-")
	if len(digits) > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9' {
		return spelling("must be written without leading zeros (got %s): some YAML readers take them to mean octal", n)
	}
	return nil
}

// checkWhole refuses text that is not a whole number in decimal: a number
// with a point or an exponent is of the wrong type (whatever its digits).
func checkWhole(n *yaml.Node, text string) error {
	if !reBased.MatchString(text) && strings.ContainsAny(text, ".eE") {
		return ErrWrongType
	}
	return checkSpelling(n, text)
}

// Int reads scalar n as a whole number written in decimal. The error is
// ErrWrongType for anything else but a *SpellingError for whole numbers in
// other bases, with underscores or leading zeros, and for whole numbers
// outside the int64 range ("out of range (got ...)").
func Int(n *yaml.Node) (int64, error) {
	text, ok := numberText(n)
	if !ok {
		return 0, ErrWrongType
	}
	if err := checkWhole(n, text); err != nil {
		return 0, err
	}
	i, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, spelling("out of range (got %s)", n)
	}
	return i, nil
}

// Uint reads scalar n as a whole number >= 0 written in decimal, with the
// errors of Int; a negative number is ErrWrongType, but -0 reads as 0.
func Uint(n *yaml.Node) (uint64, error) {
	text, ok := numberText(n)
	if !ok {
		return 0, ErrWrongType
	}
	if err := checkWhole(n, text); err != nil {
		return 0, err
	}
	if neg, ok := strings.CutPrefix(text, "-"); ok {
		if strings.Trim(neg, "0") != "" {
			return 0, ErrWrongType
		}
		return 0, nil
	}
	u, err := strconv.ParseUint(strings.TrimPrefix(text, "+"), 10, 64)
	if err != nil {
		return 0, spelling("out of range (got %s)", n)
	}
	return u, nil
}

// Float reads scalar n as a number written in decimal: a whole number or
// one with a point or an exponent, or .inf, -.inf or .nan (which callers
// refuse where they need a finite number). -0 reads as 0 (a negative zero
// would not survive writing the value out and reading it back). The errors
// are those of Int, and "out of range" for a number too large for a
// float64 (1e400) or too close to 0 for one (1e-400, which would read as
// 0).
func Float(n *yaml.Node) (float64, error) {
	text, ok := numberText(n)
	if !ok {
		return 0, ErrWrongType
	}
	if reSpecial.MatchString(text) {
		switch {
		case strings.EqualFold(text, ".nan"):
			return math.NaN(), nil
		case text[0] == '-':
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	}
	if err := checkSpelling(n, text); err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(text, 64)
	switch {
	case err != nil && math.IsInf(f, 0):
		return 0, spelling("out of range (got %s)", n)
	case err != nil:
		return 0, ErrWrongType
	case f == 0 && strings.ContainsAny(mantissa(text), "123456789"):
		return 0, spelling("out of range: too close to 0 to be told from 0 (got %s)", n)
	}
	if f == 0 {
		f = 0
	}
	return f, nil
}

// mantissa drops the exponent of a decimal number.
func mantissa(text string) string {
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		return text[:i]
	}
	return text
}

// yaml11Bools are the words YAML 1.1 readers take as booleans besides
// true and false.
var yaml11Bools = regexp.MustCompile(`^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$`)

// Bool reads scalar n as true or false, spelled so. The error is
// ErrWrongType for anything but a boolean, and a *SpellingError for the
// other spellings YAML readers may take as booleans: True, FALSE, and the
// YAML 1.1 words yes, no, on, off, y and n (which yaml.v3 reads as true or
// false into a Go bool).
func Bool(n *yaml.Node) (bool, error) {
	if n.Kind != yaml.ScalarNode {
		return false, ErrWrongType
	}
	switch tag := n.ShortTag(); {
	case tag == BoolTag && n.Value == "true":
		return true, nil
	case tag == BoolTag && n.Value == "false":
		return false, nil
	case tag == BoolTag && (strings.EqualFold(n.Value, "true") || strings.EqualFold(n.Value, "false")):
		return false, spelling("must be true or false, in lower case (got %s)", n)
	case (tag == BoolTag || tag == StrTag && n.Style == 0) && yaml11Bools.MatchString(n.Value):
		meaning := "true"
		if v := strings.ToLower(n.Value); v == "n" || v == "no" || v == "off" {
			meaning = "false"
		}
		return false, spelling("must be true or false (got %q, which some YAML readers take as %s)", n, meaning)
	}
	return false, ErrWrongType
}

// String reads scalar n as a string, as written: any scalar but null,
// since a name may look like a number. The error is ErrWrongType for null,
// lists and mappings.
func String(n *yaml.Node) (string, error) {
	var s string
	if n.Kind != yaml.ScalarNode || IsNull(n) || n.Decode(&s) != nil {
		return "", ErrWrongType
	}
	return s, nil
}
