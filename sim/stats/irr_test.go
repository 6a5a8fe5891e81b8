package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestIRR(t *testing.T) {
	weekly := make([]float64, 53)
	weekly[0], weekly[52] = -100, 110
	quarterly := make([]float64, 9)
	quarterly[0], quarterly[8] = -1000, 1210

	tests := []struct {
		name   string
		flows  []float64
		ppy    float64
		want   float64
		wantOK bool
	}{
		{"one year 10%", []float64{-100, 110}, 1, 0.10, true},
		{"weekly flows, one year 10%", weekly, 52, 0.10, true},
		// Eight quarters: 1210 / 1000 = 1.1^2 over two years.
		{"quarterly flows, two years 10%", quarterly, 4, 0.10, true},
		// By hand: with x = 1/(1+r), 60x^2 + 60x - 100 = 0, so
		// x = (-60 + sqrt(27600)) / 120 = 0.884437..., r = 1/x - 1 = 0.130662...
		{"two annual repayments", []float64{-100, 60, 60}, 1, 0.1306623862918075, true},
		// Repaid half a year late: (1+r)^(26/52) = 1.1.
		{"half year 21%", append(append([]float64{-100}, make([]float64, 25)...), 110), 52, 0.21, true},
		{"break even", []float64{-100, 100}, 1, 0, true},
		{"loss of half", []float64{-100, 50}, 1, -0.5, true},
		{"leading zeros do not matter", []float64{0, 0, -100, 110}, 1, 0.10, true},
		{"inflow first", []float64{100, -110}, 1, 0.10, true},
		// -100 + 230x - 132x^2 = 0 has x = 10/11 (10%) and x = 5/6 (20%);
		// the root nearest 0% is returned.
		{"two roots", []float64{-100, 230, -132}, 1, 0.10, true},
		{"no flows", nil, 52, nan, false},
		{"all zero", []float64{0, 0, 0}, 52, nan, false},
		{"single outflow", []float64{-100}, 52, nan, false},
		{"only outflows", []float64{-100, -10}, 1, nan, false},
		{"only inflows", []float64{100, 10}, 1, nan, false},
		{"root below -99.99%", []float64{-1, 1e-9}, 1, nan, false},
		// -100 + 250x - 200x^2 has no real root: 250^2 - 4*200*100 < 0.
		{"sign changes but no root", []float64{-100, 250, -200}, 1, nan, false},
		{"NaN flow", []float64{-100, nan, 110}, 1, nan, false},
		{"infinite flow", []float64{-100, math.Inf(1)}, 1, nan, false},
		{"zero periods per year", []float64{-100, 110}, 0, nan, false},
		{"negative periods per year", []float64{-100, 110}, -1, nan, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := IRR(tt.flows, tt.ppy)
			if ok != tt.wantOK || !near(got, tt.want, 1e-9) {
				t.Errorf("IRR(%v, %v) = %v, %v; want %v, %v", tt.flows, tt.ppy, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestIRRRoot checks that the returned rate zeroes the net present value of
// long, irregular weekly series like an investor's.
func TestIRRRoot(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 50; i++ {
		flows := make([]float64, 364)
		for w := 0; w < 104; w++ {
			flows[w] = -rng.Float64() * 1000
		}
		for w := 104; w < len(flows); w++ {
			flows[w] = rng.Float64() * 700 * rng.Float64()
		}
		r, ok := IRR(flows, 52)
		if !ok {
			t.Fatalf("IRR(series %d) found no root", i)
		}
		npv, scale := 0.0, 0.0
		for w, f := range flows {
			npv += f / math.Pow(1+r, float64(w)/52)
			scale += math.Abs(f)
		}
		if math.Abs(npv) > 1e-9*scale {
			t.Errorf("NPV at IRR(series %d) = %v = %v; want 0", i, r, npv)
		}
	}
}

// TestIRRLongSeries checks that discounting does not overflow over long
// horizons at extreme rates.
func TestIRRLongSeries(t *testing.T) {
	flows := make([]float64, 5201) // 100 years of weekly flows
	flows[0], flows[5200] = -1, 1e6
	want := math.Pow(1e6, 0.01) - 1 // 1e6 over 100 years
	if got, ok := IRR(flows, 52); !ok || !near(got, want, 1e-9) {
		t.Errorf("IRR(-1 then 1e6 after 100 years) = %v, %v; want %v, true", got, ok, want)
	}
}

func BenchmarkIRR(b *testing.B) {
	flows := make([]float64, 364)
	for w := range flows {
		flows[w] = -100
		if w >= 104 {
			flows[w] = 60
		}
	}
	for b.Loop() {
		IRR(flows, 52)
	}
}
