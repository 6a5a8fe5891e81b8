// ODD 4.10 Stochasticity: the named random streams and their draws.

package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Stream names. Each process draws from its own stream so that a new draw in
// one sub-model does not shift the others. The scenario is not part of the
// seed tuple: scenarios run with the same seed share random numbers (common
// random numbers), so their differences are the policy, not noise.
const (
	streamInit       = "init"       // practices, workers at start
	streamReferrals  = "referrals"  // GP referrals, outreach yield, sign-off
	streamClients    = "clients"    // attributes of referred persons
	streamEngagement = "engagement" // refusal, waiting dropout, disengagement, discharge, continuity loss
	streamLinking    = "linking"    // linking attempts and take-up
	streamWellbeing  = "wellbeing"  // need resolution, measurement noise
	streamHealth     = "health"     // secondary-care events (actual and counterfactual share one draw)
	streamWorkforce  = "workforce"  // quits, vacancy durations, hire orientation
)

// streamSeed hashes (master seed, replication, stream name) into a PCG seed.
func streamSeed(seed uint64, rep int, name string) (uint64, uint64) {
	h := sha256.New()
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], seed)
	binary.LittleEndian.PutUint64(buf[8:], uint64(rep))
	h.Write(buf[:])
	h.Write([]byte(name))
	sum := h.Sum(nil)
	return binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])
}

// stream is one named random stream.
type stream struct {
	pcg rand.PCG
	r   *rand.Rand
	// n counts draws (a uniform, a normal, or one call of a gonum
	// sampler each), for the speed benchmarks' floor loop; it never
	// affects results.
	n uint64
}

func newStream(seed uint64, rep int, name string) *stream {
	a, b := streamSeed(seed, rep, name)
	s := &stream{}
	s.pcg.Seed(a, b)
	s.r = rand.New(&s.pcg)
	return s
}

// float returns a uniform draw in [0,1).
func (s *stream) float() float64 {
	s.n++
	return float64(s.pcg.Uint64()>>11) * (1.0 / (1 << 53))
}

// bernoulli returns true with probability p.
func (s *stream) bernoulli(p float64) bool { return s.float() < p }

// normal returns a draw from N(mu, sd).
func (s *stream) normal(mu, sd float64) float64 {
	s.n++
	return mu + sd*s.r.NormFloat64()
}

// poisson returns a Poisson(lambda) count.
func (s *stream) poisson(lambda float64) int {
	if !(lambda > 0) { // also NaN: gonum's sampler would never return
		return 0
	}
	s.n++
	return int(distuv.Poisson{Lambda: lambda, Src: &s.pcg}.Rand())
}

// binomial returns a Binomial(n, p) count.
func (s *stream) binomial(n int, p float64) int {
	if n <= 0 || !(p > 0) {
		return 0
	}
	if p >= 1 {
		return n
	}
	if n < 32 {
		k := 0
		for i := 0; i < n; i++ {
			if s.float() < p {
				k++
			}
		}
		return k
	}
	s.n++
	return int(distuv.Binomial{N: float64(n), P: p, Src: &s.pcg}.Rand())
}

// beta returns a draw from the Beta distribution with the given mean and sd
// (method of moments); sd = 0 returns the mean.
func (s *stream) beta(mean, sd float64) float64 {
	if sd <= 0 || mean <= 0 || mean >= 1 {
		return mean
	}
	k := mean*(1-mean)/(sd*sd) - 1
	s.n++
	return distuv.Beta{Alpha: mean * k, Beta: (1 - mean) * k, Src: &s.pcg}.Rand()
}

// geometricWeeks returns a whole number of weeks >= 1 with the given mean.
func (s *stream) geometricWeeks(mean float64) int {
	if mean <= 1 {
		return 1
	}
	p := 1 / mean
	return 1 + int(math.Floor(math.Log(1-s.float())/math.Log(1-p)))
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}
