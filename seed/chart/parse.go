package chart

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

var (
	// ErrNoHeader means no line of the file names the chart's columns.
	ErrNoHeader = errors.New("no header row with States, Signature and Ratification columns")
	// ErrNotUTF8 means the file was saved in a legacy encoding, which would
	// turn accented state names into ones no country matches.
	ErrNotUTF8 = errors.New("not UTF-8 text; save the sheet as CSV UTF-8")
)

// Row is one state's line of the chart.
type Row struct {
	Line           int
	State          string
	Signed         *model.Date
	Ratified       *model.Date
	EntryIntoForce *model.Date
	// Notes is the Notes cell as written ("a", "s", "su", "r").
	Notes string
	// Action is ActionAccession or ActionSuccession when the notes say so,
	// otherwise ActionRatification when there is a ratification date, and
	// empty without one.
	Action string
}

// Result is what Parse read.
type Result struct {
	Rows []Row
	// Skipped lists the lines after the header that carry no date: group
	// headings, totals, the legend and rows left empty. Lines with nothing at
	// all on them are not records and are not listed.
	Skipped []int
}

// Parse reads a chart. Title lines before the header are passed over; the
// separator may be ',', ';' or a tab, and a UTF-8 byte order mark is dropped.
//
// When some rows are wrong the error is a *ProblemsError listing them all,
// and the Result still holds the rows that were read cleanly, so a caller
// can run Match as well and report every problem at once.
func Parse(r io.Reader) (Result, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Result{}, fmt.Errorf("parse chart: %w", err)
	}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		return Result{}, fmt.Errorf("parse chart: %w", ErrNotUTF8)
	}
	cols, recs, err := findTable(b)
	if err != nil {
		return Result{}, fmt.Errorf("parse chart: %w", err)
	}
	var (
		res  Result
		ps   problems
		seen = map[string]int{}
	)
	for _, rec := range recs {
		row, ok := readRow(rec, cols, &ps, seen)
		switch {
		case row == nil:
			res.Skipped = append(res.Skipped, rec.line)
		case ok:
			res.Rows = append(res.Rows, *row)
		}
	}
	if err := ps.err(); err != nil {
		return res, fmt.Errorf("parse chart: %w", err)
	}
	return res, nil
}

// readRow turns one record into a Row. It returns nil for a record without
// dates, and ok false when it reported a problem with the row.
func readRow(rec record, cols columns, ps *problems, seen map[string]int) (row *Row, ok bool) {
	signed, ratified, eif := rec.cell(cols[colSigned]), rec.cell(cols[colRatified]), rec.cell(cols[colEntryIntoForce])
	if !looksLikeDate(signed) && !looksLikeDate(ratified) && !looksLikeDate(eif) {
		return nil, false
	}
	before := len(*ps)
	row = &Row{Line: rec.line, State: strings.Join(strings.Fields(rec.cell(cols[colState])), " "), Notes: rec.cell(cols[colNotes])}
	if row.State == "" {
		ps.add(rec.line, "dates without a state name")
	} else {
		key := fold(row.State)
		if prev, dup := seen[key]; dup {
			ps.add(rec.line, "state %q already has a row at line %d", row.State, prev)
		} else {
			seen[key] = rec.line
		}
	}
	date := func(column, text string) *model.Date {
		if blank(text) {
			return nil
		}
		d, err := parseDate(text)
		if err != nil {
			ps.add(rec.line, "%s: %v", column, err)
			return nil
		}
		return &d
	}
	row.Signed = date("signature", signed)
	row.Ratified = date("ratification", ratified)
	row.EntryIntoForce = date("entry into force", eif)
	switch {
	case row.EntryIntoForce == nil:
	case row.Ratified == nil && blank(ratified) && !definitive(row.Notes):
		// A signature without reservation as to ratification binds the
		// state by itself; any other entry into force needs a ratification.
		ps.add(rec.line, "entry into force %s without a ratification date", eif)
	case row.Ratified != nil && row.Ratified.After(*row.EntryIntoForce):
		ps.add(rec.line, "entry into force %s is before ratification %s", eif, ratified)
	}
	row.Action = action(row.Notes, row.Ratified != nil)
	return row, len(*ps) == before
}
