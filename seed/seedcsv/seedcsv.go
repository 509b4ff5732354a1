// Package seedcsv reads the seed CSV files straight from disk for tests,
// apart from the loader, so checks of the graph do not share the code they
// check.
package seedcsv

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Rows returns the records of seed/data/<name> as maps from column name to
// value, failing the test when the file cannot be read.
func Rows(tb testing.TB, name string) []map[string]string {
	tb.Helper()
	_, here, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(here), "..", "data", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	if len(recs) == 0 {
		tb.Fatalf("%s is empty", name)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		row := make(map[string]string, len(recs[0]))
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		out = append(out, row)
	}
	return out
}
