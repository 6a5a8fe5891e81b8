package scenario_test

import (
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/sibsim/sibsim/scenarios"
	"github.com/sibsim/sibsim/sim/scenario"
)

func ExampleLoader_Load() {
	// A command-line tool would use Files: scenario.OSFiles().
	files := fstest.MapFS{"runs/short.yaml": {Data: []byte(`
extends: ways-to-wellness
name: short
weeks: 52
population:
  practices: 10
`)}}
	l := scenario.Loader{Shipped: scenarios.FS, Files: files}
	r, err := l.Load("runs/short.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := r.Scenario
	fmt.Println(s.Name, s.Weeks, s.Population.Practices, s.Population.AgeMax)
	fmt.Println(r.Chain)
	// Output:
	// short 52 10 74
	// [runs/short.yaml scenarios/ways-to-wellness.yaml]
}

func ExampleError() {
	files := fstest.MapFS{"bad.yaml": {Data: []byte(`extends: ways-to-wellness
weeks: 0
population:
  room_share: 1.5
  practises: 12
`)}}
	_, err := scenario.Loader{Shipped: scenarios.FS, Files: files}.Load("bad.yaml")
	fmt.Println(err)
	var e *scenario.Error
	if errors.As(err, &e) {
		fmt.Println(len(e.Problems), "problems; the first at line", e.Problems[0].Line)
	}
	// Output:
	// bad.yaml:2:8: weeks: must be >= 1 (got 0)
	// bad.yaml:4:15: population.room_share: must be between 0 and 1 (got 1.5)
	// bad.yaml:5:3: population: unknown field "practises" (did you mean "practices"?)
	// 3 problems; the first at line 2
}

func ExampleLoader_List() {
	infos, err := scenario.Loader{Shipped: scenarios.FS}.List()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range infos {
		if in.Name == scenario.DefaultName {
			fmt.Println(in.Name)
		}
	}
	// Output: ways-to-wellness
}
