package sensitivity

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// ishigami is f = sin x1 + a sin² x2 + b x3⁴ sin x1 with a = 7, b = 0.1,
// on [−π, π]³.
func ishigami(x []float64) float64 {
	const a, b = 7, 0.1
	s := math.Sin(x[1])
	return math.Sin(x[0]) + a*s*s + b*math.Pow(x[2], 4)*math.Sin(x[0])
}

// ishigamiIndices returns the analytic Sobol indices of ishigami (Sobol'
// and Levitan 1999): V1 = (1 + bπ⁴/5)²/2, V2 = a²/8, V13 = b²π⁸(1/18 −
// 1/50), V = V1 + V2 + V13 + ... = 1/2 + a²/8 + bπ⁴/5 + b²π⁸/18.
// S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437; S13 = 0.2437.
func ishigamiIndices() (s1, st []float64, s13 float64) {
	const a, b = 7.0, 0.1
	pi4 := math.Pow(math.Pi, 4)
	pi8 := pi4 * pi4
	v := 0.5 + a*a/8 + b*pi4/5 + b*b*pi8/18
	v1 := 0.5 * (1 + b*pi4/5) * (1 + b*pi4/5)
	v2 := a * a / 8
	v13 := b * b * pi8 * (1.0/18 - 1.0/50)
	return []float64{v1 / v, v2 / v, 0}, []float64{(v1 + v13) / v, v2 / v, v13 / v}, v13 / v
}

func ishigamiDists() []Dist {
	u := Dist{Kind: KindUniform, Min: -math.Pi, Max: math.Pi}
	return []Dist{u, u, u}
}

// runSobol builds a sobol design of f, evaluates it and estimates indices.
func runSobol(t testing.TB, f func([]float64) float64, dists []Dist, n int, second bool, boot int, seed uint64) *SobolResult {
	t.Helper()
	d, err := NewDesign(DesignSpec{Kind: DesignSobol, N: n, SecondOrder: second}, dists, seed)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, len(d.Points))
	for p := range y {
		y[p] = f(d.Values(dists, p))
	}
	r, err := Sobol(d, y, boot, seed)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSobolIshigami checks the estimators against the analytic indices of
// the Ishigami function at N = 4096 with second order (40,960 runs).
//
// Tolerances. Over 20 seeds (1 to 20) at N = 4096, the spread (sd) of the
// estimates across seeds was: S1 0.0022, 0.0012, 0.0037; ST 0.0033, 0.0011,
// 0.0006; S2 (1,2) 0.0051, (1,3) 0.0032, (2,3) 0.0012; the means across
// seeds were within 0.0008 of the analytic values (no visible bias). Each
// tolerance is 4 × the largest sd in its group, rounded up: 0.015 for S1
// and ST, 0.025 for S2. A single seed misses by more with probability well
// below 1e-4 per index under normality.
//
// The bootstrap intervals are much wider than that spread (mean half-width
// / 1.96: S1 0.013-0.015, ST 0.007-0.022, S2 0.017-0.027): resampling rows
// treats the scrambled Sobol points as independent, which they are not, so
// the intervals are conservative for smooth outputs. Every analytic value
// must therefore lie inside its interval.
func TestSobolIshigami(t *testing.T) {
	s1, st, s13 := ishigamiIndices()
	r := runSobol(t, ishigami, ishigamiDists(), 4096, true, 200, 1)
	check := func(name string, got Index, want, tol float64) {
		t.Helper()
		if math.Abs(got.Value-want) > tol {
			t.Errorf("%s = %.4f; want %.4f ± %v", name, got.Value, want, tol)
		}
		if !(got.Lo95 <= want && want <= got.Hi95) {
			t.Errorf("%s 95%% interval [%.4f, %.4f] does not contain %.4f", name, got.Lo95, got.Hi95, want)
		}
	}
	for i := range 3 {
		check("S1 x"+string(rune('1'+i)), r.S1[i], s1[i], 0.015)
		check("ST x"+string(rune('1'+i)), r.ST[i], st[i], 0.015)
	}
	check("S2 x1,x2", r.S2[0][1], 0, 0.025)
	check("S2 x1,x3", r.S2[0][2], s13, 0.025)
	check("S2 x2,x3", r.S2[1][2], 0, 0.025)
	for i := range 3 {
		for j := 0; j <= i; j++ {
			if !math.IsNaN(r.S2[i][j].Value) {
				t.Errorf("S2[%d][%d] = %v; want NaN below the diagonal", i, j, r.S2[i][j])
			}
		}
	}
	// x3 has no first-order effect; its interval should say so.
	if !hasNote(r.Notes, "S1 for x3 is indistinguishable from zero") {
		t.Errorf("notes %q; want one on S1 for x3", r.Notes)
	}
	if hasNote(r.Notes, "S1 for x1") || hasNote(r.Notes, "small") {
		t.Errorf("notes %q; want none on x1 or sample size", r.Notes)
	}
	for _, n := range []string{"below zero", "above one"} {
		if hasNote(r.Notes, n) {
			t.Errorf("notes %q; want none %s for the analytic Ishigami function", r.Notes, n)
		}
	}
}

// TestSobolNotesOutsideUnit: every index whose interval lies wholly outside
// [0, 1] is noted, total and second-order ones too. The output is additive
// (x1 + x2) but shifted by c in block AB_2 and by −c in block BA_1, as a
// mix-up of runs might: then ST_2 = E[(c + x2_A − x2_B)²]/(2V) > 1 and
// S2_12 ≈ −c²/V < 0, each far beyond its sampling error at c = 3.
func TestSobolNotesOutsideUnit(t *testing.T) {
	dists := uniforms(2)
	d, err := NewDesign(DesignSpec{Kind: DesignSobol, N: 256, SecondOrder: true}, dists, 3)
	if err != nil {
		t.Fatal(err)
	}
	n, c := 256, 3.0
	y := make([]float64, len(d.Points))
	for p := range y {
		x := d.Values(dists, p)
		y[p] = x[0] + x[1]
		switch p / n { // blocks A, B, AB_1, AB_2, BA_1, BA_2
		case 3:
			y[p] += c
		case 4:
			y[p] -= c
		}
	}
	r, err := Sobol(d, y, 200, 3)
	if err != nil {
		t.Fatal(err)
	}
	if st := r.ST[1]; !(st.Lo95 > 1) {
		t.Fatalf("ST_2 = %+v; the construction should put its interval above 1", st)
	}
	if s2 := r.S2[0][1]; !(s2.Hi95 < 0) {
		t.Fatalf("S2_12 = %+v; the construction should put its interval below 0", s2)
	}
	for _, want := range []string{"ST for x2 is above one (95% interval [", "S2 for x1 and x2 is below zero (95% interval ["} {
		if !hasNote(r.Notes, want) {
			t.Errorf("notes %q; want one containing %q", r.Notes, want)
		}
	}
	if hasNote(r.Notes, "S1 for x1 is above") || hasNote(r.Notes, "ST for x1 is above") {
		t.Errorf("notes %q; want none on x1, whose indices are in range", r.Notes)
	}
}

// TestSobolMinIntervalN: below MinIntervalN base rows the indices are
// estimated but their intervals are NA, with a note saying why; at
// MinIntervalN they are given.
func TestSobolMinIntervalN(t *testing.T) {
	f := func(x []float64) float64 { return x[0] + 2*x[1] }
	small := runSobol(t, f, uniforms(2), MinIntervalN/2, true, 100, 1)
	for i, x := range slices.Concat(small.S1, small.ST, []Index{small.S2[0][1]}) {
		if math.IsNaN(x.Value) || !math.IsNaN(x.Lo95) || !math.IsNaN(x.Hi95) {
			t.Errorf("index %d at N = %d: %+v; want a value and NA interval", i, MinIntervalN/2, x)
		}
	}
	if !hasNote(small.Notes, "N = 8 base rows is below 16: no bootstrap intervals (NA)") {
		t.Errorf("notes %q; want one saying why intervals are NA", small.Notes)
	}
	if hasNote(small.Notes, "intervals are wide") {
		t.Errorf("notes %q; want no note on the width of intervals not given", small.Notes)
	}
	enough := runSobol(t, f, uniforms(2), MinIntervalN, true, 100, 1)
	for i, x := range slices.Concat(enough.S1, enough.ST, []Index{enough.S2[0][1]}) {
		if math.IsNaN(x.Lo95) || math.IsNaN(x.Hi95) {
			t.Errorf("index %d at N = %d: %+v; want an interval", i, MinIntervalN, x)
		}
	}
	if hasNote(enough.Notes, "no bootstrap intervals") || !hasNote(enough.Notes, "N = 16 is small: intervals are wide") {
		t.Errorf("notes %q at N = %d; want intervals, noted as wide", enough.Notes, MinIntervalN)
	}
}

func hasNote(notes []string, sub string) bool {
	return slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, sub) })
}

func TestSobolFirstOrderOnly(t *testing.T) {
	r := runSobol(t, ishigami, ishigamiDists(), 1024, false, 0, 2)
	if r.S2 != nil {
		t.Errorf("S2 = %v; want nil without second order", r.S2)
	}
	if !math.IsNaN(r.S1[0].Lo95) || !math.IsNaN(r.ST[0].Hi95) {
		t.Errorf("intervals %v %v; want NaN without bootstrap", r.S1[0], r.ST[0])
	}
	// N = 1024 over 20 seeds: sd up to 0.0078 (S1) and 0.0069 (ST); 4 sd.
	s1, st, _ := ishigamiIndices()
	for i := range 3 {
		if math.Abs(r.S1[i].Value-s1[i]) > 0.032 || math.Abs(r.ST[i].Value-st[i]) > 0.032 {
			t.Errorf("x%d: S1 %.4f ST %.4f; want %.4f %.4f ± 0.032", i+1, r.S1[i].Value, r.ST[i].Value, s1[i], st[i])
		}
	}
}

// TestSobolAdditive checks an additive linear function, whose indices are
// known exactly: f = Σ c_i x_i on [0,1] gives S1 = ST = c_i²/Σc².
func TestSobolAdditive(t *testing.T) {
	c := []float64{4, 2, 1, 0}
	f := func(x []float64) float64 { return c[0]*x[0] + c[1]*x[1] + c[2]*x[2] + c[3]*x[3] }
	r := runSobol(t, f, uniforms(4), 2048, true, 100, 3)
	for i := range c {
		want := c[i] * c[i] / 21
		// Additive and linear: ST is exact up to the Sobol points'
		// integration error, S1 has the larger Saltelli-2010 error.
		if math.Abs(r.S1[i].Value-want) > 0.01 || math.Abs(r.ST[i].Value-want) > 0.002 {
			t.Errorf("x%d: S1 %.4f ST %.4f; want %.4f", i+1, r.S1[i].Value, r.ST[i].Value, want)
		}
	}
	if r.ST[3].Value != 0 {
		t.Errorf("ST for an unused parameter = %v; want exactly 0", r.ST[3].Value)
	}
	if !hasNote(r.Notes, "ST for x4 is indistinguishable from zero") {
		t.Errorf("notes %q; want one on ST for x4", r.Notes)
	}
}

func TestSobolNaN(t *testing.T) {
	dists := ishigamiDists()
	d, _ := NewDesign(DesignSpec{Kind: DesignSobol, N: 1024}, dists, 4)
	y := make([]float64, len(d.Points))
	for p := range y {
		y[p] = ishigami(d.Values(dists, p))
	}
	// Undefined outputs in 3 base rows: in A, in B and in AB_2.
	y[5] = math.NaN()
	y[1024+9] = math.NaN()
	y[3*1024+100] = math.Inf(1)
	r, err := Sobol(d, y, 50, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !hasNote(r.Notes, "dropped 3 of 1024 base rows") {
		t.Errorf("notes %q; want a note on 3 dropped rows", r.Notes)
	}
	s1, _, _ := ishigamiIndices()
	for i, s := range r.S1 {
		if math.IsNaN(s.Value) || math.Abs(s.Value-s1[i]) > 0.035 {
			t.Errorf("S1 x%d = %v; want %.4f ± 0.035", i+1, s, s1[i])
		}
	}
}

func TestSobolUndefined(t *testing.T) {
	d, _ := NewDesign(DesignSpec{Kind: DesignSobol, N: 8}, uniforms(2), 1)
	tests := []struct {
		name string
		y    func(p int) float64
		note string
	}{
		{"constant", func(int) float64 { return 3 }, "constant"},
		{"all NaN", func(int) float64 { return math.NaN() }, "fewer than 2 base rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := make([]float64, len(d.Points))
			for p := range y {
				y[p] = tt.y(p)
			}
			r, err := Sobol(d, y, 10, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !math.IsNaN(r.S1[0].Value) || !math.IsNaN(r.ST[1].Hi95) {
				t.Errorf("S1 %v ST %v; want NaN", r.S1, r.ST)
			}
			if !hasNote(r.Notes, tt.note) {
				t.Errorf("notes %q; want one containing %q", r.Notes, tt.note)
			}
		})
	}
}

func TestSobolNotes(t *testing.T) {
	r := runSobol(t, ishigami, ishigamiDists(), 48, false, 100, 1)
	for _, want := range []string{"N = 48 is not a power of 2", "N = 48 is small"} {
		if !hasNote(r.Notes, want) {
			t.Errorf("notes %q; want one containing %q", r.Notes, want)
		}
	}
}

func TestSobolDeterministic(t *testing.T) {
	a := runSobol(t, ishigami, ishigamiDists(), 256, true, 100, 7)
	b := runSobol(t, ishigami, ishigamiDists(), 256, true, 100, 7)
	same := func(x, y []Index) bool {
		return slices.EqualFunc(x, y, func(p, q Index) bool {
			return p == q || (math.IsNaN(p.Value) && math.IsNaN(q.Value))
		})
	}
	if !same(a.S1, b.S1) || !same(a.ST, b.ST) || !slices.Equal(a.Notes, b.Notes) {
		t.Errorf("same seed, different results: %v %v", a.S1, b.S1)
	}
	for i := range a.S2 {
		if !same(a.S2[i], b.S2[i]) {
			t.Errorf("same seed, different S2 row %d", i)
		}
	}
}

func TestSobolErrors(t *testing.T) {
	sob, _ := NewDesign(DesignSpec{Kind: DesignSobol, N: 4}, uniforms(2), 1)
	lhs, _ := NewDesign(DesignSpec{Kind: DesignLHS, N: 4}, uniforms(2), 1)
	broken := &Design{Spec: sob.Spec, K: 3, Points: sob.Points}
	tests := []struct {
		name string
		d    *Design
		y    []float64
		boot int
		want string
	}{
		{"nil", nil, nil, 0, "nil design"},
		{"kind", lhs, make([]float64, 4), 0, `design kind "lhs"`},
		{"length", sob, make([]float64, 3), 0, "3 outputs for 16 design points"},
		{"bootstrap", sob, make([]float64, 16), -1, "bootstrap must be >= 0"},
		{"layout", broken, make([]float64, 16), 0, "not a Saltelli design"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sobol(tt.d, tt.y, tt.boot, 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Sobol = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestPercentiles(t *testing.T) {
	xs := make([]float64, 0, 41)
	for i := range 41 {
		xs = append(xs, float64(40-i))
	}
	xs = append(xs, math.NaN())
	lo, hi := percentiles(xs)
	// Type 7 on 0..40: h = 0.025*40 = 1 and 0.975*40 = 39.
	if lo != 1 || hi != 39 {
		t.Errorf("percentiles(0..40, NaN) = %v, %v; want 1, 39", lo, hi)
	}
	if lo, hi := percentiles([]float64{math.NaN()}); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("percentiles(NaN) = %v, %v; want NaN, NaN", lo, hi)
	}
}
