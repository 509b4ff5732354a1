package chart

import (
	"strings"
	"unicode"
)

// The codes of the chart's Notes column that change a fact, as its legend
// gives them. The others ("r", signature ad referendum) are kept as text.
const (
	codeAccession  = "a"
	codeDefinitive = "s" // signature without reservation as to ratification
	codeSuccession = "su"
)

// Actions a Row can carry. Acceptance and approval have no code of their
// own in the chart: it files them as ratifications.
const (
	ActionRatification = "ratification"
	ActionAccession    = "accession"
	ActionSuccession   = "succession"
)

// noteCodes splits a Notes cell into its lower-case codes; the chart
// separates them with commas, spaces or slashes depending on the export.
func noteCodes(notes string) []string {
	return strings.FieldsFunc(strings.ToLower(notes), func(r rune) bool { return !unicode.IsLetter(r) })
}

func hasCode(notes, code string) bool {
	for _, c := range noteCodes(notes) {
		if c == code {
			return true
		}
	}
	return false
}

// action says how the state became a party. The codes win over the dates
// because an accession also fills the Ratification column.
func action(notes string, ratified bool) string {
	switch {
	case hasCode(notes, codeAccession):
		return ActionAccession
	case hasCode(notes, codeSuccession):
		return ActionSuccession
	case ratified:
		return ActionRatification
	}
	return ""
}

// definitive reports a signature that binds the state on its own, so the
// chart gives it an entry into force without any ratification date.
func definitive(notes string) bool { return hasCode(notes, codeDefinitive) }
