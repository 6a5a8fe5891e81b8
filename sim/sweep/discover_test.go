package sweep

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim/discover"
)

// gridResults is a 10 x 10 grid over x and y in [0.05, 0.95], 2
// replications, policies a and b. Under a the metric is x + y; under b it
// is the same plus 0.2 where x < 0.3, plus a replication's noise that
// common random numbers cancel: a − b is -0.2 where x < 0.3 and 0
// elsewhere. At point 99 the metric is undefined under b.
func gridResults() *Results {
	r := &Results{Dir: "grid", Replications: 2, Policies: []string{"a", "b"}, Metrics: []string{"m"},
		Available: []string{"m"}, Params: []string{"x", "y"}}
	for i := range 10 {
		for j := range 10 {
			r.Points = append(r.Points, []float64{0.05 + 0.1*float64(i), 0.05 + 0.1*float64(j)})
		}
	}
	r.Values = [][]float64{make([]float64, len(r.Points)*2*2)}
	for p, x := range r.Points {
		for rep := range 2 {
			noise := 0.5 * float64(rep)
			a := x[0] + x[1] + noise
			b := a
			if x[0] < 0.3 {
				b += 0.2
			}
			if p == 99 {
				b = math.NaN()
			}
			r.Values[0][r.Run(p, rep, 0)] = a
			r.Values[0][r.Run(p, rep, 1)] = b
		}
	}
	return r
}

func TestDiscoverDifference(t *testing.T) {
	r := gridResults()
	for _, method := range []string{MethodPRIM, MethodCART} {
		t.Run(method, func(t *testing.T) {
			d, err := Discover(context.Background(), r, DiscoverQuery{Metric: "m", DiffA: "a", DiffB: "b", Threshold: -0.1, Method: method})
			if err != nil {
				t.Fatalf("Discover = %v", err)
			}
			if cases, k := d.OfInterest(); cases != 99 || k != 30 {
				t.Errorf("cases %d, of interest %d; want 99 (point 99 undefined) and 30 (x < 0.3)", cases, k)
			}
			if len(d.Boxes) == 0 {
				t.Fatal("no box")
			}
			b := d.Boxes[0]
			if b.Coverage != 1 || b.Density != 1 || b.N != 30 {
				t.Errorf("box 1: coverage %v, density %v, %d points; want 1, 1 and 30", b.Coverage, b.Density, b.N)
			}
			if b.Hi[0] < 0.25 || b.Hi[0] >= 0.35 || d.Space.Restricted(b)[0] != 0 || len(d.Space.Restricted(b)) != 1 {
				t.Errorf("box 1 restricts %v with x up to %v; want only x, up to between 0.25 and 0.35", d.Space.Restricted(b), b.Hi[0])
			}
			if d.Outcome != "m: a − b < -0.1" {
				t.Errorf("Outcome = %q", d.Outcome)
			}
			dir := t.TempDir()
			if err := d.WriteFiles(dir); err != nil {
				t.Fatal(err)
			}
			cases, _ := os.ReadFile(filepath.Join(dir, DiscoverCasesFile))
			lines := strings.Split(string(cases), "\n")
			if lines[0] != "point,x,y,value,of_interest" || lines[1] != "0,0.05,0.05,-0.2,true" || lines[100] != "99,0.95,0.95,NA,NA" {
				t.Errorf("cases.csv lines 1, 2 and 101: %q, %q, %q", lines[0], lines[1], lines[100])
			}
			_, err = os.Stat(filepath.Join(dir, DiscoverTrajectoryFile))
			if (method == MethodPRIM) != (err == nil) {
				t.Errorf("%s: trajectory.csv exists: %v", method, err == nil)
			}
			if _, err := os.Stat(filepath.Join(dir, discover.BoxesFile)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDiscoverErrors(t *testing.T) {
	r := gridResults()
	tests := []struct {
		name string
		q    DiscoverQuery
		is   error
		want string
	}{
		{"no policy", DiscoverQuery{Metric: "m"}, ErrUnknownPolicy, "has policies (a, b): name one"},
		{"unknown policy", DiscoverQuery{Metric: "m", Policy: "c"}, ErrUnknownPolicy, `"c"; the sweep's policies: a, b`},
		{"same policy", DiscoverQuery{Metric: "m", DiffA: "a", DiffB: "a"}, ErrUnknownPolicy, "with itself"},
		{"unknown metric", DiscoverQuery{Metric: "n", Policy: "a"}, ErrUnknownMetric, `"n"`},
		{"bad method", DiscoverQuery{Metric: "m", Policy: "a", Method: "tree"}, ErrDiscoverOptions, `unknown method "tree"`},
		{"pick beyond the trajectory", DiscoverQuery{Metric: "m", Policy: "a", Threshold: 1.5, Above: true, PRIM: discover.Options{Pick: 1000}},
			ErrDiscoverOptions, "trajectory index 1000: the trajectory has boxes 0 to"},
		{"cart depth", DiscoverQuery{Metric: "m", Policy: "a", Method: MethodCART, CART: discover.TreeOptions{MaxDepth: -1}}, ErrDiscoverOptions, "maximum depth -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Discover(context.Background(), r, tt.q)
			if err == nil || tt.is != nil && !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Discover = %v; want an error containing %q", err, tt.want)
			}
		})
	}
	// One policy's values: under a the metric is above 1.5 where x + y > 1.5.
	d, err := Discover(context.Background(), r, DiscoverQuery{Metric: "m", Policy: "a", Threshold: 1.5, Above: true})
	if err != nil {
		t.Fatal(err)
	}
	// Mean over replications is x + y + 0.25: above 1.5 where x + y > 1.25,
	// at grid indices i + j >= 12: 7 + 6 + ... + 1 = 28 points.
	if cases, k := d.OfInterest(); cases != 100 || k != 28 {
		t.Errorf("under a: %d cases, %d of interest; want 100 and 28", cases, k)
	}
}
