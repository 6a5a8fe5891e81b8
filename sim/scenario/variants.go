package scenario

import (
	"errors"
	"math"
	"reflect"
)

// Variants tells quickly whether variants of a valid scenario, which
// differ from it only in the numbers at a few parameter paths, are valid:
// the answer Validate would give for the base with SetPath (or ScalePath)
// of each value, without cloning or walking the whole scenario per
// variant. Sweeps check millions of design points with it.
//
// It is exact because the base is valid: the tags of numbers that do not
// change still pass, and so does every Check method of a value that holds
// no changed number (a Check sees only its own value). So a variant is
// valid when every changed number passes its tags and is finite, and every
// Check method of a value holding a changed number reports nothing.
//
// A Variants holds its own copy of the scenario: use one per goroutine.
type Variants struct {
	s      *Scenario
	params []variantParam
	checks []checker
	failed bool
}

type variantParam struct {
	scale  bool
	leaves []variantLeaf
}

type variantLeaf struct {
	v    reflect.Value // the number, settable
	base float64       // its value in the base scenario (for scale)
	spec checkSpec
}

// VariantParam is a varied number: its path, and whether values scale the
// base's numbers (ScalePath) rather than replace them (SetPath).
type VariantParam struct {
	Path  string
	Scale bool
}

// ErrVariantsUnsupported is returned by NewVariants for a path through a
// mapping, whose entries are copied when set: use SetPath and Validate.
var ErrVariantsUnsupported = errors.New("variants: path through a mapping")

// NewVariants prepares the check of variants of base at params. Errors:
// base is invalid (its Validate error), a path does not name a number of
// base (a *PathError), or ErrVariantsUnsupported.
func NewVariants(base *Scenario, params []VariantParam) (*Variants, error) {
	if err := base.Validate(); err != nil {
		return nil, err
	}
	s := base.Clone()
	v := &Variants{s: s, params: make([]variantParam, len(params))}
	at := map[uintptr]*variantLeaf{}
	for i, prm := range params {
		// Setting each number to its base value allocates unset optional
		// numbers, as SetPath does for every variant; scaling leaves them.
		vals, err := GetPath(s, prm.Path)
		if err != nil {
			return nil, err
		}
		k := 0
		if !prm.Scale {
			if err := updatePath(s, prm.Path, func(old float64) float64 { return old }, true); err != nil {
				return nil, err
			}
		}
		steps, _ := parsePath(prm.Path)
		_, err = walkPath(reflect.ValueOf(s).Elem(), prm.Path, steps, 0, false, func(leaf reflect.Value) error {
			if leaf.Kind() == reflect.Pointer {
				if leaf.IsNil() {
					return nil // unset, and left so by ScalePath
				}
				leaf = leaf.Elem()
			}
			if !leaf.CanAddr() {
				return ErrVariantsUnsupported
			}
			base := numberOf(leaf)
			if k < len(vals) {
				base = vals[k]
			}
			k++
			v.params[i].leaves = append(v.params[i].leaves, variantLeaf{v: leaf, base: base})
			return nil
		})
		if err != nil {
			return nil, err
		}
		v.params[i].scale = prm.Scale
	}
	for i := range v.params {
		for j := range v.params[i].leaves {
			l := &v.params[i].leaves[j]
			at[l.v.Addr().Pointer()] = l
		}
	}
	found := 0
	seen := map[checker]bool{}
	var walk func(x reflect.Value, c checkSpec, holders []checker) bool
	walk = func(x reflect.Value, c checkSpec, holders []checker) bool {
		if x.CanAddr() {
			if ch, ok := x.Addr().Interface().(checker); ok {
				holders = append(holders, ch)
			}
		}
		has := false
		switch x.Kind() {
		case reflect.Pointer:
			if !x.IsNil() {
				has = walk(x.Elem(), c, holders)
			}
			return has
		case reflect.Struct:
			for _, f := range fieldsOf(x.Type()) {
				has = walk(x.Field(f.index), f.check, holders) || has
			}
		case reflect.Slice:
			c.nonempty = false
			for i := range x.Len() {
				has = walk(x.Index(i), c, holders) || has
			}
		case reflect.Float32, reflect.Float64,
			reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if x.CanAddr() {
				if l := at[x.Addr().Pointer()]; l != nil {
					l.spec = c
					found++
					has = true
				}
			}
		}
		if has {
			for _, h := range holders {
				if !seen[h] {
					seen[h] = true
					v.checks = append(v.checks, h)
				}
			}
		}
		return has
	}
	walk(reflect.ValueOf(s).Elem(), checkSpec{}, nil)
	if found != len(at) {
		return nil, ErrVariantsUnsupported
	}
	return v, nil
}

// Valid reports whether the variant with values (one per parameter, in
// NewVariants order) is valid: whether Validate would report no problem
// for the base with each value set or scaled at its path.
func (v *Variants) Valid(values []float64) bool {
	for i := range v.params {
		p := &v.params[i]
		x := values[i]
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
		for _, l := range p.leaves {
			y := x
			if p.scale {
				y = l.base * x
			}
			if setNumber("", l.v, y) != nil {
				return false
			}
			got := numberOf(l.v)
			if math.IsNaN(got) || math.IsInf(got, 0) {
				return false
			}
			c := l.spec
			if c.hasNumericChecks && ((c.prob && (got < 0 || got > 1)) || (c.hasMin && got < c.minVal) || (c.hasMax && got > c.maxVal)) {
				return false
			}
		}
	}
	v.failed = false
	for _, ch := range v.checks {
		ch.Check(v.report)
		if v.failed {
			return false
		}
	}
	return true
}

func (v *Variants) report(string, string, ...any) { v.failed = true }
