package model

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormaliseProperties(t *testing.T) {
	tests := []struct {
		name   string
		in     map[string]any
		want   map[string]any
		unkept bool
	}{
		{
			name: "a synonym with the same value merges",
			in:   map[string]any{"number": "CETS 201", "treatyNumber": "CETS No. 201"},
			want: map[string]any{"number": "CETS 201"},
		},
		{
			name: "a synonym with another value becomes the note",
			in:   map[string]any{"openedPlace": "Lanzarote", "openedForSignaturePlace": "Lanzarote, Spain (28th Conference of European Ministers of Justice)"},
			want: map[string]any{"openedPlace": "Lanzarote", "openedPlaceNote": "Lanzarote, Spain (28th Conference of European Ministers of Justice)"},
		},
		{
			name: "a synonym alone is renamed",
			in:   map[string]any{"treatyNumber": "ETS No. 185"},
			want: map[string]any{"number": "ETS No. 185"},
		},
		{
			name: "a date with a bracketed note keeps its precision",
			in:   map[string]any{"adopted": "2016-04 (Sofia)"},
			want: map[string]any{"adopted": "2016-04", "adoptedNote": "Sofia"},
		},
		{
			name: "a year with a note",
			in:   map[string]any{"launched": "2006 (Monaco)"},
			want: map[string]any{"launched": "2006", "launchedNote": "Monaco"},
		},
		{
			name: "a date then a place",
			in:   map[string]any{"closingEvent": "2023-12-14, Bucharest (during Octopus Conference 2023)"},
			want: map[string]any{"closingEvent": "2023-12-14", "closingEventNote": "Bucharest (during Octopus Conference 2023)"},
		},
		{
			name: "not verified is unknown, with its note",
			in:   map[string]any{"startDate": "not verified"},
			want: map[string]any{"startDateNote": "not verified"},
		},
		{
			name: "a synonym that is not verified",
			in:   map[string]any{"exactAdoptionDate": "not verified", "adoptedBefore": "2017-06-20"},
			want: map[string]any{"adoptedNote": "not verified", "adoptedBefore": "2017-06-20"},
		},
		{
			name: "an existing note is kept first",
			in:   map[string]any{"adopted": "2016-04 (Sofia)", "adoptedNote": "third strategy"},
			want: map[string]any{"adopted": "2016-04", "adoptedNote": "third strategy; Sofia"},
		},
		{
			name: "a range and free text stay as they are",
			in:   map[string]any{"questionnairesAdopted": "2013-05-15/2013-05-16 (5th meeting)", "period": "2022-2023", "note": "2019 (not this)"},
			want: map[string]any{"questionnairesAdopted": "2013-05-15/2013-05-16 (5th meeting)", "period": "2022-2023", "note": "2019 (not this)"},
		},
		{
			name: "a bad date in brackets stays text",
			in:   map[string]any{"adopted": "2016-13 (Sofia)"},
			want: map[string]any{"adopted": "2016-13 (Sofia)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := map[string]any{}
			for k, v := range tt.in {
				in[k] = v
			}
			if diff := cmp.Diff(tt.want, NormaliseProperties(tt.in)); diff != "" {
				t.Errorf("NormaliseProperties (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(in, tt.in); diff != "" {
				t.Errorf("NormaliseProperties changed its input:\n%s", diff)
			}
		})
	}
}

func TestIdeaOf(t *testing.T) {
	same := [][2]string{
		{"chairsAttested", "chair_attested"},
		{"questionnaireAdopted", "questionnairesAdopted"},
		{"treatyNumber", "number"},
		{"exactAdoptionDate", "adopted"},
		{"titleVariantInSeed", "title"},
		{"start_date", "startDate"},
	}
	for _, p := range same {
		if a, b := IdeaOf(p[0]), IdeaOf(p[1]); a != b {
			t.Errorf("IdeaOf(%q) = %q, IdeaOf(%q) = %q: want one idea", p[0], a, p[1], b)
		}
	}
	different := [][2]string{{"adopted", "adoptedBefore"}, {"name", "nameLocalMe"}, {"address", "contactAddress"}, {"status", "statusNote"}}
	for _, p := range different {
		if a, b := IdeaOf(p[0]), IdeaOf(p[1]); a == b {
			t.Errorf("IdeaOf(%q) = IdeaOf(%q) = %q: want two ideas", p[0], p[1], a)
		}
	}
}

func TestFactText(t *testing.T) {
	if FactText("CETS No. 201") != FactText("CETS 201") || FactText("ETS n° 185") != FactText("ets 185") {
		t.Errorf("treaty numbers with and without No. differ")
	}
	if FactText("Lanzarote") == FactText("Lanzarote, Spain") {
		t.Errorf("a place and a longer place compare equal")
	}
}
