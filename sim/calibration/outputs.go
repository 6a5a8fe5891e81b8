package calibration

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/calibrate"
	"github.com/sibsim/sibsim/sim/results"
	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/sensitivity"
	"github.com/sibsim/sibsim/sim/sweep"
)

// Output files of a complete calibration.
const (
	PosteriorFile        = "posterior.csv"
	PosteriorParquetFile = "posterior.parquet"
	SummaryFile          = "summary.csv"
	GenerationsFile      = "generations.csv"
	CheckFile            = "check.csv"
	CalibratedFile       = "calibrated.yaml"
	// FiguresDir is where "sibsim calibrate" draws the figures.
	FiguresDir = "figures"
)

var outputFiles = []string{PosteriorFile, PosteriorParquetFile, SummaryFile, GenerationsFile, CheckFile, CalibratedFile}

// Manifest is manifest.json of a complete calibration.
type Manifest struct {
	Format      int    `json:"format"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Targets names the targets file, Base the base scenario as it gives it.
	Targets string `json:"targets_file"`
	Base    string `json:"base"`
	// Hash is the calibration's (Calibration.Hash).
	Hash   string `json:"calibration_sha256"`
	Method string `json:"method"`
	Seed   uint64 `json:"seed"`
	Weeks  int    `json:"weeks"`
	// Budget is the simulation budget, Simulations those run (the
	// sampler's and the check's; proposals that gave an invalid scenario
	// count, unsimulated).
	Budget      int `json:"budget"`
	Simulations int `json:"simulations"`
	// Generations run, the final tolerance and why sampling stopped.
	Generations int                  `json:"generations"`
	Epsilon     float64              `json:"epsilon"`
	Stop        calibrate.StopReason `json:"stop"`
	Particles   int                  `json:"particles"`
	CheckDraws  int                  `json:"check_draws"`
	Summaries   []calibrate.Summary  `json:"summaries"`
	Version     string               `json:"sibsim_version"`
	GoVersion   string               `json:"go_version"`
	Arch        string               `json:"arch"`
	Files       []string             `json:"files"`
}

func writeOutputs(ctx context.Context, c *Calibration, dir string, res *Result, version string) error {
	pop := res.Population
	y, err := CalibratedYAML(c, dir, res.Summaries)
	if err != nil {
		return err
	}
	writers := []struct {
		name string
		fn   func(io.Writer) error
	}{
		{PosteriorFile, func(w io.Writer) error { return writePosteriorCSV(w, c, pop) }},
		{PosteriorParquetFile, func(w io.Writer) error { return writePosteriorParquet(w, c, pop, version) }},
		{SummaryFile, func(w io.Writer) error { return writeSummary(w, c, res.Summaries) }},
		{GenerationsFile, func(w io.Writer) error { return writeGenerations(w, pop) }},
		{CheckFile, func(w io.Writer) error { return writeCheck(w, res.Check) }},
		{CalibratedFile, func(w io.Writer) error { _, err := w.Write(y); return err }},
	}
	for _, wr := range writers {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := results.WriteFileAtomic(filepath.Join(dir, wr.name), wr.fn); err != nil {
			return fmt.Errorf("write %s: %w", wr.name, err)
		}
	}
	if err := results.SyncDir(dir); err != nil {
		return err
	}
	f := c.File
	m := Manifest{
		Format: FormatVersion, Name: f.Name, Description: f.Description, Targets: f.File, Base: f.Base,
		Hash: res.Hash, Method: f.Method, Seed: f.Seed, Weeks: c.Weeks, Budget: res.Budget,
		Simulations: pop.Total + len(res.Draws), Generations: pop.Generation + 1, Epsilon: pop.Epsilon,
		Stop: res.Stop, Particles: len(pop.Particles), CheckDraws: f.CheckDraws, Summaries: res.Summaries,
		Version: version, GoVersion: runtime.Version(), Arch: results.Arch(),
		Files: append([]string{ManifestFile}, outputFiles...),
	}
	res.Files = m.Files
	if err := writeJSON(filepath.Join(dir, ManifestFile), m); err != nil {
		return err
	}
	return results.SyncDir(dir)
}

// Medians returns the posterior medians of the summaries, one per
// parameter.
func Medians(sums []calibrate.Summary) []float64 {
	out := make([]float64, len(sums))
	for i, s := range sums {
		out[i] = s.Median
	}
	return out
}

// Calibrated returns the calibrated scenario: the base with every
// parameter at its posterior median (rounded where the field is a whole
// number), named after the base with "-calibrated". The error reports
// medians that together give an invalid scenario.
func Calibrated(c *Calibration, sums []calibrate.Summary) (*scenario.Scenario, error) {
	sc, err := sweep.ApplyParameters(c.Base.Scenario, c.File.Parameters, Medians(sums))
	if err != nil {
		return nil, err
	}
	sc.Name = c.Base.Scenario.Name + "-calibrated"
	sc.Description = fmt.Sprintf("%s calibrated to the targets of %s: each calibrated parameter at its posterior median.", c.Base.Scenario.Name, c.File.Name)
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("the posterior medians give an invalid scenario: %w", err)
	}
	return sc, nil
}

// CalibratedYAML returns calibrated.yaml, to be written into dir: a
// scenario that extends the base (by name, or by a path relative to dir)
// and sets what calibration changed. A parameter path is written down to
// its first list: a path through a list (providers[*].culture) writes the
// whole list, since extends replaces lists wholesale. Loading the file
// gives Calibrated(c, sums).
func CalibratedYAML(c *Calibration, dir string, sums []calibrate.Summary) ([]byte, error) {
	sc, err := Calibrated(c, sums)
	if err != nil {
		return nil, err
	}
	canon, err := scenario.Marshal(sc)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(canon, &doc); err != nil {
		return nil, err
	}
	full := doc.Content[0]
	ext := c.BaseRef
	if scenario.IsFileRef(ext) {
		absBase, err1 := filepath.Abs(filepath.FromSlash(ext))
		absDir, err2 := filepath.Abs(dir)
		rel, err3 := filepath.Rel(absDir, absBase)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, err
		}
		ext = filepath.ToSlash(rel)
	}
	out := &yaml.Node{Kind: yaml.MappingNode}
	put := func(m *yaml.Node, key string, v *yaml.Node) {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }
	put(out, "name", lookup(full, []string{"name"}))
	put(out, "description", lookup(full, []string{"description"}))
	put(out, "extends", str(ext))

	// Prefixes up to each path's first list, outermost first, without
	// those inside another.
	var prefixes [][]string
	for _, p := range c.File.Parameters {
		head, _, _ := strings.Cut(p.Path, "[")
		prefixes = append(prefixes, strings.Split(head, "."))
	}
	slices.SortStableFunc(prefixes, func(a, b []string) int { return len(a) - len(b) })
	var kept [][]string
	for _, p := range prefixes {
		if !slices.ContainsFunc(kept, func(k []string) bool { return len(k) <= len(p) && slices.Equal(k, p[:len(k)]) }) {
			kept = append(kept, p)
		}
	}
	// Write them in the canonical order of the scenario.
	slices.SortStableFunc(kept, func(a, b []string) int { return slices.Compare(order(full, a), order(full, b)) })
	for _, p := range kept {
		v := lookup(full, p)
		if v == nil {
			return nil, fmt.Errorf("calibrated scenario has no field %s", strings.Join(p, "."))
		}
		m := out
		for _, k := range p[:len(p)-1] {
			next := lookup(m, []string{k})
			if next == nil {
				next = &yaml.Node{Kind: yaml.MappingNode}
				put(m, k, next)
			}
			m = next
		}
		put(m, p[len(p)-1], v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s calibrated to %s (sibsim calibrate): posterior medians.\n", c.Base.Scenario.Name, c.File.File)
	b.WriteString("# summary.csv gives each parameter's 90% credible interval.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// lookup returns the value at keys in mapping n, or nil.
func lookup(n *yaml.Node, keys []string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// order returns the sort key of keys: the position of each key in its
// mapping of n, outermost first (compare with slices.Compare).
func order(n *yaml.Node, keys []string) []int {
	var key []int
	for _, k := range keys {
		pos := 0
		if n != nil && n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					pos = i / 2
					n = n.Content[i+1]
					break
				}
			}
		}
		key = append(key, pos)
	}
	return key
}

func csvWrite(w io.Writer, rows func(cw *csv.Writer)) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	rows(cw)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func ff(x float64) string { return results.FormatFloat(x) }

func itoa(i int) string { return strconv.Itoa(i) }

// weights returns the particles' normalised weights.
func weights(pop *calibrate.Population) []float64 {
	top := math.Inf(-1)
	for _, p := range pop.Particles {
		top = math.Max(top, p.LogWeight)
	}
	w := make([]float64, len(pop.Particles))
	var sum float64
	for i, p := range pop.Particles {
		w[i] = math.Exp(p.LogWeight - top)
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// PosteriorHeader is the header of posterior.csv.
func PosteriorHeader(c *Calibration) []string {
	h := []string{"particle", "generation", "index", "weight", "distance"}
	for _, p := range c.Spec.Parameters {
		h = append(h, p.Name)
	}
	return append(h, c.Metrics()...)
}

func writePosteriorCSV(w io.Writer, c *Calibration, pop *calibrate.Population) error {
	ws := weights(pop)
	return csvWrite(w, func(cw *csv.Writer) {
		cw.Write(PosteriorHeader(c))
		for i, p := range pop.Particles {
			row := []string{itoa(i), itoa(p.Generation), itoa(p.Index), ff(ws[i]), ff(p.Distance)}
			for _, v := range p.Values {
				row = append(row, ff(v))
			}
			for _, v := range p.Summaries {
				row = append(row, ff(v))
			}
			cw.Write(row)
		}
	})
}

// writePosteriorParquet writes the rows of posterior.csv as Parquet:
// integers as INT64, the rest as DOUBLE (null where undefined).
func writePosteriorParquet(w io.Writer, c *Calibration, pop *calibrate.Population, version string) error {
	header := PosteriorHeader(c)
	var fields []reflect.StructField
	for i, h := range header {
		typ, tag := reflect.TypeFor[*float64](), `parquet:"`+h+`,optional"`
		if i < 3 {
			typ, tag = reflect.TypeFor[int64](), `parquet:"`+h+`"`
		}
		fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(i), Type: typ, Tag: reflect.StructTag(tag)})
	}
	schema := parquet.NewSchema("posterior", parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Elem().Interface()))
	pw := parquet.NewWriter(w, schema, parquet.Compression(&zstd.Codec{}), parquet.CreatedBy("sibsim", version, ""))
	ws := weights(pop)
	rows := make([]parquet.Row, 0, len(pop.Particles))
	for i, p := range pop.Particles {
		vals := append([]float64{ws[i], p.Distance}, p.Values...)
		vals = append(vals, p.Summaries...)
		row := parquet.Row{
			parquet.Int64Value(int64(i)).Level(0, 0, 0),
			parquet.Int64Value(int64(p.Generation)).Level(0, 0, 1),
			parquet.Int64Value(int64(p.Index)).Level(0, 0, 2),
		}
		for j, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				row = append(row, parquet.NullValue().Level(0, 0, 3+j))
			} else {
				row = append(row, parquet.DoubleValue(v).Level(0, 1, 3+j))
			}
		}
		rows = append(rows, row)
	}
	if _, err := pw.WriteRows(rows); err != nil {
		return err
	}
	return pw.Close()
}

// PriorText describes a prior as a targets file writes it.
func PriorText(d sensitivity.Dist) string {
	switch d.Kind {
	case sensitivity.KindLevels:
		var s []string
		for _, l := range d.Levels {
			s = append(s, ff(l))
		}
		return "levels [" + strings.Join(s, " ") + "]"
	case sensitivity.KindNormal:
		return fmt.Sprintf("normal mean %s sd %s in [%s %s]", ff(d.Mean), ff(d.SD), ff(d.Min), ff(d.Max))
	}
	return fmt.Sprintf("%s [%s %s]", d.Kind, ff(d.Min), ff(d.Max))
}

func writeSummary(w io.Writer, c *Calibration, sums []calibrate.Summary) error {
	return csvWrite(w, func(cw *csv.Writer) {
		cw.Write([]string{"parameter", "prior", "base", "mean", "sd", "median", "lower_5", "upper_95"})
		for i, s := range sums {
			base := "" // the base's value; 1 for a factor
			if c.File.Parameters[i].Scale {
				base = "1"
			} else if vs, err := scenario.GetPath(c.Base.Scenario, s.Name); err == nil && len(vs) > 0 {
				base = ff(vs[0])
			}
			cw.Write([]string{s.Name, PriorText(c.Spec.Parameters[i].Prior), base, ff(s.Mean), ff(s.SD), ff(s.Median), ff(s.Lower), ff(s.Upper)})
		}
	})
}

func writeGenerations(w io.Writer, pop *calibrate.Population) error {
	return csvWrite(w, func(cw *csv.Writer) {
		cw.Write([]string{"generation", "simulations", "total", "epsilon", "accept_rate", "ess"})
		for _, g := range pop.History {
			cw.Write([]string{itoa(g.Generation), itoa(g.Simulations), itoa(g.Total), ff(g.Epsilon), ff(g.AcceptRate), ff(g.ESS)})
		}
	})
}

func writeCheck(w io.Writer, checks []calibrate.TargetCheck) error {
	return csvWrite(w, func(cw *csv.Writer) {
		cw.Write([]string{"metric", "observed", "tolerance", "min", "max", "weight", "draws", "defined",
			"lower_5", "median", "upper_95", "inside", "percentile", "reproduced"})
		for _, k := range checks {
			t := k.Target
			obs, tol, lo, hi := ff(t.Observed), ff(t.Tolerance), "", ""
			if t.Range {
				obs, tol, lo, hi = "", "", ff(t.Min), ff(t.Max)
			}
			cw.Write([]string{t.Name, obs, tol, lo, hi, ff(t.Weight), itoa(k.N), itoa(k.Defined),
				ff(k.Lower), ff(k.Median), ff(k.Upper), ff(k.Inside), ff(k.Percentile), strconv.FormatBool(k.Reproduced)})
		}
	})
}

// removeManifest marks dir incomplete before it changes.
func removeManifest(dir string) error {
	if err := os.Remove(filepath.Join(dir, ManifestFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
