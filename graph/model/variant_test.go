package model

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func web(s string) Source { return Source{URL: &s, Title: s} }

func TestRankOf(t *testing.T) {
	tests := []struct {
		source Source
		want   SourceRank
	}{
		{web("https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=201"), RankTreatyOffice},
		{web("http://conventions.coe.int/Treaty/Commun/ChercheSig.asp?NT=185"), RankTreatyOffice},
		{web("https://www.coe.int/en/web/sarajevo/member-states-map"), RankOfficial},
		{web("https://rm.coe.int/info-note/16807608f4"), RankOfficial},
		{web("https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32021R1232"), RankOfficial},
		{web("http://brpd.gov.pl/aktualnosci/na-dzien-dziecka"), RankOfficial},
		{web("https://monaco-coe.gouv.mc/en/monaco-and-the-council-of-europe"), RankOfficial},
		{web("https://www.finlex.fi/fi/sopimukset/sopsviite/2011/20110087"), RankOfficial},
		{web("https://verdragenbank.overheid.nl/en/Treaty/Details/013833_p.html"), RankOfficial},
		{Source{Title: "001_3d5ebbe96d962bea.txt"}, RankOfficial},
		{Source{Title: "Council of Europe Treaty Office chart of signatures and ratifications"}, RankTreatyOffice},
		{web("https://en.wikipedia.org/wiki/Member_states_of_the_Council_of_Europe"), RankOther},
		{web("https://www.ecpat.org.uk/what-is-the-lanzarote-convention"), RankOther},
		{web("https://coe.int.example.com/conventions/"), RankOther},
		{web("https://notcoe.int/web/conventions/"), RankOther},
		{Source{Title: "Together Scotland news item dated 2018-06-27"}, RankOther},
		{web("::not a url"), RankOther},
	}
	for _, tt := range tests {
		if got := RankOf(tt.source); got != tt.want {
			t.Errorf("RankOf(%s) = %s, want %s", tt.source.Title, got, tt.want)
		}
	}
}

func TestPreferVariants(t *testing.T) {
	coe, wiki, office := web("https://www.coe.int/en/web/children"), web("https://en.wikipedia.org/wiki/X"), web("https://www.coe.int/en/web/conventions/x")
	v := func(value string, note string, sources ...Source) Variant {
		out := Variant{Property: "p", Value: value, Sources: sources}
		if note != "" {
			out.Note = &note
		}
		return out
	}
	tests := []struct {
		name    string
		values  []Variant
		marks   []Mark
		want    string // the preferred value, "" for none
		wantErr string
	}{
		{name: "official over others", values: []Variant{v("a", "", wiki), v("b", "", coe)}, want: "b"},
		{name: "Treaty Office over official", values: []Variant{v("a", "", coe), v("b", "", office, wiki)}, want: "b"},
		{name: "best source of a value counts", values: []Variant{v("a", "", wiki, coe), v("b", "", wiki)}, want: "a"},
		{name: "tie leaves it unknown", values: []Variant{v("a", "", wiki), v("b", "", wiki)}, want: ""},
		{name: "one value answers", values: []Variant{v("a", "", wiki)}, want: "a"},
		{name: "a mark breaks a tie", values: []Variant{v("a", "", wiki), v("b", "", wiki)}, marks: []Mark{Unmarked, MarkPreferred}, want: "b"},
		{name: "rejected values leave the rest", values: []Variant{v("a", "", wiki), v("b", "", wiki)}, marks: []Mark{MarkNotPreferred}, want: "b"},
		{name: "all rejected: unknown", values: []Variant{v("a", "", wiki), v("b", "", wiki), v("c", "note", wiki)},
			marks: []Mark{MarkNotPreferred, MarkNotPreferred, MarkNotPreferred}, want: ""},
		{name: "a mark against the ranking with a note", values: []Variant{v("a", "typing error", coe), v("b", "majority", wiki)},
			marks: []Mark{MarkNotPreferred, MarkPreferred}, want: "b"},
		{name: "preferring a weaker value needs a note", values: []Variant{v("a", "", coe), v("b", "", wiki)},
			marks: []Mark{Unmarked, MarkPreferred}, wantErr: `p: "b" is marked preferred over better-ranked sources without a note saying why`},
		{name: "rejecting the best value needs a note", values: []Variant{v("a", "", coe), v("b", "", wiki)},
			marks: []Mark{MarkNotPreferred}, wantErr: `p: "a" rests on the best-ranked sources but is marked not preferred without a note saying why`},
		{name: "two preferred", values: []Variant{v("a", "", wiki), v("b", "", wiki)},
			marks: []Mark{MarkPreferred, MarkPreferred}, wantErr: `p: two values are marked preferred ("a" and "b")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := make([]Variant, len(tt.values))
			copy(values, tt.values)
			for i, m := range tt.marks {
				values[i].Mark = m
			}
			got, err := PreferVariants(values)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var preferred []string
			for _, x := range got {
				if x.Preferred {
					preferred = append(preferred, x.Value.(string))
				}
			}
			if strings.Join(preferred, ",") != tt.want {
				t.Errorf("preferred %v, want %q", preferred, tt.want)
			}
			for i := range values {
				if values[i].Preferred {
					t.Errorf("PreferVariants changed its input")
				}
			}
		})
	}
}

func TestDisputedProperties(t *testing.T) {
	vs := []Variant{{Property: "a"}, {Property: "b"}, {Property: "a"}, {Property: "c"}, {Property: "c"}}
	if diff := cmp.Diff([]string{"a", "c"}, DisputedProperties(vs)); diff != "" {
		t.Errorf("DisputedProperties (-want +got):\n%s", diff)
	}
}

func TestMissingDates(t *testing.T) {
	d := Date("2010-01-01")
	str := func(s string) *string { return &s }
	tests := []struct {
		name          string
		p             TreatyParticipation
		inForce       bool
		sig, rat, eif bool
	}{
		{name: "signatory without a date", p: TreatyParticipation{HasSigned: true}, sig: true},
		{name: "signatory with a date", p: TreatyParticipation{HasSigned: true, Signed: &d}},
		{name: "party by ratification, nothing dated", p: TreatyParticipation{Party: true, Action: str("ratification")}, inForce: true, sig: true, rat: true, eif: true},
		{name: "party by accession lacks no signature", p: TreatyParticipation{Party: true, Action: str("accession"), Ratified: &d, EntryIntoForce: &d}, inForce: true},
		{name: "route unknown: signature not known to be due", p: TreatyParticipation{Party: true, Ratified: &d}, inForce: true, eif: true},
		{name: "treaty not in force: no entry into force due", p: TreatyParticipation{Party: true, Action: str("approval"), Signed: &d, Ratified: &d}},
		{name: "disputed status", p: TreatyParticipation{Disputed: true}},
	}
	for _, tt := range tests {
		sig, rat, eif := tt.p.MissingDates(tt.inForce)
		if sig != tt.sig || rat != tt.rat || eif != tt.eif {
			t.Errorf("%s: missing signature %v, ratification %v, entry into force %v; want %v, %v, %v", tt.name, sig, rat, eif, tt.sig, tt.rat, tt.eif)
		}
	}
}

func TestLongTailLeavesOutTypedFields(t *testing.T) {
	e := Entity{Label: "Instrument", Properties: map[string]any{"number": "CETS 201", "opened": "2007-10-25", "depositary": "Secretary General"}}
	if diff := cmp.Diff(map[string]any{"depositary": "Secretary General"}, e.LongTail()); diff != "" {
		t.Errorf("LongTail (-want +got):\n%s", diff)
	}
	if n := (Instrument{e}).Number(); n == nil || *n != "CETS 201" {
		t.Errorf("Number() = %v, want the typed value still", n)
	}
	// A key that is typed for one label is free for another.
	body := Entity{Label: "Body", Properties: map[string]any{"number": "7"}}
	if diff := cmp.Diff(map[string]any{"number": "7"}, body.LongTail()); diff != "" {
		t.Errorf("LongTail of a body (-want +got):\n%s", diff)
	}
	if got := (Entity{Label: "Topic"}).LongTail(); got != nil {
		t.Errorf("LongTail of nothing = %v, want nil", got)
	}
}

func TestAddStatement(t *testing.T) {
	wiki, office := web("https://en.wikipedia.org/wiki/X"), web("https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=201")
	note := "the chart settles it"
	undecided := []Variant{
		{Property: "date", Value: "2018-06-20", Sources: []Source{wiki}, Mark: MarkNotPreferred},
		{Property: "date", Value: "2018-06-27", Sources: []Source{wiki}, Mark: MarkNotPreferred, Note: &note},
		{Property: "entryIntoForce", Value: "2018-10-01", Sources: []Source{wiki}, Preferred: true},
	}
	// A Treaty Office chart giving a new value settles the date.
	got, v, ok, err := AddStatement(undecided, "date", "2018-06-20", []Source{office}, Unmarked, "")
	if err != nil || !ok || v != "2018-06-20" {
		t.Fatalf("AddStatement = %v, %v, %v", v, ok, err)
	}
	if len(got) != 3 || len(got[0].Sources) != 2 || got[0].Mark != Unmarked || !got[0].Preferred || got[1].Preferred {
		t.Fatalf("the value the chart gives should gain its source, lose the mark made without it and answer: %+v", got)
	}
	// A secondary source does not lift a mark.
	got, _, ok, err = AddStatement(undecided, "date", "2018-06-27", []Source{wiki}, Unmarked, "")
	if err != nil || ok || got[1].Mark != MarkNotPreferred {
		t.Errorf("a secondary source lifted a mark: %v, %v, %+v", ok, err, got)
	}
	// A curator preferring a value takes the mark over.
	got, v, ok, err = AddStatement(undecided, "date", "2018-06-21", []Source{wiki}, MarkPreferred, "set by a curator")
	if err != nil || !ok || v != "2018-06-21" || len(got) != 4 || !got[3].Preferred || got[3].Note == nil {
		t.Errorf("a curator's value: %v, %v, %v, %+v", v, ok, err, got)
	}
	if !got[2].Preferred {
		t.Errorf("another property's variants changed: %+v", got[2])
	}
}
