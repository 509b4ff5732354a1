package chart

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// record is one CSV record with the line it starts on.
type record struct {
	line  int
	cells []string
}

// cell returns column i trimmed, or "" when the record is shorter or the
// column is absent (-1): spreadsheets drop trailing empty cells.
func (r record) cell(i int) string {
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// The columns the chart needs.
const (
	colState = iota
	colSigned
	colRatified
	colEntryIntoForce
	colNotes
	numColumns
)

// columns holds the index of each column the chart needs, -1 when absent.
type columns [numColumns]int

// headerNames maps folded header cells to the column they name, in English
// and in the French version of the chart.
var headerNames = map[string]int{
	"state": colState, "states": colState, "etat": colState, "etats": colState,
	"signature": colSigned, "signatures": colSigned,
	"ratification": colRatified, "ratifications": colRatified,
	"entry into force": colEntryIntoForce, "entree en vigueur": colEntryIntoForce,
	"notes": colNotes, "note": colNotes,
}

// header reports whether cells are the chart's header and where its columns
// are. Signature and Ratification must be there; the States cell may hold the
// first group heading instead ("Member States of the Council of Europe"),
// so the first column stands in for it.
func header(cells []string) (columns, bool) {
	cols := columns{-1, -1, -1, -1, -1}
	for i, c := range cells {
		if col, ok := headerNames[fold(c)]; ok && cols[col] < 0 {
			cols[col] = i
		}
	}
	if cols[colSigned] < 0 || cols[colRatified] < 0 {
		return cols, false
	}
	if cols[colState] < 0 && cols[colSigned] != 0 && cols[colRatified] != 0 {
		cols[colState] = 0
	}
	return cols, cols[colState] >= 0
}

// findTable tries each separator in turn and keeps the first under which a
// header appears; no chart header reads as one under the wrong separator.
func findTable(b []byte) (columns, []record, error) {
	for _, sep := range []rune{',', ';', '\t'} {
		recs, readErr := records(b, sep)
		for i, rec := range recs {
			if cols, ok := header(rec.cells); ok {
				if readErr != nil {
					return cols, nil, readErr
				}
				return cols, recs[i+1:], nil
			}
		}
	}
	return columns{}, nil, ErrNoHeader
}

// records reads every record it can; LazyQuotes lets the stray quotes of
// title and legend text through, since those lines are not data.
func records(b []byte, sep rune) ([]record, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out []record
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("read CSV: %w", err)
		}
		line, _ := r.FieldPos(0)
		out = append(out, record{line: line, cells: cells})
	}
}
