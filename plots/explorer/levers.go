package explorer

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/sibsim/sibsim/sim/scenario"
	"github.com/sibsim/sibsim/sim/strictyaml"
)

// Lever is one number of a baseline scenario that the form lets a user
// change: generated from the Scenario types (field names, `check` tags)
// and the resolved baseline (which lists, rules and providers it has).
type Lever struct {
	// Path locates the number as sim/scenario's SetPath does.
	Path string
	// Group is the form section it appears in (Groups lists them in order).
	Group string
	// Label names it for people: "Phase 1 (weeks 0 to 52) · per assessment · tariff for reading 1".
	Label string
	// Value is the baseline's value, formatted as the canonical YAML writes it.
	Value string
	// Integer is true for whole-number fields.
	Integer bool
	// Min and Max are the range its `check` tag declares (NaN when none).
	Min, Max float64
	// Help, Unit and Source are its row of the parameter table in
	// docs/ODD.md appendix A (scenario.DocFor), as plain text
	// (scenario.PlainText): what it means, its unit, and its source or
	// "assumption" (empty where the table has none, as for the weeks of a
	// contract phase, which are inputs rather than estimates).
	Help, Unit, Source string
}

// Lever groups, in form order. The last is shown folded.
const (
	groupProvider  = "How providers are paid"
	groupOutcome   = "Outcome payments to the SPV"
	groupPhases    = "Phase boundaries (weeks)"
	groupPayers    = "Payer shares, caps and the investor"
	groupGP        = "GP engagement and referrals"
	groupCommunity = "Community capacity"
	groupCaseload  = "Caseloads"
	groupProviders = "Providers and their cultures"
	groupOther     = "Every other parameter"
)

// Groups lists the lever groups in form order.
func Groups() []string {
	return []string{groupProvider, groupOutcome, groupPhases, groupPayers, groupGP, groupCommunity, groupCaseload, groupProviders, groupOther}
}

// groupOf places a lever path in its group.
func groupOf(path string) string {
	last := path[strings.LastIndexByte(path, '.')+1:]
	switch {
	case strings.HasPrefix(path, "contract.provider_payments[") || strings.HasPrefix(path, "contract.outcome_payments["):
		switch {
		case last == "from_week" || last == "until_week":
			return groupPhases
		case strings.Contains(path, ".payer_shares."):
			return groupPayers
		case strings.HasPrefix(path, "contract.provider_payments["):
			return groupProvider
		}
		return groupOutcome
	case strings.HasPrefix(path, "contract."):
		return groupPayers
	case strings.HasPrefix(path, "referrals."):
		return groupGP
	case strings.HasPrefix(path, "neighbourhoods[") && strings.Contains(path, ".services."),
		path == "linking.community_places_per_group_hour":
		return groupCommunity
	case strings.HasPrefix(path, "allocation."), path == "management.target_pressure_gain":
		return groupCaseload
	case strings.HasPrefix(path, "providers["):
		return groupProviders
	}
	return groupOther
}

// Levers lists every number of s a lever can set, in schema order: numbers
// of structs, list elements, set optional fields and mapping entries whose
// keys a path can name. Unset optional numbers (a rule's weight) are left
// out, except a phase's until_week (0: to the end of the run).
func Levers(s *scenario.Scenario) []Lever {
	var out []Lever
	w := leverWalker{out: &out}
	w.walk(reflect.ValueOf(s).Elem(), "", nil, "")
	for i := range out {
		out[i].Label = strings.TrimPrefix(out[i].Label, "contract · ")
		if d, ok := scenario.DocFor(out[i].Path); ok {
			out[i].Help, out[i].Unit, out[i].Source = scenario.PlainText(d.Meaning), scenario.PlainText(d.Unit), scenario.PlainText(d.Source)
		}
	}
	return out
}

type leverWalker struct{ out *[]Lever }

// walk visits v at path; label holds the readable names of the enclosing
// elements and check is v's `check` tag (for list elements, the list's).
func (w leverWalker) walk(v reflect.Value, path string, label []string, check string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			w.walk(v.Elem(), path, label, check)
		}
	case reflect.Struct:
		for _, f := range strictyaml.FieldsOf(v.Type()) {
			fv := v.Field(f.Index)
			p := join(path, f.Name)
			if f.Optional && fv.Kind() == reflect.Pointer && fv.IsNil() {
				continue
			}
			w.walk(fv, p, append(label[:len(label):len(label)], fieldLabel(f.Name)), f.Tag.Get("check"))
		}
	case reflect.Slice:
		for i := range v.Len() {
			w.walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i), elementLabel(path, v, i, label), check)
		}
	case reflect.Map:
		keys := v.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.String()
		}
		slices.Sort(names)
		for _, k := range names {
			p := join(path, k)
			if scenario.CheckPath(p) != nil {
				continue
			}
			w.walk(v.MapIndex(reflect.ValueOf(k)), p, append(label[:len(label):len(label)], k), "")
		}
	case reflect.Int, reflect.Int64, reflect.Float64:
		l := Lever{Path: path, Group: groupOf(path), Label: strings.Join(label, " · "), Min: math.NaN(), Max: math.NaN()}
		if v.Kind() == reflect.Float64 {
			l.Value = formatNumber(v.Float())
		} else {
			l.Value, l.Integer = strconv.FormatInt(v.Int(), 10), true
		}
		for opt := range strings.SplitSeq(check, ",") {
			key, val, _ := strings.Cut(opt, "=")
			x, err := strconv.ParseFloat(val, 64)
			switch {
			case key == "prob":
				l.Min, l.Max = 0, 1
			case key == "min" && err == nil:
				l.Min = x
			case key == "max" && err == nil:
				l.Max = x
			}
		}
		*w.out = append(*w.out, l)
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fieldLabel turns a YAML field name into words: tariffs_gbp -> "tariffs (GBP)".
func fieldLabel(name string) string {
	words := strings.Split(name, "_")
	unit := ""
	switch words[len(words)-1] {
	case "gbp":
		unit, words = " (GBP)", words[:len(words)-1]
	case "km":
		unit, words = " (km)", words[:len(words)-1]
	}
	for i, w := range words {
		if w == "gbp" {
			words[i] = "GBP"
		}
	}
	s := strings.Join(words, " ")
	s = strings.NewReplacer("gp ", "GP ", "ccg", "CCG", "spv", "SPV", "per 1000", "per 1,000").Replace(s)
	return s + unit
}

// elementLabel names element i of the list at path: a phase by its weeks,
// a rule by its number when the phase has several, a named thing by its
// name, a tariff by its reading.
func elementLabel(path string, list reflect.Value, i int, label []string) []string {
	// The list's own field label (the last) is replaced, in a copy: label
	// is shared by every element.
	var base []string
	listName := ""
	if len(label) > 0 {
		base, listName = slices.Clone(label[:len(label)-1]), label[len(label)-1]
	}
	e := list.Index(i)
	for e.Kind() == reflect.Pointer && !e.IsNil() {
		e = e.Elem()
	}
	switch x := e.Interface().(type) {
	case scenario.Phase:
		weeks := fmt.Sprintf("from week %d", x.FromWeek)
		if x.UntilWeek > 0 {
			weeks = fmt.Sprintf("weeks %d to %d", x.FromWeek, x.UntilWeek)
		}
		return append(base, fmt.Sprintf("%s, phase %d (%s)", listName, i+1, weeks))
	case scenario.Rule:
		if list.Len() == 1 {
			return base
		}
		return append(base, fmt.Sprintf("rule %d", i+1))
	case scenario.Provider:
		return append(base, "provider "+x.Name)
	case scenario.Neighbourhood:
		return append(base, x.Name)
	case scenario.Payer:
		return append(base, "payer "+x.Name)
	case scenario.Shock:
		return append(base, "shock "+x.Name)
	}
	if strings.HasSuffix(path, ".tariffs_gbp") {
		n := fmt.Sprintf("tariff for reading %d (GBP)", i+1)
		if i == list.Len()-1 && i > 0 {
			n = fmt.Sprintf("tariff for reading %d and later (GBP)", i+1)
		}
		return append(base, n)
	}
	return append(slices.Clone(label), fmt.Sprintf("#%d", i+1))
}
