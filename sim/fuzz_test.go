package sim

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/scenario"
)

// fuzzWeeks is how long FuzzLoadAndRun runs each scenario it accepts.
const fuzzWeeks = 6

// FuzzLoadAndRun loads a scenario file (which may extend a shipped
// scenario), then moves some of its numbers anywhere within their allowed
// ranges, as picks chooses, and runs every scenario that validates for a
// few weeks under the invariant checker. Whatever validates must run:
// no panic, every invariant kept, no infinite output, the heap within
// maxHeapBytes. CI runs it briefly:
//
//	go test ./sim -run '^$' -fuzz FuzzLoadAndRun -fuzztime 60s
func FuzzLoadAndRun(f *testing.F) {
	shipped, _ := fs.Glob(scenarios.FS, "*.yaml")
	for _, name := range shipped {
		if name == "england-national.yaml" {
			continue // national scale: slow to run, and its numbers are reached by picks
		}
		f.Add([]byte("extends: "+strings.TrimSuffix(name, ".yaml")+"\n"), []byte{})
	}
	// Each seed moves one field (a leaf index byte, then 8 value bytes):
	// to its minimum, to its maximum, and to a value inside.
	for _, leafIdx := range []byte{0, 7, 40, 90, 150, 200} {
		for _, v := range []uint64{0, math.MaxUint64, 1 << 62} {
			pick := []byte{leafIdx}
			pick = binary.LittleEndian.AppendUint64(pick, v)
			f.Add([]byte("extends: ways-to-wellness\n"), pick)
		}
	}
	f.Add([]byte("extends: blended\nallocation: {caseload_max: 1000, caseload_target: 1000}\n"), []byte{})
	f.Add([]byte("extends: per-referral\npopulation: {practices: 20000}\nreferrals: {gp_max_per_practice_week: 4.9}\n"), []byte{})
	f.Fuzz(func(t *testing.T, data, picks []byte) {
		l := scenario.Loader{Shipped: scenarios.FS, Files: fstest.MapFS{"in.yaml": {Data: data}}}
		r, err := l.Load("in.yaml")
		if err != nil {
			var e *scenario.Error
			if !errors.As(err, &e) && !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Load = %v (%T); want an *Error or fs.ErrNotExist", err, err)
			}
			return
		}
		sc := r.Scenario
		var leaves []leaf
		numericLeaves(reflect.ValueOf(sc).Elem(), nil, "", "", &leaves)
		var moved []string
		for len(picks) >= 9 && len(moved) < 8 {
			l := leaves[int(picks[0])%len(leaves)]
			x := l.within(binary.LittleEndian.Uint64(picks[1:9]))
			picks = picks[9:]
			l.set(sc, x)
			moved = append(moved, l.name+"="+strconv.FormatFloat(x, 'g', -1, 64))
		}
		if sc.Validate() != nil {
			return // the moves broke a rule spanning fields: the loader would say so
		}
		heap, err := runChecked(sc, fuzzWeeks)
		if err != nil {
			t.Fatalf("%s with %s: %v\n%s", sc.Name, strings.Join(moved, ", "), err, data)
		}
		if heap > maxHeapBytes {
			t.Fatalf("%s with %s: heap reached %d MiB; want at most %d MiB", sc.Name, strings.Join(moved, ", "), heap>>20, maxHeapBytes>>20)
		}
	})
}

// within maps u onto l's allowed range: the two ends are hit exactly (u at
// its ends), integers are spread evenly, and floats log-uniformly for
// ranges spanning decades so that small values are drawn as well as large.
func (l leaf) within(u uint64) float64 {
	lo, hi := 0.0, 1e12
	if l.min != nil {
		lo = *l.min
	}
	if l.max != nil {
		hi = *l.max
	}
	switch u {
	case 0:
		return lo
	case math.MaxUint64:
		return hi
	}
	q := float64(u>>11) / (1 << 53) // in [0, 1)
	var x float64
	if lo >= 0 && hi > 1000*(lo+1) {
		// Log-uniform on [lo+1, hi+1], shifted back, so that 0 is reachable
		// and each decade is drawn about as often.
		x = math.Exp(math.Log(lo+1)+q*(math.Log(hi+1)-math.Log(lo+1))) - 1
	} else {
		x = lo + q*(hi-lo)
	}
	if l.isInt {
		x = math.Floor(x)
	}
	return math.Min(math.Max(x, lo), hi)
}
