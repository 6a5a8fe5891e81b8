package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/sibsim/sibsim/sim/stats"
)

// smoothWeeks is the window of the moving averages of weekly flows.
const smoothWeeks = 13

// window returns k, or 1 (no smoothing) for a run shorter than k weeks,
// which has no complete window.
func window(k int, s series) int {
	if s.weeks() < k {
		return 1
	}
	return k
}

// minWeeks returns the number of weeks of the shortest run.
func minWeeks(scs []*plotted) int {
	n := math.MaxInt
	for _, s := range scs {
		n = min(n, len(s.data.Weekly[0]))
	}
	return n
}

// smoothing describes a k-week window for a title: "13-week moving
// average", or says that runs shorter than k weeks are drawn week by week.
func smoothing(scs []*plotted, k int, what string) string {
	if minWeeks(scs) < k {
		return fmt.Sprintf("%d-week %s; week by week for runs shorter than %d weeks", k, what, k)
	}
	return fmt.Sprintf("%d-week %s", k, what)
}

// lastYear names the period that last-year values cover: the last year,
// or the whole run when the shortest run is shorter than a year.
func lastYear(scs []*plotted) string {
	if minWeeks(scs) < 52 {
		return "over the whole run (shorter than a year)"
	}
	return "in the last year"
}

// Legend headings of figures with and without 95% intervals (runs of one
// replication have none).
const (
	bandHeading = "Mean, 95% interval"
	meanHeading = "Mean"
)

// addBands adds, for each scenario, a faded 95% band and its mean line on
// top of all bands, with a legend entry per scenario.
func addBands(p *plot.Plot, l *legend, scs []*plotted, bands []band) {
	heading := len(l.entries)
	l.addHeading(meanHeading)
	var top []plot.Plotter
	for i, s := range scs {
		fill := fade(s.colour, bandAlpha)
		sty := lineStyle(s.colour, solid)
		ribbons := ribbon(bands[i].lo, bands[i].hi, fill)
		p.Add(ribbons...)
		top = append(top, lines(bands[i].mean, sty)...)
		if len(ribbons) > 0 {
			l.entries[heading].text = bandHeading
			l.add(s.legend, thumbFill(fill), thumbLine(sty))
		} else {
			l.add(s.legend, thumbLine(sty))
		}
	}
	p.Add(top...)
	if len(top) == 0 {
		l.overlay = append(l.overlay, noData("No value: undefined in every week of every replication"))
	}
}

// careShareFigure: care share of link-worker hours over time.
func careShareFigure(scs []*plotted) Figure {
	title := "Care share of link-worker hours (" + smoothing(scs, smoothWeeks, "moving average") + ")"
	p, l := timePlot(scs, title, fmt.Sprintf("Care / (care + choice) hours, %d-week sums", smoothWeeks))
	bands := make([]band, len(scs))
	for i, s := range scs {
		care, choice := s.weeklySum(careHours), s.weeklySum(choiceHours)
		k := window(smoothWeeks, care)
		ms := func(xs []float64) []float64 { return movingSum(xs, k) }
		bands[i] = ratio(care.apply(ms), choice.apply(ms)).band()
	}
	addBands(p, l, scs, bands)
	p.Y.Min = 0
	p.Y.Max = max(p.Y.Max, 0.5)
	last := values(scs, func(s *plotted) float64 { return stats.Mean(s.metric("care_share_last_year")) }, "%.2f")
	reading := "By the last year, the care share of link-worker hours is " + compare(scs, last) + "."
	if minWeeks(scs) < 104 {
		reading = "The run is shorter than two years, so it has no separate first and last year; " + lastYear(scs) +
			" (the last 52 weeks, or all of a shorter run) the care share of link-worker hours is " + compare(scs, last) + "."
	} else if len(scs) == 1 {
		first := stats.Mean(scs[0].metric("care_share_first_year"))
		reading = fmt.Sprintf("Under %s the care share of link-worker hours goes from %s in the first year to %s in the last.",
			scs[0].name, num("%.2f", first), last[0])
	}
	return Figure{Name: "care-share", Title: title, Reading: reading, Plot: finish(p, l), legend: l}
}

// providerDashes tell providers apart in the care share by provider.
var providerDashes = [][]vg.Length{solid, dashed, dotted, {vg.Points(6), vg.Points(2), vg.Points(1.5), vg.Points(2)}}

// careShareByProviderFigure: each provider's care share of link-worker
// hours over time, 13-week moving sums, mean over replications.
func careShareByProviderFigure(scs []*plotted) Figure {
	title := "Care share by provider (" + smoothing(scs, smoothWeeks, "moving average") + ")"
	p, l := timePlot(scs, title, fmt.Sprintf("Care / (care + choice) hours, %d-week sums", smoothWeeks))
	var names []string // providers in first-appearance order, for their dashes
	dash := func(name string) []vg.Length {
		i := slices.Index(names, name)
		if i < 0 {
			names, i = append(names, name), len(names)
		}
		return providerDashes[i%len(providerDashes)]
	}
	l.addHeading("Scenario")
	spreads := make([][2]float64, len(scs)) // first and last year, or the whole run
	for i, s := range scs {
		care, choice := s.provider("hours_care"), s.provider("hours_choice")
		var first, last []float64
		for pv, name := range s.data.Providers {
			c, h := care.of(pv), choice.of(pv)
			k := window(smoothWeeks, c)
			ms := func(xs []float64) []float64 { return movingSum(xs, k) }
			p.Add(lines(ratio(c.apply(ms), h.apply(ms)).mean(), lineStyle(s.colour, dash(name)))...)
			mc, mh := c.mean(), h.mean()
			weeks := len(mc)
			first = append(first, shareOver(mc[:min(52, weeks)], mh[:min(52, weeks)]))
			last = append(last, shareOver(mc[max(0, weeks-52):], mh[max(0, weeks-52):]))
		}
		spreads[i] = [2]float64{spread(first), spread(last)}
		l.add(s.legend, thumbLine(lineStyle(s.colour, solid)))
	}
	l.addHeading("Provider")
	for _, name := range names {
		l.add(name, thumbLine(lineStyle(color.Black, dash(name))))
	}
	p.Y.Min = 0
	p.Y.Max = max(p.Y.Max, 0.5)
	return Figure{Name: "care-share-by-provider", Title: title, Reading: providerReading(scs, spreads), Plot: finish(p, l), legend: l}
}

// providerReading reads the care share by provider: how far apart the
// providers are in the first year and in the last.
func providerReading(scs []*plotted, spreads [][2]float64) string {
	most := 0
	short := false
	for _, s := range scs {
		most = max(most, len(s.data.Providers))
		short = short || len(s.data.Weekly[0]) < 104
	}
	switch {
	case most < 2:
		return "Each scenario has a single provider, so there is no gap between providers to read."
	case short:
		vals := make([]string, len(scs))
		for i := range scs {
			vals[i] = num("%.2f", spreads[i][1])
		}
		return "The run is shorter than two years, so it has no separate first and last year; over the last 52 weeks " +
			"(or the whole run) the providers' care shares are " + compare(scs, vals) + " apart."
	}
	parts := make([]string, len(scs))
	for i, s := range scs {
		parts[i] = "from " + num("%.2f", spreads[i][0]) + " in the first year to " + num("%.2f", spreads[i][1]) + " in the last under " + s.name
		if len(s.data.Providers) < 2 {
			parts[i] = "nothing under " + s.name + " (one provider)"
		}
	}
	list := parts[0]
	if len(parts) > 1 {
		list = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return "The gap between the largest and smallest provider care share goes " + list + "."
}

// shareOver returns sum(care) / (sum(care) + sum(choice)), NaN if both are 0.
func shareOver(care, choice []float64) float64 {
	c, h := total(care), total(choice)
	if c+h == 0 {
		return math.NaN()
	}
	return c / (c + h)
}

// spread returns the largest minus the smallest finite value of xs (0 for
// one value), NaN if none is finite.
func spread(xs []float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if finite(x) {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if lo > hi {
		return math.NaN()
	}
	return hi - lo
}

// activity is a weekly hours column as the hours figures show it.
type activity struct {
	column, label string
	colour        color.Color
}

// activities in stacking order, from the bottom: care in greens, choice in
// oranges and browns, admin and travel in grey.
var activities = []activity{
	{"hours_accompanied", "Accompanied support", color.NRGBA{0x1B, 0x5E, 0x20, 0xFF}},
	{"hours_informal", "Informal contact", color.NRGBA{0x43, 0xA0, 0x47, 0xFF}},
	{"hours_community_groups", "Community groups", color.NRGBA{0xA5, 0xD6, 0xA7, 0xFF}},
	{"hours_outreach", "Outreach", color.NRGBA{0x6D, 0x4C, 0x41, 0xFF}},
	{"hours_initial_assessment", "Baseline Star readings", color.NRGBA{0xBF, 0x36, 0x0C, 0xFF}},
	{"hours_followup_assessment", "Follow-up Star readings", color.NRGBA{0xEF, 0x6C, 0x00, 0xFF}},
	{"hours_coaching", "Coaching", color.NRGBA{0xFF, 0xA7, 0x26, 0xFF}},
	{"hours_signposting", "Signposting", color.NRGBA{0xFF, 0xD5, 0x9E, 0xFF}},
	{"hours_admin_travel", "Admin and travel", color.NRGBA{0xBD, 0xBD, 0xBD, 0xFF}},
}

// activityKind returns "Care", "Choice" or "Neither" for activity i.
func activityKind(i int) string {
	switch {
	case i < len(careHours):
		return "Care"
	case i < len(careHours)+len(choiceHours):
		return "Choice"
	}
	return "Neither"
}

// hoursFigures: hours by activity as stacked areas, one figure per
// scenario, all on the scale of the largest.
func hoursFigures(scs []*plotted) []Figure {
	figs := make([]Figure, len(scs))
	top := 0.0
	for i, s := range scs {
		means := make([][]float64, len(activities))
		for a, act := range activities {
			means[a] = s.weekly(act.column).mean()
		}
		weeks := len(means[0])
		// lower[a][w] and upper[a][w] bound layer a in week w.
		lower := make([]float64, weeks)
		title := "Link-worker hours by activity under " + s.name
		p, l := timePlot([]*plotted{s}, "Link-worker hours by activity under "+s.legend, "Hours per week, all link workers (mean)")
		var layers []plot.Plotter
		for a, act := range activities {
			upper := make([]float64, weeks)
			for w := range upper {
				h := means[a][w]
				if !finite(h) {
					h = 0
				}
				upper[w] = lower[w] + h
				top = max(top, upper[w])
			}
			layers = append(layers, ribbon(lower, upper, act.colour)...)
			lower = upper
		}
		p.Add(layers...)
		// Legend in the order of the stack, top first, grouped by kind.
		kind := ""
		for a := len(activities) - 1; a >= 0; a-- {
			if k := activityKind(a); k != kind {
				kind = k
				l.addHeading(k)
			}
			l.add(activities[a].label, thumbFill(activities[a].colour))
		}
		p.Y.Min = 0
		figs[i] = Figure{
			Name:    "hours-" + s.stem,
			Title:   title,
			Reading: hoursReading(s, means),
			Plot:    finish(p, l),
			legend:  l,
		}
	}
	for _, f := range figs {
		f.Plot.Y.Max = top
	}
	return figs
}

// hoursReading reads the last year of one scenario's hours.
func hoursReading(s *plotted, means [][]float64) string {
	var care, choice, other float64
	largest, largestHours := 0, -1.0
	for a := range activities {
		h := lastYearMean(means[a])
		switch activityKind(a) {
		case "Care":
			care += h
		case "Choice":
			choice += h
		default:
			other += h
		}
		if activityKind(a) != "Neither" && h > largestHours {
			largest, largestHours = a, h
		}
	}
	period := lastYear([]*plotted{s})
	return fmt.Sprintf("%s under %s, link workers spend on average %s hours a week on choice activities, "+
		"%s on care and %s on admin and travel; the largest single activity is %s.",
		strings.ToUpper(period[:1])+period[1:], s.name, num("%.0f", choice), num("%.0f", care), num("%.0f", other), strings.ToLower(activities[largest].label))
}

// referralsFigure: referrals per week by source.
func referralsFigure(scs []*plotted) Figure {
	title := "Referrals by source (" + smoothing(scs, smoothWeeks, "moving average") + ")"
	p, l := timePlot(scs, title, "Referrals per week (persons, mean)")
	l.addHeading("Scenario")
	var shares []float64
	for _, s := range scs {
		gp, outreach := s.weekly("referrals_gp"), s.weekly("referrals_outreach")
		k := window(smoothWeeks, gp)
		avg := func(xs []float64) []float64 { return movingMean(xs, k) }
		p.Add(lines(gp.apply(avg).mean(), lineStyle(s.colour, solid))...)
		p.Add(lines(outreach.apply(avg).mean(), lineStyle(s.colour, dashed))...)
		l.add(s.legend, thumbLine(lineStyle(s.colour, solid)))
		g, o := total(gp.mean()), total(outreach.mean())
		shares = append(shares, o/(g+o))
	}
	l.addHeading("Source")
	l.add("GP", thumbLine(lineStyle(color.Black, solid)))
	l.add("Link-worker outreach", thumbLine(lineStyle(color.Black, dashed)))
	p.Y.Min = 0
	pct := make([]string, len(shares))
	for i, x := range shares {
		pct[i] = num("%.0f%%", 100*x)
	}
	reading := "Link-worker outreach's share of all referrals over the run is " + compare(scs, pct) + "."
	return Figure{Name: "referrals", Title: title, Reading: reading, Plot: finish(p, l), legend: l}
}

// tierBars draws metrics simple and complex of every scenario as grouped
// bars with 95% error bars, and returns the plot and the means.
func tierBars(scs []*plotted, title, yLabel, simple, complex string) (*plot.Plot, *legend, [2][]float64) {
	p, l, means := groupBars(scs, title, "Complexity tier", yLabel, []string{"Simple tier", "Complex tier"},
		func(s *plotted, g int) []float64 { return s.metric([]string{simple, complex}[g]) })
	return p, l, [2][]float64{means[0], means[1]}
}

// groupBars draws, for each group, one bar per scenario of the mean of
// vals(s, group) over replications, with 95% error bars, and returns the
// plot and the means [group][scenario].
func groupBars(scs []*plotted, title, xLabel, yLabel string, groups []string, vals func(s *plotted, g int) []float64) (*plot.Plot, *legend, [][]float64) {
	p, l := newPlot(title, xLabel, yLabel)
	g := plotter.NewGrid()
	g.Vertical.Width = 0
	g.Horizontal.Color, g.Horizontal.Width = gridColour, vg.Points(0.5)
	p.Add(g)
	heading := len(l.entries)
	l.addHeading(meanHeading)
	const groupWidth = 0.7
	w := groupWidth / float64(len(scs))
	means := make([][]float64, len(groups))
	var errs []plot.Plotter
	drawn := 0
	lo := 0.0
	for k, s := range scs {
		for t := range groups {
			d := stats.Describe(vals(s, t))
			means[t] = append(means[t], d.Mean)
			if !finite(d.Mean) {
				continue
			}
			x0 := float64(t) - groupWidth/2 + w*float64(k)
			p.Add(rect(x0, x0+w, 0, d.Mean, s.colour))
			if d.Mean == 0 { // a bar of no height: mark it, or it reads as missing
				p.Add(&plotter.Line{XYs: plotter.XYs{{X: x0, Y: 0}, {X: x0 + w, Y: 0}},
					LineStyle: draw.LineStyle{Color: s.colour, Width: vg.Points(3)}})
			}
			drawn++
			lo = min(lo, d.Mean)
			if finite(d.Lo95) && finite(d.Hi95) {
				errs = append(errs, &plotter.YErrorBars{
					XYs:       plotter.XYs{{X: x0 + w/2, Y: d.Mean}},
					YErrors:   plotter.YErrors{{Low: d.Mean - d.Lo95, High: d.Hi95 - d.Mean}},
					LineStyle: draw.LineStyle{Color: color.Black, Width: vg.Points(1)},
					CapWidth:  vg.Points(min(8, 30*w)),
				})
				l.entries[heading].text = bandHeading
				lo = min(lo, d.Lo95)
			}
		}
		l.add(s.legend, thumbFill(s.colour))
	}
	p.Add(errs...)
	if drawn == 0 {
		l.overlay = append(l.overlay, noData("No value: undefined in every replication"))
	}
	p.NominalX(groups...)
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	if len(groups) == 1 {
		p.X.Min, p.X.Max = -1, 1 // narrower bars
	}
	p.Y.Min = lo
	p.Y.Max *= 1.05 // room above the highest error bar
	p.Y.Padding = 0
	p.Add(hline(0, p.X.Min, p.X.Max, zeroColour))
	return finish(p, l), l, means
}

// equityGapFigure: complex- minus simple-tier disengaged share, by
// scenario, from each replication's difference.
func equityGapFigure(scs []*plotted) Figure {
	title := "Equity gap: complex- minus simple-tier disengagement"
	gaps := make([][]float64, len(scs))
	for i, s := range scs {
		cx, sm := s.metric("disengaged_share_complex"), s.metric("disengaged_share_simple")
		gaps[i] = make([]float64, len(cx))
		for r := range cx {
			gaps[i][r] = cx[r] - sm[r]
		}
	}
	p, l, _ := groupBars(scs, title, "", "Share disengaged, complex minus simple tier",
		[]string{"Complex minus simple tier"}, func(s *plotted, _ int) []float64 { return gaps[s.index] })
	p.X.Label.Text = ""
	vals := make([]string, len(scs))
	for i := range scs {
		vals[i] = estimateText("%.2f", stats.Describe(gaps[i]))
	}
	reading := "Complex-tier clients' share disengaged minus simple-tier clients' (the equity gap) is " + compare(scs, vals) + "."
	return Figure{Name: "equity-gap", Title: title, Reading: reading, Plot: p, legend: l}
}

// estimateText writes a mean with its 95% interval, "0.21 [0.17, 0.25]",
// or says there is no interval.
func estimateText(format string, d stats.Summary) string {
	if d.N == 0 || !finite(d.Mean) {
		return "undefined"
	}
	if !finite(d.Lo95) || !finite(d.Hi95) {
		return num(format, d.Mean) + " (one replication: no interval)"
	}
	return num(format, d.Mean) + " [" + num(format, d.Lo95) + ", " + num(format, d.Hi95) + "]"
}

// disengagementFigure: disengaged share by complexity tier.
func disengagementFigure(scs []*plotted) Figure {
	title := "Disengagement by complexity tier"
	p, l, means := tierBars(scs, title, "Share of engaged clients who disengaged",
		"disengaged_share_simple", "disengaged_share_complex")
	simple, complex := formatAll("%.2f", means[0]), formatAll("%.2f", means[1])
	reading := "The share of engaged clients who disengaged is " + compare(scs, complex) +
		" in the complex tier, and " + compare(scs, simple) + " in the simple tier."
	return Figure{Name: "disengagement-by-tier", Title: title, Reading: reading, Plot: p, legend: l}
}

// starGainFigure: true Star gain by complexity tier.
func starGainFigure(scs []*plotted) Figure {
	title := "True Well-being Star gain by complexity tier"
	p, l, means := tierBars(scs, title, "Mean true Star gain (points, scale 8-80)",
		"star_gain_simple", "star_gain_complex")
	simple, complex := formatAll("%.1f points", means[0]), formatAll("%.1f points", means[1])
	reading := "Complex-tier clients gain " + compare(scs, complex) +
		", simple-tier clients " + compare(scs, simple) + "."
	return Figure{Name: "star-gain-by-tier", Title: title, Reading: reading, Plot: p, legend: l}
}

// moneyFigure: cumulative provider revenue, outcome payments and investor
// net position.
func moneyFigure(scs []*plotted) Figure {
	type flow struct {
		column, label string
		dashes        []vg.Length
	}
	flows := []flow{
		{"provider_revenue_gbp", "Provider revenue", solid},
		{"outcome_payments_gbp", "Outcome payments", dashed},
		{"investor_flow_gbp", "Investor net position", dotted},
	}
	cum := make([][][]float64, len(scs)) // [scenario][flow][week]
	peak, end := 0.0, 0.0
	for i, s := range scs {
		for _, f := range flows {
			c := cumulative(s.weekly(f.column).mean())
			cum[i] = append(cum[i], c)
			for _, x := range c {
				peak = max(peak, math.Abs(x))
			}
			end = max(end, year(len(c)-1))
		}
	}
	scale, unit := moneyScale(peak)
	title := "Cumulative money flows"
	p, l := timePlot(scs, title, "Cumulative amount ("+unit+", mean)")
	p.Add(hline(0, 0, end, zeroColour))
	l.addHeading("Scenario")
	for i, s := range scs {
		for j, f := range flows {
			ys := make([]float64, len(cum[i][j]))
			for w, x := range cum[i][j] {
				ys[w] = x / scale
			}
			p.Add(lines(ys, lineStyle(s.colour, f.dashes))...)
		}
		l.add(s.legend, thumbLine(lineStyle(s.colour, solid)))
	}
	l.addHeading("Flow")
	for _, f := range flows {
		l.add(f.label, thumbLine(lineStyle(color.Black, f.dashes)))
	}
	at := func(j int) []string {
		out := make([]string, len(scs))
		for i := range scs {
			out[i] = gbp(last(cum[i][j]))
		}
		return out
	}
	reading := "By the end, providers have received " + compare(scs, at(0)) +
		", outcome payments total " + compare(scs, at(1)) +
		", and the investor's net position is " + compare(scs, at(2)) + "."
	return Figure{Name: "money", Title: title, Reading: reading, Plot: finish(p, l), legend: l}
}

// moneyScale returns the divisor and unit label for amounts up to peak.
func moneyScale(peak float64) (float64, string) {
	switch {
	case peak >= 1e6:
		return 1e6, "£ million"
	case peak >= 1e3:
		return 1e3, "£ thousand"
	}
	return 1, "£"
}

// gbp formats an amount of money for a sentence.
func gbp(x float64) string {
	if !finite(x) {
		return "undefined"
	}
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%s£%.2f million", sign, x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%s£%.0f thousand", sign, x/1e3)
	case x < 0.5:
		return "£0"
	}
	return fmt.Sprintf("%s£%.0f", sign, x)
}

// distressFigure: mean distress of link workers over time.
func distressFigure(scs []*plotted) Figure {
	title := "Link-worker distress"
	p, l := timePlot(scs, title, "Mean distress of link workers in post (0-1)")
	bands := make([]band, len(scs))
	for i, s := range scs {
		bands[i] = s.weekly("mean_distress").band()
	}
	addBands(p, l, scs, bands)
	p.Y.Min = 0
	vals := values(scs, func(s *plotted) float64 { return lastYearMean(s.weekly("mean_distress").mean()) }, "%.2f")
	period := lastYear(scs)
	reading := strings.ToUpper(period[:1]) + period[1:] + ", the mean distress of link workers in post is " + compare(scs, vals) + "."
	return Figure{Name: "distress", Title: title, Reading: reading, Plot: finish(p, l), legend: l}
}

// quitsFigure: link workers leaving, as rolling 52-week sums.
func quitsFigure(scs []*plotted) Figure {
	title := "Link workers leaving (rolling " + smoothing(scs, 52, "total") + ")"
	p, l := timePlot(scs, title, "Quits in the past 52 weeks (persons)")
	bands := make([]band, len(scs))
	for i, s := range scs {
		q := s.weekly("quits")
		k := window(52, q)
		bands[i] = q.apply(func(xs []float64) []float64 { return movingSum(xs, k) }).band()
	}
	addBands(p, l, scs, bands)
	p.Y.Min = 0
	vals := values(scs, func(s *plotted) float64 {
		q := s.weekly("quits").mean()
		return total(q) / (float64(len(q)) / 52)
	}, "%.1f a year")
	reading := "Over the run, link workers leave at " + compare(scs, vals) + "."
	return Figure{Name: "quits", Title: title, Reading: reading, Plot: finish(p, l), legend: l}
}

// vacanciesFigure: vacant posts over time.
func vacanciesFigure(scs []*plotted) Figure {
	title := "Vacant link-worker posts (" + smoothing(scs, smoothWeeks, "moving average") + ")"
	p, l := timePlot(scs, title, "Vacant posts (end of week)")
	bands := make([]band, len(scs))
	for i, s := range scs {
		v := s.weekly("vacancies")
		k := window(smoothWeeks, v)
		bands[i] = v.apply(func(xs []float64) []float64 { return movingMean(xs, k) }).band()
	}
	addBands(p, l, scs, bands)
	p.Y.Min = 0
	vals := values(scs, func(s *plotted) float64 { return stats.Mean(s.weekly("vacancies").mean()) }, "%.1f")
	reading := "On average over the run, the number of vacant posts at the end of a week is " + compare(scs, vals) + "."
	return Figure{Name: "vacancies", Title: title, Reading: reading, Plot: finish(p, l), legend: l}
}

// values formats f of each scenario.
func values(scs []*plotted, f func(*plotted) float64, format string) []string {
	out := make([]string, len(scs))
	for i, s := range scs {
		out[i] = num(format, f(s))
	}
	return out
}

// formatAll formats each of xs.
func formatAll(format string, xs []float64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = num(format, x)
	}
	return out
}

// num formats x, or says it is undefined.
func num(format string, x float64) string {
	if !finite(x) {
		return "undefined"
	}
	s := fmt.Sprintf(format, x)
	if strings.HasPrefix(s, "-") && strings.Trim(s, "-0.%") == "" {
		s = s[1:] // no negative zero
	}
	return s
}

// compare phrases one value per scenario: "0.49 under block-grant against
// 0.27 under ways-to-wellness" for two (the reference last), or "0.27
// under A, 0.49 under B and 0.31 under C" for more.
func compare(scs []*plotted, vals []string) string {
	switch len(scs) {
	case 1:
		return vals[0] + " under " + scs[0].name
	case 2:
		return vals[1] + " under " + scs[1].name + " against " + vals[0] + " under " + scs[0].name
	}
	parts := make([]string, len(scs))
	for i, s := range scs {
		parts[i] = vals[i] + " under " + s.name
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
