package calibrate

import (
	"errors"
	"fmt"

	"github.com/sibsim/sibsim/sim/sensitivity"
)

// Parameter is one calibrated parameter.
type Parameter struct {
	// Name identifies the parameter (a scenario path, say).
	Name string
	// Prior is its prior distribution; Prior.Value maps the unit
	// coordinate the samplers work in to the parameter's value.
	Prior sensitivity.Dist
}

// Spec is a calibration problem: what to fit, and to what.
type Spec struct {
	Parameters []Parameter
	Targets    []Target
}

// Validate returns every problem with s, joined, or nil: at least one
// parameter and one target, names non-empty and unique within each list,
// valid priors and targets.
func (s Spec) Validate() error {
	var errs []error
	if len(s.Parameters) == 0 {
		errs = append(errs, errors.New("no parameters to calibrate"))
	}
	if len(s.Targets) == 0 {
		errs = append(errs, errors.New("no targets"))
	}
	seen := map[string]bool{}
	for i, p := range s.Parameters {
		switch {
		case p.Name == "":
			errs = append(errs, fmt.Errorf("parameters[%d]: missing name", i))
		case seen[p.Name]:
			errs = append(errs, fmt.Errorf("parameters[%d]: duplicate name %q", i, p.Name))
		}
		seen[p.Name] = true
		if err := p.Prior.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("parameter %q: prior: %w", p.Name, err))
		}
	}
	seen = map[string]bool{}
	for i, t := range s.Targets {
		switch {
		case t.Name == "":
			errs = append(errs, fmt.Errorf("targets[%d]: missing name", i))
		case seen[t.Name]:
			errs = append(errs, fmt.Errorf("targets[%d]: duplicate name %q", i, t.Name))
		}
		seen[t.Name] = true
		if err := t.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Values returns the parameter values at unit coordinates u (one per
// parameter): Prior.Value(u[k]) for each k.
func (s Spec) Values(u []float64) []float64 {
	v := make([]float64, len(u))
	for k, x := range u {
		v[k] = s.Parameters[k].Prior.Value(x)
	}
	return v
}

// Names returns the parameter names, in order.
func (s Spec) Names() []string {
	out := make([]string, len(s.Parameters))
	for i, p := range s.Parameters {
		out[i] = p.Name
	}
	return out
}
