package strictyaml

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var mergeOpts = Options{Kind: "test", Aliases: true, ItemKey: "name", RemoveKey: "remove"}

// mergeText merges child onto parent and returns the result as flow-style
// YAML on one line, the problems and the notes.
func mergeText(t *testing.T, o Options, parent, child string) (got string, problems, notes []string) {
	t.Helper()
	tr := NewTree(o)
	p := tr.Parse("parent.yaml", []byte(parent))
	c := tr.Parse("child.yaml", []byte(child))
	if p == nil || c == nil {
		t.Fatalf("parse: %v", errLines(tr))
	}
	m := tr.Merge(p, c)
	for _, n := range tr.Notes() {
		notes = append(notes, n.Error())
	}
	return flow(t, m), errLines(tr), notes
}

func flow(t *testing.T, n *yaml.Node) string {
	t.Helper()
	var setFlow func(*yaml.Node)
	setFlow = func(n *yaml.Node) {
		n.Style = yaml.FlowStyle
		for _, c := range n.Content {
			setFlow(c)
		}
	}
	setFlow(n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(n); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(b.String())
}

func TestMergeByName(t *testing.T) {
	const parent = "items: [{name: a, x: 1, y: 2}, {name: b, x: 3, y: 4}]\nplain: [1, 2]\n"
	tests := []struct {
		name, child, want string
		problems, notes   []string
	}{
		{name: "merge one item, keep the other", child: "items: [{name: b, y: 9}]\n",
			want: "{items: [{name: a, x: 1, y: 2}, {name: b, x: 3, y: 9}], plain: [1, 2]}"},
		{name: "a new name is added after the parent's items", child: "items: [{name: c, x: 5, y: 6}, {name: a, x: 0}]\n",
			want: "{items: [{name: a, x: 0, y: 2}, {name: b, x: 3, y: 4}, {name: c, x: 5, y: 6}], plain: [1, 2]}"},
		{name: "removal", child: "items: [{name: a, remove: true}, {name: c, x: 5, y: 6}]\n",
			want: "{items: [{name: b, x: 3, y: 4}, {name: c, x: 5, y: 6}], plain: [1, 2]}"},
		{name: "remove, then add again to replace the item whole", child: "items: [{name: a, remove: true}, {name: b, remove: true}, {name: b, x: 7}]\n",
			want: "{items: [{name: b, x: 7}], plain: [1, 2]}"},
		{name: "a name set twice", child: "items: [{name: b, x: 7}, {name: b, y: 8}]\n",
			want:     "{items: [{name: a, x: 1, y: 2}, {name: b, x: 7, y: 4}], plain: [1, 2]}",
			problems: []string{`child.yaml:1:33: items[1].name: name "b" appears twice in this list (first at line 1)`}},
		{name: "a name removed after it is set", child: "items: [{name: b, x: 7}, {name: b, remove: true}]\n",
			want:     "{items: [{name: a, x: 1, y: 2}, {name: b, x: 7, y: 4}], plain: [1, 2]}",
			problems: []string{`child.yaml:1:33: items[1].name: name "b" appears twice in this list (first at line 1)`}},
		{name: "removing a name the parent lacks", child: "items: [{name: z, remove: true}]\n",
			want:     "{items: [{name: a, x: 1, y: 2}, {name: b, x: 3, y: 4}], plain: [1, 2]}",
			problems: []string{`child.yaml:1:9: items[0]: cannot remove "z": the list it extends has no item with name "z" (it has "a", "b")`}},
		{name: "remove must be true", child: "items: [{name: a, remove: false}]\n",
			want:     "{items: [{name: a, x: 1, y: 2}, {name: b, x: 3, y: 4}], plain: [1, 2]}",
			problems: []string{`child.yaml:1:27: items[0].remove: must be true, to remove the item, or left out (got false)`}},
		{name: "a removed item has no other fields", child: "items: [{name: a, remove: true, x: 1}]\n",
			want:     "{items: [{name: a, x: 1, y: 2}, {name: b, x: 3, y: 4}], plain: [1, 2]}",
			problems: []string{`child.yaml:1:33: items[0].x: an item that is removed has only name and remove (got "x" too)`}},
		{name: "a list without names is replaced whole, with a note", child: "plain: [3]\n",
			want:  "{items: [{name: a, x: 1, y: 2}, {name: b, x: 3, y: 4}], plain: [3]}",
			notes: []string{"child.yaml:1:8: plain: replaces the whole list of parent.yaml (2 items): its items have no name to merge by"}},
		{name: "items not all named replace the list", child: "items: [{name: c, x: 1}, {x: 2}]\n",
			want:  "{items: [{name: c, x: 1}, {x: 2}], plain: [1, 2]}",
			notes: []string{"child.yaml:1:8: items: replaces the whole list of parent.yaml (2 items): its items have no name to merge by"}},
		{name: "an empty list empties it", child: "items: []\n",
			want:  "{items: [], plain: [1, 2]}",
			notes: []string{"child.yaml:1:8: items: replaces the whole list of parent.yaml (2 items): an empty list empties it"}},
		{name: "a removal in a list that replaces is refused", child: "plain: [{name: a, remove: true}, {x: 1}]\n",
			want:     "{items: [{name: a, x: 1, y: 2}, {name: b, x: 3, y: 4}], plain: [{name: a, remove: true}, {x: 1}]}",
			problems: []string{"child.yaml:1:19: plain[0].remove: nothing to remove: remove only removes an item from a list merged by name with that of the scenario this file extends"},
			notes:    []string{"child.yaml:1:8: plain: replaces the whole list of parent.yaml (2 items): its items have no name to merge by"}},
		{name: "a removal under a new key is refused", child: "more: [{name: a, remove: true}]\n",
			want:     "{items: [{name: a, x: 1, y: 2}, {name: b, x: 3, y: 4}], plain: [1, 2], more: [{name: a, remove: true}]}",
			problems: []string{"child.yaml:1:18: more[0].remove: nothing to remove: remove only removes an item from a list merged by name with that of the scenario this file extends"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, problems, notes := mergeText(t, mergeOpts, parent, tc.child)
			if got != tc.want {
				t.Errorf("Merge = %s; want %s", got, tc.want)
			}
			if !slices.Equal(problems, tc.problems) {
				t.Errorf("problems =\n%s\nwant\n%s", strings.Join(problems, "\n"), strings.Join(tc.problems, "\n"))
			}
			if !slices.Equal(notes, tc.notes) {
				t.Errorf("notes =\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(tc.notes, "\n"))
			}
		})
	}
}

func TestMergeWithoutItemKeyReplacesLists(t *testing.T) {
	o := mergeOpts
	o.ItemKey, o.RemoveKey = "", ""
	got, problems, notes := mergeText(t, o, "items: [{name: a, x: 1}]\n", "items: [{name: a, y: 2}]\n")
	if want := "{items: [{name: a, y: 2}]}"; got != want || problems != nil {
		t.Errorf("Merge = %s, %v; want %s and no problems", got, problems, want)
	}
	if want := []string{"child.yaml:1:8: items: replaces the whole list of parent.yaml (1 item): lists are not merged"}; !slices.Equal(notes, want) {
		t.Errorf("notes = %v; want %v", notes, want)
	}
}

func TestRefuseRemovals(t *testing.T) {
	tr := NewTree(mergeOpts)
	n := tr.Parse("f.yaml", []byte("items:\n  - {name: a, remove: true}\n  - {name: b, x: 1}\n"))
	tr.RefuseRemovals(n, "")
	want := []string{"f.yaml:2:15: items[0].remove: nothing to remove: remove only removes an item from a list merged by name with that of the scenario this file extends"}
	if got := errLines(tr); !slices.Equal(got, want) {
		t.Errorf("RefuseRemovals problems = %v; want %v", got, want)
	}
}
