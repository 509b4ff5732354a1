package neo4jstore

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// keyNames holds every name of a node folded by foldName, so name filters
// match whatever case and accents the reader types ("Türkiye", "turkiye").
const keyNames = "nameKeys"

// foldName lower-cases s and strips its accents.
func foldName(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(strings.TrimSpace(out))
}

func nameKeys(names ...string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, n := range names {
		k := foldName(n)
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
