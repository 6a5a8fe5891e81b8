package strictyaml

import "strconv"

// Suggest returns ` (did you mean "x"?)` for the candidate nearest to name
// by edit distance, if one is near enough (1 edit for names of up to 5
// bytes, 2 for longer ones), or "". The first of equally near candidates
// wins; names longer than 40 bytes get no suggestion.
func Suggest(name string, candidates []string) string {
	i := nearest(name, candidates)
	if i < 0 {
		return ""
	}
	return didYouMean(candidates[i])
}

func didYouMean(name string) string { return " (did you mean " + strconv.Quote(name) + "?)" }

// nearest returns the index of the first candidate nearest to name if it
// is near enough for Suggest, or -1.
func nearest(name string, candidates []string) int {
	if len(name) > 40 {
		return -1
	}
	maxD := 1
	if len(name) > 5 {
		maxD = 2
	}
	best, bestD := -1, maxD+1
	for i, c := range candidates {
		if d := editDistance(name, c); d < bestD {
			best, bestD = i, d
		}
	}
	return best
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
