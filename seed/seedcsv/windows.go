package seedcsv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func dataFile(tb testing.TB, name string) []byte {
	tb.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "data", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Opened returns each treaty's opening for signature, by id, as
// entities.yaml gives it.
func Opened(tb testing.TB) map[string]string {
	tb.Helper()
	var doc struct {
		Entities []struct {
			ID         string         `yaml:"id"`
			Label      string         `yaml:"label"`
			Properties map[string]any `yaml:"properties"`
		} `yaml:"entities"`
	}
	if err := yaml.Unmarshal(dataFile(tb, "entities.yaml"), &doc); err != nil {
		tb.Fatalf("read entities.yaml: %v", err)
	}
	out := map[string]string{}
	for _, e := range doc.Entities {
		if s, ok := e.Properties["opened"].(string); ok && e.Label == "Instrument" {
			out[e.ID] = s
		}
	}
	if len(out) == 0 {
		tb.Fatal("entities.yaml: no treaty has an opening date")
	}
	return out
}

// Retrieved returns the day the sources of a seed file were read, from
// retrieved.yaml.
func Retrieved(tb testing.TB, file string) string {
	tb.Helper()
	var m map[string]string
	if err := yaml.Unmarshal(dataFile(tb, "retrieved.yaml"), &m); err != nil {
		tb.Fatalf("read retrieved.yaml: %v", err)
	}
	if m[file] == "" {
		tb.Fatalf("retrieved.yaml names no date for %s", file)
	}
	return m[file]
}

// Reading is a state's status with a treaty on a day, worked out from one
// row of treaty_parties.csv by the rules docs/model.md states, apart from
// the model's own code.
type Reading struct {
	Status, Possible string
	Certain          bool
	// From and To bound the step that may or may not have happened, when
	// not Certain (and not UNKNOWN).
	From, To string
}

func firstDay(d string) string {
	switch len(d) {
	case 4:
		return d + "-01-01"
	case 7:
		return d + "-01"
	}
	return d
}

func lastDay(d string) string {
	switch len(d) {
	case 4:
		return d + "-12-31"
	case 7:
		t, err := time.Parse("2006-01", d)
		if err != nil {
			panic(err)
		}
		return t.AddDate(0, 1, -1).Format("2006-01-02")
	}
	return d
}

func later(a, b string) string {
	if a > b {
		return a
	}
	return b
}

type step struct {
	recorded bool
	from, to string
}

func steps(row map[string]string, opened, read string) [3]step {
	mk := func(recorded bool, date, earliest string) step {
		if !recorded {
			return step{}
		}
		if date == "" {
			return step{true, earliest, later(read, earliest)}
		}
		from := later(firstDay(date), earliest)
		return step{true, from, later(lastDay(date), from)}
	}
	party := row["status"] == "party"
	sig := mk(row["signed"] != "" || row["status"] == "signatory", row["signed"], firstDay(opened))
	ratEarliest := firstDay(opened)
	if sig.recorded {
		ratEarliest = sig.from
	}
	rat := mk(party, row["ratified"], ratEarliest)
	eif := mk(party && row["entry_into_force"] != "", row["entry_into_force"], rat.from)
	return [3]step{sig, rat, eif}
}

// Begun returns the first day the row's signature and ratification may
// have happened, empty for a step the row does not record.
func Begun(row map[string]string, opened, read string) (signature, ratification string) {
	st := steps(row, opened, read)
	return st[0].from, st[1].from
}

// ReadingOn reads row on day (a full date), for a treaty opened on opened
// whose row's sources were read on read.
func ReadingOn(row map[string]string, opened, read, day string) Reading {
	names := []string{"NOT_SIGNED", "SIGNED", "RATIFIED", "IN_FORCE"}
	certain, possible := 0, 0
	var from, to string
	for i, s := range steps(row, opened, read) {
		if !s.recorded {
			continue
		}
		if s.to <= day {
			certain = i + 1
		}
		if s.from <= day {
			possible, from, to = i+1, s.from, s.to
		}
	}
	if row["status"] == "unknown" && certain < 2 && firstDay(opened) <= day {
		return Reading{Status: "UNKNOWN", Possible: "UNKNOWN"}
	}
	r := Reading{Status: names[certain], Possible: names[possible], Certain: certain == possible}
	if !r.Certain {
		r.From, r.To = from, to
	}
	return r
}

// StepWindow is the days on which one step a row records may have
// happened: Action is SIGNATURE, RATIFICATION or ENTRY_INTO_FORCE.
type StepWindow struct {
	Action, From, To string
}

// Windows returns the windows of the steps row records, in the order
// signature, ratification, entry into force, for a treaty opened on opened
// whose row's sources were read on read.
func Windows(row map[string]string, opened, read string) []StepWindow {
	actions := []string{"SIGNATURE", "RATIFICATION", "ENTRY_INTO_FORCE"}
	var out []StepWindow
	for i, s := range steps(row, opened, read) {
		if s.recorded {
			out = append(out, StepWindow{Action: actions[i], From: s.from, To: s.to})
		}
	}
	return out
}
