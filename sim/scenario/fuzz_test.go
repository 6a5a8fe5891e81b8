package scenario

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/sibsim/sibsim/scenarios"
)

// FuzzLoad loads arbitrary bytes as a scenario file, optionally extending
// the default scenario. Load must not panic, must fail only with an *Error
// or an fs.ErrNotExist, and what it accepts must survive a round trip.
func FuzzLoad(f *testing.F) {
	shipped, _ := fs.Glob(scenarios.FS, "*.yaml")
	for _, name := range shipped {
		data, err := fs.ReadFile(scenarios.FS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	broken, _ := filepath.Glob(filepath.Join("testdata", "broken", "*.yaml"))
	for _, name := range broken {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	for _, s := range []string{
		"weeks: 52\n",
		"population: {practices: 3}\nproviders: []\n",
		"contract:\n  provider_payments:\n    - from_week: 0\n      rules: [{tranche: {amount_gbp: 1, every_weeks: 1}, weight: 2}]\n",
		"extends: other.yaml\n",
		"a: &a [1, *a]\n",
	} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, extend bool) {
		if extend {
			data = append([]byte("extends: ways-to-wellness\n"), data...)
		}
		files := fstest.MapFS{
			"in.yaml":    {Data: data},
			"other.yaml": {Data: []byte("extends: in.yaml\n")},
		}
		l := Loader{Shipped: scenarios.FS, Files: files}
		r, err := l.Load("in.yaml")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) && !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Load = %v (%T); want an *Error or fs.ErrNotExist", err, err)
			}
			if e != nil {
				if len(e.Problems) == 0 {
					t.Fatalf("Load = *Error with no problems")
				}
				for _, p := range e.Problems {
					if p.File == "" || p.Msg == "" {
						t.Fatalf("Load: problem %#v lacks a file or message", p)
					}
				}
			}
			return
		}
		again, err := Loader{Files: fstest.MapFS{"r.yaml": {Data: r.YAML}}}.Load("r.yaml")
		if err != nil {
			t.Fatalf("Load(resolved YAML) = %v\n%s", err, r.YAML)
		}
		if !reflect.DeepEqual(again.Scenario, r.Scenario) || !bytes.Equal(again.YAML, r.YAML) {
			t.Fatalf("resolved YAML does not round-trip:\n%s\nthen\n%s", r.YAML, again.YAML)
		}
	})
}
