package discover

import "math"

// Classify turns the values of an outcome at n points into the boolean
// outcome of interest: y[i] is values[i] > threshold when above is true
// and values[i] < threshold otherwise (strict either way, so a value at
// the threshold is never of interest). Points where the value is NaN are
// left out: keep lists the indices of the points kept, in order, and y
// has one entry per kept point. A paired difference between two policies
// (a[i] − b[i] at each point, under common random numbers) is classified
// the same way; the difference is NaN where either value is.
func Classify(values []float64, threshold float64, above bool) (y []bool, keep []int) {
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		keep = append(keep, i)
		y = append(y, above && v > threshold || !above && v < threshold)
	}
	return y, keep
}
