package compare

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Change is a parameter whose value differs between two resolved
// scenarios.
type Change struct {
	// Path locates the parameter, as scenario problems do:
	// contract.provider_payments[0].rules[0].block_grant.gbp_per_year.
	Path string
	// Reference and Value are the parameter's values in the reference and
	// in the other scenario: a scalar as written, {} or [] for an empty
	// mapping or list, and "" when the parameter is absent (see InReference
	// and InScenario).
	Reference, Value        string
	InReference, InScenario bool
}

// skipped are top-level fields that identify a scenario rather than
// parametrise it; they differ between any two scenarios.
var skipped = map[string]bool{"name": true, "description": true}

// DiffParams compares two resolved scenarios (as in a manifest's
// scenario_yaml, or "sibsim scenarios show") leaf by leaf and returns the
// parameters whose values differ, in the reference's document order and
// then the other's. Lists are compared element by element. The name and
// description are not compared.
func DiffParams(reference, other []byte) ([]Change, error) {
	a, err := leaves(reference)
	if err != nil {
		return nil, fmt.Errorf("reference scenario: %w", err)
	}
	b, err := leaves(other)
	if err != nil {
		return nil, err
	}
	bv := make(map[string]string, len(b))
	for _, l := range b {
		bv[l.path] = l.value
	}
	av := make(map[string]bool, len(a))
	var changes []Change
	for _, l := range a {
		av[l.path] = true
		v, ok := bv[l.path]
		if !ok || v != l.value {
			changes = append(changes, Change{Path: l.path, Reference: l.value, Value: v, InReference: true, InScenario: ok})
		}
	}
	for _, l := range b {
		if !av[l.path] {
			changes = append(changes, Change{Path: l.path, Value: l.value, InScenario: true})
		}
	}
	return changes, nil
}

type leaf struct{ path, value string }

// leaves parses YAML into a generic node tree and lists its leaves (scalars,
// empty mappings and empty lists) with their paths, in document order.
func leaves(data []byte) ([]leaf, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []leaf
	var walk func(n *yaml.Node, path string, depth int) error
	walk = func(n *yaml.Node, path string, depth int) error {
		if depth > 100 {
			return fmt.Errorf("%s: nested too deeply", path)
		}
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				if err := walk(c, path, depth+1); err != nil {
					return err
				}
			}
		case yaml.MappingNode:
			if len(n.Content) == 0 {
				out = append(out, leaf{path, "{}"})
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i].Value
				if path == "" && skipped[key] {
					continue
				}
				p := key
				if path != "" {
					p = path + "." + key
				}
				if err := walk(n.Content[i+1], p, depth+1); err != nil {
					return err
				}
			}
		case yaml.SequenceNode:
			if len(n.Content) == 0 {
				out = append(out, leaf{path, "[]"})
			}
			for i, c := range n.Content {
				if err := walk(c, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
					return err
				}
			}
		case yaml.ScalarNode:
			out = append(out, leaf{path, n.Value})
		}
		return nil
	}
	if err := walk(&doc, "", 0); err != nil {
		return nil, err
	}
	return out, nil
}
