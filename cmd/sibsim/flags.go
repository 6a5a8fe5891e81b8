package main

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Numeric flags are read as decimal only. pflag's own Int and Uint64 flags
// parse with base 0, so "017" would be 15 and "0x10" 16; these values refuse
// anything but optional sign and decimal digits, so a number means what it
// says. A bad value is a usage error naming the flag (pflag adds the name).

// errNotDecimal is the reason given for a value that is not a decimal
// whole number; pflag prefixes `invalid argument "X" for "--flag" flag: `.
var errNotDecimal = errors.New("want a whole number written in decimal digits")

// decimalInt is an int flag value parsed with base 10.
type decimalInt int

func (v *decimalInt) String() string { return strconv.Itoa(int(*v)) }
func (v *decimalInt) Type() string   { return "int" }
func (v *decimalInt) Set(s string) error {
	x, err := parseDecimalInt(s)
	if err != nil {
		return err
	}
	*v = decimalInt(x)
	return nil
}

// decimalUint64 is a uint64 flag value parsed with base 10.
type decimalUint64 uint64

func (v *decimalUint64) String() string { return strconv.FormatUint(uint64(*v), 10) }
func (v *decimalUint64) Type() string   { return "uint" }
func (v *decimalUint64) Set(s string) error {
	if !isDecimal(s, false) {
		return errNotDecimal
	}
	x, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errors.New("out of range: want 0 to 18446744073709551615")
	}
	*v = decimalUint64(x)
	return nil
}

// parseDecimalInt parses s as an int written in decimal: an optional '-'
// and digits, nothing else (no '+', spaces, underscores or base prefix).
func parseDecimalInt(s string) (int, error) {
	if !isDecimal(s, true) {
		return 0, errNotDecimal
	}
	x, err := strconv.ParseInt(s, 10, strconv.IntSize)
	if err != nil {
		return 0, errors.New("out of range")
	}
	return int(x), nil
}

// isDecimal reports whether s is digits, after a '-' if signed allows one.
func isDecimal(s string, signed bool) bool {
	if signed && len(s) > 1 && s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// intFlag defines a decimal-only int flag.
func intFlag(f *pflag.FlagSet, p *int, name string, value int, usage string) {
	*p = value
	f.Var((*decimalInt)(p), name, usage)
}

// uint64Flag defines a decimal-only uint64 flag.
func uint64Flag(f *pflag.FlagSet, p *uint64, name string, value uint64, usage string) {
	*p = value
	f.Var((*decimalUint64)(p), name, usage)
}

// decimalFloat is a float64 flag value written as a decimal number: an
// optional '-', digits with an optional fraction, and an optional exponent
// (e or E, an optional sign, digits), as in "0.25", "-0.1", ".5" or "1e-3".
// Hexadecimal floats, underscores, '+', Inf and NaN are refused, as are
// values beyond float64's range and non-zero values that would round to
// zero: the rule docs/cli.md gives for numbers in files.
type decimalFloat float64

func (v *decimalFloat) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 64) }
func (v *decimalFloat) Type() string   { return "float" }
func (v *decimalFloat) Set(s string) error {
	if !decimalFloatRE.MatchString(s) {
		return errors.New("want a number written in decimal, like 0.25, -0.1 or 1e-3")
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) {
		return errors.New("out of range")
	}
	if x == 0 && strings.ContainsAny(strings.SplitN(strings.ToLower(s), "e", 2)[0], "123456789") {
		return errors.New("out of range: too close to 0 to be told from 0")
	}
	*v = decimalFloat(x)
	return nil
}

var decimalFloatRE = regexp.MustCompile(`^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$`)

// floatFlag defines a decimal-only float64 flag.
func floatFlag(f *pflag.FlagSet, p *float64, name string, value float64, usage string) {
	*p = value
	f.Var((*decimalFloat)(p), name, usage)
}

// listValue is a repeatable string flag whose values may also be separated
// by commas. Unlike pflag's StringSlice, an empty value is kept as an empty
// item (--metric "" gives [""], --metric a, gives ["a", ""]) rather
// than read as no value at all, so that the command refuses it instead of
// silently falling back to its default (every metric, say) when a shell
// variable was unset.
type listValue []string

// String is empty for no values, so that help shows no "(default [])".
func (v *listValue) String() string {
	if len(*v) == 0 {
		return ""
	}
	return "[" + strings.Join(*v, ",") + "]"
}
func (v *listValue) Type() string { return "strings" }
func (v *listValue) Set(s string) error {
	*v = append(*v, strings.Split(s, ",")...)
	return nil
}

// listFlag defines a repeatable, comma-separated string flag (listValue).
func listFlag(f *pflag.FlagSet, p *[]string, name string, usage string) {
	*p = nil
	f.Var((*listValue)(p), name, usage)
}
