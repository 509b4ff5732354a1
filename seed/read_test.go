package seed

import (
	"errors"
	"fmt"
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

// lineOf returns the number of the first line of a shipped seed file that
// starts with prefix.
func lineOf(t *testing.T, file, prefix string) int {
	t.Helper()
	b, err := fs.ReadFile(Embedded(), file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line starting with %q: the test needs updating", file, prefix)
	return 0
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
				return Problem{FileRelations, item, `type "WATCHES_OVER": not a relationship type of the vocabulary (docs/relation-vocabulary.md)`}.String()
			},
		},
		{
			name: "relationship between the wrong kinds of node",
			edit: edit{FileRelations, "type: EVALUATED\n    to: country-", "type: EVALUATED\n    to: cets-201 # country-"},
			want: func(line, item int) string {
				return Problem{FileRelations, item, "type: EVALUATED cannot join MonitoringRound lanzarote-round-1 to Instrument cets-201 (it joins MonitoringRound to Country)"}.String()
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
		{
			name: "French name for an unknown id",
			edit: edit{FileNamesFr, "\ncountry-at,Autriche,", "\ncountry-zz,Autriche,"},
			want: func(line, item int) string {
				return Problem{FileNamesFr, line + 1, `unknown id "country-zz"`}.String()
			},
		},
		{
			name: "empty French name",
			edit: edit{FileNamesFr, "\ncountry-be,Belgique,", "\ncountry-be,,"},
			want: func(line, item int) string {
				return Problem{FileNamesFr, line + 1, `country-be has no French name`}.String()
			},
		},
		{
			name: "two French names for one id",
			edit: edit{FileNamesFr, "\ncountry-de,Allemagne,", "\ncountry-fr,Allemagne,"},
			want: func(line, item int) string {
				return Problem{FileNamesFr, line + 1, fmt.Sprintf(`duplicate id "country-fr" (first given at names_fr.csv:%d)`, lineOf(t, FileNamesFr, "country-fr,"))}.String()
			},
		},
		{
			name: "French name that contradicts entities.yaml",
			edit: edit{FileNamesFr, "\ncdbio,Comité directeur pour les droits de l'Homme dans les domaines de la biomédecine et de la santé,", "\ncdbio,Comité de la biomédecine,"},
			want: func(line, item int) string {
				return Problem{FileNamesFr, line + 1, fmt.Sprintf(`cdbio: French name "Comité de la biomédecine" differs from "Comité directeur pour les droits de l'Homme dans les domaines de la biomédecine et de la santé" given at entities.yaml:%d`, lineOf(t, FileEntities, "  - id: cdbio"))}.String()
			},
		},
		{
			name: "French name without a source",
			edit: edit{FileNamesFr, "\ncountry-ch,Suisse,https://www.coe.int/fr/web/children/lanzarote-convention | https://www.coe.int/fr/web/children/urgent-monitoring-round?ref=enfancejeunesseinfos.fr,", "\ncountry-ch,Suisse,,"},
			want: func(line, item int) string {
				return Problem{FileNamesFr, line + 1, `French name of country-ch has no source`}.String()
			},
		},
		{
			name: "French name without the words of its source",
			edit: edit{FileNamesFr, "/presentation-de-kiribati/,[1] (French Ministry for Europe and Foreign Affairs): heading « Présentation de Kiribati »", "/presentation-de-kiribati/,"},
			want: func(line, item int) string {
				return Problem{FileNamesFr, line, `country-ki: quote: say where the source gives the French name`}.String()
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
