// Package scenarios holds the shipped scenario files, embedded so that the
// sibsim binary works anywhere.
package scenarios

import "embed"

// FS holds every shipped scenario as NAME.yaml at its root.
//
//go:embed *.yaml
var FS embed.FS

// Sweeps holds the shipped sweep experiments as sweeps/NAME.yaml (see
// docs/sweeps.md).
//
//go:embed sweeps/*.yaml
var Sweeps embed.FS

// Calibrations holds the shipped calibration targets files as
// calibration/NAME.yaml (see docs/calibration.md).
//
//go:embed calibration/*.yaml
var Calibrations embed.FS
