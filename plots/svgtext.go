package plots

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// SVG text is drawn as glyph outlines, not as <text> in a named font: a
// viewer without Liberation Sans would set the text in another font, whose
// widths differ from those the layout was measured with (legends clip,
// labels overlap). Each glyph used is defined once in the SVG's <defs>, in
// font units, and placed with <use>; a run of text is a group scaled to its
// font size. Glyphs are placed with the advances and kerning that
// font.Face.Width measures, so text takes exactly the room the layout gave
// it, in any viewer.
//
// The canvas is gonum's vgsvg; glyphCanvas hands it a numbered placeholder
// for each string and outlineText replaces each placeholder <text> element
// with its glyphs.

// glyphCanvas is a vgsvg canvas that records the strings drawn.
type glyphCanvas struct {
	*vgsvg.Canvas
	runs []textRun
}

// textRun is one string drawn.
type textRun struct {
	face font.Face
	text string
}

// FillString implements vg.Canvas: vgsvg writes a <text> element at pt
// holding the run's number, which outlineText replaces.
func (c *glyphCanvas) FillString(f font.Face, pt vg.Point, str string) {
	c.Canvas.FillString(f, pt, strconv.Itoa(len(c.runs)))
	c.runs = append(c.runs, textRun{face: f, text: str})
}

// svgText matches a <text> element as vgsvg writes it: position, optional
// style, content (here, a run number).
var svgText = regexp.MustCompile(`<text x="([^"]*)" y="([^"]*)" transform="scale\(1, -1\)"(?:\s*style="([^"]*)")?>([0-9]+)</text>`)

// svgFill matches the fill colour in a vgsvg style attribute.
var svgFill = regexp.MustCompile(`(?:^|;)(fill:#[0-9A-Fa-f]{6})`)

// outlineText replaces the placeholder <text> elements of svg, drawn by c,
// with glyph outlines, and defines the glyphs in a <defs> element after
// the opening <svg> tag, with ids beginning with prefix. It gives the
// document a <title> when title is not empty.
func (c *glyphCanvas) outlineText(svg []byte, prefix, title string) ([]byte, error) {
	g := glyphSet{prefix: prefix, ids: map[glyphKey]string{}}
	var failed error
	n := 0
	body := svgText.ReplaceAllFunc(svg, func(m []byte) []byte {
		sub := svgText.FindSubmatch(m)
		i, err := strconv.Atoi(string(sub[4]))
		if err != nil || i >= len(c.runs) {
			failed = fmt.Errorf("text placeholder %q has no run", sub[4])
			return m
		}
		n++
		x, err1 := strconv.ParseFloat(string(sub[1]), 64)
		y, err2 := strconv.ParseFloat(string(sub[2]), 64)
		if err := errors.Join(err1, err2); err != nil {
			failed = err
			return m
		}
		fill := ""
		if f := svgFill.FindSubmatch(sub[3]); f != nil {
			fill = string(f[1])
		}
		out, err := g.run(c.runs[i], x, y, fill)
		if err != nil {
			failed = err
			return m
		}
		return out
	})
	if failed != nil {
		return nil, failed
	}
	if n != len(c.runs) {
		return nil, fmt.Errorf("%d text elements for %d strings drawn", n, len(c.runs))
	}
	open := bytes.Index(body, []byte("<svg"))
	end := bytes.IndexByte(body[max(open, 0):], '>')
	if open < 0 || end < 0 {
		return nil, errors.New("no <svg> element")
	}
	at := open + end + 1
	var head bytes.Buffer
	if title != "" {
		fmt.Fprintf(&head, "\n<title>%s</title>", html.EscapeString(title))
	}
	if len(g.defs) > 0 {
		head.WriteString("\n<defs>\n")
		head.Write(g.defs)
		head.WriteString("</defs>")
	}
	out := make([]byte, 0, len(body)+head.Len())
	out = append(out, body[:at]...)
	out = append(out, head.Bytes()...)
	return append(out, body[at:]...), nil
}

// glyphKey names a glyph of a font.
type glyphKey struct {
	font  string
	glyph sfnt.GlyphIndex
}

// glyphSet collects the glyph definitions of one SVG document.
type glyphSet struct {
	prefix string
	ids    map[glyphKey]string
	fonts  []string // font names, in order of first use, for short ids
	defs   []byte
	buf    sfnt.Buffer
}

// run returns the group drawing r with its origin at (x, y) of vgsvg's
// text coordinates (y pointing down), filled with fill (vgsvg's default,
// black, when empty).
func (g *glyphSet) run(r textRun, x, y float64, fill string) ([]byte, error) {
	f := r.face.Face
	if f == nil {
		return nil, fmt.Errorf("no font for %q", r.text)
	}
	upm := f.UnitsPerEm()
	// At this size, sfnt's 26.6 fixed-point values are font units.
	ppem := fixed.Int26_6(upm)
	k := r.face.Font.Size.Points() / float64(upm)
	var b bytes.Buffer
	// Glyph outlines have y down, as text does; the group undoes the
	// flip of vgsvg's text transform, scale(1, -1), at (x, y).
	fmt.Fprintf(&b, `<g transform="matrix(%s 0 0 %s %s %s)"`, num6(k), num6(-k), num6(x), num6(-y))
	if fill != "" {
		fmt.Fprintf(&b, ` style="%s"`, fill)
	}
	fmt.Fprintf(&b, `><desc>%s</desc>`, html.EscapeString(r.text))
	adv := 0
	var prev sfnt.GlyphIndex
	for i, ch := range r.text {
		idx, err := f.GlyphIndex(&g.buf, ch)
		if err != nil {
			return nil, fmt.Errorf("glyph of %q: %w", ch, err)
		}
		if i > 0 {
			kern, err := f.Kern(&g.buf, prev, idx, ppem, 0)
			switch {
			case err == nil:
				adv += int(kern)
			case !errors.Is(err, sfnt.ErrNotFound):
				return nil, fmt.Errorf("kerning of %q: %w", r.text, err)
			}
		}
		id, err := g.define(r.face, idx, ppem)
		if err != nil {
			return nil, err
		}
		if id != "" {
			fmt.Fprintf(&b, `<use xlink:href="#%s" x="%d"/>`, id, adv)
		}
		a, err := f.GlyphAdvance(&g.buf, idx, ppem, 0)
		if err != nil {
			return nil, fmt.Errorf("advance of %q: %w", ch, err)
		}
		adv += int(a)
		prev = idx
	}
	b.WriteString("</g>")
	return b.Bytes(), nil
}

// define defines glyph idx of face once and returns its id, or "" for a
// glyph with no outline (a space).
func (g *glyphSet) define(face font.Face, idx sfnt.GlyphIndex, ppem fixed.Int26_6) (string, error) {
	name := face.Name()
	key := glyphKey{name, idx}
	if id, ok := g.ids[key]; ok {
		return id, nil
	}
	segs, err := face.Face.LoadGlyph(&g.buf, idx, ppem, nil)
	if err != nil {
		return "", fmt.Errorf("outline of glyph %d of %s: %w", idx, name, err)
	}
	if len(segs) == 0 {
		g.ids[key] = ""
		return "", nil
	}
	fi := -1
	for i, n := range g.fonts {
		if n == name {
			fi = i
		}
	}
	if fi < 0 {
		fi = len(g.fonts)
		g.fonts = append(g.fonts, name)
	}
	id := fmt.Sprintf("%s-f%d-%d", g.prefix, fi, idx)
	g.ids[key] = id
	var d strings.Builder
	pt := func(p fixed.Point26_6) {
		d.WriteString(strconv.Itoa(int(p.X)))
		d.WriteByte(' ')
		d.WriteString(strconv.Itoa(int(p.Y)))
	}
	for i, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if i > 0 {
				d.WriteByte('Z')
			}
			d.WriteByte('M')
			pt(s.Args[0])
		case sfnt.SegmentOpLineTo:
			d.WriteByte('L')
			pt(s.Args[0])
		case sfnt.SegmentOpQuadTo:
			d.WriteByte('Q')
			pt(s.Args[0])
			d.WriteByte(' ')
			pt(s.Args[1])
		case sfnt.SegmentOpCubeTo:
			d.WriteByte('C')
			pt(s.Args[0])
			d.WriteByte(' ')
			pt(s.Args[1])
			d.WriteByte(' ')
			pt(s.Args[2])
		}
	}
	d.WriteByte('Z')
	g.defs = fmt.Appendf(g.defs, "<path id=\"%s\" d=\"%s\"/>\n", id, d.String())
	return id, nil
}

// num6 formats x with up to 6 significant digits, as vgsvg does with 5.
func num6(x float64) string {
	s := strconv.FormatFloat(x, 'g', 6, 64)
	if s == "-0" {
		return "0"
	}
	return s
}
