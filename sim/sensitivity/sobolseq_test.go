package sensitivity

import (
	"math/bits"
	"testing"
)

// TestSobolFirstPoints checks the unscrambled sequence against the
// published first points of dimensions 1 to 3 (Joe and Kuo's reference
// program, Gray-code order; the same as scipy.stats.qmc.Sobol(d,
// scramble=False)).
func TestSobolFirstPoints(t *testing.T) {
	want := [][]float64{
		{0, 0, 0},
		{0.5, 0.5, 0.5},
		{0.75, 0.25, 0.25},
		{0.25, 0.75, 0.75},
		{0.375, 0.375, 0.625},
		{0.875, 0.875, 0.125},
		{0.625, 0.125, 0.875},
		{0.125, 0.625, 0.375},
		{0.1875, 0.3125, 0.9375},
		{0.6875, 0.8125, 0.4375},
	}
	got := newSobolSeq(3, nil).points(len(want))
	for i := range want {
		for d := range want[i] {
			if got[i][d] != want[i][d] {
				t.Errorf("point %d dimension %d = %v; want %v", i, d+1, got[i][d], want[i][d])
			}
		}
	}
}

// TestJoeKuoTable checks every row of the direction-number table
// structurally: the polynomial has the stated degree and is primitive; the
// polynomials of each degree are listed in increasing order and, for every
// degree the table completes, are all the primitive polynomials of that
// degree; each m_i is odd and below 2^i.
func TestJoeKuoTable(t *testing.T) {
	rows := jkRows()
	count := map[int]int{}
	for i, r := range rows {
		if r.d != i+2 {
			t.Fatalf("row %d has dimension %d", i, r.d)
		}
		if r.a >= 1<<(r.s-1) {
			t.Errorf("dimension %d: a = %d does not fit degree %d", r.d, r.a, r.s)
		}
		poly := uint32(1)<<r.s | r.a<<1 | 1
		if !primitive(poly, r.s) {
			t.Errorf("dimension %d: polynomial %b is not primitive", r.d, poly)
		}
		if i > 0 && rows[i-1].s == r.s && rows[i-1].a >= r.a {
			t.Errorf("dimension %d: a = %d not above the previous row's %d", r.d, r.a, rows[i-1].a)
		}
		if i > 0 && rows[i-1].s > r.s {
			t.Errorf("dimension %d: degree %d below the previous row's %d", r.d, r.s, rows[i-1].s)
		}
		for j, m := range r.m {
			if m%2 == 0 || m >= 1<<(j+1) {
				t.Errorf("dimension %d: m_%d = %d; want odd and below %d", r.d, j+1, m, 1<<(j+1))
			}
		}
		count[r.s]++
	}
	// Number of primitive polynomials of degree s: phi(2^s - 1)/s. The
	// table ends inside degree 10.
	for s, want := range map[int]int{1: 1, 2: 1, 3: 2, 4: 2, 5: 6, 6: 6, 7: 18, 8: 16, 9: 48} {
		if count[s] != want {
			t.Errorf("degree %d: %d polynomials; want %d", s, count[s], want)
		}
	}
}

// primitive reports whether the GF(2) polynomial p of degree s is
// primitive: x has multiplicative order 2^s - 1 modulo p.
func primitive(p uint32, s int) bool {
	x := uint32(1)
	for e := 1; e <= 1<<s-1; e++ {
		x <<= 1
		if x&(1<<s) != 0 {
			x ^= p
		}
		if x == 1 {
			return e == 1<<s-1
		}
	}
	return false
}

// TestSobolNetProperty checks that the first 2^m points, scrambled or not,
// put exactly one point in each of the 2^m intervals of every dimension,
// and (dimensions 1 and 2 having t = 0) in each square of a 2^(m/2) grid
// of their projection. Linear scrambling and digital shifts preserve both.
func TestSobolNetProperty(t *testing.T) {
	const m = 8
	const n = 1 << m
	for _, tc := range []struct {
		name string
		seq  *sobolSeq
	}{
		{"unscrambled", newSobolSeq(MaxSobolDims, nil)},
		{"scrambled", newSobolSeq(MaxSobolDims, newRand(1, streamSobol))},
		{"scrambled other seed", newSobolSeq(MaxSobolDims, newRand(2, streamSobol))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pts := tc.seq.points(n)
			for d := range MaxSobolDims {
				seen := make([]bool, n)
				for _, p := range pts {
					if p[d] < 0 || p[d] >= 1 {
						t.Fatalf("dimension %d: coordinate %v outside [0, 1)", d+1, p[d])
					}
					seen[int(p[d]*n)] = true
				}
				for j, ok := range seen {
					if !ok {
						t.Errorf("dimension %d: no point in [%d/%d, %d/%d)", d+1, j, n, j+1, n)
						break
					}
				}
			}
			const side = 1 << (m / 2)
			var box [side][side]int
			for _, p := range pts {
				box[int(p[0]*side)][int(p[1]*side)]++
			}
			for i := range box {
				for j, c := range box[i] {
					if c != 1 {
						t.Errorf("dimensions 1-2: box (%d, %d) holds %d points; want 1", i, j, c)
					}
				}
			}
		})
	}
}

func TestSobolScramblingChangesPoints(t *testing.T) {
	a := newSobolSeq(4, newRand(1, streamSobol)).points(16)
	b := newSobolSeq(4, newRand(2, streamSobol)).points(16)
	c := newSobolSeq(4, newRand(1, streamSobol)).points(16)
	same := 0
	for i := range a {
		for d := range a[i] {
			if a[i][d] != c[i][d] {
				t.Fatalf("seed 1 twice: point %d differs", i)
			}
			if a[i][d] == b[i][d] {
				same++
			}
		}
	}
	if same > 4 {
		t.Errorf("seeds 1 and 2 share %d of %d coordinates; want few", same, 16*4)
	}
	if bits.OnesCount32(newSobolSeq(1, newRand(1, streamSobol)).shift[0]) == 0 {
		t.Errorf("zero digital shift")
	}
}
