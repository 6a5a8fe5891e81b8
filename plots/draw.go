package plots

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// Fonts: Liberation Sans, embedded in gonum.org/v1/plot (metric-compatible
// with Arial, which SVG viewers may substitute). No system font is read.
var (
	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	boldFont = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
)

// Text sizes.
const (
	titleSize  = 12
	labelSize  = 10.5
	tickSize   = 9.5
	legendSize = 9.5
)

var (
	gridColour  = color.Gray{Y: 225}
	zeroColour  = color.Gray{Y: 120}
	bandAlpha   = 0.22
	lineWidth   = vg.Points(1.6)
	legendThumb = vg.Points(22)
	legendGap   = vg.Points(12)
)

// dashes of the line styles that tell apart series of one scenario.
var (
	solid  []vg.Length
	dashed = []vg.Length{vg.Points(6), vg.Points(3)}
	dotted = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
)

// newPlot returns a plot with sibsim's fonts, axis labels and a legend drawn
// outside the data area, on the right.
func newPlot(title, xLabel, yLabel string) (*plot.Plot, *legend) {
	p := styledPlot(title, xLabel, yLabel, 1)
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	l := &legend{style: legendTextStyle()}
	l.heading = l.style
	l.heading.Font = font.From(boldFont, legendSize)
	return p, l
}

// legendTextStyle is the style of legend entries.
func legendTextStyle() text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(sansFont, legendSize),
		XAlign:  draw.XLeft,
		YAlign:  draw.YCenter,
		Handler: plot.DefaultTextHandler,
	}
}

// Legend entries wrap at legendTextWidth over at most legendLines lines,
// so that the data area keeps at least about half a figure's width
// whatever the scenario names.
const (
	legendTextWidth = vg.Length(150)
	legendLines     = 2
)

// Titles wrap at titleWidth (at scale 1) over at most titleLines lines.
const (
	titleWidth = vg.Length(500)
	titleLines = 2
)

// wrapText breaks s into lines no wider than maxW in style sty, after
// spaces, hyphens, underscores, slashes and full stops, or anywhere in a
// word too long for a line. Past maxLines lines it cuts the last line
// short with an ellipsis and reports that it did.
func wrapText(sty text.Style, s string, maxW vg.Length, maxLines int) (lines []string, cut bool) {
	if sty.Width(s) <= maxW {
		return []string{s}, false
	}
	// Pieces end at a break opportunity.
	var pieces []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(" -_/.", r) {
			pieces = append(pieces, s[start:i+len(string(r))])
			start = i + len(string(r))
		}
	}
	if start < len(s) {
		pieces = append(pieces, s[start:])
	}
	line := ""
	flush := func() {
		if line != "" {
			lines = append(lines, strings.TrimRight(line, " "))
			line = ""
		}
	}
	for _, p := range pieces {
		if sty.Width(strings.TrimRight(line+p, " ")) <= maxW {
			line += p
			continue
		}
		flush()
		for _, r := range p { // a piece too long for a line of its own
			if line != "" && sty.Width(strings.TrimRight(line+string(r), " ")) > maxW {
				flush()
			}
			line += string(r)
		}
	}
	flush()
	if len(lines) <= maxLines {
		return lines, false
	}
	lines = lines[:maxLines]
	last := []rune(lines[maxLines-1])
	for len(last) > 0 && sty.Width(string(last)+"…") > maxW {
		last = last[:len(last)-1]
	}
	lines[maxLines-1] = strings.TrimRight(string(last), " ") + "…"
	return lines, true
}

// styledPlot returns a plot with sibsim's fonts, at sizes scaled by scale
// (1 for a whole figure, less for a tile of one), and axis labels.
func styledPlot(title, xLabel, yLabel string, scale float64) *plot.Plot {
	p := plot.New()
	setTitle(p, title, scale)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont, vg.Length(labelSize*scale))
		a.Tick.Label.Font = font.From(sansFont, vg.Length(tickSize*scale))
		a.Padding = vg.Points(2)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.TextStyle.Font = font.From(sansFont, vg.Length(legendSize*scale))
	return p
}

// titleStyle is the style of a figure's title.
func titleStyle() text.Style {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(boldFont, titleSize)
	return p.Title.TextStyle
}

// setTitle sets p's title in bold, at a size scaled by scale, wrapped to
// the figure's width.
func setTitle(p *plot.Plot, title string, scale float64) {
	p.Title.TextStyle.Font = font.From(boldFont, vg.Length(titleSize*scale))
	lines, _ := wrapText(p.Title.TextStyle, title, titleWidth*vg.Length(scale), titleLines)
	p.Title.Text = strings.Join(lines, "\n")
	p.Title.Padding = vg.Points(8)
}

// addGrid adds light grid lines to p.
func addGrid(p *plot.Plot) {
	g := plotter.NewGrid()
	g.Horizontal.Color, g.Vertical.Color = gridColour, gridColour
	g.Horizontal.Width, g.Vertical.Width = vg.Points(0.5), vg.Points(0.5)
	p.Add(g)
}

// timePlot returns a plot with weeks of the run, in years, on x, light
// grid lines, and the shocks of the scenarios scs shaded and labelled.
func timePlot(scs []*plotted, title, yLabel string) (*plot.Plot, *legend) {
	p, l := newPlot(title, "Time since the start of the run (years)", yLabel)
	addGrid(p)
	if sh := shocksOf(scs); len(sh) > 0 {
		style := text.Style{
			Color:   shockTextColour,
			Font:    font.From(sansFont, shockTextSize),
			XAlign:  draw.XLeft,
			YAlign:  draw.YTop,
			Handler: p.TextHandler,
		}
		p.Add(&shockBands{shocks: sh, fill: true})
		l.overlay = append(l.overlay, &shockBands{shocks: sh, style: style})
	}
	p.X.Min = 0
	p.X.Tick.Marker = yearTicks{}
	return p, l
}

// Shock shading.
var (
	shockColour     = color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0x2E}
	shockTextColour = color.Gray{Y: 50}
	shockEdgeColour = color.Gray{Y: 90}
	// shockLabelGround is behind a shock's name.
	shockLabelGround = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xE0}
	shockTextSize    = vg.Points(8.5)
)

// shockBands marks the weeks of each shock over the whole height of the
// data area. With fill set it shades them, and is added beneath the data;
// otherwise it draws the band's edges and the shock's name, on a pale
// ground, at the top, and is added over the data (stacked areas hide a
// shade beneath them). It reports no data range: the runs' data fix the
// axes, and a band is clipped to them.
type shockBands struct {
	shocks []shock
	fill   bool
	style  text.Style
}

// Plot implements plot.Plotter.
func (b *shockBands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	edge := draw.LineStyle{Color: shockEdgeColour, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
	for _, sh := range b.shocks {
		// In force in weeks start+1 to end (indices start to end-1): from
		// the end of week start to the end of week end, in years.
		x0 := max(trX(float64(sh.start)/52), c.Min.X)
		x1 := min(trX(float64(sh.end)/52), c.Max.X)
		if !(x1 > x0) {
			continue
		}
		if b.fill {
			c.FillPolygon(shockColour, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
			continue
		}
		c.StrokeLines(edge, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x0, Y: c.Max.Y}}, []vg.Point{{X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}})
		at := vg.Point{X: x0 + vg.Points(3), Y: c.Max.Y - vg.Points(3)}
		w, h := b.style.Width(sh.label()), b.style.Height(sh.label())
		pad := vg.Points(1.5)
		c.FillPolygon(shockLabelGround, []vg.Point{
			{X: at.X - pad, Y: at.Y + pad}, {X: at.X + w + pad, Y: at.Y + pad},
			{X: at.X + w + pad, Y: at.Y - h - pad}, {X: at.X - pad, Y: at.Y - h - pad}})
		c.FillText(b.style, at, sh.label())
	}
}

// noData is a plotter writing msg in the middle of the data area, for a
// figure with nothing to draw.
type noData string

// Plot implements plot.Plotter.
func (m noData) Plot(c draw.Canvas, p *plot.Plot) {
	sty := text.Style{Color: color.Gray{Y: 60}, Font: font.From(sansFont, labelSize),
		XAlign: draw.XCenter, YAlign: draw.YCenter, Handler: p.TextHandler}
	c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2}, string(m))
}

// finish adds the legend's overlays (the shock bands' edges and names)
// over the data, and the legend last, so that it is drawn over nothing.
func finish(p *plot.Plot, l *legend) *plot.Plot {
	p.Add(l.overlay...)
	p.Add(l)
	return p
}

// legend is a plotter that draws its entries outside the data area, to the
// right of it, and makes room for them by reporting a glyph box there. It
// never covers data.
type legend struct {
	style, heading text.Style
	entries        []legendEntry
	// overlay is drawn over the data, before the legend.
	overlay []plot.Plotter
}

type legendEntry struct {
	text    string
	heading bool
	thumbs  []plot.Thumbnailer
}

// lines returns e's text wrapped as the legend draws it.
func (l *legend) lines(e legendEntry) []string {
	sty := l.style
	if e.heading {
		sty = l.heading
	}
	lines, _ := wrapText(sty, e.text, legendTextWidth, legendLines)
	return lines
}

// add adds an entry drawn with thumbs.
func (l *legend) add(text string, thumbs ...plot.Thumbnailer) {
	l.entries = append(l.entries, legendEntry{text: text, thumbs: thumbs})
}

// addHeading adds a heading line in bold.
func (l *legend) addHeading(text string) {
	l.entries = append(l.entries, legendEntry{text: text, heading: true})
}

func (l *legend) rowHeight() vg.Length {
	return l.style.Height("Mg") * 1.35
}

func (l *legend) width() vg.Length {
	var w vg.Length
	for _, e := range l.entries {
		for _, line := range l.lines(e) {
			if e.heading {
				w = max(w, l.heading.Width(line))
			} else {
				w = max(w, legendThumb+vg.Points(5)+l.style.Width(line))
			}
		}
	}
	return w
}

// Plot draws the entries to the right of the data canvas c, from its top.
func (l *legend) Plot(c draw.Canvas, _ *plot.Plot) {
	x := c.Max.X + legendGap
	y := c.Max.Y
	h := l.rowHeight()
	for _, e := range l.entries {
		mid := y - h/2
		lines := l.lines(e)
		if e.heading {
			for i, line := range lines {
				c.FillText(l.heading, vg.Point{X: x, Y: mid - h*vg.Length(i)}, line)
			}
		} else {
			icon := &draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: mid - h*0.35},
				Max: vg.Point{X: x + legendThumb, Y: mid + h*0.35},
			}}
			for _, t := range e.thumbs {
				t.Thumbnail(icon)
			}
			for i, line := range lines {
				c.FillText(l.style, vg.Point{X: x + legendThumb + vg.Points(5), Y: mid - h*vg.Length(i)}, line)
			}
		}
		y -= h * vg.Length(len(lines))
	}
}

// GlyphBoxes reserves the legend's width to the right of the data area.
func (l *legend) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	if len(l.entries) == 0 {
		return nil
	}
	return []plot.GlyphBox{{X: 1, Y: 0.5, Rectangle: vg.Rectangle{
		Max: vg.Point{X: legendGap + l.width()},
	}}}
}

// lineStyle returns a line style of colour c and the given dashes.
func lineStyle(c color.Color, dashes []vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: lineWidth, Dashes: dashes}
}

// thumbLine is a legend thumbnail showing a line style.
func thumbLine(sty draw.LineStyle) plot.Thumbnailer {
	return &plotter.Line{LineStyle: sty}
}

// thumbFill is a legend thumbnail showing a filled box.
func thumbFill(c color.Color) plot.Thumbnailer {
	return &plotter.Polygon{Color: c}
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// runs returns the maximal runs [i, j) of indices where ok holds.
func runs(n int, ok func(int) bool) [][2]int {
	var out [][2]int
	for i := 0; i < n; {
		if !ok(i) {
			i++
			continue
		}
		j := i
		for j < n && ok(j) {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// lines returns line plotters drawing ys against weeks (in years), broken
// where ys is not finite; a value with no finite neighbour is drawn as a
// dot, which a line of one point would not show.
func lines(ys []float64, sty draw.LineStyle) []plot.Plotter {
	var out []plot.Plotter
	for _, r := range runs(len(ys), func(w int) bool { return finite(ys[w]) }) {
		if r[1]-r[0] == 1 {
			out = append(out, &plotter.Scatter{
				XYs:        plotter.XYs{{X: year(r[0]), Y: ys[r[0]]}},
				GlyphStyle: draw.GlyphStyle{Color: sty.Color, Radius: sty.Width * 1.5, Shape: draw.CircleGlyph{}},
			})
			continue
		}
		xys := make(plotter.XYs, 0, r[1]-r[0])
		for w := r[0]; w < r[1]; w++ {
			xys = append(xys, plotter.XY{X: year(w), Y: ys[w]})
		}
		out = append(out, &plotter.Line{XYs: xys, LineStyle: sty})
	}
	return out
}

// ribbon returns polygons filling between lo and hi against weeks (in
// years), broken where either is not finite; a week with no finite
// neighbour fills its own span.
func ribbon(lo, hi []float64, c color.Color) []plot.Plotter {
	var out []plot.Plotter
	ok := func(w int) bool { return finite(lo[w]) && finite(hi[w]) }
	for _, r := range runs(len(lo), ok) {
		if r[1]-r[0] == 1 { // one week: fill the week's span
			w := r[0]
			out = append(out, rect(year(w)-1.0/52, year(w), lo[w], hi[w], c))
			continue
		}
		xys := make(plotter.XYs, 0, 2*(r[1]-r[0]))
		for w := r[0]; w < r[1]; w++ {
			xys = append(xys, plotter.XY{X: year(w), Y: lo[w]})
		}
		for w := r[1] - 1; w >= r[0]; w-- {
			xys = append(xys, plotter.XY{X: year(w), Y: hi[w]})
		}
		out = append(out, &plotter.Polygon{XYs: []plotter.XYs{xys}, Color: c})
	}
	return out
}

// fade returns c with opacity a (0-1).
func fade(c color.Color, a float64) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(math.Round(a * 255))}
}

// rect returns a filled rectangle in data coordinates.
func rect(x0, x1, y0, y1 float64, c color.Color) *plotter.Polygon {
	return &plotter.Polygon{
		XYs:   []plotter.XYs{{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}},
		Color: c,
	}
}

// hline returns a thin horizontal line at y from x0 to x1.
func hline(y, x0, x1 float64, c color.Color) *plotter.Line {
	return &plotter.Line{
		XYs:       plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}},
		LineStyle: draw.LineStyle{Color: c, Width: vg.Points(0.8)},
	}
}

// niceTicks labels about five to eight round values (steps of 1, 2, 2.5 or
// 5 times a power of ten), with an unlabelled tick halfway between.
type niceTicks struct{}

// Ticks implements plot.Ticker.
func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !finite(lo) || !finite(hi) {
		return []plot.Tick{{Value: lo, Label: formatTick(lo, 0)}}
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	return ticksEvery(lo, hi, step, step/2)
}

// yearTicks labels whole years, with unlabelled ticks at quarters on runs
// of up to four years and half-years on runs of up to twelve; shorter runs
// get niceTicks.
type yearTicks struct{}

// Ticks implements plot.Ticker.
func (yearTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	switch {
	case !(span > 0) || !finite(span):
		return niceTicks{}.Ticks(lo, hi)
	case span <= 1.5:
		ticks := niceTicks{}.Ticks(lo, hi)
		for i := range ticks {
			if ticks[i].Label != "" {
				ticks[i].Label = formatTick(ticks[i].Value, -1)
			}
		}
		return ticks
	case span <= 4:
		return ticksEvery(lo, hi, 1, 0.25)
	case span <= 12:
		return ticksEvery(lo, hi, 1, 0.5)
	}
	return niceTicks{}.Ticks(lo, hi)
}

// ticksEvery returns labelled ticks at multiples of step and unlabelled
// ones at multiples of minor between lo and hi.
func ticksEvery(lo, hi, step, minor float64) []plot.Tick {
	const eps = 1e-9
	dec := decimals(step)
	minorDec := decimals(minor)
	var ticks []plot.Tick
	for i := math.Ceil(lo/minor - eps); i*minor <= hi+eps*math.Abs(hi)+eps; i++ {
		// i*minor rounded to minor's decimals: 0.6, not 0.6000000000000001.
		v, _ := strconv.ParseFloat(strconv.FormatFloat(i*minor, 'f', minorDec, 64), 64)
		if r := v / step; math.Abs(r-math.Round(r)) < eps {
			ticks = append(ticks, plot.Tick{Value: v, Label: formatTick(v, dec)})
		} else {
			ticks = append(ticks, plot.Tick{Value: v})
		}
	}
	return ticks
}

// decimals returns the number of decimals that step needs.
func decimals(step float64) int {
	for d := 0; d < 10; d++ {
		x := step * math.Pow(10, float64(d))
		if math.Abs(x-math.Round(x)) < 1e-6*math.Max(1, x) {
			return d
		}
	}
	return 10
}

// formatTick formats a tick value with dec decimals (-1: as few as
// needed), without negative zero.
func formatTick(v float64, dec int) string {
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// fitHeight is the height to draw plot p at, w wide: h, or more when its
// legend l (nil: none) has more rows than fit beside p's data area at
// height h, as with many scenarios; then the figure grows so that every
// entry is drawn, the data area keeping at least its height at h. The
// margin outside the data area (title, axes) is measured on p itself.
func fitHeight(p *plot.Plot, l *legend, w, h vg.Length) vg.Length {
	if l == nil || p == nil {
		return h
	}
	var rows int
	for _, e := range l.entries {
		rows += len(l.lines(e))
	}
	need := l.rowHeight() * vg.Length(rows)
	data := p.DataCanvas(draw.Canvas{Canvas: &recorder.Canvas{}, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}}).Size().Y
	if need <= data {
		return h
	}
	return h + need - data
}
