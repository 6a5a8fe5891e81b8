package sensitivity

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// Stream names: each use of randomness draws from its own stream, so that
// changing one (say, the number of bootstrap resamples) never shifts another.
const (
	streamRandom    = "design/random"
	streamLHS       = "design/lhs"
	streamSobol     = "design/sobol-scramble"
	streamMorris    = "design/morris"
	streamBootstrap = "estimate/sobol-bootstrap"
)

// newRand returns a PCG generator seeded by hashing (seed, name) with
// SHA-256, never seed+i, so that nearby seeds give unrelated streams.
func newRand(seed uint64, name string) *rand.Rand {
	h := sha256.New()
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], seed)
	h.Write(buf[:])
	h.Write([]byte(name))
	sum := h.Sum(nil)
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])))
}

// unitFloat returns a uniform draw in [0, 1) with 53 random bits.
func unitFloat(r *rand.Rand) float64 {
	return float64(r.Uint64()>>11) * (1.0 / (1 << 53))
}
