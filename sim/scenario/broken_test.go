package scenario

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// brokenWant lists, for each file in testdata/broken, the main problems
// (whole lines of the error) it must report; NAME.err holds the whole error.
var brokenWant = map[string][]string{
	"unknown-field-top.yaml":    {`testdata/broken/unknown-field-top.yaml:3:1: unknown field "weekz" (did you mean "weeks"?)`},
	"unknown-field-nested.yaml": {`testdata/broken/unknown-field-nested.yaml:4:3: population: unknown field "practicez" (did you mean "practices"?)`},
	"wrong-type-string.yaml": {
		`testdata/broken/wrong-type-string.yaml:2:8: weeks: must be a whole number (got "many")`,
		`testdata/broken/wrong-type-string.yaml:4:19: population.list_size_mean: must be a number (got "7400")`,
	},
	"wrong-type-mapping.yaml": {`testdata/broken/wrong-type-mapping.yaml:4:3: providers: must be a list (got a mapping)`},
	"wrong-type-integer.yaml": {`testdata/broken/wrong-type-integer.yaml:3:17: allocation.caseload_max: must be a whole number (got 130.5)`},
	"negative-tariff.yaml":    {`testdata/broken/negative-tariff.yaml:10:47: contract.provider_payments[1].rules[1].per_assessment.tariffs_gbp[1]: must be >= 0 (got -5)`},
	"prob-above-one.yaml":     {`testdata/broken/prob-above-one.yaml:3:17: referrals.refusal_prob: must be between 0 and 1 (got 1.2)`},
	"missing-extends.yaml":    {`testdata/broken/missing-extends.yaml:2:10: extends: file testdata/broken/does-not-exist.yaml does not exist`},
	"unknown-shipped.yaml":    {`testdata/broken/unknown-shipped.yaml:1:10: extends: no shipped scenario "ways-to-welness" (shipped: ways-to-wellness)`},
	"extends-list.yaml":       {`testdata/broken/extends-list.yaml:1:10: extends: must be a file path or a shipped scenario name (got a list)`},
	"cycle-a.yaml":            {`testdata/broken/cycle-b.yaml:2:10: extends: extends cycle: testdata/broken/cycle-a.yaml -> testdata/broken/cycle-b.yaml -> testdata/broken/cycle-a.yaml`},
	"cycle-b.yaml":            {`testdata/broken/cycle-a.yaml:1:10: extends: extends cycle: testdata/broken/cycle-b.yaml -> testdata/broken/cycle-a.yaml -> testdata/broken/cycle-b.yaml`},
	"empty.yaml":              {`testdata/broken/empty.yaml: file is empty`},
	"not-yaml.yaml":           {`testdata/broken/not-yaml.yaml:2: not valid YAML: did not find expected ',' or ']'`},
	"top-level-list.yaml":     {`testdata/broken/top-level-list.yaml:1:1: top level must be a mapping of scenario fields (got a list)`},
	"multi-doc.yaml":          {`testdata/broken/multi-doc.yaml:2:1: file holds more than one YAML document`},
	"duplicate-key.yaml":      {`testdata/broken/duplicate-key.yaml:5:1: weeks: duplicate key (first set at line 2)`},
	"rule-two-types.yaml":     {`testdata/broken/rule-two-types.yaml:6:11: contract.provider_payments[0].rules[0]: must set exactly one rule type (block_grant, capitation, per_referral, per_assessment, tranche, wellbeing_outcome, secondary_care_outcome); got 2`},
	"rule-no-type.yaml":       {`testdata/broken/rule-no-type.yaml:6:11: contract.provider_payments[0].rules[0]: must set exactly one rule type (block_grant, capitation, per_referral, per_assessment, tranche, wellbeing_outcome, secondary_care_outcome); got 0`},
	"phase-until-before-from.yaml": {
		`testdata/broken/phase-until-before-from.yaml:5:19: contract.provider_payments[0].until_week: must be > from_week (156) or 0 for open-ended (got 100)`,
	},
	"shares-not-one.yaml": {`testdata/broken/shares-not-one.yaml:5:21: contract.outcome_payments[0].payer_shares: shares must sum to 1 (got 0.85)`},
	"unknown-payer.yaml":  {`testdata/broken/unknown-payer.yaml:8:9: contract.outcome_payments[0].payer_shares.treasury: unknown payer "treasury"`},
	"provider-missing-fields.yaml": {
		`testdata/broken/provider-missing-fields.yaml:8:5: providers[0].on_cost_share: missing required field`,
		`testdata/broken/provider-missing-fields.yaml:8:5: providers[0].overhead_gbp_per_post_year: missing required field`,
		`testdata/broken/provider-missing-fields.yaml:8:5: providers[0].reserves_gbp: missing required field`,
	},
	"nan.yaml": {
		`testdata/broken/nan.yaml:3:17: population.list_size_cv: must be a finite number (got NaN)`,
		`testdata/broken/nan.yaml:5:23: health.admission_cost_gbp: must be a finite number (got +Inf)`,
	},
	"several.yaml": {
		`testdata/broken/several.yaml:3:8: weeks: must be >= 1 (got 0)`,
		`testdata/broken/several.yaml:6:3: population: unknown field "colour"`,
		`testdata/broken/several.yaml:7:12: population.age_max: must be >= age_min (80) (got 70)`,
		`testdata/broken/several.yaml:10:14: clients.need_prevalence.housing: must be between 0 and 1 (got 1.5)`,
		`testdata/broken/several.yaml:15:19: providers[0].link_workers: must be a whole number (got "many")`,
		`testdata/broken/several.yaml:20:19: providers[0].reserves_gbp: must be >= 0 (got -1)`,
		`testdata/broken/several.yaml:22:14: providers[1].culture: must be between 0 and 1 (got 1.35)`,
	},
	"merge-key.yaml": {
		`testdata/broken/merge-key.yaml:2:1: unknown field "base"`,
		`testdata/broken/merge-key.yaml:4:3: population: merge keys (<<) are not supported: use extends`,
	},
	"alias-cycle.yaml": {`testdata/broken/alias-cycle.yaml:6:18: shocks[0].remote_only[0].remote_only: alias *s refers to a node that contains it`},
	"alias-bomb.yaml":  {`testdata/broken/alias-bomb.yaml:2:16: e[7][8][8][8][2]: too many YAML nodes (limit 100000, counting expanded aliases)`},

	// Numbers mean their decimal value or are refused (docs/cli.md, "How
	// numbers are read"); true and false are the only booleans.
	"number-leading-zero.yaml": {`testdata/broken/number-leading-zero.yaml:4:14: population.practices: must be written without leading zeros (got 017): some YAML readers take them to mean octal`},
	"number-octal.yaml":        {`testdata/broken/number-octal.yaml:3:14: population.practices: must be a decimal number (got 0o17)`},
	"number-hex.yaml":          {`testdata/broken/number-hex.yaml:3:14: population.practices: must be a decimal number (got 0x1F)`},
	"number-binary.yaml":       {`testdata/broken/number-binary.yaml:3:14: population.practices: must be a decimal number (got 0b101)`},
	"number-underscore.yaml":   {`testdata/broken/number-underscore.yaml:3:19: population.list_size_mean: must be written without _ between digits (got 7_400)`},
	"number-sexagesimal.yaml":  {`testdata/broken/number-sexagesimal.yaml:3:8: weeks: must be a whole number (got "1:20")`},
	"number-inf.yaml": {
		`testdata/broken/number-inf.yaml:2:8: weeks: must be a whole number (got .inf)`,
		`testdata/broken/number-inf.yaml:4:23: health.admission_cost_gbp: must be a finite number (got -Inf)`,
	},
	"number-float-overflow.yaml":  {`testdata/broken/number-float-overflow.yaml:3:19: population.list_size_mean: out of range (got 1e400)`},
	"number-float-underflow.yaml": {`testdata/broken/number-float-underflow.yaml:3:17: population.list_size_cv: out of range: too close to 0 to be told from 0 (got 1e-400)`},
	"number-int-overflow.yaml": {
		`testdata/broken/number-int-overflow.yaml:2:8: weeks: out of range (got 9223372036854775808)`,
		`testdata/broken/number-int-overflow.yaml:4:14: population.practices: out of range (got -99999999999999999999)`,
	},
	"number-float-into-int.yaml": {
		`testdata/broken/number-float-into-int.yaml:2:8: weeks: must be a whole number (got 364.0)`,
		`testdata/broken/number-float-into-int.yaml:4:14: population.practices: must be a whole number (got 1.7e1)`,
	},
	"number-quoted.yaml": {`testdata/broken/number-quoted.yaml:3:14: population.practices: must be a whole number (got "17")`},
	"bool-yes.yaml":      {`testdata/broken/bool-yes.yaml:7:18: shocks[0].remote_only: must be true or false (got "yes", which some YAML readers take as true)`},
	"bool-capital.yaml":  {`testdata/broken/bool-capital.yaml:6:18: shocks[0].remote_only: must be true or false, in lower case (got True)`},
}

// exact lists the files whose error must hold only the lines in brokenWant,
// with every number-* and bool-* file.
var exact = []string{"several.yaml", "provider-missing-fields.yaml", "nan.yaml", "wrong-type-integer.yaml", "phase-until-before-from.yaml"}

func TestBroken(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "broken", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, ok := brokenWant[filepath.Base(f)]; !ok {
			t.Errorf("%s: no entry in brokenWant", f)
		}
	}
	// Only the default is shipped here, so that new shipped scenarios do
	// not change the messages.
	shipped := fstest.MapFS{DefaultName + ".yaml": {Data: shippedData(t, DefaultName)}}
	l := Loader{Shipped: shipped, Files: OSFiles()}
	for name, want := range brokenWant {
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			ref := "testdata/broken/" + name
			_, err := l.Load(ref)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Load(%q) = %v; want an *Error", ref, err)
			}
			got := err.Error()
			lines := strings.Split(got, "\n")
			for _, w := range want {
				if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, w) }) {
					t.Errorf("Load(%q) =\n%s\nwant a line starting\n%s", ref, got, w)
				}
			}
			isExact := slices.Contains(exact, name) || strings.HasPrefix(name, "number-") || strings.HasPrefix(name, "bool-")
			if isExact && len(lines) != len(want) {
				t.Errorf("Load(%q) =\n%s\nwant %d problems", ref, got, len(want))
			}
			golden := filepath.Join("testdata", "broken", strings.TrimSuffix(name, ".yaml")+".err")
			if *update {
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantAll, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got+"\n" != string(wantAll) {
				t.Errorf("Load(%q) =\n%s\nwant (%s)\n%s", ref, got, golden, wantAll)
			}
		})
	}
}
