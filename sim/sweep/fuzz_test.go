package sweep

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/sibsim/sibsim/scenarios"
)

// FuzzParse: no experiment file crashes the parser, and every failure is
// an *Error with located problems.
func FuzzParse(f *testing.F) {
	f.Add([]byte(tiny))
	for _, name := range []string{"assessment-tariff", "core-sobol"} {
		data, err := fs.ReadFile(scenarios.Sweeps, "sweeps/"+name+".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("name: x\nparameters: [{path: 'a[*].b.*', normal: {mean: 1, sd: 0, min: 2, max: 1}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse("f.yaml", data)
		if err == nil {
			if e == nil || len(e.Parameters) == 0 || e.Replications < 1 {
				t.Fatalf("Parse succeeded with %+v", e)
			}
			return
		}
		var pe *Error
		if !errors.As(err, &pe) || len(pe.Problems) == 0 {
			t.Fatalf("Parse error %v is not an *Error with problems", err)
		}
	})
}
