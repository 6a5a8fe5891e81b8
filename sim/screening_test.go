package sim

import (
	"context"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sensitivity"
)

// screened is a behavioural parameter of ODD appendix A (the decision rules
// of link workers, providers and the workforce) with the range it is
// screened over (ODD 6.4) and the shipped scenario it acts in.
type screened struct {
	path     string
	min, max float64
}

// behavioural lists the behavioural parameters screened in the default
// scenario, with their screening ranges (ODD 6.4).
var behavioural = []screened{
	{"practice.temperature", 0.5, 2},
	{"practice.orientation_weight", 0.75, 3},
	{"practice.organisation_weight", 0.1, 0.7},
	{"practice.money_weight_base", 0, 1},
	{"practice.money_weight_pressure", 1, 6},
	{"practice.money_half_value", 3, 30},
	{"practice.duty_weight", 0, 2},
	{"practice.target_weight", 0, 3},
	{"practice.value_horizon_weeks", 26, 156},
	{"management.pressure_adjust_weeks", 4, 26},
	{"management.pressure_steepness", 5, 30},
	{"management.pressure_midpoint", -0.1, 0.2},
	{"management.reserve_cover_weight", 0, 2},
	{"management.finance_smoothing_weeks", 8, 52},
	{"management.target_pressure_gain", 0, 1},
	{"management.culture_drift_to_peer_per_week", 0, 0.03},
	{"management.culture_drift_to_practice_per_week", 0, 0.03},
	{"workforce.distress_gain_per_week", 0.02, 0.1},
	{"workforce.distress_recovery_per_week", 0.01, 0.06},
	{"workforce.quit_base_per_year", 0.06, 0.24},
	{"workforce.distress_odds_ratio", 2, 8},
	{"workforce.vacancy_weeks_mean", 4, 20},
	{"workforce.socialisation_per_week", 0, 0.02},
	{"workforce.enacted_smoothing_weeks", 4, 16},
}

// outcomeOnly lists behavioural parameters that act only where providers
// are paid on outcomes that reward picking clients, screened in
// outcomes-wellbeing (providers paid on recorded Star gains).
var outcomeOnly = []screened{
	{"practice.creaming_strength", 0, 3},
}

// screenMetrics are the key metrics a behavioural parameter must move.
var screenMetrics = []string{
	"care_share_last_year", "outreach_hours_share", "mean_distress", "linkworker_quits_per_year",
	"disengaged_share_complex", "star_gain_mean", "referrals_per_year", "active_caseload_per_worker",
	"mean_orientation_end",
}

// Morris screening design: p levels, r trajectories, one master seed.
const (
	screenLevels = 4
	screenTrajs  = 6
	screenSeed   = 7
	// screenZ: a parameter is distinguishable from zero on a metric when its
	// mu* exceeds what replication noise alone would give by screenZ
	// standard errors.
	screenZ = 2
)

// morrisScreen runs one Morris design over params in scenario sc twice,
// with replications 0 and 1 (each shares random numbers along every
// trajectory), and returns per parameter and metric the score
//
//	z = (mu* − n/√π) / (n × sqrt((1 − 2/π) / (2r)))
//
// where mu* is the mean over the r trajectories of |EE| of the two
// replications' mean effect, and n² = Σ (EE⁰ − EE¹)² / (2r) estimates the
// variance of one elementary effect's noise. With no influence the mean
// effect is noise of variance n²/2, whose absolute value has mean n/√π and
// standard deviation n × sqrt((1 − 2/π)/2): z is how far mu* lies above
// that null in standard errors of a mean of r.
func morrisScreen(t *testing.T, sc *scenario.Scenario, params []screened) [][]float64 {
	t.Helper()
	k := len(params)
	dists := make([]sensitivity.Dist, k)
	for i, p := range params {
		dists[i] = sensitivity.Dist{Kind: sensitivity.KindUniform, Min: p.min, Max: p.max}
	}
	d, err := sensitivity.NewDesign(sensitivity.DesignSpec{Kind: sensitivity.DesignMorris, Levels: screenLevels, Trajectories: screenTrajs}, dists, screenSeed)
	if err != nil {
		t.Fatal(err)
	}
	mi := make([]int, len(screenMetrics))
	for j, name := range screenMetrics {
		mi[j] = metricIndex(t, name)
	}
	n := len(d.Points)
	// y[rep][metric][point]
	var y [2][][]float64
	for rep := range y {
		y[rep] = make([][]float64, len(screenMetrics))
		for j := range y[rep] {
			y[rep][j] = make([]float64, n)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	jobs := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range jobs {
				pt, rep := job%n, job/n
				v := d.Values(dists, pt)
				s := sc.Clone()
				var err error
				for i, p := range params {
					if err == nil {
						err = scenario.SetPath(s, p.path, v[i])
					}
				}
				var res *Result
				if err == nil {
					res, err = RunOne(context.Background(), s, patternSeed, rep, 0, false)
				}
				mu.Lock()
				if err != nil {
					firstErr = err
				} else {
					for j := range mi {
						y[rep][j][pt] = res.Metrics[mi[j]]
					}
				}
				mu.Unlock()
			}
		}()
	}
	for job := range 2 * n {
		jobs <- job
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	score := make([][]float64, k)
	for i := range score {
		score[i] = make([]float64, len(screenMetrics))
	}
	r := float64(screenTrajs)
	for j, name := range screenMetrics {
		mean := make([]float64, n)
		diff := make([]float64, n)
		for p := range n {
			mean[p] = (y[0][j][p] + y[1][j][p]) / 2
			diff[p] = y[0][j][p] - y[1][j][p]
		}
		// Morris of the mean output gives mu*; Morris of the difference
		// gives, per parameter, mean and sd of EE⁰ − EE¹, hence n².
		rm, err := sensitivity.Morris(d, dists, mean)
		if err != nil {
			t.Fatal(err)
		}
		rd, err := sensitivity.Morris(d, dists, diff)
		if err != nil {
			t.Fatal(err)
		}
		for i := range params {
			// Σ x² / r = sd² (r−1)/r + mean².
			n2 := (rd.Sigma[i]*rd.Sigma[i]*(r-1)/r + rd.Mu[i]*rd.Mu[i]) / 2
			noise := math.Sqrt(n2)
			null, se := noise/math.Sqrt(math.Pi), noise*math.Sqrt((1-2/math.Pi)/(2*r))
			switch {
			case se > 0:
				score[i][j] = (rm.MuStar[i] - null) / se
			case rm.MuStar[i] > 0:
				score[i][j] = math.Inf(1)
			}
			t.Logf("%-45s %-27s mu* %10.4g  noise %10.4g  z %6.2f", params[i].path, name, rm.MuStar[i], noise, score[i][j])
		}
	}
	return score
}

// checkScreen fails for each parameter whose mu* is within screenZ
// standard errors of the noise parameter's on every metric.
func checkScreen(t *testing.T, scenarioName string, params []screened, score [][]float64) {
	t.Helper()
	for i, p := range params {
		best, at := math.Inf(-1), ""
		for j, z := range score[i] {
			if z > best {
				best, at = z, screenMetrics[j]
			}
		}
		if !(best >= screenZ) {
			t.Errorf("%s in %s: largest z = %.2f (%s); want mu* above replication noise by >= %g SE on some key metric", p.path, scenarioName, best, at, float64(screenZ))
		} else {
			t.Logf("%s in %s: z = %.1f on %s", p.path, scenarioName, best, at)
		}
	}
}

// TestBehaviouralParametersMatter is a Morris screening (sim/sensitivity)
// of every behavioural parameter of ODD appendix A over its screening range
// (ODD 6.4): each must move some key metric by more than replication noise
// in a shipped scenario, or it is nominal and must go.
func TestBehaviouralParametersMatter(t *testing.T) {
	if testing.Short() {
		t.Skip("screening runs about 300 replications")
	}
	t.Run("ways-to-wellness", func(t *testing.T) {
		sc := loadShipped(t, "ways-to-wellness")
		checkScreen(t, "ways-to-wellness", behavioural, morrisScreen(t, sc, behavioural))
	})
	t.Run("outcomes-wellbeing", func(t *testing.T) {
		sc := loadShipped(t, "outcomes-wellbeing")
		checkScreen(t, "outcomes-wellbeing", outcomeOnly, morrisScreen(t, sc, outcomeOnly))
	})
}
