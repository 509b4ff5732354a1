package chart

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// fold reduces a name to the form names are compared in: no accents, lower
// case, apostrophes dropped ("Côte d’Ivoire" and "Cote d'Ivoire" agree) and
// any other punctuation or run of spaces turned into one space.
func fold(s string) string {
	// A transformer keeps state between calls, so each call makes its own.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if out, _, err := transform.String(t, s); err == nil {
		s = out
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune("'’‘ʼ`´", r):
			return -1
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

var trailingParens = regexp.MustCompile(`\s*\([^()]*\)\s*$`)

// shorten drops the parts charts and registers add to a name: a trailing
// parenthesised part ("Moldova (Republic of)") and a leading "The".
func shorten(s string) string {
	return strings.TrimPrefix(fold(trailingParens.ReplaceAllString(s, "")), "the ")
}
