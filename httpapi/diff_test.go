package httpapi

import (
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/seed/seedcsv"
)

// TestDiffMatchesTheSeedFiles asks diff about three windows and compares
// its answer with the steps whose windows, worked out from
// treaty_parties.csv by docs/model.md's rules, meet the asked days: certain
// when the step's window lies inside them, listed as uncertain when it
// straddles a bound.
func TestDiffMatchesTheSeedFiles(t *testing.T) {
	srv, _ := newTestServer(t)
	rows := seedcsv.Rows(t, "treaty_parties.csv")
	opened, read := seedcsv.Opened(t), seedcsv.Retrieved(t, "treaty_parties.csv")
	tests := []struct {
		from, to       string
		fromDay, toDay string
		instruments    []string
	}{
		{"2010-01-01", "2010-12-31", "2010-01-01", "2010-12-31", nil},
		{"2014-04", "2014-06", "2014-04-01", "2014-06-30", []string{"cets-201", "ets-185"}},
		{"2019", "2021", "2019-01-01", "2021-12-31", nil},
	}
	uncertain := 0
	type step struct {
		Instrument, Country, Action, From, To string
		Certain                               bool
	}
	for _, tc := range tests {
		name := fmt.Sprintf("diff(%s, %s, %v)", tc.from, tc.to, tc.instruments)
		only := map[string]bool{}
		for _, id := range tc.instruments {
			only[id] = true
		}
		want := []step{}
		certain := 0
		for _, r := range rows {
			if len(only) > 0 && !only[r["instrument"]] {
				continue
			}
			for _, w := range seedcsv.Windows(r, opened[r["instrument"]], read) {
				if w.To < tc.fromDay || w.From > tc.toDay {
					continue
				}
				s := step{r["instrument"], r["country"], w.Action, w.From, w.To, w.From >= tc.fromDay && w.To <= tc.toDay}
				if s.Certain {
					certain++
				} else {
					uncertain++
				}
				want = append(want, s)
			}
		}
		if certain == 0 {
			t.Fatalf("%s: the seed has no step certainly in the window; the test no longer tests much", name)
		}
		vars := map[string]any{"from": tc.from, "to": tc.to, "instruments": tc.instruments}
		var got struct {
			Diff []struct {
				Instrument struct{ ID string }
				Country    struct{ ID string }
				Action     string
				Window     struct{ From, To string }
				Certain    bool
			}
		}
		doc := post(t, srv.URL, `query($from: Date!, $to: Date!, $instruments: [ID!]) { diff(from: $from, to: $to, instruments: $instruments) {
  instrument { id } country { id } action window { from to } certain } }`, vars, &got)
		if len(doc.Errors) > 0 {
			t.Fatalf("%s: %+v", name, doc.Errors)
		}
		gotSteps := []step{}
		for i, d := range got.Diff {
			gotSteps = append(gotSteps, step{d.Instrument.ID, d.Country.ID, d.Action, d.Window.From, d.Window.To, d.Certain})
			if i > 0 && d.Window.From < got.Diff[i-1].Window.From {
				t.Errorf("%s: step %d starts before the one above it", name, i)
			}
		}
		key := func(s []step) func(i, j int) bool {
			return func(i, j int) bool { return fmt.Sprint(s[i]) < fmt.Sprint(s[j]) }
		}
		sort.Slice(want, key(want))
		sort.Slice(gotSteps, key(gotSteps))
		if diff := cmp.Diff(want, gotSteps); diff != "" {
			t.Errorf("%s (-from the seed files +API):\n%s", name, diff)
		}
		// certain: true keeps exactly the certain ones.
		var onlyCertain struct{ Diff []struct{ Certain bool } }
		post(t, srv.URL, `query($from: Date!, $to: Date!, $instruments: [ID!]) { diff(from: $from, to: $to, instruments: $instruments, certain: true) { certain } }`, vars, &onlyCertain)
		if len(onlyCertain.Diff) != certain {
			t.Errorf("%s with certain: true: %d steps, want %d", name, len(onlyCertain.Diff), certain)
		}
		t.Logf("%s: %d steps, %d certain", name, len(want), certain)
	}
	if uncertain == 0 {
		t.Error("no window meets a step that straddles its bounds; the test no longer reaches uncertain steps")
	}
}
