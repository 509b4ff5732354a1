package seed

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func TestVariantProblemsAreReportedWithFileAndLine(t *testing.T) {
	type edit struct{ file, old, new string }
	tests := []struct {
		name string
		edit edit
		want func(line, item int) Problem
		// at, when set, is text of the edited file whose line the problem
		// is reported on, in place of the edited line.
		at string
	}{
		{
			name: "variant for a state the files do not have",
			edit: edit{FileVariants, "country-ad,coe_accession,1994-10-10", "country-zz,coe_accession,1994-10-10"},
			want: func(line, _ int) Problem {
				return Problem{FileVariants, line, "country-zz has no coe_accession to give variants for (no such row, or no such step in treaty_parties.csv)"}
			},
		},
		{
			name: "ratification variant for a state that only signed",
			edit: edit{FileVariants, "cets-201|country-gb,ratified,2018-06-21", "cets-224|country-is,ratified,2018-06-21"},
			want: func(line, _ int) Problem {
				return Problem{FileVariants, line, "cets-224|country-is has no ratified to give variants for (no such row, or no such step in treaty_parties.csv)"}
			},
		},
		{
			name: "two values marked preferred",
			edit: edit{FileVariants, "country-ad,coe_accession,1994-10-10,no", "country-ad,coe_accession,1994-10-10,yes"},
			want: func(line, _ int) Problem {
				return Problem{FileVariants, line, `coeAccession: two values are marked preferred ("1994-11-10" and "1994-10-10")`}
			},
		},
		{
			name: "a mark against the ranking without a note",
			edit: edit{FileVariants, "country-be,coe_accession,1949-05-10,no,https://www.coe.int/en/web/sarajevo/member-states-map,probably a typing error on that page",
				"country-be,coe_accession,1949-05-10,no,https://www.coe.int/en/web/sarajevo/member-states-map,"},
			want: func(line, _ int) Problem {
				return Problem{FileVariants, line, `coeAccession: "1949-05-10" rests on the best-ranked sources but is marked not preferred without a note saying why`}
			},
		},
		{
			name: "a property both in properties and in variants",
			edit: edit{FileEntities, "      implementingPartner: INTERPOL (law enforcement component)\n", "      implementingPartner: INTERPOL (law enforcement component)\n      priorityCountriesCount: 12\n"},
			want: func(line, _ int) Problem {
				return Problem{FileEntities, line, "glacy-plus variants: priorityCountriesCount is given in properties too: keep it in variants only, one value per source"}
			},
			at: "      - property: priorityCountriesCount\n",
		},
		{
			name: "a variant of a date that is not a date",
			edit: edit{FileEntities, "          - value: '2016'\n            note: given as the period 2014-2016", "          - value: '2016-13'\n            note: given as the period 2014-2016"},
			want: func(line, _ int) Problem {
				return Problem{FileEntities, line, `endDate: "2016-13" is not a calendar date`}
			},
		},
		{
			name: "an unknown field in a variant",
			edit: edit{FileEntities, "            note: given as the period 2014-2016", "            nota: given as the period 2014-2016"},
			want: func(line, _ int) Problem {
				return Problem{FileEntities, line, `cybercrime-at-octopus variants endDate: unknown field "nota" (want value, preferred, sources, note)`}
			},
		},
		{
			name: "a variant under a synonym",
			edit: edit{FileEntities, "      - property: adoptedByCm\n", "      - property: adoptionDate\n"},
			want: func(line, _ int) Problem {
				return Problem{FileEntities, line, "strategy-rights-child-2022-2027 variants: adoptionDate is kept under adopted in the graph: name that"}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := copyOfSeed(t)
			line, item := breakFile(t, fsys, tt.edit.file, tt.edit.old, tt.edit.new)
			if tt.at != "" {
				text := string(fsys[tt.edit.file].Data)
				i := strings.Index(text, tt.at)
				if i < 0 {
					t.Fatalf("%s does not contain %q: the test needs updating", tt.edit.file, tt.at)
				}
				line = strings.Count(text[:i], "\n") + 1
			}
			want := tt.want(line, item).String()
			if diff := cmp.Diff([]string{want}, problemsOf(t, fsys)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVariantsFileIsOptional: a set of seed files without variants.csv
// reads, and its cells answer as they are.
func TestVariantsFileIsOptional(t *testing.T) {
	fsys := copyOfSeed(t)
	delete(fsys, FileVariants)
	data, err := Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range data.Entities {
		if e.Label == "Country" && len(e.Variants) > 0 {
			t.Errorf("%s has variants %v without variants.csv", e.ID, e.Variants)
		}
	}
}

// TestCellsAnswerThePreferredValue: a cell of countries.csv or
// treaty_parties.csv answers the value the rule prefers among it and the
// values variants.csv gives, or nothing where none is preferred.
func TestCellsAnswerThePreferredValue(t *testing.T) {
	data, err := Read(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]any{}
	preferred := map[string]any{}
	for _, e := range data.Entities {
		for _, v := range e.Variants {
			answer, _ := lookupPath(e.Properties, v.Property)
			if v.Property == "name" {
				answer = e.Name
			}
			answers[e.ID+" "+v.Property] = answer
			if v.Preferred {
				preferred[e.ID+" "+v.Property] = v.Value
			}
		}
	}
	for _, r := range data.Relations {
		for _, v := range r.Variants {
			k := r.From + " " + r.Type + " " + r.To + " " + v.Property
			answers[k] = r.Properties[v.Property]
			if v.Preferred {
				preferred[k] = v.Value
			}
		}
	}
	if len(answers) == 0 {
		t.Fatal("the seed has no variants")
	}
	for k, got := range answers {
		if want := preferred[k]; !model.SameValue(got, want) && !(got == nil && want == nil) {
			t.Errorf("%s answers %v, want the preferred %v", k, got, want)
		}
	}
}
