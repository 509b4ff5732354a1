package model

import (
	"reflect"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"2010-07-01", true}, {"2016-10", true}, {"2016", true}, {"2024-02-29", true},
		{"2023-02-29", false}, {"2020-13-01", false}, {"2020-00", false}, {"20-01-01", false},
		{"2020-1-1", false}, {"", false}, {"2020-01-01T00:00:00Z", false}, {"２０２０", false},
	}
	for _, tt := range tests {
		_, err := ParseDate(tt.in)
		if got := err == nil; got != tt.want {
			t.Errorf("ParseDate(%q) ok = %v, want %v (%v)", tt.in, got, tt.want, err)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2010-07-01", "2016-10", "2016", "2023-02-29", "9999-12-31", "0000-01-01", "2020-1-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if n := len(d); n != 4 && n != 7 && n != 10 {
			t.Fatalf("ParseDate(%q) = %q: length %d", s, d, n)
		}
		again, err := ParseDate(string(d))
		if err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %q, which does not parse back (%v)", s, d, err)
		}
	})
}

func TestReadingOn(t *testing.T) {
	d := func(s string) *Date { x := Date(s); return &x }
	lanzarote := Instrument{Entity{Properties: map[string]any{"opened": "2007-10-25"}}}
	read := d("2026-11-23")
	party := func(p TreatyParticipation) TreatyParticipation {
		p.Instrument, p.SignatureRead, p.RatificationRead = lanzarote, read, read
		return p
	}
	w := func(from, to Date) *DateWindow { return &DateWindow{From: from, To: to} }
	tests := []struct {
		name string
		p    TreatyParticipation
		day  Date
		want Reading
	}{
		{"in force", party(TreatyParticipation{Party: true, HasSigned: true, Signed: d("2008-12-17"), Ratified: d("2009-04-14"), EntryIntoForce: d("2010-07-01")}), "2020-01-01",
			Reading{Status: TreatyStatusInForce, Possible: TreatyStatusInForce, Certain: true}},
		{"ratified, not yet in force", party(TreatyParticipation{Party: true, Ratified: d("2009-04-14"), EntryIntoForce: d("2010-07-01")}), "2010-01-01",
			Reading{Status: TreatyStatusRatified, Possible: TreatyStatusRatified, Certain: true}},
		{"undated ratification before the opening", party(TreatyParticipation{Party: true}), "2000-01-01",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusNotSigned, Certain: true}},
		{"undated ratification inside its window", party(TreatyParticipation{Party: true}), "2012-05-01",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusRatified, Window: w("2007-10-25", "2026-11-23")}},
		{"undated ratification after its source was read", party(TreatyParticipation{Party: true}), "2026-11-24",
			Reading{Status: TreatyStatusRatified, Possible: TreatyStatusRatified, Certain: true}},
		{"signed, ratification undated", party(TreatyParticipation{Party: true, HasSigned: true, Signed: d("2008-12-17")}), "2009-01-01",
			Reading{Status: TreatyStatusSigned, Possible: TreatyStatusRatified, Window: w("2008-12-17", "2026-11-23")}},
		{"signed in a month, inside it", party(TreatyParticipation{HasSigned: true, Signed: d("2014-07")}), "2014-07-15",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusSigned, Window: w("2014-07-01", "2014-07-31")}},
		{"signed in a month, after it", party(TreatyParticipation{HasSigned: true, Signed: d("2014-07")}), "2014-08-01",
			Reading{Status: TreatyStatusSigned, Possible: TreatyStatusSigned, Certain: true}},
		{"signed in a month, on its last day", party(TreatyParticipation{HasSigned: true, Signed: d("2014-07")}), "2014-07-31",
			Reading{Status: TreatyStatusSigned, Possible: TreatyStatusSigned, Certain: true}},
		{"signed in the opening month, not before the opening", party(TreatyParticipation{HasSigned: true, Signed: d("2007-10")}), "2007-10-10",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusNotSigned, Certain: true}},
		{"signed in the opening month, after the opening", party(TreatyParticipation{HasSigned: true, Signed: d("2007-10")}), "2007-10-26",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusSigned, Window: w("2007-10-25", "2007-10-31")}},
		{"signed in a year", party(TreatyParticipation{HasSigned: true, Signed: d("2010"), Party: true, Ratified: d("2020-09-07")}), "2010-12-31",
			Reading{Status: TreatyStatusSigned, Possible: TreatyStatusSigned, Certain: true}},
		{"nothing yet", party(TreatyParticipation{HasSigned: true, Signed: d("2008-12-17")}), "2008-01-01",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusNotSigned, Certain: true}},
		{"signatory, date unknown", party(TreatyParticipation{HasSigned: true}), "2001-01-01",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusNotSigned, Certain: true}},
		{"in force though the ratification is undated", party(TreatyParticipation{Party: true, EntryIntoForce: d("2015-06-01")}), "2016-01-01",
			Reading{Status: TreatyStatusInForce, Possible: TreatyStatusInForce, Certain: true}},
		{"no reading date: never certain", TreatyParticipation{Instrument: lanzarote, Party: true}, "2030-01-01",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusRatified, Window: w("2007-10-25", Open)}},
		{"disputed", party(TreatyParticipation{Disputed: true}), "2020-01-01",
			Reading{Status: TreatyStatusUnknown, Possible: TreatyStatusUnknown}},
		{"disputed before the opening", party(TreatyParticipation{Disputed: true}), "2001-01-01",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusNotSigned, Certain: true}},
		{"disputed but signed", party(TreatyParticipation{Disputed: true, HasSigned: true, Signed: d("2008-10-09")}), "2020-01-01",
			Reading{Status: TreatyStatusUnknown, Possible: TreatyStatusUnknown}},
		{"a day known to the year reads from its first day", party(TreatyParticipation{HasSigned: true, Signed: d("2014-07")}), "2014",
			Reading{Status: TreatyStatusNotSigned, Possible: TreatyStatusNotSigned, Certain: true}},
	}
	for _, tt := range tests {
		got := tt.p.ReadingOn(tt.day)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: ReadingOn(%s) = %+v (window %v), want %+v (window %v)", tt.name, tt.day, got, got.Window, tt.want, tt.want.Window)
		}
	}
}

func TestReadingNote(t *testing.T) {
	r := Reading{Status: TreatyStatusSigned, Possible: TreatyStatusRatified, Window: &DateWindow{From: "2007-10-25", To: "2026-11-23"}}
	if got, want := r.Note(), "signed; may have ratified between 2007-10-25 and 2026-11-23"; got != want {
		t.Errorf("Note() = %q, want %q", got, want)
	}
	if got, want := (Reading{Status: TreatyStatusInForce, Possible: TreatyStatusInForce, Certain: true}).Note(), "in force"; got != want {
		t.Errorf("Note() = %q, want %q", got, want)
	}
}

func TestDateWindow(t *testing.T) {
	tests := []struct {
		d        Date
		from, to Date
	}{
		{"2010", "2010-01-01", "2010-12-31"}, {"2024-02", "2024-02-01", "2024-02-29"}, {"2023-02", "2023-02-01", "2023-02-28"},
		{"2010-07-01", "2010-07-01", "2010-07-01"}, {"2014-12", "2014-12-01", "2014-12-31"},
	}
	for _, tt := range tests {
		if got := tt.d.Window(); got.From != tt.from || got.To != tt.to {
			t.Errorf("Date(%q).Window() = %v, want %s..%s", tt.d, got, tt.from, tt.to)
		}
	}
}
