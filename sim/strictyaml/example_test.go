package strictyaml_test

import (
	"fmt"

	"github.com/sibsim/sibsim/sim/strictyaml"
)

// Config is what a hand-written file holds; omitempty marks optional fields.
type Config struct {
	Name  string  `yaml:"name"`
	Weeks int     `yaml:"weeks"`
	Rate  float64 `yaml:"rate,omitempty"`
}

func Example() {
	data := []byte("name: trial\nweks: 52\nrate: high\n")
	t := strictyaml.NewTree(strictyaml.Options{Kind: "config", MaxBytes: 1 << 20, MaxProblems: 100})
	root := t.Parse("trial.yaml", data)
	if root != nil {
		var c Config
		strictyaml.NewDecoder(t).Decode(root, &c)
	}
	fmt.Println(t.Err())
	// Output:
	// trial.yaml:1:1: weeks: missing required field
	// trial.yaml:2:1: unknown field "weks" (did you mean "weeks"?)
	// trial.yaml:3:7: rate: must be a number (got "high")
}
