package sensitivity

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// sobolBits is the precision of the Sobol sequence: coordinates are
// multiples of 2^-32 and at most 2^32 points can be drawn.
const sobolBits = 32

// MaxSobolDims is the number of dimensions of the Sobol sequence (the
// Joe-Kuo table's 128): a Saltelli design of k parameters needs 2k, so it
// takes at most MaxSobolDims/2 = 64 parameters.
const MaxSobolDims = 128

// jkRow is one dimension's row of the Joe-Kuo table.
type jkRow struct {
	d, s int
	a    uint32
	m    []uint32
}

// jkRows parses joeKuo once. The table is a compile-time constant, so a
// parse error is a programmer error.
var jkRows = sync.OnceValue(func() []jkRow {
	var rows []jkRow
	for _, line := range strings.Split(strings.TrimSpace(joeKuo), "\n") {
		f := strings.Fields(line)
		nums := make([]uint64, len(f))
		for i, s := range f {
			n, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				panic(fmt.Sprintf("sensitivity: Joe-Kuo table: %q: %v", line, err))
			}
			nums[i] = n
		}
		if len(nums) < 4 || int(nums[1]) != len(nums)-3 || int(nums[0]) != len(rows)+2 {
			panic(fmt.Sprintf("sensitivity: Joe-Kuo table: malformed row %q", line))
		}
		r := jkRow{d: int(nums[0]), s: int(nums[1]), a: uint32(nums[2])}
		for _, m := range nums[3:] {
			r.m = append(r.m, uint32(m))
		}
		rows = append(rows, r)
	}
	if len(rows) != MaxSobolDims-1 {
		panic(fmt.Sprintf("sensitivity: Joe-Kuo table has %d rows; want %d", len(rows), MaxSobolDims-1))
	}
	return rows
})

// directions returns the direction numbers v_1..v_32 of dimension dim
// (0-based: dimension 0 is van der Corput), scaled by 2^32, by the
// Bratley-Fox recurrence as Joe and Kuo state it.
func directions(dim int) [sobolBits]uint32 {
	var v [sobolBits]uint32
	if dim == 0 {
		for j := range v {
			v[j] = 1 << (sobolBits - 1 - j)
		}
		return v
	}
	r := jkRows()[dim-1]
	s := r.s
	for j := range v {
		if j < s {
			v[j] = r.m[j] << (sobolBits - 1 - j)
			continue
		}
		x := v[j-s] ^ (v[j-s] >> s)
		for k := 1; k < s; k++ {
			if (r.a>>(s-1-k))&1 == 1 {
				x ^= v[j-k]
			}
		}
		v[j] = x
	}
	return v
}

// sobolSeq generates points of a Sobol sequence in Gray-code order (the
// order of Joe and Kuo's reference program and of scipy), optionally
// scrambled.
type sobolSeq struct {
	v     [][sobolBits]uint32 // per dimension, after any linear scrambling
	shift []uint32            // per dimension digital shift; zero unscrambled
}

// newSobolSeq returns the first dims dimensions of the Sobol sequence. With
// rng non-nil the sequence is scrambled: a linear matrix scramble
// (Matoušek 1998: each dimension's generator matrix is multiplied on the
// left by a random lower-triangular binary matrix with unit diagonal) and a
// random digital shift (each coordinate XORed with a random 32-bit word), as
// scipy.stats.qmc.Sobol(scramble=True) does. Scrambled points keep the
// sequence's (t, m, s)-net structure, are each uniform on [0,1)^dims, and
// give unbiased estimates whose spread across seeds measures their error.
func newSobolSeq(dims int, rng *rand.Rand) *sobolSeq {
	if dims < 1 || dims > MaxSobolDims {
		panic(fmt.Sprintf("sensitivity: Sobol sequence of %d dimensions; want 1 to %d", dims, MaxSobolDims))
	}
	s := &sobolSeq{v: make([][sobolBits]uint32, dims), shift: make([]uint32, dims)}
	for d := range dims {
		s.v[d] = directions(d)
		if rng == nil {
			continue
		}
		// Row p of L (p = 0 is the most significant bit) as a mask over
		// the bits of a direction number: the diagonal, and random bits
		// for the more significant positions q < p.
		var rows [sobolBits]uint32
		for p := range rows {
			rows[p] = rng.Uint32()&(^uint32(0)<<(sobolBits-p)) | 1<<(sobolBits-1-p)
		}
		for j, v := range s.v[d] {
			var w uint32
			for p, row := range rows {
				w |= uint32(bits.OnesCount32(row&v)&1) << (sobolBits - 1 - p)
			}
			s.v[d][j] = w
		}
		s.shift[d] = rng.Uint32()
	}
	return s
}

// points returns the first n points (n <= 2^32), point 0 first.
func (s *sobolSeq) points(n int) [][]float64 {
	dims := len(s.v)
	flat := make([]float64, n*dims)
	pts := make([][]float64, n)
	x := make([]uint32, dims)
	for i := range n {
		if i > 0 {
			// Gray code: point i differs from point i-1 by the direction
			// number at the lowest zero bit of i-1.
			c := bits.TrailingZeros64(^uint64(i - 1))
			for d := range x {
				x[d] ^= s.v[d][c]
			}
		}
		p := flat[i*dims : (i+1)*dims : (i+1)*dims]
		for d := range x {
			p[d] = float64(x[d]^s.shift[d]) / (1 << sobolBits)
		}
		pts[i] = p
	}
	return pts
}
