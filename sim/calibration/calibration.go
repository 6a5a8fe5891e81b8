// Package calibration calibrates a scenario to a scheme's own figures: it
// reads a targets file (base scenario, parameters with priors, observed
// targets; see Parse and docs/calibration.md), runs the samplers of package
// calibrate with every generation a sweep of package sweep (parallel,
// resumable, shardable, the same bytes for any worker count), and writes
// the posterior, the calibrated scenario and a posterior predictive check.
//
// A calibration directory holds
//
//	calibration.json     what is being calibrated: the hash of the spec and sampler settings
//	gen-NNN/             generation NNN's simulations: a finished sweep of explicit points
//	population-NNN.json  the population after generation NNN (calibrate.Population), the checkpoint
//	check-NNN/           the posterior predictive simulations from population NNN
//	posterior.csv, posterior.parquet, summary.csv, generations.csv,
//	check.csv, calibrated.yaml
//	manifest.json        written last: the calibration is complete
//
// Run picks up after the last population file, so a killed calibration
// resumes where it stopped, within a generation from the generation's
// complete chunks. The package does no printing and reads no flags.
package calibration

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/strictyaml"
	"github.com/sibsim/sibsim/sim/sweep"
)

// Calibration is a targets file resolved against its base scenario.
type Calibration struct {
	File *File
	// Base is the resolved base scenario; BaseRef the reference it was
	// loaded by (File.Base, made relative to the working directory).
	Base    *scenario.Resolved
	BaseRef string
	// Weeks is the horizon of every simulation.
	Weeks int
	// Spec is the calibration problem: parameters (named by path) with
	// their priors, and the targets (named by metric).
	Spec calibrate.Spec
}

// New resolves f against base: every parameter path must name a number of
// base, and each prior's lowest and highest value (every level of a levels
// prior), set alone on base, must give a valid scenario. Points where
// several parameters together make an invalid scenario are not simulated
// but scored as infinitely far from the targets. The error is an *Error
// locating each problem in the targets file.
func New(f *File, base *scenario.Resolved) (*Calibration, error) {
	c := &Calibration{File: f, Base: base, BaseRef: f.Base, Weeks: f.Weeks}
	if c.Weeks == 0 {
		c.Weeks = base.Scenario.Weeks
	}
	var ps []strictyaml.Problem
	for i, prm := range f.Parameters {
		key := fmt.Sprintf("parameters[%d].path", i)
		if _, err := scenario.GetPath(base.Scenario, prm.Path); err != nil {
			ps = append(ps, f.problem(key, "%s", pathMsg(err)))
			continue
		}
		var ends []float64
		if len(prm.Dist.Levels) > 0 {
			ends = prm.Dist.Levels
		} else {
			ends = []float64{prm.Dist.Value(0), prm.Dist.Value(1)}
		}
		for _, v := range ends {
			sc, err := sweep.ApplyParameters(base.Scenario, f.Parameters[i:i+1], []float64{v})
			if err == nil {
				err = sc.Validate()
			}
			if err != nil {
				ps = append(ps, f.problem(key, "the prior's value %s gives an invalid scenario: %s", results.FormatFloat(v), firstLine(err)))
				break
			}
		}
		c.Spec.Parameters = append(c.Spec.Parameters, calibrate.Parameter{Name: prm.Path, Prior: prm.Dist})
	}
	c.Spec.Targets = f.Targets
	if len(ps) > 0 {
		return nil, &Error{Problems: strictyaml.Sort(ps, strictyaml.ByPosition)}
	}
	if err := c.Spec.Validate(); err != nil {
		return nil, &Error{Problems: []strictyaml.Problem{{File: f.File, Msg: err.Error()}}}
	}
	if _, err := c.smc(f.Budget); err != nil {
		return nil, &Error{Problems: []strictyaml.Problem{{File: f.File, Msg: err.Error()}}}
	}
	return c, nil
}

func pathMsg(err error) string {
	var pe *scenario.PathError
	if errors.As(err, &pe) {
		return pe.Msg
	}
	return err.Error()
}

func firstLine(err error) string {
	var se *scenario.Error
	if errors.As(err, &se) && len(se.Problems) > 0 {
		p := se.Problems[0]
		return p.Path + ": " + p.Msg
	}
	return err.Error()
}

// Metrics returns the targets' metric names, in order.
func (c *Calibration) Metrics() []string {
	out := make([]string, len(c.Spec.Targets))
	for i, t := range c.Spec.Targets {
		out[i] = t.Name
	}
	return out
}

// config returns the SMC configuration for a budget of simulations (the
// predictive check's included).
func (c *Calibration) config(budget int) calibrate.Config {
	f := c.File
	return calibrate.Config{
		Seed: f.Seed, Particles: f.Particles, Alpha: f.Alpha,
		MinAcceptRate: f.MinAcceptRate, MinEpsilonDrop: f.MinEpsilonDrop, Epsilon: f.Epsilon,
		Budget: budget - f.CheckDraws, MaxGenerations: f.MaxGenerations,
	}
}

func (c *Calibration) smc(budget int) (*calibrate.SMC, error) {
	if c.File.Method == MethodRejection {
		_, err := calibrate.NewRejection(c.Spec, c.rejection(budget))
		return nil, err
	}
	return calibrate.NewSMC(c.Spec, c.config(budget))
}

func (c *Calibration) rejection(budget int) calibrate.RejectionConfig {
	return calibrate.RejectionConfig{Seed: c.File.Seed, Draws: budget - c.File.CheckDraws, Keep: c.File.Particles}
}

// Hash returns the hex SHA-256 of what fixes the populations and the
// check: the base scenario, horizon, parameters and priors, targets, seed,
// method, particles, alpha, predictive draws and (for rejection, whose one
// generation it sizes) the budget. The stopping rules and the SMC budget
// are left out, so that a calibration may be resumed to go further.
func (c *Calibration) Hash(budget int) string {
	f := c.File
	type param struct {
		Path  string `json:"path"`
		Dist  any    `json:"dist"`
		Scale bool   `json:"scale"`
	}
	v := struct {
		Format     int                `json:"format"`
		Scenario   string             `json:"scenario_sha256"`
		Weeks      int                `json:"weeks"`
		Parameters []param            `json:"parameters"`
		Targets    []calibrate.Target `json:"targets"`
		Seed       uint64             `json:"seed"`
		Method     string             `json:"method"`
		Particles  int                `json:"particles"`
		Alpha      float64            `json:"alpha"`
		CheckDraws int                `json:"check_draws"`
		Draws      int                `json:"draws,omitempty"`
	}{
		Format: FormatVersion, Scenario: c.Base.Hash, Weeks: c.Weeks, Targets: f.Targets,
		Seed: f.Seed, Method: f.Method, Particles: f.Particles, Alpha: f.Alpha, CheckDraws: f.CheckDraws,
	}
	if f.Method == MethodRejection {
		v.Alpha, v.Draws = 0, budget-f.CheckDraws
	}
	for _, p := range f.Parameters {
		v.Parameters = append(v.Parameters, param{Path: p.Path, Dist: p.Dist, Scale: p.Scale})
	}
	data, err := json.Marshal(v)
	if err != nil {
		panic("calibration: spec does not marshal: " + err.Error()) // only finite numbers reach it
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// FormatVersion is the version of the calibration directory layout.
const FormatVersion = 1
