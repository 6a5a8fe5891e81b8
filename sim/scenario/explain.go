package scenario

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/strictyaml"
)

// explainWidth is the width at which Explain wraps its comments.
const explainWidth = 92

// Explain returns the resolved scenario as YAML, like Resolved.YAML, with
// each parameter's documentation from docs/ODD.md appendix A as a comment
// above it: "meaning. Unit: u. Range: r. Default: d. Source: s." When the
// scenario was read from more than one file, a value set by a file other
// than the last of the chain (the base scenario) carries "# set in FILE" on
// its line. Comments change nothing: the output loads to the same scenario.
func (r *Resolved) Explain() ([]byte, error) {
	docs, err := ParamDocs()
	if err != nil {
		return nil, err
	}
	e := explainer{docs: docs, origin: r.origin}
	if len(r.Chain) > 1 {
		e.base = r.Chain[len(r.Chain)-1]
	}
	root := e.value(reflect.ValueOf(r.Scenario).Elem(), "", checkSpec{})
	head := fmt.Sprintf("Scenario %s, resolved. Above each field: its meaning, unit, range, default (in %s) and source, from docs/ODD.md appendix A.",
		r.Scenario.Name, DefaultName)
	if e.base != "" {
		head += fmt.Sprintf(" Read from %s; \"set in FILE\" marks a value that is not %s's.", strings.Join(r.Chain, " <- "), e.base)
	}
	if len(root.Content) > 0 {
		k := root.Content[0]
		k.HeadComment = wrapComment(head) + "\n\n" + k.HeadComment
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encode explained scenario: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode explained scenario: %w", err)
	}
	return buf.Bytes(), nil
}

type explainer struct {
	docs   map[string]ParamDoc
	origin map[string]string // field path -> file that set it
	base   string            // last file of the chain; "" for a chain of one
}

var listIndex = regexp.MustCompile(`\[\d+\]`)

// value encodes v at path (resolved indices, as in problems) like
// encodeValue, with comments on the fields of structs.
func (e explainer) value(v reflect.Value, path string, c checkSpec) *yaml.Node {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return e.value(v.Elem(), path, c)
		}
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, f := range fieldsOf(v.Type()) {
			fv := v.Field(f.index)
			if f.optional && fv.IsZero() || f.optional && (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.Len() == 0 {
				continue
			}
			p := strictyaml.JoinPath(path, f.name)
			k := encodeString(f.name)
			val := e.value(fv, p, f.check)
			if d, ok := e.docs[listIndex.ReplaceAllString(p, "[]")]; ok {
				k.HeadComment = wrapComment(Describe(d, rangeText(f.check)))
				if file := e.origin[p]; e.base != "" && file != "" && file != e.base {
					val.LineComment = "set in " + file
				}
			}
			n.Content = append(n.Content, k, val)
		}
		return n
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct || v.Type().Elem().Kind() == reflect.Pointer {
			n := &yaml.Node{Kind: yaml.SequenceNode}
			if v.Len() == 0 {
				n.Style = yaml.FlowStyle
			}
			for i := range v.Len() {
				n.Content = append(n.Content, e.value(v.Index(i), fmt.Sprintf("%s[%d]", path, i), c))
			}
			return n
		}
		// A list of numbers on one line, as it is usually written.
		n := encodeValue(v)
		n.Style = yaml.FlowStyle
		return n
	}
	return encodeValue(v)
}

// wrapComment wraps text into lines of at most explainWidth characters
// for a YAML comment (yaml.v3 adds the "# ").
func wrapComment(text string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > explainWidth {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
