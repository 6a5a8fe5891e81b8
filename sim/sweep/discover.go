package sweep

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/sibsim/sibsim/sim/discover"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/stats"
)

// DiscoverDir is where "sibsim discover" writes by default, inside a
// finished sweep directory; a sweep leaves it alone.
const DiscoverDir = "discover"

// Files of a discovery directory, beside figures and discover.BoxesFile.
const (
	// DiscoverCasesFile: point, the parameters, value, of_interest: each
	// case's outcome value and whether it is of interest (NA where the
	// value is undefined and the case left out).
	DiscoverCasesFile = "cases.csv"
	// DiscoverTrajectoryFile: box, step, coverage, density, mass, points,
	// of_interest, restricted, selected: PRIM's peeling trajectories.
	DiscoverTrajectoryFile = "trajectory.csv"
)

// Methods of scenario discovery.
const (
	MethodPRIM = "prim"
	MethodCART = "cart"
)

// ErrUnknownPolicy is wrapped by the error of Discover for a policy the
// sweep does not have, or a sweep with policies given none.
var ErrUnknownPolicy = errors.New("unknown policy")

// ErrDiscoverOptions is wrapped by the error of Discover for options its
// method refuses: an unknown method, PRIM or CART options out of range, or
// a PRIM pick beyond the trajectory found. The message is the method's own.
var ErrDiscoverOptions = errors.New("invalid discovery options")

// optionsError marks err as ErrDiscoverOptions without changing its text.
type optionsError struct{ err error }

func (e optionsError) Error() string   { return e.err.Error() }
func (e optionsError) Unwrap() []error { return []error{ErrDiscoverOptions, e.err} }

// DiscoverQuery says what outcome to find the regions of, and how.
type DiscoverQuery struct {
	// Metric is the metric whose value at each case decides the outcome.
	Metric string
	// Threshold and Above: a case is of interest where its value is above
	// (Above) or below (otherwise) Threshold, strictly.
	Threshold float64
	Above     bool
	// Policy is the policy whose values are used, in a sweep with
	// policies and without Diff (then it is required); "" with a base.
	Policy string
	// DiffA and DiffB, when set, name two policies: the value of a case is
	// then the paired difference A − B at its point (PairedDifference).
	DiffA, DiffB string
	// Method is MethodPRIM (the default, "") or MethodCART.
	Method string
	// PRIM and CART configure the methods (zero values for defaults).
	PRIM discover.Options
	CART discover.TreeOptions
}

// Discovery is the result of Discover.
type Discovery struct {
	Query DiscoverQuery
	// Outcome describes the outcome of interest, as figures title it, e.g.
	// "care_share_last_year: ways-to-wellness − block-grant < -0.1".
	Outcome string
	// Params names the dimensions (the sweep's parameters) and Points
	// their values at every design point.
	Params []string
	Points [][]float64
	// Values is each design point's case value: the mean over replications
	// of the metric (or of the paired difference); NaN where undefined.
	Values []float64
	// Data holds the cases with a defined value (Keep lists their points),
	// and whether each is of interest.
	Data *discover.Data
	Keep []int
	// Space is the range of the cases along each parameter.
	Space discover.Space
	// Boxes are the boxes found, in order; PRIM also has them with their
	// peeling trajectories (nil for CART).
	Boxes []discover.Box
	PRIM  []discover.PRIMBox
}

// Discover finds the regions of the sweep r's uncertainty space where an
// outcome happens (scenario discovery, package discover). A case is a
// design point; its value is the mean over replications of q.Metric (under
// q.Policy in a sweep with policies) or, with q.DiffA and q.DiffB, the
// mean over replications of the per-replication paired difference A − B.
// Cases whose value is undefined are left out; the others are of interest
// where the value is above (or below) the threshold (discover.Classify).
// Boxes are found by PRIM (discover.PRIM) or CART (discover.CART) on the
// parameters' values.
//
// Errors: a metric r does not hold (wrapping ErrUnknownMetric); a policy
// r does not have, or none given in a sweep with policies (wrapping
// ErrUnknownPolicy); no case with a defined value; invalid method
// options (wrapping ErrDiscoverOptions); ctx.Err() if ctx is cancelled.
func Discover(ctx context.Context, r *Results, q DiscoverQuery) (*Discovery, error) {
	i := slices.Index(r.Metrics, q.Metric)
	if i < 0 {
		return nil, fmt.Errorf("%w %q; %s has: %s", ErrUnknownMetric, q.Metric, r.file(RunsFile), strings.Join(r.Available, ", "))
	}
	if math.IsNaN(q.Threshold) || math.IsInf(q.Threshold, 0) {
		return nil, fmt.Errorf("threshold %v: want a finite number", q.Threshold)
	}
	policy := func(name string) (int, error) {
		if len(r.Policies) == 0 {
			return 0, fmt.Errorf("%w %q: the sweep in %s has one scenario, no policies", ErrUnknownPolicy, name, r.Dir)
		}
		j := slices.Index(r.Policies, name)
		if j < 0 {
			return 0, fmt.Errorf("%w %q; the sweep's policies: %s", ErrUnknownPolicy, name, strings.Join(r.Policies, ", "))
		}
		return j, nil
	}
	d := &Discovery{Query: q, Params: r.Params, Points: r.Points}
	sign := "<"
	if q.Above {
		sign = ">"
	}
	thr := results.FormatFloat(q.Threshold)
	switch {
	case q.DiffA != "" || q.DiffB != "":
		a, err := policy(q.DiffA)
		if err != nil {
			return nil, err
		}
		b, err := policy(q.DiffB)
		if err != nil {
			return nil, err
		}
		if a == b {
			return nil, fmt.Errorf("%w: the difference of %s with itself is 0 everywhere; give two different policies", ErrUnknownPolicy, q.DiffA)
		}
		d.Values = r.PairedDifference(i, a, b).Mean
		d.Outcome = fmt.Sprintf("%s: %s − %s %s %s", q.Metric, q.DiffA, q.DiffB, sign, thr)
	default:
		pol := 0
		d.Outcome = fmt.Sprintf("%s %s %s", q.Metric, sign, thr)
		if len(r.Policies) > 0 || q.Policy != "" {
			if q.Policy == "" {
				return nil, fmt.Errorf("%w: the sweep in %s has policies (%s): name one, or two to compare", ErrUnknownPolicy, r.Dir, strings.Join(r.Policies, ", "))
			}
			var err error
			if pol, err = policy(q.Policy); err != nil {
				return nil, err
			}
			d.Outcome = fmt.Sprintf("%s under %s %s %s", q.Metric, q.Policy, sign, thr)
		}
		for p := range r.Points {
			d.Values = append(d.Values, stats.Describe(r.replicationValues(i, p, pol)).Mean)
		}
	}
	y, keep := discover.Classify(d.Values, q.Threshold, q.Above)
	if len(keep) == 0 {
		return nil, fmt.Errorf("%s: no design point has %s defined", r.Dir, q.Metric)
	}
	d.Keep = keep
	d.Data = &discover.Data{Names: r.Params, Y: y}
	for _, p := range keep {
		d.Data.X = append(d.Data.X, r.Points[p])
	}
	d.Space = d.Data.Space()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var err error
	switch q.Method {
	case "", MethodPRIM:
		d.PRIM, err = discover.PRIM(d.Data, q.PRIM)
		for _, b := range d.PRIM {
			d.Boxes = append(d.Boxes, b.Box)
		}
	case MethodCART:
		d.Boxes, err = discover.CART(d.Data, q.CART)
	default:
		err = fmt.Errorf("unknown method %q; want %s or %s", q.Method, MethodPRIM, MethodCART)
	}
	if err != nil {
		// d.Data is well formed (finite points, one outcome each), so the
		// methods refuse only their options.
		return nil, optionsError{err}
	}
	return d, nil
}

// OfInterest returns the number of cases and of cases of interest.
func (d *Discovery) OfInterest() (cases, interest int) {
	for _, y := range d.Data.Y {
		if y {
			interest++
		}
	}
	return len(d.Data.Y), interest
}

// CheckDiscoverDir is a results.DirCheck for a discovery directory, given
// what a figure file looks like: dir may be replaced when it does not
// exist, or holds only regular files a discovery writes. Otherwise the
// error wraps results.ErrOutDir.
func CheckDiscoverDir(dir string, isFigure func(name string) bool) (exists bool, err error) {
	entries, exists, err := results.ReadOutDir(dir)
	if err != nil {
		return exists, err
	}
	for _, e := range entries {
		name := e.Name()
		ours := name == discover.BoxesFile || name == DiscoverCasesFile || name == DiscoverTrajectoryFile || isFigure(name)
		if !e.Type().IsRegular() || !ours {
			return true, fmt.Errorf("%w: %s holds %s, which sibsim discover does not write; "+
				"use a new or empty directory, or a previous discovery", results.ErrOutDir, dir, name)
		}
	}
	return exists, nil
}

// WriteFiles writes the discovery's CSV files into the existing directory
// dir, each atomically: discover.BoxesFile (discover.WriteBoxes),
// DiscoverCasesFile and, for PRIM, DiscoverTrajectoryFile. Numbers are
// written with results.FormatFloat (NA for undefined).
func (d *Discovery) WriteFiles(dir string) error {
	f := results.FormatFloat
	err := results.WriteFileAtomic(filepath.Join(dir, discover.BoxesFile), func(w io.Writer) error {
		return discover.WriteBoxes(w, d.Space, d.Boxes)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", discover.BoxesFile, err)
	}
	files := []analysisFile{{
		name:   DiscoverCasesFile,
		header: append(append([]string{"point"}, d.Params...), "value", "of_interest"),
		rows: func(emit func(...string)) {
			interest := map[int]bool{}
			for k, p := range d.Keep {
				interest[p] = d.Data.Y[k]
			}
			for p, vals := range d.Points {
				row := []string{strconv.Itoa(p)}
				for _, v := range vals {
					row = append(row, f(v))
				}
				y, kept := interest[p]
				flag := results.NA
				if kept {
					flag = strconv.FormatBool(y)
				}
				emit(append(row, f(d.Values[p]), flag)...)
			}
		},
	}}
	if d.PRIM != nil {
		files = append(files, analysisFile{
			name:   DiscoverTrajectoryFile,
			header: []string{"box", "step", "coverage", "density", "mass", "points", "of_interest", "restricted", "selected"},
			rows: func(emit func(...string)) {
				for i, pb := range d.PRIM {
					for s, b := range pb.Trajectory {
						emit(strconv.Itoa(i+1), strconv.Itoa(s), f(b.Coverage), f(b.Density), f(b.Mass),
							strconv.Itoa(b.N), strconv.Itoa(b.K), strconv.Itoa(len(d.Space.Restricted(b))), strconv.FormatBool(s == pb.Selected))
					}
				}
			},
		})
	}
	return writeCSVFiles(dir, files)
}

// writeCSVFiles writes each file into dir atomically.
func writeCSVFiles(dir string, files []analysisFile) error {
	for _, fl := range files {
		err := results.WriteFileAtomic(filepath.Join(dir, fl.name), func(w io.Writer) error {
			cw := csv.NewWriter(w)
			var err error
			emit := func(rec ...string) {
				if err == nil {
					err = cw.Write(rec)
				}
			}
			emit(fl.header...)
			fl.rows(emit)
			cw.Flush()
			if err != nil {
				return err
			}
			return cw.Error()
		})
		if err != nil {
			return fmt.Errorf("%s: %w", fl.name, err)
		}
	}
	return nil
}
