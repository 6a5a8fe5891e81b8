// Package results writes the outputs of a sibsim batch to a directory of
// documented files and reads them back, so that reports and plots can be
// redrawn without re-simulating.
//
// A results directory holds five files (docs/outputs.md describes every
// column):
//
//	manifest.json           what was run: scenario, seed, replications, version, columns
//	weekly.csv              replication,week,<sim.WeeklyColumns()...>
//	weekly_by_provider.csv  replication,week,provider,<sim.ProviderColumns()...>
//	replications.csv        replication,<sim.Metrics()...>
//	summary.csv             metric,mean,sd,lo95,hi95,n
//
// The CSV files are tidy: one row per observation, one column per variable,
// a header row, comma-separated, "\n" line ends. Numbers are written by
// FormatFloat: up to 10 significant digits, "NA" for an undefined value
// (NaN), "Inf" and "-Inf" for infinities. The bytes depend only on the
// batch, the scenario, the version and the command: never on the time, the
// worker count or the order in which replications finished.
package results

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/sibsim/sibsim/sim"
	"github.com/sibsim/sibsim/sim/stats"
)

// Names of the files in a results directory.
const (
	ManifestFile     = "manifest.json"
	WeeklyFile       = "weekly.csv"
	ProviderFile     = "weekly_by_provider.csv"
	ReplicationsFile = "replications.csv"
	SummaryFile      = "summary.csv"
)

// FileNames lists the files Write writes, in the order it writes them.
func FileNames() []string {
	return []string{ManifestFile, WeeklyFile, ProviderFile, ReplicationsFile, SummaryFile}
}

// NA is written for an undefined (NaN) value.
const NA = "NA"

// summaryHeader is the header of summary.csv.
var summaryHeader = []string{"metric", "mean", "sd", "lo95", "hi95", "n"}

// SummaryHeader returns the header row of summary.csv.
func SummaryHeader() []string { return append([]string(nil), summaryHeader...) }

// Row summarises one metric over the replications of a batch: the mean,
// sample standard deviation and 95% Student-t interval of its finite values,
// and their count N (replications in which the metric was undefined are left
// out).
type Row struct {
	Metric string
	Unit   string
	stats.Summary
}

// Summarize returns one Row per metric of sim.Metrics(), in that order.
func Summarize(b *sim.Batch) []Row {
	metrics := sim.Metrics()
	rows := make([]Row, len(metrics))
	xs := make([]float64, 0, len(resultsOf(b)))
	for i, m := range metrics {
		xs = xs[:0]
		for _, r := range resultsOf(b) {
			if r != nil && i < len(r.Metrics) {
				xs = append(xs, r.Metrics[i])
			}
		}
		rows[i] = Row{Metric: m.Name, Unit: m.Unit, Summary: stats.Describe(xs)}
	}
	return rows
}

func resultsOf(b *sim.Batch) []*sim.Result {
	if b == nil {
		return nil
	}
	return b.Results
}

// FormatFloat formats x as results files do: 'g' format with up to 10
// significant digits, NA for NaN, Inf and -Inf for infinities, and 0 for
// negative zero.
func FormatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return NA
	case math.IsInf(x, 1):
		return "Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	case x == 0:
		return "0"
	}
	return strconv.FormatFloat(x, 'g', 10, 64)
}

// ParseFloat parses a number written by FormatFloat; NA gives NaN.
func ParseFloat(s string) (float64, error) {
	switch s {
	case NA:
		return math.NaN(), nil
	case "Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	}
	if strings.EqualFold(s, "nan") || strings.Contains(strings.ToLower(s), "inf") {
		return 0, errors.New("invalid number " + strconv.Quote(s))
	}
	return strconv.ParseFloat(s, 64)
}
