package explorer

import (
	"errors"
	"net/http"
	"slices"
)

// pageData is what the page template shows.
type pageData struct {
	// Compare is true for the side-by-side page.
	Compare bool
	Token   string
	Variant Variant
	// Baseline is the baseline's scenario name and description.
	Baseline, Description string
	Shipped               []string
	Uploads               []uploadRef
	Groups                []leverGroup
	// Problems are the variant's problems not shown beside a lever.
	Problems []VariantProblem
	Error    string
	// Items are the variants of the side-by-side page.
	Items      []compareItem
	MaxReps    int
	ItemTokens []string
}

type uploadRef struct{ Ref, Name string }

type leverGroup struct {
	Name   string
	Folded bool
	Levers []leverField
}

type leverField struct {
	Lever
	Current  string
	Changed  bool
	Problems []string
	Step     string
}

type compareItem struct {
	Token, Name, Baseline string
	Changes               []Override
}

func (e *Explorer) uploadRefs() []uploadRef {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []uploadRef
	for _, id := range e.upOrder {
		out = append(out, uploadRef{Ref: "upload:" + id, Name: e.uploads[id].name})
	}
	return out
}

func (e *Explorer) render(w http.ResponseWriter, d *pageData) {
	d.Shipped, d.Uploads, d.MaxReps = e.shipped, e.uploadRefs(), e.opts.MaxReplications
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := e.page.ExecuteTemplate(w, "page", d); err != nil {
		http.Error(w, "render page: "+err.Error(), http.StatusInternalServerError)
	}
}

// handlePage shows the form for one variant (the v parameter, or the
// default baseline unchanged), its problems beside the levers.
func (e *Explorer) handlePage(w http.ResponseWriter, r *http.Request) {
	d := &pageData{}
	vs, err := tokens(r)
	switch {
	case err != nil:
		d.Error = err.Error()
		vs = nil
	case len(vs) > 1:
		d.Error = "this page shows one variant: use the side-by-side view for several"
	}
	v := Variant{Baseline: e.opts.Default, Replications: e.defaultReps(), Seed: 1}
	if len(vs) > 0 {
		v = vs[0]
	}
	rv, err := e.resolve(v)
	if rv == nil {
		// The baseline itself cannot be used: start again from the default.
		if d.Error == "" {
			d.Error = err.Error()
		}
		v = Variant{Baseline: e.opts.Default, Replications: e.defaultReps(), Seed: 1}
		if rv, err = e.resolve(v); rv == nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	d.Variant, d.Token = rv.v, rv.v.Token()
	d.Baseline, d.Description = rv.base.resolved.Scenario.Name, rv.base.resolved.Scenario.Description
	byField := map[string][]string{}
	var ie *InvalidError
	if errors.As(err, &ie) {
		for _, p := range ie.Problems {
			if p.Field != "" && p.Field != "replications" {
				byField[p.Field] = append(byField[p.Field], p.Msg)
			} else {
				d.Problems = append(d.Problems, p)
			}
		}
	} else if err != nil {
		d.Error = err.Error()
	}
	current := map[string]string{}
	for _, o := range rv.v.Overrides {
		current[o.Path] = o.Value
	}
	groups := map[string]*leverGroup{}
	for _, g := range Groups() {
		groups[g] = &leverGroup{Name: g, Folded: g == groupOther}
	}
	for _, l := range rv.levers {
		f := leverField{Lever: l, Current: l.Value, Problems: byField[l.Path], Step: "any"}
		if l.Integer {
			f.Step = "1"
		}
		if c, ok := current[l.Path]; ok {
			f.Current, f.Changed = c, c != l.Value
		}
		g := groups[l.Group]
		g.Levers = append(g.Levers, f)
	}
	for _, g := range Groups() {
		if len(groups[g].Levers) > 0 {
			d.Groups = append(d.Groups, *groups[g])
		}
	}
	e.render(w, d)
}

// handleComparePage shows several variants side by side, the first the
// reference.
func (e *Explorer) handleComparePage(w http.ResponseWriter, r *http.Request) {
	d := &pageData{Compare: true}
	vs, err := tokens(r)
	if err != nil {
		d.Error = err.Error()
		vs = nil
	}
	if len(vs) == 0 && d.Error == "" {
		d.Error = "no variants chosen: save variants on the main page, tick them and open the side-by-side view"
	}
	for _, v := range vs {
		rv, err := e.resolve(v)
		if err != nil {
			d.Error = err.Error()
			break
		}
		changes, _ := rv.base.changes(rv.v)
		d.Items = append(d.Items, compareItem{Token: v.Token(), Name: rv.res.Scenario.Name, Baseline: rv.base.resolved.Scenario.Name, Changes: changes})
		d.ItemTokens = append(d.ItemTokens, v.Token())
		if len(d.Items) == 1 {
			d.Variant = rv.v
		}
	}
	if len(d.Items) > 0 {
		d.Variant.Overrides = slices.Clone(d.Variant.Overrides)
	}
	e.render(w, d)
}
