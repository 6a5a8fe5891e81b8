package sensitivity

import (
	"errors"
	"fmt"
	"math"
)

// MorrisResult holds Morris elementary-effect statistics of one output,
// per parameter.
type MorrisResult struct {
	// Mu is the mean elementary effect, MuStar the mean of its absolute
	// value (Campolongo et al. 2007) and Sigma its sample standard
	// deviation (n−1 denominator). NaN when undefined.
	Mu, MuStar, Sigma []float64
	// Notes say what to beware of. Parameters are named x1..xK, in design
	// order.
	Notes []string
}

// fewTrajectories is the number of trajectories below which Morris notes
// that the statistics are rough.
const fewTrajectories = 10

// Morris computes elementary effects of the output y of a morris design d
// (y[p] is the output at d.Points[p]) and summarises them per parameter.
//
// Elementary effects are on the unit scale: EE = (y(x + δe_i) − y(x)) / δ
// with x and δ = ±Δ in unit coordinates, so for an output linear in
// parameter i's value, EE_i = slope × (range of the parameter's values over
// the unit interval): effects of parameters with different units are
// comparable. An effect is skipped, with a note, when either output is not
// finite (NaN for undefined). dists, those the design was built with, only
// serve to note steps that leave a levels parameter's value unchanged
// (their effects are zero by construction).
func Morris(d *Design, dists []Dist, y []float64) (*MorrisResult, error) {
	switch {
	case d == nil:
		return nil, errors.New("morris: nil design")
	case d.Spec.Kind != DesignMorris:
		return nil, fmt.Errorf("morris: design kind %q; want %q", d.Spec.Kind, DesignMorris)
	case len(y) != len(d.Points):
		return nil, fmt.Errorf("morris: %d outputs for %d design points", len(y), len(d.Points))
	case len(dists) != d.K:
		return nil, fmt.Errorf("morris: %d distributions for %d parameters", len(dists), d.K)
	}
	k := d.K
	if k < 1 || len(d.Points)%(k+1) != 0 {
		return nil, fmt.Errorf("morris: %d points do not make trajectories of K+1 = %d points", len(d.Points), k+1)
	}
	r := len(d.Points) / (k + 1)
	ee := make([][]float64, k)
	dropped := make([]int, k)
	unchanged := make([]int, k)
	for t := range r {
		moved := make([]bool, k)
		for s := range k {
			p0 := t*(k+1) + s
			x0, x1 := d.Points[p0], d.Points[p0+1]
			i, changes := -1, 0
			for c := range k {
				if x1[c] != x0[c] {
					i = c
					changes++
				}
			}
			if changes != 1 {
				return nil, fmt.Errorf("morris: points %d and %d differ in %d coordinates; want 1", p0, p0+1, changes)
			}
			if moved[i] {
				return nil, fmt.Errorf("morris: trajectory %d moves x%d twice", t+1, i+1)
			}
			moved[i] = true
			if dists[i].Kind == KindLevels && dists[i].Value(x0[i]) == dists[i].Value(x1[i]) {
				unchanged[i]++
			}
			y0, y1 := y[p0], y[p0+1]
			if !finite(y0) || !finite(y1) {
				dropped[i]++
				continue
			}
			ee[i] = append(ee[i], (y1-y0)/(x1[i]-x0[i]))
		}
	}
	res := &MorrisResult{Mu: make([]float64, k), MuStar: make([]float64, k), Sigma: make([]float64, k)}
	note := func(format string, args ...any) { res.Notes = append(res.Notes, fmt.Sprintf(format, args...)) }
	for i, e := range ee {
		res.Mu[i], res.MuStar[i], res.Sigma[i] = math.NaN(), math.NaN(), math.NaN()
		n := float64(len(e))
		if len(e) > 0 {
			mu, abs := 0.0, 0.0
			for _, x := range e {
				mu += x
				abs += math.Abs(x)
			}
			mu /= n
			res.Mu[i], res.MuStar[i] = mu, abs/n
			if len(e) > 1 {
				ss := 0.0
				for _, x := range e {
					ss += (x - mu) * (x - mu)
				}
				res.Sigma[i] = math.Sqrt(ss / (n - 1))
			}
		}
		if dropped[i] > 0 {
			note("x%d: skipped %d of %d elementary effects whose outputs were undefined (NA)", i+1, dropped[i], r)
		}
		if unchanged[i] > 0 {
			note("x%d: %d of %d steps left its value unchanged (its levels are coarser than the Morris grid); those effects are zero by construction", i+1, unchanged[i], r)
		}
	}
	if r < fewTrajectories {
		note("r = %d trajectories is few: mu* and sigma are rough (%d or more are usual)", r, fewTrajectories)
	}
	return res, nil
}
