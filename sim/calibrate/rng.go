package calibrate

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
)

// Stream names: each use of randomness draws from its own stream.
const (
	streamPropose    = "calibrate/propose"    // prior draws and perturbations
	streamSimulate   = "calibrate/simulate"   // seeds handed to the simulator
	streamPredictive = "calibrate/predictive" // posterior draws for the predictive check
)

// tupleHash is SHA-256 of (seed, generation, index, name), never seed+i, so
// that nearby tuples give unrelated streams.
func tupleHash(seed uint64, name string, gen, index int) [sha256.Size]byte {
	var buf [24]byte
	binary.LittleEndian.PutUint64(buf[0:], seed)
	binary.LittleEndian.PutUint64(buf[8:], uint64(int64(gen)))
	binary.LittleEndian.PutUint64(buf[16:], uint64(int64(index)))
	h := sha256.New()
	h.Write(buf[:])
	h.Write([]byte(name))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// newRand returns the PCG stream of (seed, name, gen, index).
func newRand(seed uint64, name string, gen, index int) *rand.Rand {
	sum := tupleHash(seed, name, gen, index)
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])))
}

// simSeed is the simulation seed of proposal index of generation gen.
func simSeed(seed uint64, name string, gen, index int) uint64 {
	sum := tupleHash(seed, name, gen, index)
	return binary.LittleEndian.Uint64(sum[:8])
}

// unitFloat returns a uniform draw in [0, 1) with 53 random bits.
func unitFloat(r *rand.Rand) float64 {
	return float64(r.Uint64()>>11) * (1.0 / (1 << 53))
}
