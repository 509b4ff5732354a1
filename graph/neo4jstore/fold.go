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

// typographicApostrophes are written for "'" by French keyboards and
// word processors ("Côte d’Ivoire"); names and queries alike fold them to
// "'", so either spelling finds the other.
var typographicApostrophes = strings.NewReplacer("\u2019", "'", "\u02bc", "'")

// foldName lower-cases s, strips its accents and writes every apostrophe
// as "'".
func foldName(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(strings.TrimSpace(typographicApostrophes.Replace(out)))
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
