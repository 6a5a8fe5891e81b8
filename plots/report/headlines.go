package report

import (
	"github.com/sibsim/sibsim/sim/compare"
	"github.com/sibsim/sibsim/sim/results"
)

// Headline is one finding of a report's opening section: a short title
// and the plain sentences that state it, with 95% intervals.
type Headline struct {
	Title     string
	Sentences []string
}

// Headlines returns the findings the report opens with, for a comparison
// c of runs (the first is the reference; with one run, its levels alone):
// care share, who is lost, wellbeing gain by tier, the commissioner's cost
// and staff turnover. runs must be those c was computed from, in order.
func Headlines(c *compare.Comparison, runs []*results.RunData) []Headline {
	hs := headlines(c, runs)
	out := make([]Headline, len(hs))
	for i, h := range hs {
		out[i] = Headline{Title: h.Title, Sentences: h.Sentences}
	}
	return out
}
