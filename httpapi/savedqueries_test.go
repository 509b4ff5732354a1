package httpapi

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
	"github.com/coe-child-online/knowledge-graph/queries"
)

type testSource struct {
	Title     string  `json:"title"`
	URL       *string `json:"url"`
	Retrieved *string `json:"retrieved"`
}

// sourcesCell writes sources as the README says the sources column holds
// them.
func sourcesCell(srcs []testSource) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range srcs {
		parts := []string{s.Title}
		if s.URL != nil {
			parts = append(parts, "<"+*s.URL+">")
		}
		if s.Retrieved != nil {
			parts = append(parts, "(read "+*s.Retrieved+")")
		}
		t := strings.Join(parts, " ")
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return strings.Join(out, " | ")
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// savedQueryCases are the repository's queries with variables, and the
// table each answer makes by the README's rule, worked out by hand from the
// POST's data.
var savedQueryCases = []struct {
	name    string
	params  url.Values
	vars    map[string]any
	columns []string
	table   func(t *testing.T, data json.RawMessage) [][]string
}{
	{
		name:   "treaty-parties",
		params: url.Values{"instrument": {"cets-201"}, "asOf": {"2015-06-30"}},
		vars:   map[string]any{"instrument": "cets-201", "asOf": "2015-06-30"},
		columns: []string{"instrument.number", "instrument.name", "instrument.parties.totalCount",
			"instrument.parties.edges.node.id", "instrument.parties.edges.node.name", "instrument.parties.edges.node.iso2",
			"instrument.parties.edges.status", "instrument.parties.edges.signed", "instrument.parties.edges.ratified",
			"instrument.parties.edges.entryIntoForce", "sources"},
		table: func(t *testing.T, data json.RawMessage) [][]string {
			var d struct {
				Instrument struct {
					Number  *string `json:"number"`
					Name    string  `json:"name"`
					Parties struct {
						TotalCount int `json:"totalCount"`
						Edges      []struct {
							Node struct {
								ID   string  `json:"id"`
								Name string  `json:"name"`
								ISO2 *string `json:"iso2"`
							} `json:"node"`
							Status                           string
							Signed, Ratified, EntryIntoForce *string
							Sources                          []testSource
						} `json:"edges"`
					} `json:"parties"`
				} `json:"instrument"`
			}
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			in := d.Instrument
			var rows [][]string
			for _, e := range in.Parties.Edges {
				rows = append(rows, []string{str(in.Number), in.Name, fmt.Sprint(in.Parties.TotalCount), e.Node.ID, e.Node.Name, str(e.Node.ISO2),
					e.Status, str(e.Signed), str(e.Ratified), str(e.EntryIntoForce), sourcesCell(e.Sources)})
			}
			return rows
		},
	},
	{
		name:   "treaty-steps",
		params: url.Values{"from": {"2010"}, "to": {"2011-06"}, "instruments": {"cets-201", "ets-185"}},
		vars:   map[string]any{"from": "2010", "to": "2011-06", "instruments": []string{"cets-201", "ets-185"}},
		columns: []string{"diff.instrument.id", "diff.country.id", "diff.country.name", "diff.action", "diff.date", "diff.precision",
			"diff.window.from", "diff.window.to", "diff.certain", "sources"},
		table: func(t *testing.T, data json.RawMessage) [][]string {
			var d struct {
				Diff []struct {
					Instrument struct{ ID string }
					Country    struct{ ID, Name string }
					Action     string
					Date       *string
					Precision  *string
					Window     struct{ From, To string }
					Certain    bool
					Sources    []testSource
				}
			}
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			var rows [][]string
			for _, s := range d.Diff {
				rows = append(rows, []string{s.Instrument.ID, s.Country.ID, s.Country.Name, s.Action, str(s.Date), str(s.Precision),
					s.Window.From, s.Window.To, fmt.Sprint(s.Certain), sourcesCell(s.Sources)})
			}
			return rows
		},
	},
}

// TestSavedQueryAnswersMatchThePost runs each repository query at
// /q/{name} in JSON, CSV and NDJSON: the JSON's data is the POST's, the CSV
// parses with the documented columns and holds the POST's values row by row,
// and NDJSON holds the same rows.
func TestSavedQueryAnswersMatchThePost(t *testing.T) {
	srv, _ := newTestServer(t)
	repo, err := queries.All()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for _, q := range repo {
		docs[q.Name] = q.Document
	}
	today := time.Now().UTC().Format("2006-01-02")
	for _, tc := range savedQueryCases {
		t.Run(tc.name, func(t *testing.T) {
			var posted json.RawMessage
			doc := post(t, srv.URL, docs[tc.name], tc.vars, &posted)
			if len(doc.Errors) > 0 {
				t.Fatalf("POST %s: %+v", tc.name, doc.Errors)
			}
			want := tc.table(t, posted)
			if len(want) < 3 {
				t.Fatalf("POST %s answers %d rows; the test needs a few", tc.name, len(want))
			}
			base := srv.URL + "/q/" + tc.name + "?" + tc.params.Encode()

			a := send(t, "GET", base, "", nil)
			var got gqlResponse
			if err := json.Unmarshal(a.body, &got); err != nil || a.status != 200 {
				t.Fatalf("GET %s: %d %s", base, a.status, a.body)
			}
			if !jsonEqual(t, got.Data, posted) {
				t.Errorf("GET %s: data differs from the POST's", base)
			}

			a = send(t, "GET", base+"&format=csv", "", nil)
			if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("GET %s&format=csv: %d %s %s", base, a.status, a.header.Get("Content-Type"), a.body)
			}
			if cd, file := a.header.Get("Content-Disposition"), fmt.Sprintf("%s-%s.csv", tc.name, today); !strings.Contains(cd, "attachment") || !strings.Contains(cd, file) {
				t.Errorf("csv Content-Disposition %q, want an attachment named %s", cd, file)
			}
			recs, err := csv.NewReader(bytes.NewReader(a.body)).ReadAll()
			if err != nil {
				t.Fatalf("csv does not parse: %v", err)
			}
			if diff := cmp.Diff(tc.columns, recs[0]); diff != "" {
				t.Errorf("csv columns (-documented +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, recs[1:]); diff != "" {
				t.Errorf("csv rows (-from the POST +got):\n%s", diff)
			}

			a = send(t, "GET", base+"&format=ndjson", "", nil)
			if a.status != 200 || !strings.Contains(a.header.Get("Content-Disposition"), tc.name+"-"+today+".ndjson") {
				t.Fatalf("ndjson: %d %v", a.status, a.header)
			}
			var rows [][]string
			sc := bufio.NewScanner(bytes.NewReader(a.body))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var line map[string]any
				if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
					t.Fatalf("ndjson line %q: %v", sc.Text(), err)
				}
				row := []string{}
				for _, c := range tc.columns[:len(tc.columns)-1] {
					v, ok := line[c]
					if !ok {
						t.Fatalf("ndjson line lacks %s: %s", c, sc.Text())
					}
					row = append(row, ndjsonCell(v))
				}
				var srcs []testSource
				b, _ := json.Marshal(line["sources"])
				_ = json.Unmarshal(b, &srcs)
				rows = append(rows, append(row, sourcesCell(srcs)))
			}
			if diff := cmp.Diff(want, rows); diff != "" {
				t.Errorf("ndjson rows (-from the POST +got):\n%s", diff)
			}
		})
	}
}

func ndjsonCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return fmt.Sprint(v)
	case string:
		return v
	}
	return fmt.Sprint(v)
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return cmp.Equal(x, y)
}

// TestSavedQueryRefusesBadParameters sends /q requests a client may get
// wrong: each is a 4xx with the code that says why, never a 500.
func TestSavedQueryRefusesBadParameters(t *testing.T) {
	srv, _ := newTestServer(t)
	tests := []struct {
		path   string
		status int
		code   string
		says   string
	}{
		{"/q/no-such-query", 404, "NOT_FOUND", "no saved query"},
		{"/q/Bad_Name", 404, "NOT_FOUND", "no saved query"},
		{"/q/treaty-parties", 400, "BAD_USER_INPUT", "instrument"},
		{"/q/treaty-parties?instrument=cets-201&first=many", 400, "BAD_USER_INPUT", "not an Int"},
		{"/q/treaty-parties?instrument=cets-201&frist=5", 400, "BAD_USER_INPUT", "names no variable"},
		{"/q/treaty-parties?instrument=cets-201&instrument=ets-185", 400, "BAD_USER_INPUT", "given 2 times"},
		{"/q/treaty-parties?instrument=cets-201&format=xml", 400, "BAD_USER_INPUT", "format"},
		{"/q/treaty-parties?instrument=cets-201&asOf=yesterday", 400, "BAD_USER_INPUT", "asOf"},
		{"/q/treaty-parties?instrument=cets-201&first=100000", 400, "BAD_USER_INPUT", "first"},
		{"/q/treaty-steps?from=2012&to=2010", 400, "BAD_USER_INPUT", "after"},
		{"/q/treaty-steps?from=2010&to=2012&certain=yes", 400, "BAD_USER_INPUT", "Boolean"},
		{"/q/treaty-parties?instrument=no-such-treaty&format=csv", 404, "NOT_FOUND", ""},
	}
	for _, tc := range tests {
		a := send(t, "GET", srv.URL+tc.path, "", nil)
		var doc gqlResponse
		if err := json.Unmarshal(a.body, &doc); err != nil || len(doc.Errors) == 0 {
			t.Errorf("GET %s: %d %s, want a JSON error", tc.path, a.status, a.body)
			continue
		}
		e := doc.Errors[0]
		if a.status != tc.status || e.Extensions["code"] != tc.code || !strings.Contains(e.Message, tc.says) {
			t.Errorf("GET %s: %d %v %q; want %d %s saying %q", tc.path, a.status, e.Extensions["code"], e.Message, tc.status, tc.code, tc.says)
		}
	}
}

const saveQueryOp = `mutation($in: SaveQueryInput!) { saveQuery(input: $in) { name description document inRepository savedBy savedAt path } }`

// TestCuratorSavesAQuery saves a query through the API: refused with the
// right code for a reader, a bad name, a taken name and a bad document;
// saved, audited and runnable at /q/{name} otherwise.
func TestCuratorSavesAQuery(t *testing.T) {
	url := curationServer(t)
	good := "# unused\nquery Signatories($id: ID!) { instrument(id: $id) { name parties(first: 100) { edges { node { name } signed } } } }"
	refused := []struct {
		role, name, doc, code, says string
	}{
		{"reader", "signatories", good, "FORBIDDEN", "curator"},
		{"", "signatories", good, "UNAUTHENTICATED", ""},
		{"curator", "Signatories!", good, "BAD_USER_INPUT", "input.name"},
		{"curator", "treaty-parties", good, "CONFLICT", "repository"},
		{"curator", "signatories", "{ nope }", "BAD_USER_INPUT", "input.document: not a valid query"},
		{"curator", "signatories", "{ instrument(", "BAD_USER_INPUT", "input.document"},
		{"curator", "signatories", `mutation { unlink(input: {key: "x", version: 1, sources: []}) { action } }`, "BAD_USER_INPUT", "only queries"},
		{"curator", "signatories", "query A { stats { nodes { label } } } query B { stats { nodes { label } } }", "BAD_USER_INPUT", "2 operations"},
		{"curator", "signatories", strings.Repeat(" ", 20001) + "{ stats { nodes { label } } }", "BAD_USER_INPUT", "longer than"},
	}
	for _, tc := range refused {
		doc, _ := call(t, url, tc.role, saveQueryOp, map[string]any{"in": map[string]any{"name": tc.name, "description": "Signatories of a treaty", "document": tc.doc}})
		if len(doc.Errors) == 0 || doc.Errors[0].Extensions["code"] != tc.code || !strings.Contains(doc.Errors[0].Message, tc.says) {
			t.Errorf("saveQuery %q as %q: %+v; want %s saying %q", tc.name, tc.role, doc.Errors, tc.code, tc.says)
		}
	}
	var saved struct {
		SaveQuery struct {
			Name, Path   string
			InRepository bool
			SavedBy      *string
		}
	}
	must(t, url, "curator", saveQueryOp, map[string]any{"in": map[string]any{"name": "signatories", "description": "Signatories of a treaty", "document": good}}, &saved)
	if s := saved.SaveQuery; s.Name != "signatories" || s.Path != "/q/signatories" || s.InRepository || s.SavedBy == nil || *s.SavedBy != "curator-user" {
		t.Errorf("saveQuery answered %+v", s)
	}
	doc, _ := call(t, url, "curator", saveQueryOp, map[string]any{"in": map[string]any{"name": "signatories", "description": "Another", "document": good}})
	if len(doc.Errors) == 0 || doc.Errors[0].Extensions["code"] != "CONFLICT" {
		t.Errorf("saving the name again: %+v, want CONFLICT", doc.Errors)
	}
	// The audit trail holds the saving, with the query as its after.
	rows := neo4jtest.Query(t, `MATCH (c:Change {action: "SAVE_QUERY"}) RETURN c.actor AS actor, c.after AS after, c.seq AS seq`, nil)
	if len(rows) != 1 {
		t.Fatalf("%d SAVE_QUERY audit entries, want 1", len(rows))
	}
	var after map[string]any
	_ = json.Unmarshal([]byte(fmt.Sprint(rows[0]["after"])), &after)
	if rows[0]["actor"] != "curator-user" || after["name"] != "signatories" || after["document"] != good || rows[0]["seq"] == nil {
		t.Errorf("audit entry %+v", rows[0])
	}
	var posted json.RawMessage
	must(t, url, "reader", good, map[string]any{"id": "ets-185"}, &posted)
	a := send(t, "GET", url+"/q/signatories?id=ets-185", "", nil, "Authorization", "Bearer "+testKeys["reader"])
	var got gqlResponse
	if err := json.Unmarshal(a.body, &got); err != nil || a.status != 200 || !jsonEqual(t, got.Data, posted) {
		t.Errorf("GET /q/signatories: %d %s; want the POST's data", a.status, a.body)
	}
	var list struct {
		SavedQueries []struct {
			Name         string
			InRepository bool
		}
	}
	must(t, url, "reader", `{ savedQueries { name inRepository } }`, nil, &list)
	names := map[string]bool{}
	for _, q := range list.SavedQueries {
		names[q.Name] = q.InRepository
	}
	if inRepo, ok := names["signatories"]; !ok || inRepo || !names["treaty-parties"] {
		t.Errorf("savedQueries: %+v", list.SavedQueries)
	}
}

// TestSavedQueriesAreTrustedDocuments serves with an allow-list that holds
// none of the saved queries: the same document is FORBIDDEN as a POST and
// runs at /q, and GET /graphql?format=csv of the document is the same table
// as /q's.
func TestSavedQueriesAreTrustedDocuments(t *testing.T) {
	list := filepath.Join(t.TempDir(), "trusted.json")
	if err := os.WriteFile(list, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := productionServer(t, func(c *Config) { c.TrustedDocuments = list })
	repo, err := queries.All()
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, q := range repo {
		if q.Name == "treaty-parties" {
			doc = q.Document
		}
	}
	resp, _ := call(t, base, "", doc, map[string]any{"instrument": "ets-185"})
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Fatalf("POST of an unlisted document: %+v, want FORBIDDEN", resp.Errors)
	}
	viaQ := send(t, "GET", base+"/q/treaty-parties?instrument=ets-185&format=csv", "", nil)
	if viaQ.status != 200 {
		t.Fatalf("GET /q/treaty-parties under the allow-list: %d %s", viaQ.status, viaQ.body)
	}
	// The allow-list holds the saved query's text now, so /graphql runs it.
	if err := os.WriteFile(list, []byte(fmt.Sprintf(`{%q: %q}`, hashQuery(doc), doc)), 0o600); err != nil {
		t.Fatal(err)
	}
	url2, _ := productionServer(t, func(c *Config) { c.TrustedDocuments = list })
	params := url.Values{"query": {doc}, "variables": {`{"instrument": "ets-185"}`}, "format": {"csv"}}
	viaGET := send(t, "GET", url2+"/graphql?"+params.Encode(), "", nil, "GraphQL-Require-Preflight", "1")
	if viaGET.status != 200 || string(viaGET.body) != string(viaQ.body) {
		t.Errorf("GET /graphql?format=csv: %d, and its table differs from /q's:\n%s\n---\n%s", viaGET.status, viaGET.body, viaQ.body)
	}
	if cd := viaGET.header.Get("Content-Disposition"); !strings.Contains(cd, "TreatyParties-") {
		t.Errorf("GET /graphql?format=csv: Content-Disposition %q, want the operation's name", cd)
	}
}
