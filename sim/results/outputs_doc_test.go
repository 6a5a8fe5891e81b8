package results

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sibsim/sibsim/sim"
)

var update = flag.Bool("update", false, "rewrite the generated tables of docs/outputs.md")

const outputsDoc = "../../docs/outputs.md"

// docSections are the generated parts of docs/outputs.md, each between
// "<!-- BEGIN GENERATED name -->" and "<!-- END GENERATED name -->".
func docSections() map[string]string {
	return map[string]string{
		"weekly":   columnTable("column", sim.WeeklyColumns()),
		"provider": columnTable("column", sim.ProviderColumns()),
		"metrics":  columnTable("metric", sim.Metrics()),
	}
}

func columnTable(kind string, cs []sim.Column) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| # | %s | unit | meaning |\n|--:|---|---|---|\n", kind)
	for i, c := range cs {
		doc := strings.ReplaceAll(c.Doc, "|", `\|`)
		doc = strings.ReplaceAll(doc, "NaN", "NA (NaN)")
		fmt.Fprintf(&b, "| %d | `%s` | %s | %s |\n", i+1, c.Name, c.Unit, doc)
	}
	return b.String()
}

// regenerate replaces every generated section of doc.
func regenerate(doc []byte) ([]byte, error) {
	out := doc
	for name, body := range docSections() {
		begin := []byte("<!-- BEGIN GENERATED " + name + " -->\n")
		end := []byte("<!-- END GENERATED " + name + " -->")
		i := bytes.Index(out, begin)
		j := bytes.Index(out, end)
		if i < 0 || j < i {
			return nil, fmt.Errorf("missing or misplaced markers for section %q", name)
		}
		var b bytes.Buffer
		b.Write(out[:i+len(begin)])
		b.WriteString(body)
		b.Write(out[j:])
		out = b.Bytes()
	}
	return out, nil
}

// TestOutputsDoc keeps the column and metric tables of docs/outputs.md in
// step with sim.WeeklyColumns, sim.ProviderColumns and sim.Metrics. Run
//
//	go test ./sim/results -run TestOutputsDoc -update
//
// to rewrite them after changing the output contract.
func TestOutputsDoc(t *testing.T) {
	path := filepath.FromSlash(outputsDoc)
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	regenerated, err := regenerate(old)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if *update {
		if !bytes.Equal(old, regenerated) {
			if err := os.WriteFile(path, regenerated, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote %s", path)
		}
		return
	}
	if !bytes.Equal(old, regenerated) {
		t.Errorf("%s is stale: its tables do not match sim.WeeklyColumns, sim.ProviderColumns and sim.Metrics; "+
			"run go test ./sim/results -run TestOutputsDoc -update", path)
	}
}
