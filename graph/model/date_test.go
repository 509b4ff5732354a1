package model

import "testing"

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

func TestStatusOn(t *testing.T) {
	d := func(s string) *Date { x := Date(s); return &x }
	action := "ratification"
	tests := []struct {
		name string
		p    TreatyParticipation
		day  Date
		want TreatyStatus
	}{
		{"in force", TreatyParticipation{Party: true, Ratified: d("2009-04-14"), EntryIntoForce: d("2010-07-01"), Action: &action}, "2020-01-01", TreatyStatusInForce},
		{"ratified, not yet in force", TreatyParticipation{Party: true, Ratified: d("2009-04-14"), EntryIntoForce: d("2010-07-01")}, "2010-01-01", TreatyStatusRatified},
		{"ratified on an unknown date", TreatyParticipation{Party: true}, "2000-01-01", TreatyStatusRatified},
		{"signed before ratifying", TreatyParticipation{HasSigned: true, Signed: d("2008-12-17"), Party: true, Ratified: d("2009-04-14")}, "2009-01-01", TreatyStatusSigned},
		{"nothing yet", TreatyParticipation{HasSigned: true, Signed: d("2008-12-17")}, "2008-01-01", TreatyStatusNotSigned},
		{"signatory, date unknown", TreatyParticipation{HasSigned: true}, "2001-01-01", TreatyStatusSigned},
		{"disputed", TreatyParticipation{Disputed: true}, "2020-01-01", TreatyStatusUnknown},
		{"disputed but signed", TreatyParticipation{Disputed: true, HasSigned: true, Signed: d("2003-10-09")}, "2020-01-01", TreatyStatusUnknown},
	}
	for _, tt := range tests {
		if got := tt.p.StatusOn(tt.day); got != tt.want {
			t.Errorf("%s: StatusOn(%s) = %s, want %s", tt.name, tt.day, got, tt.want)
		}
	}
}
