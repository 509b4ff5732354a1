package chart

import "testing"

func TestTreatyNumber(t *testing.T) {
	tests := []struct {
		in, want string // want "" for an error
	}{
		{"201", "201"},
		{"CETS 201", "201"},
		{"CETS No. 201", "201"},
		{"cets no.201", "201"},
		{"ETS No. 185", "185"},
		{"ETS 185", "185"},
		{" ETS 5 ", "005"},
		{"ETS No. 005", "005"},
		{"STCE n° 201", "201"},
		{"STE 185", "185"},
		{"", ""},
		{"CETS", ""},
		{"0", ""},
		{"CETS 2011", ""},
		{"201a", ""},
		{"Lanzarote Convention", ""},
	}
	for _, tt := range tests {
		got, err := TreatyNumber(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("TreatyNumber(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("TreatyNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestDefaultSourceURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CETS 201", "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=201"},
		{"ETS No. 185", "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=185"},
		{"not a number", ""},
	}
	for _, tt := range tests {
		if got := DefaultSourceURL(tt.in); got != tt.want {
			t.Errorf("DefaultSourceURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
