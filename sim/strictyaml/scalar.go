package strictyaml

import "gopkg.in/yaml.v3"

// Int reads scalar n as a whole number. ok is false if n is not a YAML
// integer that fits in an int64.
func Int(n *yaml.Node) (i int64, ok bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != IntTag || n.Decode(&i) != nil {
		return 0, false
	}
	return i, true
}

// Uint reads scalar n as a whole number >= 0. ok is false if n is not a
// YAML integer that fits in a uint64.
func Uint(n *yaml.Node) (u uint64, ok bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != IntTag || n.Decode(&u) != nil {
		return 0, false
	}
	return u, true
}

// Float reads scalar n as a number: a YAML integer or float. -0 reads as 0
// (a negative zero would not survive writing the value out and reading it
// back). ok is false if n is not a number.
func Float(n *yaml.Node) (f float64, ok bool) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != IntTag && tag != FloatTag) || n.Decode(&f) != nil {
		return 0, false
	}
	if f == 0 {
		f = 0
	}
	return f, true
}

// Bool reads scalar n as true or false. ok is false if n is not a YAML
// boolean.
func Bool(n *yaml.Node) (b bool, ok bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != BoolTag || n.Decode(&b) != nil {
		return false, false
	}
	return b, true
}

// String reads scalar n as a string: any scalar but null, since a name
// may look like a number. ok is false for null, lists and mappings.
func String(n *yaml.Node) (s string, ok bool) {
	if n.Kind != yaml.ScalarNode || IsNull(n) || n.Decode(&s) != nil {
		return "", false
	}
	return s, true
}
