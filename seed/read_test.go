package seed

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// copyOfSeed returns the shipped seed files as an editable in-memory folder.
func copyOfSeed(t *testing.T) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(Embedded(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Embedded(), path)
		out[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// breakFile replaces the first occurrence of old in file and returns the
// line it is on and the line of the YAML list item around it (the line of
// its "- "), which is where item-level problems are reported.
func breakFile(t *testing.T, fsys fstest.MapFS, file, old, replacement string) (line, itemLine int) {
	t.Helper()
	text := string(fsys[file].Data)
	i := strings.Index(text, old)
	if i < 0 {
		t.Fatalf("%s does not contain %q: the test needs updating", file, old)
	}
	fsys[file] = &fstest.MapFile{Data: []byte(text[:i] + replacement + text[i+len(old):])}
	lines := strings.Split(text[:i], "\n")
	line = len(lines)
	itemLine = line
	for j := len(lines) - 1; j >= 0; j-- {
		if strings.HasPrefix(strings.TrimLeft(lines[j], " "), "- ") {
			itemLine = j + 1
			break
		}
	}
	return line, itemLine
}

func problemsOf(t *testing.T, fsys fs.FS) []string {
	t.Helper()
	data, err := Read(fsys)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Read of a broken copy: got error %v, want a validation error", err)
	}
	if data != nil {
		t.Errorf("Read of a broken copy returned data; nothing may be loaded")
	}
	var out []string
	for _, p := range verr.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestShippedSeedFilesAreValid(t *testing.T) {
	data, err := Read(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	if len(data.Entities) == 0 || len(data.Relations) == 0 {
		t.Fatalf("read %d entities and %d relations, want some of each", len(data.Entities), len(data.Relations))
	}
}

func TestEachProblemIsReportedWithFileAndLine(t *testing.T) {
	type edit struct{ file, old, new string }
	tests := []struct {
		name string
		edit edit
		// want builds the expected message from the edited line and item line.
		want func(line, item int) string
		// cascades is set where the edit rightly causes further problems
		// (relations naming an id that is no longer defined).
		cascades bool
	}{
		{
			name: "unknown id in a relation",
			edit: edit{FileRelations, "to: cets-201", "to: no-such-entity"},
			want: func(line, item int) string {
				return Problem{FileRelations, item, `unknown id "no-such-entity" in to`}.String()
			},
		},
		{
			name: "unknown relationship type",
			edit: edit{FileRelations, "type: MONITORS", "type: WATCHES_OVER"},
			want: func(line, item int) string {
				return Problem{FileRelations, item, `unknown relationship type "WATCHES_OVER"`}.String()
			},
		},
		{
			name: "relationship between the wrong kinds of node",
			edit: edit{FileRelations, "type: EVALUATED\n    to: country-", "type: EVALUATED\n    to: cets-201 # country-"},
			want: func(line, item int) string {
				return Problem{FileRelations, item, "EVALUATED cannot join MonitoringRound lanzarote-round-1 to Instrument cets-201 (it joins MonitoringRound to Country)"}.String()
			},
		},
		{
			name: "duplicate id",
			edit: edit{FileEntities, "id: committee-of-ministers", "id: council-of-europe"},
			want: func(line, item int) string {
				return Problem{FileEntities, item, `duplicate id "council-of-europe" (first defined at entities.yaml:7)`}.String()
			},
			cascades: true,
		},
		{
			name: "bad date",
			edit: edit{FileTreatyParties, "cets-201,country-al,party,2008-12-17", "cets-201,country-al,party,2008-13-45"},
			want: func(line, item int) string {
				return Problem{FileTreatyParties, line, `signed: "2008-13-45" is not a calendar date`}.String()
			},
		},
		{
			name: "treaty row naming a non-country",
			edit: edit{FileTreatyParties, "cets-201,country-al,", "cets-201,ets-185,"},
			want: func(line, item int) string {
				return Problem{FileTreatyParties, line, `country "ets-185" is not a country id`}.String()
			},
		},
		{
			name: "fact without a source",
			edit: edit{FileCountries, "country-ad,AD,AND,Andorra,,member,1994-11-10,,https://worldpopulationreview.com/country-rankings/countries-on-council-of-europe", "country-ad,AD,AND,Andorra,,member,1994-11-10,,"},
			want: func(line, item int) string {
				return Problem{FileCountries, line, `country country-ad has no source`}.String()
			},
		},
		{
			name: "unknown CoE status",
			edit: edit{FileCountries, "country-ad,AD,AND,Andorra,,member", "country-ad,AD,AND,Andorra,,friend"},
			want: func(line, item int) string {
				return Problem{FileCountries, line, `coe_status "friend": want member, observer, former_member or non_member`}.String()
			},
		},
	}
	all := copyOfSeed(t)
	var wantAll []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := copyOfSeed(t)
			line, item := breakFile(t, fsys, tt.edit.file, tt.edit.old, tt.edit.new)
			want := tt.want(line, item)
			got := problemsOf(t, fsys)
			if tt.cascades && len(got) > 0 && got[0] == want {
				return
			}
			if diff := cmp.Diff([]string{want}, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
		if tt.name == "duplicate id" || tt.name == "treaty row naming a non-country" || tt.name == "unknown CoE status" {
			// These overlap with other edits of the same line; the
			// all-at-once run below keeps to edits on distinct lines.
			continue
		}
		line, item := breakFile(t, all, tt.edit.file, tt.edit.old, tt.edit.new)
		wantAll = append(wantAll, tt.want(line, item))
	}
	t.Run("every problem at once", func(t *testing.T) {
		got := problemsOf(t, all)
		for _, w := range wantAll {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				t.Errorf("problem %q not reported; got:\n%s", w, strings.Join(got, "\n"))
			}
		}
	})
}
