package scenario

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/strictyaml"
)

// marshal writes s in canonical form: every field in declaration order,
// optional fields only when set, map keys sorted, two-space indent.
//
// It builds the node tree itself rather than calling yaml.Marshal, because
// yaml.v3 writes some strings (a leading newline, a tab before a newline)
// as literal blocks that do not read back the same.
func marshal(s *Scenario) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(encodeValue(reflect.ValueOf(s).Elem())); err != nil {
		return nil, fmt.Errorf("encode resolved scenario: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode resolved scenario: %w", err)
	}
	return buf.Bytes(), nil
}

// Marshal returns s in the canonical form of Resolved.YAML: every field in
// declaration order, optional fields only when set. Loading the bytes gives
// s again.
func Marshal(s *Scenario) ([]byte, error) { return marshal(s) }

func encodeValue(v reflect.Value) *yaml.Node {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: strictyaml.NullTag, Value: "null"}
		}
		return encodeValue(v.Elem())
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, f := range fieldsOf(v.Type()) {
			fv := v.Field(f.index)
			if f.optional && fv.IsZero() || f.optional && (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.Len() == 0 {
				continue
			}
			n.Content = append(n.Content, encodeString(f.name), encodeValue(fv))
		}
		return n
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		if v.Len() == 0 {
			n.Style = yaml.FlowStyle
		}
		for i := range v.Len() {
			n.Content = append(n.Content, encodeValue(v.Index(i)))
		}
		return n
	case reflect.Map:
		n := &yaml.Node{Kind: yaml.MappingNode}
		if v.Len() == 0 {
			n.Style = yaml.FlowStyle
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			n.Content = append(n.Content, encodeString(k.String()), encodeValue(v.MapIndex(k)))
		}
		return n
	case reflect.String:
		return encodeString(v.String())
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: strictyaml.BoolTag, Value: strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: strictyaml.IntTag, Value: strconv.FormatInt(v.Int(), 10)}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: strictyaml.IntTag, Value: strconv.FormatUint(v.Uint(), 10)}
	case reflect.Float32, reflect.Float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Value: formatFloat(v.Float(), v.Type().Bits())}
	}
	panic("scenario: cannot encode a Go " + v.Type().String())
}

// formatFloat writes f exactly, in plain decimals ("1055000", "0.05")
// unless that would be long. Whole numbers print without a point and read
// back as !!int, which float fields accept.
func formatFloat(f float64, bits int) string {
	if a := math.Abs(f); a == 0 || (a >= 1e-4 && a < 1e15) {
		return strconv.FormatFloat(f, 'f', -1, bits)
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// encodeString returns a node for s that reads back as s.
func encodeString(s string) *yaml.Node {
	if !utf8.ValidString(s) {
		return &yaml.Node{Kind: yaml.ScalarNode, Value: s} // yaml.v3 writes !!binary
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: strictyaml.StrTag, Value: s}
	for _, r := range s {
		if r == ' ' || (unicode.IsPrint(r) && r != '\u0085' && r != '\ufeff') {
			continue
		}
		n.Style = yaml.DoubleQuotedStyle
		break
	}
	return n
}
