package scenario

import (
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// Suggest returns ` (did you mean "x"?)` for the candidate nearest to name
// by edit distance, if one is near enough (1 edit for short names, 2 for
// longer), or "". Scenario and experiment files use it for unknown fields.
func Suggest(name string, candidates []string) string {
	if len(name) > 40 {
		return ""
	}
	maxD := 1
	if len(name) > 5 {
		maxD = 2
	}
	best, bestD := "", maxD+1
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + strconv.Quote(best) + "?)"
}

// editDistance is the Levenshtein distance between a and b in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// YAMLNames lists the NAME of every NAME.yaml at the root of fsys, sorted:
// the shipped scenarios, or the shipped experiments.
func YAMLNames(fsys fs.FS) []string {
	if fsys == nil {
		return nil
	}
	files, _ := fs.Glob(fsys, "*.yaml")
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, strings.TrimSuffix(f, ".yaml"))
	}
	slices.Sort(names)
	return names
}
