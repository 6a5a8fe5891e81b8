package sensitivity

import (
	"math"
	"strings"
	"testing"
)

func TestDistValidate(t *testing.T) {
	tests := []struct {
		name string
		d    Dist
		want string // substring of the error; "" for valid
	}{
		{"uniform", Dist{Kind: "uniform", Min: 0.1, Max: 0.9}, ""},
		{"loguniform", Dist{Kind: "loguniform", Min: 1, Max: 100}, ""},
		{"levels", Dist{Kind: "levels", Levels: []float64{1, 2, 4}}, ""},
		{"normal", Dist{Kind: "normal", Min: 0, Max: 1, Mean: 0.5, SD: 0.2}, ""},
		{"normal far tail", Dist{Kind: "normal", Min: 10, Max: 11, Mean: 0, SD: 1}, ""},
		{"missing kind", Dist{Min: 0, Max: 1}, "missing kind"},
		{"unknown kind", Dist{Kind: "beta", Min: 0, Max: 1}, `unknown kind "beta"`},
		{"uniform reversed", Dist{Kind: "uniform", Min: 1, Max: 0}, "max must be > min"},
		{"uniform equal", Dist{Kind: "uniform", Min: 1, Max: 1}, "max must be > min"},
		{"uniform NaN", Dist{Kind: "uniform", Min: math.NaN(), Max: 1}, "min must be finite"},
		{"uniform Inf", Dist{Kind: "uniform", Min: 0, Max: math.Inf(1)}, "max must be finite"},
		{"loguniform zero", Dist{Kind: "loguniform", Min: 0, Max: 1}, "min must be > 0"},
		{"levels empty", Dist{Kind: "levels"}, "at least one level"},
		{"levels NaN", Dist{Kind: "levels", Levels: []float64{1, math.NaN()}}, "levels[1] must be finite"},
		{"normal sd zero", Dist{Kind: "normal", Min: 0, Max: 1, Mean: 0.5}, "sd must be > 0"},
		{"normal no bounds", Dist{Kind: "normal", Mean: 0.5, SD: 1}, "max must be > min"},
		{"normal beyond tail", Dist{Kind: "normal", Min: 100, Max: 101, Mean: 0, SD: 1}, "more than 37 sd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate(%+v) = %v; want nil", tt.d, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate(%+v) = %v; want an error containing %q", tt.d, err, tt.want)
			}
		})
	}
}

func TestDistValidateListsEveryProblem(t *testing.T) {
	err := Dist{Kind: "normal", Min: 1, Max: 0, SD: -1}.Validate()
	if err == nil || !strings.Contains(err.Error(), "max must be > min") || !strings.Contains(err.Error(), "sd must be > 0") {
		t.Errorf("Validate = %v; want both problems", err)
	}
}

func TestDistValue(t *testing.T) {
	uni := Dist{Kind: "uniform", Min: 2, Max: 6}
	logu := Dist{Kind: "loguniform", Min: 0.01, Max: 100}
	lev := Dist{Kind: "levels", Levels: []float64{10, 20, 30, 40}}
	norm := Dist{Kind: "normal", Min: -1, Max: 3, Mean: 1, SD: 2}
	wide := Dist{Kind: "normal", Min: -50, Max: 50, Mean: 0, SD: 1}
	tail := Dist{Kind: "normal", Min: 10, Max: 11, Mean: 0, SD: 1}
	tests := []struct {
		name string
		d    Dist
		u    float64
		want float64
		tol  float64
	}{
		{"uniform min", uni, 0, 2, 0},
		{"uniform mid", uni, 0.5, 4, 0},
		{"uniform top", uni, 1, 6, 0},
		{"uniform clamped", uni, 1.5, 6, 0},
		{"loguniform min", logu, 0, 0.01, 1e-15},
		{"loguniform median", logu, 0.5, math.Sqrt(0.01 * 100), 1e-12},
		{"loguniform quarter", logu, 0.25, 0.1, 1e-12},
		{"loguniform top", logu, 1, 100, 0},
		{"levels first", lev, 0, 10, 0},
		{"levels floor", lev, 0.2499, 10, 0},
		{"levels second", lev, 0.25, 20, 0},
		{"levels last", lev, 0.99, 40, 0},
		{"levels top", lev, 1, 40, 0},
		{"normal symmetric median", norm, 0.5, 1, 1e-12},
		{"normal bottom", norm, 0, -1, 1e-12},
		{"normal top", norm, 1, 3, 1e-12},
		{"normal one sd", wide, phi(1), 1, 1e-9},
		{"normal minus two sd", wide, phi(-2), -2, 1e-9},
		{"normal far tail bottom", tail, 0, 10, 1e-9},
		// Mass of [10, 11] is concentrated near 10: the median is about
		// 10 + ln 2/10 (exponential tail approximation, rate ~10.1).
		{"normal far tail median", tail, 0.5, 10.068, 0.002},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Value(tt.u); math.Abs(got-tt.want) > tt.tol {
				t.Errorf("Value(%v) = %v; want %v ± %v", tt.u, got, tt.want, tt.tol)
			}
		})
	}
}

// TestDistValueMonotoneAndInverse checks, on a fine grid of u, that Value
// stays within bounds, never decreases, and that Unit inverts it.
func TestDistValueMonotoneAndInverse(t *testing.T) {
	dists := map[string]Dist{
		"uniform":          {Kind: "uniform", Min: -3, Max: 5},
		"loguniform":       {Kind: "loguniform", Min: 1e-3, Max: 1e3},
		"normal":           {Kind: "normal", Min: 0, Max: 1, Mean: 0.3, SD: 0.1},
		"normal upper":     {Kind: "normal", Min: 4, Max: 6, Mean: 0, SD: 1},
		"normal lower":     {Kind: "normal", Min: -6, Max: -4, Mean: 0, SD: 1},
		"normal one-sided": {Kind: "normal", Min: 0, Max: 100, Mean: 1, SD: 3},
	}
	for name, d := range dists {
		t.Run(name, func(t *testing.T) {
			prev := math.Inf(-1)
			for i := 0; i <= 1000; i++ {
				u := float64(i) / 1000
				x := d.Value(u)
				if x < d.Min || x > d.Max || x < prev {
					t.Fatalf("Value(%v) = %v; want within [%v, %v] and >= %v", u, x, d.Min, d.Max, prev)
				}
				prev = x
				if back := d.Unit(x); math.Abs(back-u) > 1e-7 {
					t.Errorf("Unit(Value(%v)) = %v; want %v", u, back, u)
				}
			}
		})
	}
}

func TestDistUnitLevels(t *testing.T) {
	d := Dist{Kind: "levels", Levels: []float64{5, 7, 9}}
	for i, x := range d.Levels {
		u := d.Unit(x)
		if got := d.Value(u); got != x {
			t.Errorf("Value(Unit(%v)) = %v; want %v", x, got, x)
		}
		if want := (float64(i) + 0.5) / 3; u != want {
			t.Errorf("Unit(%v) = %v; want %v", x, u, want)
		}
	}
	if u := d.Unit(6); !math.IsNaN(u) {
		t.Errorf("Unit(6) = %v; want NaN (not a level)", u)
	}
}
