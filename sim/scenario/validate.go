package scenario

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sibsim/sibsim/sim/strictyaml"
)

// checkSpec is a parsed `check` struct tag. Options, comma separated:
//
//	min=X, max=X  bounds for a number; for a slice of numbers, for every
//	              element; for a pointer, for its target when not nil
//	prob          a probability: between 0 and 1 inclusive
//	nonempty      a string with non-space text; a slice or map with elements
//	maxlen=N      a slice or map with at most N elements; a string of at
//	              most N characters
//	text          a string that is plain text: valid UTF-8 without control
//	              characters or bidirectional overrides (see CheckText)
//	name          a name (see CheckName): no space at either end, and not
//	              beginning with a character spreadsheets read as a formula
//
// Every float, tagged or not, must be finite.
type checkSpec struct {
	min, max         string // "" when unset; kept as written for messages
	minVal, maxVal   float64
	prob, nonempty   bool
	hasMin, hasMax   bool
	hasNumericChecks bool
	maxLen           int // 0 when unset
	text, name       bool
}

func parseCheck(tag string) (checkSpec, error) {
	var c checkSpec
	if tag == "" {
		return c, nil
	}
	for opt := range strings.SplitSeq(tag, ",") {
		key, val, hasVal := strings.Cut(opt, "=")
		switch {
		case key == "prob" && !hasVal:
			c.prob = true
		case key == "nonempty" && !hasVal:
			c.nonempty = true
		case key == "text" && !hasVal:
			c.text = true
		case key == "name" && !hasVal:
			c.name = true
		case key == "maxlen" && hasVal:
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return c, fmt.Errorf("bad check option %q", opt)
			}
			c.maxLen = n
		case (key == "min" || key == "max") && hasVal:
			x, err := strconv.ParseFloat(val, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return c, fmt.Errorf("bad check option %q", opt)
			}
			if key == "min" {
				c.min, c.minVal, c.hasMin = val, x, true
			} else {
				c.max, c.maxVal, c.hasMax = val, x, true
			}
		default:
			return c, fmt.Errorf("unknown check option %q", opt)
		}
	}
	c.hasNumericChecks = c.prob || c.hasMin || c.hasMax
	return c, nil
}

// validator checks a decoded value against its `check` tags and Check methods.
type validator struct {
	report func(path, msg string)
	check  func(scope, path, msg string) // scope: path of the value checked
	nan    *strictyaml.Paths             // paths of non-finite floats
}

// Validate checks a Scenario built or changed in Go against the same rules
// Load applies: the `check` tags, finite numbers and every Check method. It
// does not check that required fields were set. The error is an *Error
// whose problems have a Path but no File.
func (s *Scenario) Validate() error {
	var ps []Problem
	validate(s, func(path, msg string) {
		ps = append(ps, Problem{Path: path, Msg: msg})
	}, nil)
	return newError(ps)
}

// validate checks s, calling report for every problem. Problems at paths
// that bad covers (values that failed to decode) are dropped; bad may be nil.
func validate(s *Scenario, report func(path, msg string), bad *strictyaml.Paths) {
	if bad == nil {
		bad = strictyaml.NewPaths()
	}
	v := validator{
		report: func(path, msg string) {
			if !bad.Covers(path) {
				report(path, msg)
			}
		},
		nan: strictyaml.NewPaths(),
	}
	root := reflect.ValueOf(s).Elem()
	v.tags(root, "", checkSpec{})
	// A cross-field check of a value is skipped when part of that value
	// failed to decode or is not finite: it would only echo that problem.
	// For the Scenario itself, only the top-level field reported counts.
	for _, p := range v.nan.All() {
		bad.Add(p)
	}
	v.check = func(scope, path, msg string) {
		if scope == "" {
			scope, _, _ = strings.Cut(path, ".")
			scope, _, _ = strings.Cut(scope, "[")
		}
		if !bad.Covers(scope) && !bad.Covers(path) {
			report(path, msg)
		}
	}
	v.checks(root, "")
}

// tags applies c and the checks of nested fields to x at path.
func (v *validator) tags(x reflect.Value, path string, c checkSpec) {
	switch x.Kind() {
	case reflect.Pointer:
		if !x.IsNil() {
			v.tags(x.Elem(), path, c)
		}
	case reflect.Struct:
		for _, f := range fieldsOf(x.Type()) {
			v.tags(x.Field(f.index), strictyaml.JoinPath(path, f.name), f.check)
		}
	case reflect.Slice:
		if c.nonempty && x.Len() == 0 {
			v.report(path, "must not be empty")
		}
		if c.maxLen > 0 && x.Len() > c.maxLen {
			v.report(path, fmt.Sprintf("must have at most %d elements (got %d)", c.maxLen, x.Len()))
		}
		c.nonempty, c.maxLen = false, 0
		for i := range x.Len() {
			v.tags(x.Index(i), path+"["+strconv.Itoa(i)+"]", c)
		}
	case reflect.Map:
		if c.nonempty && x.Len() == 0 {
			v.report(path, "must not be empty")
		}
		if c.maxLen > 0 && x.Len() > c.maxLen {
			v.report(path, fmt.Sprintf("must have at most %d elements (got %d)", c.maxLen, x.Len()))
		}
		c.nonempty, c.maxLen = false, 0
		keys := x.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.String()
		}
		for i := range keys {
			v.tags(x.MapIndex(keys[i]), strictyaml.JoinPath(path, names[i]), c)
		}
	case reflect.String:
		if c.nonempty && strings.TrimSpace(x.String()) == "" {
			v.report(path, "must not be empty")
		}
		if n := utf8.RuneCountInString(x.String()); c.maxLen > 0 && n > c.maxLen {
			v.report(path, fmt.Sprintf("must be at most %d characters (got %d)", c.maxLen, n))
		}
		if c.text {
			if err := CheckText(x.String()); err != nil {
				v.report(path, err.Error())
			}
		}
		if c.name && strings.TrimSpace(x.String()) != "" {
			if err := CheckName(x.String()); err != nil {
				v.report(path, err.Error())
			}
		}
	case reflect.Float32, reflect.Float64:
		f := x.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			v.nan.Add(path)
			v.report(path, fmt.Sprintf("must be a finite number (got %g)", f))
			return
		}
		v.numeric(path, f, strconv.FormatFloat(f, 'g', -1, 64), c)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.numeric(path, float64(x.Int()), strconv.FormatInt(x.Int(), 10), c)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.numeric(path, float64(x.Uint()), strconv.FormatUint(x.Uint(), 10), c)
	}
}

func (v *validator) numeric(path string, f float64, got string, c checkSpec) {
	if !c.hasNumericChecks {
		return
	}
	if c.prob && (f < 0 || f > 1) {
		v.report(path, "must be between 0 and 1 (got "+got+")")
	}
	if c.hasMin && f < c.minVal {
		v.report(path, "must be >= "+c.min+" (got "+got+")")
	}
	if c.hasMax && f > c.maxVal {
		v.report(path, "must be <= "+c.max+" (got "+got+")")
	}
}

// checks calls Check on x and on every value nested in it that implements
// checker, with a Reporter that prefixes the value's path.
func (v *validator) checks(x reflect.Value, path string) {
	if x.CanAddr() {
		if c, ok := x.Addr().Interface().(checker); ok {
			c.Check(func(field, format string, args ...any) {
				v.check(path, strictyaml.JoinPath(path, field), fmt.Sprintf(format, args...))
			})
		}
	}
	switch x.Kind() {
	case reflect.Pointer:
		if !x.IsNil() {
			v.checks(x.Elem(), path)
		}
	case reflect.Struct:
		for _, f := range fieldsOf(x.Type()) {
			v.checks(x.Field(f.index), strictyaml.JoinPath(path, f.name))
		}
	case reflect.Slice:
		for i := range x.Len() {
			v.checks(x.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
	}
}
