package chart

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

var (
	// The Treaty Office writes dd/mm/yyyy; spreadsheets re-save dates with
	// dots, single-digit days and months, or as ISO dates.
	dayFirstPattern = regexp.MustCompile(`^(\d{1,2})([/.])(\d{1,2})([/.])(\d{4})$`)
	isoPattern      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// parseDate reads one date cell. A day-first date must use one separator
// throughout, so "01/07.2010" is a typo rather than a date.
func parseDate(s string) (model.Date, error) {
	if isoPattern.MatchString(s) {
		return model.ParseDate(s)
	}
	m := dayFirstPattern.FindStringSubmatch(s)
	if m == nil || m[2] != m[4] {
		return "", fmt.Errorf("%q is not a date; want dd/mm/yyyy", s)
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[3])
	d, err := model.ParseDate(fmt.Sprintf("%s-%02d-%02d", m[5], month, day))
	if err != nil {
		return "", fmt.Errorf("%q is not a calendar date", s)
	}
	return d, nil
}

// looksLikeDate tells a date cell from the totals and legend text that lands
// in the date columns of some exports ("Total number of ...:", "2"): only a
// cell with a digit and a date separator is taken for an attempted date.
func looksLikeDate(s string) bool {
	return strings.ContainsFunc(s, unicode.IsDigit) && strings.ContainsAny(s, "/.-")
}

// blank reports a cell with no date in it, including the "//" and dash
// placeholders the Treaty Office and spreadsheets use for "none".
func blank(s string) bool { return strings.Trim(s, " /.-\u2013\u2014") == "" }
