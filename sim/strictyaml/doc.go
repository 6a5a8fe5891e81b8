// Package strictyaml reads YAML files strictly, for files that users write
// by hand: scenario files and experiment files.
//
// It parses one YAML document per file (expanding or refusing aliases,
// dropping and reporting duplicate keys, bounding the nodes an alias bomb
// can make), keeps the file each node came from so that trees of several
// files can be merged, and decodes a node tree into a Go value with known
// fields only. Every problem is collected, not just the first, as a Problem
// located at file:line:column and a field path, and an unknown field gets a
// did-you-mean suggestion when a known field is near it.
//
// A caller makes a Tree for one file (or one chain of files), parses with
// Tree.Parse, then either decodes into a struct with Decoder.Decode (its
// yaml tags name the fields; omitempty makes a field optional) or walks the
// nodes itself with Decoder.Fields and the scalar readers (Int, Uint,
// Float, Bool, String). Tree.Err returns what was found.
//
// A number means the decimal value written or is a problem: the readers
// refuse the spellings YAML readers disagree on (017, 0x1F, 1_000) and
// values a float64 or int64 cannot hold (1e400), and take only true and
// false as booleans; see scalar.go and docs/cli.md.
package strictyaml
