package sim

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/scenario"
)

// leaf is one numeric field of a scenario, reached by a route of struct
// field and slice indices from the Scenario value.
type leaf struct {
	route []int // field index, or slice index, in turn
	name  string
	min   *float64
	max   *float64
	isInt bool
	value float64
}

// numericLeaves lists every number a scenario holds (through lists and set
// pointers), with the range its check tag allows.
func numericLeaves(v reflect.Value, route []int, name, tag string, out *[]leaf) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			numericLeaves(v.Elem(), route, name, tag, out)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			y, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			numericLeaves(v.Field(i), append(append([]int(nil), route...), i), strings.TrimPrefix(name+"."+y, "."), f.Tag.Get("check"), out)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			numericLeaves(v.Index(i), append(append([]int(nil), route...), i), name+"["+strconv.Itoa(i)+"]", tag, out)
		}
	case reflect.Float64, reflect.Int:
		l := leaf{route: route, name: name, isInt: v.Kind() == reflect.Int}
		if l.isInt {
			l.value = float64(v.Int())
		} else {
			l.value = v.Float()
		}
		for _, opt := range strings.Split(tag, ",") {
			k, val, _ := strings.Cut(opt, "=")
			x, err := strconv.ParseFloat(val, 64)
			switch {
			case k == "prob":
				lo, hi := 0.0, 1.0
				l.min, l.max = &lo, &hi
			case k == "min" && err == nil:
				l.min = &x
			case k == "max" && err == nil:
				l.max = &x
			}
		}
		*out = append(*out, l)
	}
}

// set follows l's route in the scenario s and stores x there.
func (l leaf) set(s *scenario.Scenario, x float64) {
	v := reflect.ValueOf(s).Elem()
	for _, i := range l.route {
		for v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if v.Kind() == reflect.Slice {
			v = v.Index(i)
		} else {
			v = v.Field(i)
		}
	}
	for v.Kind() == reflect.Pointer { // an optional number, such as a rule's weight
		v = v.Elem()
	}
	if l.isInt {
		v.SetInt(int64(x))
	} else {
		v.SetFloat(x)
	}
}

// edges are the values a user may type at the ends of the allowed range:
// the minimum (0 where the tag sets none) and the maximum. Every number
// has a maximum: the model must run in bounded memory at all of them.
func (l leaf) edges() []float64 {
	lo := 0.0
	if l.min != nil {
		lo = *l.min
	}
	return []float64{lo, *l.max}
}

// maxHeapBytes bounds the heap of one small run at any valid extreme. The
// largest scenarios allowed (docs/cli.md, Limits) refer at most 100,000
// people a week, about 15 MB a week; 30 weeks of that, with slice growth,
// stay well below it.
const maxHeapBytes = 1 << 30

// TestExtremeValues sets every numeric parameter of each shipped funding
// scenario, one at a time, to each end of its allowed range.
// Where the result is a valid scenario, the model must run without
// panicking, keep every invariant, write no infinity and stay within
// maxHeapBytes: nothing a user types may panic, overflow or exhaust memory.
func TestExtremeValues(t *testing.T) {
	if testing.Short() {
		t.Skip("runs about 2,500 scenarios")
	}
	// Every shipped funding scenario (england-national is the default's
	// parameters at scale, and too large to run a thousand times here).
	for _, name := range []string{"ways-to-wellness", "block-grant", "capitation", "per-referral",
		"outcomes-wellbeing", "outcomes-secondary-care", "blended", "front-loaded-then-assessment"} {
		base := loadShipped(t, name)
		var leaves []leaf
		numericLeaves(reflect.ValueOf(base).Elem(), nil, "", "", &leaves)
		if len(leaves) < 100 {
			t.Fatalf("%s: found only %d numeric parameters", name, len(leaves))
		}
		ran := 0
		var peak uint64
		for _, l := range leaves {
			if l.max == nil {
				t.Errorf("%s: %s has no maximum in its check tag", name, l.name)
				continue
			}
			for _, x := range l.edges() {
				sc := base.Clone()
				l.set(sc, x)
				if sc.Validate() != nil {
					continue // out of range together with another field: the loader says so
				}
				ran++
				heap, err := runChecked(sc, 30)
				if err != nil {
					t.Errorf("%s with %s = %g: %v", name, l.name, x, err)
				}
				if heap > maxHeapBytes {
					t.Errorf("%s with %s = %g: heap reached %d MiB; want at most %d MiB", name, l.name, x, heap>>20, maxHeapBytes>>20)
				}
				peak = max(peak, heap)
			}
		}
		t.Logf("%s: %d numeric parameters, %d valid edge scenarios run, peak heap %d MiB", name, len(leaves), ran, peak>>20)
	}
}

// runChecked runs weeks weeks with the invariant checker, turning a panic
// into an error, and checks that no metric or weekly value is infinite
// (undefined values are NaN, written NA). It returns the largest heap in
// use seen after a week.
func runChecked(sc *scenario.Scenario, weeks int) (peak uint64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	runtime.GC()
	var ms runtime.MemStats
	m, err := New(sc, 5, 0)
	if err != nil {
		return 0, err
	}
	m.recordWeekly = true
	l := newLedger(m)
	for w := 0; w < weeks; w++ {
		m.Step()
		if bad := checkInvariants(m, l); len(bad) > 0 {
			return peak, fmt.Errorf("invariant: %s", bad[0])
		}
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	return peak, finite(m.Result())
}

// finite returns an error naming the first infinite output of res.
func finite(res *Result) error {
	for i, x := range res.Metrics {
		if math.IsInf(x, 0) {
			return fmt.Errorf("metric %s is infinite", Metrics()[i].Name)
		}
	}
	for w, row := range res.Weekly {
		for c, x := range row {
			if math.IsInf(x, 0) {
				return fmt.Errorf("weekly %s is infinite in week %d", WeeklyColumns()[c].Name, w)
			}
		}
	}
	for p, weeks := range res.ProviderWeekly {
		for w, row := range weeks {
			for c, x := range row {
				if math.IsInf(x, 0) {
					return fmt.Errorf("provider %s: %s is infinite in week %d", res.Providers[p], ProviderColumns()[c].Name, w)
				}
			}
		}
	}
	return nil
}
