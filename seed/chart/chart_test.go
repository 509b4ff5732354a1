package chart

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func date(s string) *model.Date {
	d := model.Date(s)
	return &d
}

// problemLines returns err's problems as "line N: msg", failing the test when
// err is not a *ProblemsError.
func problemLines(t *testing.T, err error) []string {
	t.Helper()
	var perr *ProblemsError
	if !errors.As(err, &perr) {
		t.Fatalf("got error %v, want a *ProblemsError", err)
	}
	out := make([]string, len(perr.Problems))
	for i, p := range perr.Problems {
		out[i] = p.String()
	}
	return out
}

// lines joins CSV lines, so fixtures read like the files they stand for.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// lanzarote is an excerpt of the chart of CETS 201 as the Treaty Office
// exports it: title lines, group headings, marker columns, totals and the
// legend. Dates are illustrative. Line 4 is the header; lines 6 to 9 and 11
// are states.
var lanzarote = lines(
	`Chart of signatures and ratifications of Treaty 201`,
	`"Council of Europe Convention on the Protection of Children against Sexual Exploitation and Sexual Abuse"`,
	`Status as of: 01/03/2024`,
	`States,Signature,Ratification,Entry into Force,Notes,R.,D.,A.,T.,C.,O.`,
	`Members of the Council of Europe,,,,,,,,,,`,
	`Albania,25/10/2007,14/01/2009,01/07/2010,,,,X,,,`,
	`Republic of Moldova,25/10/2007,12/03/2012,01/07/2012,,X,X,X,,,`,
	`Türkiye,25/10/2007,07/12/2011,01/04/2012,,,,X,,,`,
	`Ireland,25/10/2007,,,,,,,,,`,
	`Non-members of the Council of Europe,,,,,,,,,,`,
	`Tunisia,,15/11/2019,01/03/2020,a,,,X,,,`,
	`Total number of signatures not followed by ratifications:,1,,,,,,,,,`,
	`Total number of ratifications/accessions:,4,,,,,,,,,`,
	`"Notes: a: Accession - s: Signature without reservation as to ratification - su: Succession - r: Signature ""ad referendum""."`,
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		want Result
	}{
		{
			name: "Treaty Office export",
			csv:  lanzarote,
			want: Result{
				Rows: []Row{
					{Line: 6, State: "Albania", Signed: date("2007-10-25"), Ratified: date("2009-01-14"), EntryIntoForce: date("2010-07-01"), Action: "ratification"},
					{Line: 7, State: "Republic of Moldova", Signed: date("2007-10-25"), Ratified: date("2012-03-12"), EntryIntoForce: date("2012-07-01"), Action: "ratification"},
					{Line: 8, State: "Türkiye", Signed: date("2007-10-25"), Ratified: date("2011-12-07"), EntryIntoForce: date("2012-04-01"), Action: "ratification"},
					{Line: 9, State: "Ireland", Signed: date("2007-10-25")},
					{Line: 11, State: "Tunisia", Ratified: date("2019-11-15"), EntryIntoForce: date("2020-03-01"), Notes: "a", Action: "accession"},
				},
				Skipped: []int{5, 10, 12, 13, 14},
			},
		},
		{
			name: "spreadsheet re-save with BOM, semicolons, CRLF and blank lines",
			csv: "\uFEFF" + strings.Join([]string{
				`Chart of signatures and ratifications of Treaty 185;;;;`, // 1
				``, // 2
				`STATES ; Signature ; Ratification ; Entry into force ; Notes ; R.`, // 3
				`;;;;;`, // 4
				`  France ;23.11.2001;10.1.2006;1.5.2006;;X`, // 5
				`Montenegro;;3/3/2010;1/7/2010;su;`,          // 6
				`Andorra;2013-04-23;2016-11-16;2017-03-01;;`, // 7
				`Serbia;7/4/2005;14/4/2009;1/8/2009; r ;`,    // 8
				`San Marino;17/3/2017;;;s;`,                  // 9
				``,                                           // 10
			}, "\r\n"),
			want: Result{
				Rows: []Row{
					{Line: 5, State: "France", Signed: date("2001-11-23"), Ratified: date("2006-01-10"), EntryIntoForce: date("2006-05-01"), Action: "ratification"},
					{Line: 6, State: "Montenegro", Ratified: date("2010-03-03"), EntryIntoForce: date("2010-07-01"), Notes: "su", Action: "succession"},
					{Line: 7, State: "Andorra", Signed: date("2013-04-23"), Ratified: date("2016-11-16"), EntryIntoForce: date("2017-03-01"), Action: "ratification"},
					{Line: 8, State: "Serbia", Signed: date("2005-04-07"), Ratified: date("2009-04-14"), EntryIntoForce: date("2009-08-01"), Notes: "r", Action: "ratification"},
					{Line: 9, State: "San Marino", Signed: date("2017-03-17"), Notes: "s"},
				},
				Skipped: []int{4},
			},
		},
		{
			name: "first group heading in the States cell, tab separated",
			csv: lines(
				"Member States of the Council of Europe\tSignature\tRatification\tEntry into Force\tNotes",
				"Norway\t25/10/2007\t\t\t",
				"Holy See\t\t12/05/2020\t\ta",
			),
			want: Result{Rows: []Row{
				{Line: 2, State: "Norway", Signed: date("2007-10-25")},
				{Line: 3, State: "Holy See", Ratified: date("2020-05-12"), Notes: "a", Action: "accession"},
			}},
		},
		{
			name: "definitive signature in force without ratification",
			csv: lines(
				"States,Signature,Ratification,Entry into Force,Notes",
				"Luxembourg,13/05/2004,//,01/06/2010,s",
			),
			want: Result{Rows: []Row{
				{Line: 2, State: "Luxembourg", Signed: date("2004-05-13"), EntryIntoForce: date("2010-06-01"), Notes: "s"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.csv))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		problems []string
		kept     []int // lines of the rows still returned
	}{
		{
			name: "impossible and malformed dates",
			csv: lines(
				"States,Signature,Ratification,Entry into Force,Notes", // 1
				"Albania,31/02/2020,,,",                                // 2
				"Austria,25/10/2007,2011-02-30,,",                      // 3
				"Belgium,25/10/07,,,",                                  // 4
				"Croatia,25/10.2007,,,",                                // 5
				"Cyprus,25/10/2007,12/12/2014,n/a,",                    // 6
				"Denmark,25/10/2007,,,",                                // 7
			),
			problems: []string{
				`line 2: signature: "31/02/2020" is not a calendar date`,
				`line 3: ratification: "2011-02-30" is not a calendar date`,
				`line 4: signature: "25/10/07" is not a date; want dd/mm/yyyy`,
				`line 5: signature: "25/10.2007" is not a date; want dd/mm/yyyy`,
				`line 6: entry into force: "n/a" is not a date; want dd/mm/yyyy`,
			},
			kept: []int{7},
		},
		{
			name: "entry into force out of order",
			csv: lines(
				"States;Signature;Ratification;Entry into Force;Notes", // 1
				"Estonia;25/10/2007;;01/07/2010;",                      // 2
				"Finland;25/10/2007;15/04/2011;01/08/2011;",            // 3
				"France;25/10/2007;27/09/2010;01/01/2010;",             // 4
				"Georgia;;29/09/2014;01/01/2015;a",                     // 5
			),
			problems: []string{
				"line 2: entry into force 01/07/2010 without a ratification date",
				"line 4: entry into force 01/01/2010 is before ratification 27/09/2010",
			},
			kept: []int{3, 5},
		},
		{
			name: "duplicate and missing states",
			csv: lines(
				"States,Signature,Ratification,Entry into Force,Notes", // 1
				"Greece,25/10/2007,10/01/2013,01/05/2013,",             // 2
				"Hungary,29/11/2010,,,",                                // 3
				"  GREECE ,25/10/2007,,,",                              // 4
				",25/10/2007,,,",                                       // 5
			),
			problems: []string{
				`line 4: state "GREECE" already has a row at line 2`,
				"line 5: dates without a state name",
			},
			kept: []int{2, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.csv))
			if diff := cmp.Diff(tt.problems, problemLines(t, err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			var kept []int
			for _, r := range got.Rows {
				kept = append(kept, r.Line)
			}
			if diff := cmp.Diff(tt.kept, kept); diff != "" {
				t.Errorf("lines of the rows returned (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseUnreadable(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		want error
	}{
		{"empty", "", ErrNoHeader},
		{"title only", lines("Chart of signatures and ratifications of Treaty 201", "Status as of: 01/03/2024"), ErrNoHeader},
		{"no Ratification column", lines("States,Signature,Entry into Force", "Albania,25/10/2007,"), ErrNoHeader},
		{"Windows-1252", "States,Signature,Ratification\nT\xfcrkiye,25/10/2007,07/12/2011\n", ErrNotUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.csv))
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse: got error %v, want %v", err, tt.want)
			}
		})
	}
}
