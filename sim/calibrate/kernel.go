package calibrate

import (
	"math"
	"math/rand/v2"

	"github.com/sibsim/sibsim/sim/sensitivity"
)

// minKernelSD bounds the kernel's standard deviation below (in unit
// coordinates), so that a population collapsed onto one value in some
// coordinate still gives a proper density.
const minKernelSD = 1e-9

// kernel is the proposal of one SMC generation: a mixture over the kept
// particles (centres), chosen in proportion to their weights, of
// independent normals in each coordinate with standard deviations sd,
// each truncated to [0, 1].
type kernel struct {
	centres [][]float64
	cum     []float64 // cumulative normalised weights; cum[len-1] = 1
	sd      []float64
	inv     []float64 // 1/sd
	logC    []float64 // per centre: log W_i − Σ_k log(σ_k √(2π) Z_ik)
}

// newKernel builds the kernel of Beaumont et al. (2009): variance in each
// coordinate twice the particles' weighted variance.
func newKernel(parts []Particle) kernel {
	w := normalisedWeights(parts)
	k := len(parts[0].Unit)
	kn := kernel{sd: make([]float64, k), inv: make([]float64, k), cum: make([]float64, len(parts)), logC: make([]float64, len(parts))}
	for j := range k {
		var mean float64
		for i, p := range parts {
			mean += w[i] * p.Unit[j]
		}
		var v float64
		for i, p := range parts {
			d := p.Unit[j] - mean
			v += w[i] * d * d
		}
		kn.sd[j] = math.Max(minKernelSD, math.Sqrt(2*v))
		kn.inv[j] = 1 / kn.sd[j]
	}
	var c float64
	for i, p := range parts {
		kn.centres = append(kn.centres, p.Unit)
		c += w[i]
		kn.cum[i] = c
		kn.logC[i] = math.Log(w[i])
		for j, m := range p.Unit {
			kn.logC[i] -= math.Log(kn.sd[j]*math.Sqrt(2*math.Pi)) + math.Log(truncMass(m, kn.sd[j]))
		}
	}
	kn.cum[len(parts)-1] = 1
	return kn
}

// truncMass is the probability that a normal(m, sd) lies in [0, 1], for m
// in [0, 1]: (erf((1−m)/(sd√2)) + erf(m/(sd√2)))/2, without cancellation.
func truncMass(m, sd float64) float64 {
	s := sd * math.Sqrt2
	return 0.5 * (math.Erf((1-m)/s) + math.Erf(m/s))
}

// sample draws a point from the kernel: 1 + K draws from r.
func (kn kernel) sample(r *rand.Rand) []float64 {
	u := unitFloat(r)
	a := len(kn.cum) - 1
	for i, c := range kn.cum {
		if u < c {
			a = i
			break
		}
	}
	centre := kn.centres[a]
	out := make([]float64, len(centre))
	for j, m := range centre {
		d := sensitivity.Dist{Kind: sensitivity.KindNormal, Mean: m, SD: kn.sd[j], Min: 0, Max: 1}
		out[j] = d.Value(unitFloat(r))
	}
	return out
}

// logDensity returns log q(x), the kernel mixture's density at x:
// q(x) = Σ_i W_i Π_k φ((x_k − c_ik)/σ_k) / (σ_k Z_ik), Z_ik the mass of
// normal(c_ik, σ_k) in [0, 1], summed in log space.
func (kn kernel) logDensity(x []float64) float64 {
	terms := make([]float64, len(kn.centres))
	top := math.Inf(-1)
	for i, c := range kn.centres {
		var q float64
		for j, m := range c {
			z := (x[j] - m) * kn.inv[j]
			q += z * z
		}
		t := kn.logC[i] - 0.5*q
		terms[i] = t
		if t > top {
			top = t
		}
	}
	if math.IsInf(top, -1) {
		return top
	}
	var sum float64
	for _, t := range terms {
		if d := t - top; d > -750 { // exp underflows to 0 below
			sum += math.Exp(d)
		}
	}
	return top + math.Log(sum)
}
