package discover

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/sibsim/sibsim/sim/results"
)

// BoxesFile is the name of the boxes table in a discover output
// directory.
const BoxesFile = "boxes.csv"

var boxesHeader = []string{"box", "dimension", "restricted", "lower", "upper",
	"coverage", "density", "mass", "points", "of_interest", "quasi_p"}

// BoxesHeader returns the header row of boxes.csv.
func BoxesHeader() []string { return slices.Clone(boxesHeader) }

// WriteBoxes writes boxes as a tidy table (boxes.csv): the header
//
//	box,dimension,restricted,lower,upper,coverage,density,mass,points,of_interest,quasi_p
//
// then one row per box and dimension of sp, boxes in order (numbered from
// 1) and dimensions in sp's order within each. restricted is true or
// false (Box.Restricts); lower and upper are the box's limits, the data's
// range where it does not restrict; coverage, density, mass, points (N)
// and of_interest (K) are the box's and repeat on each of its rows;
// quasi_p is the restriction's quasi-p-value, NA where the dimension is
// not restricted or it was not computed. Numbers are formatted by
// results.FormatFloat: an undefined value is NA. It returns an error if a
// box's limits do not have one value per dimension of sp.
func WriteBoxes(w io.Writer, sp Space, boxes []Box) error {
	d := len(sp.Names)
	for i, b := range boxes {
		if len(b.Lo) != d || len(b.Hi) != d || (b.QuasiP != nil && len(b.QuasiP) != d) {
			return fmt.Errorf("discover: box %d has %d lower, %d upper limits and %d quasi-p-values for %d dimensions",
				i+1, len(b.Lo), len(b.Hi), len(b.QuasiP), d)
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(boxesHeader); err != nil {
		return err
	}
	rec := make([]string, len(boxesHeader))
	for i, b := range boxes {
		for j, name := range sp.Names {
			p := math.NaN()
			if b.QuasiP != nil {
				p = b.QuasiP[j]
			}
			rec[0], rec[1] = strconv.Itoa(i+1), name
			rec[2] = strconv.FormatBool(b.Restricts(sp, j))
			for k, v := range []float64{b.Lo[j], b.Hi[j], b.Coverage, b.Density, b.Mass} {
				rec[3+k] = results.FormatFloat(v)
			}
			rec[8], rec[9] = strconv.Itoa(b.N), strconv.Itoa(b.K)
			rec[10] = results.FormatFloat(p)
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
