package scenario

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Parameter paths name numeric values of a Scenario by their YAML field
// names, as in error messages and docs/ODD.md:
//
//	referrals.gp_engagement_mean
//	providers[0].culture
//	contract.provider_payments[1].rules[0].per_assessment.tariffs_gbp[0]
//	neighbourhoods[*].services.social_groups.places_per_1000_eligible
//	neighbourhoods[*].services.*.places_per_1000_eligible
//	contract.outcome_payments[0].payer_shares.ccg
//	contract.provider_payments[*].rules[*].per_assessment.tariffs_gbp[*]
//
// A path is field names separated by dots; a list element is selected with
// [i] (0-based) or with [*], which selects every element (a value set at
// such a path is set in every element). A map entry is selected by its key
// as a field name. A field name * selects every field of a group whose
// fields all have the same type (like the service types of services), or
// every entry of a mapping. The path must end at a number: a float, or a
// whole number, which SetPath rounds to the nearest integer.
//
// After a wildcard ([*] or *), elements where an optional part of the path
// is not set are skipped: rules[*].per_assessment selects the rules that
// are per_assessment rules. A path must select at least one number.

// PathError is a parameter path that cannot be used: it does not name a
// number of the Scenario schema, or it does not exist in a given scenario.
type PathError struct {
	Path string
	Msg  string
}

func (e *PathError) Error() string { return e.Path + ": " + e.Msg }

// pathStep is one element of a parsed path: a field or map key, an index,
// or the wildcard [*].
type pathStep struct {
	name  string // field or key; "" for an index
	index int    // list index; -1 for [*]
}

func (s pathStep) String() string {
	switch {
	case s.name != "":
		return s.name
	case s.index < 0:
		return "[*]"
	}
	return "[" + strconv.Itoa(s.index) + "]"
}

// parsePath splits path into steps.
func parsePath(path string) ([]pathStep, error) {
	bad := func(msg string) ([]pathStep, error) { return nil, &PathError{Path: path, Msg: msg} }
	if strings.TrimSpace(path) == "" {
		return bad("empty path")
	}
	var steps []pathStep
	for i, seg := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(seg, "[")
		if name == "" {
			if i == 0 && strings.HasPrefix(seg, "[") {
				return bad("a path starts with a field name (like neighbourhoods[0])")
			}
			return bad(fmt.Sprintf("empty field name in %q", seg))
		}
		for _, r := range name {
			if name == "*" {
				break
			}
			if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return bad(fmt.Sprintf("field name %q has a character other than letters, digits, _ and -", name))
			}
		}
		steps = append(steps, pathStep{name: name})
		if len(seg) > len(name) {
			rest = "[" + rest
		}
		for rest != "" {
			end := strings.IndexByte(rest, ']')
			if rest[0] != '[' || end < 0 {
				return bad(fmt.Sprintf("malformed index in %q: use [N] or [*]", seg))
			}
			idx := rest[1:end]
			rest = rest[end+1:]
			if idx == "*" {
				steps = append(steps, pathStep{index: -1})
				continue
			}
			n, err := strconv.Atoi(idx)
			if err != nil || n < 0 || strings.HasPrefix(idx, "+") {
				return bad(fmt.Sprintf("index [%s] in %q must be a whole number >= 0 or *", idx, seg))
			}
			steps = append(steps, pathStep{index: n})
		}
	}
	return steps, nil
}

// pathString joins steps back into a path.
func pathString(steps []pathStep) string {
	var b strings.Builder
	for _, s := range steps {
		if s.name != "" && b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.String())
	}
	return b.String()
}

func isNumberKind(k reflect.Kind) bool {
	switch k {
	case reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// fieldNames lists the YAML field names of struct type t.
func fieldNames(t reflect.Type) string {
	fs := fieldsOf(t)
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// notNumber explains why a value of type t at a path is not a number.
func notNumber(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		return "is a group of fields, not a number (fields: " + fieldNames(t) + ")"
	case reflect.Slice:
		if e := t.Elem(); isNumberKind(e.Kind()) {
			return "is a list of numbers: select an element with [N] or every element with [*]"
		}
		return "is a list, not a number: select an element with [N] or every element with [*], then a field"
	case reflect.Map:
		return "is a mapping, not a number: select an entry by its key"
	case reflect.String:
		return "is a string, not a number"
	case reflect.Bool:
		return "is true or false, not a number"
	}
	return "is not a number"
}

var scenarioType = reflect.TypeFor[Scenario]()

// CheckPath reports whether path names a number in the Scenario schema,
// without looking at any scenario: field names must exist and lists must
// be indexed, but indices and map keys are not checked (SetPath checks them
// against a given scenario). The error is a *PathError.
func CheckPath(path string) error {
	steps, err := parsePath(path)
	if err != nil {
		return err
	}
	t := scenarioType
	for i, st := range steps {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		at := pathString(steps[:i])
		fail := func(msg string) error { return &PathError{Path: path, Msg: msg} }
		switch t.Kind() {
		case reflect.Struct:
			if st.name == "" {
				return fail(fmt.Sprintf("%s is not a list: %s cannot follow it", orTop(at), st))
			}
			if st.name == "*" {
				ft, ok := sameFieldType(t)
				if !ok {
					return fail(fmt.Sprintf("%s.* selects fields of different types: name one (fields: %s)", orTop(at), fieldNames(t)))
				}
				t = ft
				continue
			}
			f, ok := findField(fieldsOf(t), st.name)
			if !ok {
				where := "a scenario"
				if at != "" {
					where = at
				}
				return fail(fmt.Sprintf("unknown field %q in %s%s", st.name, where, suggest(st.name, fieldsOf(t))))
			}
			t = t.Field(f.index).Type
		case reflect.Slice:
			if st.name != "" {
				return fail(fmt.Sprintf("%s is a list: select an element with [N] or every element with [*] before .%s", at, st.name))
			}
			t = t.Elem()
		case reflect.Map:
			if st.name == "" {
				return fail(fmt.Sprintf("%s is a mapping: select an entry by its key, not %s", at, st))
			}
			t = t.Elem()
		default:
			if isNumberKind(t.Kind()) {
				return fail(fmt.Sprintf("%s is a number: nothing can follow it", at))
			}
			return fail(fmt.Sprintf("%s %s", at, notNumber(t)))
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if !isNumberKind(t.Kind()) {
		return &PathError{Path: path, Msg: notNumber(t)}
	}
	return nil
}

// sameFieldType returns the type of every field of struct type t, if they
// all have the same one.
func sameFieldType(t reflect.Type) (reflect.Type, bool) {
	fs := fieldsOf(t)
	if len(fs) == 0 {
		return nil, false
	}
	ft := t.Field(fs[0].index).Type
	for _, f := range fs[1:] {
		if t.Field(f.index).Type != ft {
			return nil, false
		}
	}
	return ft, true
}

func orTop(at string) string {
	if at == "" {
		return "a scenario"
	}
	return at
}

// SetPath sets the number at path in s to v. A whole-number field gets v
// rounded to the nearest integer. With [*] in the path, every element of
// that list gets v. SetPath does not validate the result: call s.Validate.
// The error is a *PathError when path does not name a number of s (a field
// that does not exist, an index out of range, a rule of another type).
func SetPath(s *Scenario, path string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return &PathError{Path: path, Msg: fmt.Sprintf("value must be finite (got %g)", v)}
	}
	return updatePath(s, path, func(float64) float64 { return v }, true)
}

// ScalePath multiplies the number at path in s by factor (every number,
// with [*]); whole numbers are rounded. It fails where SetPath would, and
// on an optional value that is not set.
func ScalePath(s *Scenario, path string, factor float64) error {
	if math.IsNaN(factor) || math.IsInf(factor, 0) {
		return &PathError{Path: path, Msg: fmt.Sprintf("factor must be finite (got %g)", factor)}
	}
	return updatePath(s, path, func(old float64) float64 { return old * factor }, false)
}

// GetPath returns the numbers at path in s: one, or one per element a
// wildcard selects, in list order (fields in declaration order, map
// entries by key). An optional number that is not set is left out.
func GetPath(s *Scenario, path string) ([]float64, error) {
	if s == nil {
		return nil, &PathError{Path: path, Msg: "no scenario"}
	}
	if err := CheckPath(path); err != nil {
		return nil, err
	}
	steps, _ := parsePath(path)
	var out []float64
	n, err := walkPath(reflect.ValueOf(s).Elem(), path, steps, 0, false, func(leaf reflect.Value) error {
		if leaf.Kind() == reflect.Pointer {
			if leaf.IsNil() {
				return nil
			}
			leaf = leaf.Elem()
		}
		out = append(out, numberOf(leaf))
		return nil
	})
	if err == nil && n == 0 {
		err = &PathError{Path: path, Msg: "selects no number in the scenario"}
	}
	return out, err
}

func numberOf(v reflect.Value) float64 {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	}
	return float64(v.Uint())
}

// updatePath replaces every number at path with fn(old). alloc allows an
// unset optional number to be set (fn gets 0).
func updatePath(s *Scenario, path string, fn func(old float64) float64, alloc bool) error {
	if s == nil {
		return &PathError{Path: path, Msg: "no scenario"}
	}
	if err := CheckPath(path); err != nil {
		return err
	}
	steps, _ := parsePath(path)
	n, err := walkPath(reflect.ValueOf(s).Elem(), path, steps, 0, false, func(leaf reflect.Value) error {
		if leaf.Kind() == reflect.Pointer {
			if leaf.IsNil() {
				if !alloc {
					return &PathError{Path: path, Msg: "is not set in the scenario, so it cannot be scaled"}
				}
				leaf.Set(reflect.New(leaf.Type().Elem()))
			}
			leaf = leaf.Elem()
		}
		return setNumber(path, leaf, fn(numberOf(leaf)))
	})
	if err == nil && n == 0 {
		err = &PathError{Path: path, Msg: "selects no number in the scenario"}
	}
	return err
}

// setNumber stores x in the number v, rounding for whole-number kinds.
func setNumber(path string, v reflect.Value, x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return &PathError{Path: path, Msg: fmt.Sprintf("value must be finite (got %g)", x)}
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if x == 0 {
			x = 0 // no negative zero
		}
		v.SetFloat(x)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		r := math.Round(x)
		if r < math.MinInt64 || r >= math.MaxInt64 || v.OverflowInt(int64(r)) {
			return &PathError{Path: path, Msg: fmt.Sprintf("value %g is out of range for a whole number", x)}
		}
		v.SetInt(int64(r))
	default:
		r := math.Round(x)
		if r < 0 || r >= math.MaxUint64 || v.OverflowUint(uint64(r)) {
			return &PathError{Path: path, Msg: fmt.Sprintf("value %g is out of range for a whole number >= 0", x)}
		}
		v.SetUint(uint64(r))
	}
	return nil
}

// walkPath calls leaf on every settable value that steps[i:] select in v
// (a number, or a pointer to one) and returns how many it called it on.
// wild says a wildcard came before steps[i]: an unset optional value is
// then skipped rather than an error. The path has passed CheckPath.
func walkPath(v reflect.Value, path string, steps []pathStep, i int, wild bool, leaf func(reflect.Value) error) (int, error) {
	if i == len(steps) {
		return 1, leaf(v)
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			if wild {
				return 0, nil
			}
			return 0, &PathError{Path: path, Msg: pathString(steps[:i]) + " is not set in the scenario" + unsetHint(steps[:i])}
		}
		v = v.Elem()
	}
	st := steps[i]
	all := func(n int, elem func(j int) reflect.Value) (int, error) {
		total := 0
		for j := range n {
			k, err := walkPath(elem(j), path, steps, i+1, true, leaf)
			if err != nil {
				return total, err
			}
			total += k
		}
		return total, nil
	}
	switch v.Kind() {
	case reflect.Struct:
		fs := fieldsOf(v.Type())
		if st.name == "*" {
			return all(len(fs), func(j int) reflect.Value { return v.Field(fs[j].index) })
		}
		f, _ := findField(fs, st.name)
		return walkPath(v.Field(f.index), path, steps, i+1, wild, leaf)
	case reflect.Slice:
		if st.index < 0 {
			if v.Len() == 0 {
				return 0, &PathError{Path: path, Msg: pathString(steps[:i]) + " is an empty list: [*] selects nothing"}
			}
			return all(v.Len(), v.Index)
		}
		if st.index >= v.Len() {
			return 0, &PathError{Path: path, Msg: fmt.Sprintf("index [%d] is out of range: %s has %d elements", st.index, pathString(steps[:i]), v.Len())}
		}
		return walkPath(v.Index(st.index), path, steps, i+1, wild, leaf)
	case reflect.Map:
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys)
		// A map element is not addressable: walk a copy and store it back.
		entry := func(key string, wild bool) (int, error) {
			k := reflect.ValueOf(key).Convert(v.Type().Key())
			c := reflect.New(v.Type().Elem()).Elem()
			c.Set(v.MapIndex(k))
			n, err := walkPath(c, path, steps, i+1, wild, leaf)
			if err == nil {
				v.SetMapIndex(k, c)
			}
			return n, err
		}
		if st.name == "*" {
			total := 0
			for _, key := range keys {
				n, err := entry(key, true)
				if err != nil {
					return total, err
				}
				total += n
			}
			return total, nil
		}
		if !slices.Contains(keys, st.name) {
			if len(keys) == 0 {
				return 0, &PathError{Path: path, Msg: pathString(steps[:i]) + " is empty: no key " + strconv.Quote(st.name)}
			}
			return 0, &PathError{Path: path, Msg: fmt.Sprintf("no key %q in %s (keys: %s)", st.name, pathString(steps[:i]), strings.Join(keys, ", "))}
		}
		return entry(st.name, wild)
	}
	return 0, &PathError{Path: path, Msg: "does not name a number"} // unreachable after CheckPath
}

func unsetHint(steps []pathStep) string {
	if len(steps) > 0 && len(steps[len(steps)-1].name) > 0 {
		if prev := pathString(steps[:len(steps)-1]); strings.HasSuffix(prev, "]") && strings.Contains(prev, "rules[") {
			return " (that rule is of another type)"
		}
	}
	return ""
}

// Clone returns a deep copy of s: changing the copy (with SetPath, say)
// leaves s as it was.
func (s *Scenario) Clone() *Scenario {
	if s == nil {
		return nil
	}
	c := new(Scenario)
	deepCopy(reflect.ValueOf(c).Elem(), reflect.ValueOf(s).Elem())
	return c
}

// deepCopy copies src into dst (settable, same type), sharing no pointers,
// slices or maps.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Struct:
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		iter := src.MapRange()
		for iter.Next() {
			e := reflect.New(src.Type().Elem()).Elem()
			deepCopy(e, iter.Value())
			m.SetMapIndex(iter.Key(), e)
		}
		dst.Set(m)
	default:
		dst.Set(src)
	}
}
