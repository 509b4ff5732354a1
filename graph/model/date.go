package model

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"
)

// Date is an ISO 8601 calendar date ("2010-07-01"), or a date known only to
// the month ("2016-10") or the year ("2016"), as the sources give it. Kept as
// text so reduced precision survives and values compare in calendar order.
type Date string

var datePattern = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// ParseDate checks s and returns it as a Date. It accepts YYYY, YYYY-MM and
// YYYY-MM-DD, with real months and days.
func ParseDate(s string) (Date, error) {
	if !datePattern.MatchString(s) {
		return "", fmt.Errorf("%q is not a date of the form YYYY-MM-DD", s)
	}
	layout := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}[len(s)]
	if _, err := time.Parse(layout, s); err != nil {
		return "", fmt.Errorf("%q is not a calendar date", s)
	}
	return Date(s), nil
}

// Today returns t's calendar date.
func Today(t time.Time) Date { return Date(t.Format("2006-01-02")) }

// After reports whether d is later than day. A date known only to the month or
// year counts from its first day.
func (d Date) After(day Date) bool { return string(d) > string(day) }

// UnmarshalGQL reads a Date from a GraphQL input value.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(CodeBadUserInput, "a date must be a string of the form YYYY-MM-DD, got %T", v)
	}
	p, err := ParseDate(s)
	if err != nil {
		return &Error{Code: CodeBadUserInput, Message: err.Error()}
	}
	*d = p
	return nil
}

// MarshalGQL writes a Date as a JSON string.
func (d Date) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(d)))
}
