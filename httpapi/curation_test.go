package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore/neo4jtest"
)

// The callers of the curation tests, one per role; the server knows only
// the hashes of their keys.
var testKeys = map[string]string{
	"reader":  "reader-key-0123456789abcdef",
	"curator": "curator-key-0123456789abcdef",
	"admin":   "admin-key-0123456789abcdefgh",
}

func curationServer(t *testing.T) string {
	t.Helper()
	var entries []string
	for _, role := range []string{"reader", "curator", "admin"} {
		entries = append(entries, fmt.Sprintf("%s-user %s %s", role, role, auth.HashKey(testKeys[role])))
	}
	url, _ := productionServer(t, func(c *Config) { c.Auth.Keys = strings.Join(entries, ";") })
	return url
}

// call sends an operation as role ("" for anonymous) and returns the answer.
func call(t *testing.T, url, role, query string, vars map[string]any) (gqlResponse, rawAnswer) {
	t.Helper()
	headers := []string{}
	if role != "" {
		headers = append(headers, "Authorization", "Bearer "+testKeys[role])
	}
	a := send(t, "POST", url+"/graphql", "application/json", jsonBody(query, vars), headers...)
	var doc gqlResponse
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatalf("%s: answer (%d) is not JSON: %q", firstLine(query), a.status, a.body)
	}
	return doc, a
}

func firstLine(q string) string {
	q = strings.TrimSpace(q)
	if i := strings.IndexByte(q, '('); i > 0 {
		return q[:i]
	}
	return q
}

// must sends an operation that must succeed and decodes its data.
func must(t *testing.T, url, role, query string, vars map[string]any, data any) {
	t.Helper()
	doc, _ := call(t, url, role, query, vars)
	if len(doc.Errors) > 0 {
		t.Fatalf("%s as %s: errors %+v", firstLine(query), role, doc.Errors)
	}
	if err := json.Unmarshal(doc.Data, data); err != nil {
		t.Fatalf("%s: %v", firstLine(query), err)
	}
}

// graphState fingerprints every node and relationship with their
// properties, the audit trail included, so a refused change can be shown
// to have written nothing at all.
func graphState(t *testing.T) string {
	t.Helper()
	var lines []string
	for _, r := range neo4jtest.Query(t, `MATCH (n) RETURN labels(n) AS l, properties(n) AS p`, nil) {
		b, _ := json.Marshal(r)
		lines = append(lines, string(b))
	}
	for _, r := range neo4jtest.Query(t, `MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p`, nil) {
		b, _ := json.Marshal(r)
		lines = append(lines, string(b))
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return fmt.Sprintf("%d facts, %s", len(lines), hex.EncodeToString(sum[:8]))
}

const (
	createEntity = `mutation($in: CreateEntityInput!) { createEntity(input: $in) { node { id name version ... on Project { startDate } } change { id actor role action entityId after } } }`
	updateEntity = `mutation($in: UpdateEntityInput!) { updateEntity(input: $in) { node { id name version ... on Project { startDate endDate properties } } change { action before after } } }`
	deleteEntity = `mutation($in: DeleteEntityInput!) { deleteEntity(input: $in) { action entityId before } }`
	linkOp       = `mutation($in: LinkInput!) { link(input: $in) { edge { key version type from to properties sources { url } } change { action relationKey from to after } } }`
	updateLink   = `mutation($in: UpdateLinkInput!) { updateLink(input: $in) { edge { key version properties } change { action before after } } }`
	unlinkOp     = `mutation($in: UnlinkInput!) { unlink(input: $in) { action relationKey before } }`
	changesOp    = `query($entity: ID, $since: Time) { changes(entity: $entity, since: $since, first: 100) { totalCount edges { node { action actor role entityId relationKey before after batch sources { url title retrieved } } } } }`
)

var coeSource = []map[string]any{{"url": "https://www.coe.int/en/web/cybercrime/glacy-e", "title": "GLACY-e project page"}}

type entityChange struct {
	Node struct {
		ID         string         `json:"id"`
		Name       string         `json:"name"`
		Version    int            `json:"version"`
		StartDate  *string        `json:"startDate"`
		EndDate    *string        `json:"endDate"`
		Properties map[string]any `json:"properties"`
	} `json:"node"`
	Change struct {
		Action   string         `json:"action"`
		Actor    string         `json:"actor"`
		Role     string         `json:"role"`
		EntityID string         `json:"entityId"`
		Before   map[string]any `json:"before"`
		After    map[string]any `json:"after"`
	} `json:"change"`
}

type linkChange struct {
	Edge struct {
		Key        string         `json:"key"`
		Version    int            `json:"version"`
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
	} `json:"edge"`
	Change struct {
		Action string         `json:"action"`
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	} `json:"change"`
}

func TestCuratorChangesAreAppliedAndAudited(t *testing.T) {
	url := curationServer(t)
	since := time.Now().UTC().Format(time.RFC3339Nano)
	const id = "project-test-glacy-e"

	var created struct{ CreateEntity entityChange }
	must(t, url, "curator", createEntity, map[string]any{"in": map[string]any{
		"id": id, "type": "PROJECT", "name": "GLACY-e", "acronym": "GLACY-e",
		"properties": map[string]any{"startDate": "2024-08-01", "budgetEur": 4000000}, "sources": coeSource}}, &created)
	if got := created.CreateEntity; got.Node.Version != 1 || got.Node.StartDate == nil || *got.Node.StartDate != "2024-08-01" ||
		got.Change.Action != "CREATE_ENTITY" || got.Change.Actor != "curator-user" || got.Change.Role != "curator" {
		t.Fatalf("createEntity answered %+v", got)
	}

	var updated struct{ UpdateEntity entityChange }
	must(t, url, "curator", updateEntity, map[string]any{"in": map[string]any{
		"id": id, "version": 1, "name": "Global Action on Cybercrime Enhanced", "properties": map[string]any{"budgetEur": nil, "endDate": "2027-07-31"},
		"sources": coeSource}}, &updated)
	if got := updated.UpdateEntity; got.Node.Version != 2 || got.Node.Name != "Global Action on Cybercrime Enhanced" ||
		got.Node.Properties["budgetEur"] != nil || got.Node.EndDate == nil || *got.Node.EndDate != "2027-07-31" || got.Change.Before["name"] != "GLACY-e" {
		t.Fatalf("updateEntity answered %+v", got)
	}

	var linked struct{ Link linkChange }
	must(t, url, "curator", linkOp, map[string]any{"in": map[string]any{
		"from": id, "type": "TARGETS", "to": "country-mu", "properties": map[string]any{"role": "priority country"}, "sources": coeSource}}, &linked)
	key := id + "|TARGETS|country-mu|0"
	if got := linked.Link; got.Edge.Key != key || got.Edge.Version != 1 || got.Change.Action != "LINK" {
		t.Fatalf("link answered %+v", got)
	}

	var relinked struct{ UpdateLink linkChange }
	must(t, url, "curator", updateLink, map[string]any{"in": map[string]any{
		"key": key, "version": 1, "properties": map[string]any{"role": "hub country", "since": "2024-09"}, "sources": coeSource}}, &relinked)
	if got := relinked.UpdateLink; got.Edge.Version != 2 || got.Edge.Properties["role"] != "hub country" || got.Change.Action != "UPDATE_LINK" {
		t.Fatalf("updateLink answered %+v", got)
	}

	// A ratification is a link with its dates.
	var ratified struct{ Link linkChange }
	must(t, url, "curator", linkOp, map[string]any{"in": map[string]any{
		"from": "country-mu", "type": "RATIFIED", "to": "cets-224",
		"properties": map[string]any{"date": "2025-03-01", "action": "ratification", "entryIntoForce": "2025-07-01"},
		"sources":    []map[string]any{{"url": "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=224"}}}}, &ratified)
	if got := ratified.Link.Edge.Properties; got["entryIntoForce"] != "2025-07-01" {
		t.Fatalf("ratification recorded as %+v", got)
	}
	var status struct {
		Country struct {
			Treaties struct {
				Edges []struct {
					Status string `json:"status"`
				} `json:"edges"`
			} `json:"treaties"`
		} `json:"country"`
	}
	must(t, url, "reader", `{ country(id: "country-mu") { treaties(where: {id: {eq: "cets-224"}}) { edges { status } } } }`, nil, &status)
	if e := status.Country.Treaties.Edges; len(e) != 1 || e[0].Status != "IN_FORCE" {
		t.Errorf("Mauritius and CETS 224 after the ratification: %+v, want one IN_FORCE", e)
	}

	var unlinked struct{ Unlink map[string]any }
	must(t, url, "curator", unlinkOp, map[string]any{"in": map[string]any{"key": key, "version": 2, "sources": coeSource}}, &unlinked)
	var deleted struct{ DeleteEntity map[string]any }
	must(t, url, "admin", deleteEntity, map[string]any{"in": map[string]any{"id": id, "version": 2, "sources": coeSource}}, &deleted)
	if doc, _ := call(t, url, "reader", `{ node(id: "`+id+`") { id } }`, nil); len(doc.Errors) == 0 || doc.Errors[0].Extensions["code"] != "NOT_FOUND" {
		t.Errorf("the deleted node still answers: %s %+v", doc.Data, doc.Errors)
	}

	// The audit trail tells the project's story in order, and keeps it
	// after the deletion.
	var trail struct {
		Changes struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct {
					Action string         `json:"action"`
					Actor  string         `json:"actor"`
					Before map[string]any `json:"before"`
					After  map[string]any `json:"after"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"changes"`
	}
	must(t, url, "reader", changesOp, map[string]any{"entity": id, "since": since}, &trail)
	var story []string
	for _, e := range trail.Changes.Edges {
		story = append(story, e.Node.Action+" by "+e.Node.Actor)
	}
	want := []string{"CREATE_ENTITY by curator-user", "UPDATE_ENTITY by curator-user", "LINK by curator-user", "UPDATE_LINK by curator-user",
		"UNLINK by curator-user", "DELETE_ENTITY by admin-user"}
	if diff := cmp.Diff(want, story); diff != "" {
		t.Errorf("changes(entity: %q) (-want +got):\n%s", id, diff)
	}
	if n := len(trail.Changes.Edges); n == len(want) {
		if got := trail.Changes.Edges[1].Node; got.Before["name"] != "GLACY-e" || got.After["name"] != "Global Action on Cybercrime Enhanced" {
			t.Errorf("the update's before and after: %v -> %v", got.Before["name"], got.After["name"])
		}
		if got := trail.Changes.Edges[5].Node.Before; got["name"] != "Global Action on Cybercrime Enhanced" {
			t.Errorf("the deletion keeps the node as it was: %v", got)
		}
	}
}

func TestRefusedChangesWriteNothing(t *testing.T) {
	url := curationServer(t)
	// One node to update with a stale version.
	var created struct{ CreateEntity entityChange }
	must(t, url, "curator", createEntity, map[string]any{"in": map[string]any{
		"id": "topic-test-refusals", "type": "TOPIC", "name": "Refusals", "sources": coeSource}}, &created)

	create := func(fields map[string]any) map[string]any {
		in := map[string]any{"id": "project-test-refused", "type": "PROJECT", "name": "Refused", "sources": coeSource}
		for k, v := range fields {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	cases := []struct {
		name, role, query string
		vars              map[string]any
		code, mentions    string
	}{
		{"anonymous create", "", createEntity, create(nil), "UNAUTHENTICATED", "curator"},
		{"reader create", "reader", createEntity, create(nil), "FORBIDDEN", "curator"},
		{"curator delete", "curator", deleteEntity, map[string]any{"in": map[string]any{"id": "topic-test-refusals", "version": 1, "sources": coeSource}}, "FORBIDDEN", "admin"},
		{"curator import", "curator", `mutation { importTreatyChart(treaty: "201", csv: "States,Signature,Ratification", apply: true) { added } }`, nil, "FORBIDDEN", "admin"},
		{"no source", "curator", createEntity, create(map[string]any{"sources": []any{}}), "BAD_USER_INPUT", "input.sources"},
		{"source not a web address", "curator", createEntity, create(map[string]any{"sources": []map[string]any{{"url": "javascript:alert(1)"}}}), "BAD_USER_INPUT", "input.sources[0].url"},
		{"bad id", "curator", createEntity, create(map[string]any{"id": "Bad Id"}), "BAD_USER_INPUT", "input.id"},
		{"bad date", "curator", createEntity, create(map[string]any{"properties": map[string]any{"startDate": "2024-13-45"}}), "BAD_USER_INPUT", "input.properties.startDate"},
		{"reserved property", "curator", createEntity, create(map[string]any{"properties": map[string]any{"managedBy": "seed"}}), "BAD_USER_INPUT", "input.properties.managedBy"},
		{"country without ISO code", "curator", createEntity, create(map[string]any{"id": "country-test", "type": "COUNTRY"}), "BAD_USER_INPUT", "input.properties.iso2"},
		{"id taken", "curator", createEntity, create(map[string]any{"id": "cets-201"}), "CONFLICT", "cets-201"},
		{"stale version", "curator", updateEntity, map[string]any{"in": map[string]any{"id": "topic-test-refusals", "version": 0, "name": "Late", "sources": coeSource}}, "CONFLICT", "version 1"},
		{"unknown node", "curator", updateEntity, map[string]any{"in": map[string]any{"id": "no-such-node", "version": 1, "name": "X", "sources": coeSource}}, "NOT_FOUND", "no-such-node"},
		{"update without source", "curator", updateEntity, map[string]any{"in": map[string]any{"id": "topic-test-refusals", "version": 1, "name": "X", "sources": []any{}}}, "BAD_USER_INPUT", "input.sources"},
		{"link to unknown node", "curator", linkOp, map[string]any{"in": map[string]any{"from": "glacy-plus", "type": "TARGETS", "to": "country-nowhere", "sources": coeSource}}, "BAD_USER_INPUT", "to"},
		{"link between wrong kinds", "curator", linkOp, map[string]any{"in": map[string]any{"from": "country-mu", "type": "TARGETS", "to": "cets-201", "sources": coeSource}}, "BAD_USER_INPUT", "TARGETS cannot join"},
		{"second ratification", "curator", linkOp, map[string]any{"in": map[string]any{"from": "country-al", "type": "RATIFIED", "to": "cets-201", "properties": map[string]any{"date": "2009-04-14"}, "sources": coeSource}}, "CONFLICT", "already recorded"},
		{"entry into force before ratification", "curator", linkOp, map[string]any{"in": map[string]any{"from": "country-mu", "type": "RATIFIED", "to": "cets-224", "properties": map[string]any{"date": "2025-03-01", "entryIntoForce": "2024-01-01"}, "sources": coeSource}}, "BAD_USER_INPUT", "input.properties.entryIntoForce"},
		{"stale link version", "curator", updateLink, map[string]any{"in": map[string]any{"key": "country-al|RATIFIED|cets-201|0", "version": 7, "properties": map[string]any{"date": "2009-04-15"}, "sources": coeSource}}, "CONFLICT", "version"},
		{"unlink without source", "curator", unlinkOp, map[string]any{"in": map[string]any{"key": "country-al|RATIFIED|cets-201|0", "version": 1, "sources": []any{}}}, "BAD_USER_INPUT", "input.sources"},
		{"malformed key", "curator", unlinkOp, map[string]any{"in": map[string]any{"key": "country-al RATIFIED", "version": 1, "sources": coeSource}}, "BAD_USER_INPUT", "input.key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := graphState(t)
			doc, _ := call(t, url, c.role, c.query, c.vars)
			if len(doc.Errors) != 1 {
				t.Fatalf("%s: want one error, got %s %+v", c.name, doc.Data, doc.Errors)
			}
			if got := doc.Errors[0].Extensions["code"]; got != c.code || !strings.Contains(doc.Errors[0].Message, c.mentions) {
				t.Errorf("%s: got %v %q, want %s mentioning %q", c.name, got, doc.Errors[0].Message, c.code, c.mentions)
			}
			if after := graphState(t); after != before {
				t.Errorf("%s: the graph changed from %s to %s", c.name, before, after)
			}
		})
	}

	t.Run("bad credentials", func(t *testing.T) {
		before := graphState(t)
		a := send(t, "POST", url+"/graphql", "application/json", jsonBody(`{ stats { nodes { label } } }`, nil), "Authorization", "Bearer not-a-key-of-this-server")
		if codes := codesOf(t, a); a.status != 401 || len(codes) != 1 || codes[0] != "UNAUTHENTICATED" {
			t.Errorf("unknown key: status %d, codes %v", a.status, codes)
		}
		if after := graphState(t); after != before {
			t.Errorf("the graph changed from %s to %s", before, after)
		}
	})
}

func TestImportMutationShowsThenAppliesTheDiff(t *testing.T) {
	url := curationServer(t)
	// A chart of one state for the Second Additional Protocol: a new
	// signature, and every state the graph has for it gone.
	outsider := neo4jtest.Query(t, `MATCH (c:Country) WHERE NOT (c)-->(:Entity {id: 'cets-224'}) RETURN c.id AS id, c.name AS name ORDER BY c.id LIMIT 1`, nil)
	if len(outsider) != 1 {
		t.Fatal("every state has signed cets-224 in the seed; the test needs one that has not")
	}
	id, name := outsider[0]["id"].(string), outsider[0]["name"].(string)
	total := len(neo4jtest.Query(t, `MATCH (:Country)-[r]->(:Entity {id: 'cets-224'}) RETURN r`, nil))
	csv := "States,Signature,Ratification,Entry into force,Notes\n" + name + ",01/02/2026,,,\n"
	const op = `mutation($csv: String!, $apply: Boolean) { importTreatyChart(treaty: "CETS 224", csv: $csv, apply: $apply) { applied added changed removed entries { op kind id } } }`
	type result struct {
		ImportTreatyChart struct {
			Applied bool `json:"applied"`
			Added   int  `json:"added"`
			Changed int  `json:"changed"`
			Removed int  `json:"removed"`
			Entries []struct{ Op, Kind, ID string }
		} `json:"importTreatyChart"`
	}
	before := graphState(t)
	var dry result
	must(t, url, "admin", op, map[string]any{"csv": csv}, &dry)
	if after := graphState(t); after != before {
		t.Errorf("the dry run changed the graph from %s to %s", before, after)
	}
	got := dry.ImportTreatyChart
	if got.Applied || got.Added != 1 || got.Changed != 0 || got.Removed != total || len(got.Entries) != 1+total {
		t.Fatalf("dry run: %+v; want 1 added and the %d facts of the other states removed", got, total)
	}
	for _, e := range got.Entries {
		if e.Op == "ADD" && (e.Kind != "RELATIONSHIP" || e.ID != id+"|SIGNED|cets-224|0") {
			t.Errorf("added %+v, want %s's signature", e, name)
		}
	}
	var applied result
	must(t, url, "admin", op, map[string]any{"csv": csv, "apply": true}, &applied)
	if a := applied.ImportTreatyChart; !a.Applied || a.Added != 1 || a.Removed != total {
		t.Errorf("apply: %+v", a)
	}
	left := neo4jtest.Query(t, `MATCH (c:Country)-[r]->(:Entity {id: 'cets-224'}) RETURN c.id AS c, type(r) AS t, r.date AS d`, nil)
	if len(left) != 1 || left[0]["c"] != id || left[0]["t"] != "SIGNED" || left[0]["d"] != "2026-02-01" {
		t.Errorf("after the import cets-224 has %v, want only %s's signature of 2026-02-01", left, name)
	}

	// A chart with a state that is no country is refused by line.
	doc, _ := call(t, url, "admin", op, map[string]any{"csv": "States,Signature,Ratification\nAtlantis,01/01/2020,\n", "apply": true})
	if len(doc.Errors) != 1 || doc.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(doc.Errors[0].Message, "csv:2:") {
		t.Errorf("unknown state: %+v", doc.Errors)
	}
}

func TestExportEndpoint(t *testing.T) {
	url := curationServer(t)
	counts := neo4jtest.Query(t, `CALL () { MATCH (n:Entity) RETURN count(n) AS n } CALL () { MATCH (:Entity)-[r]->(:Entity) RETURN count(r) AS r } RETURN n, r`, nil)[0]

	a := send(t, "GET", url+"/export?format=graphml", "", nil, "Authorization", "Bearer "+testKeys["reader"])
	if a.status != 200 || a.header.Get("Content-Type") != "application/graphml+xml" {
		t.Fatalf("GET /export?format=graphml: %d %s %.200s", a.status, a.header.Get("Content-Type"), a.body)
	}
	var g struct {
		Graph struct {
			Nodes []struct{} `xml:"node"`
			Edges []struct{} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(a.body, &g); err != nil {
		t.Fatalf("the GraphML export is not XML: %v", err)
	}
	if int64(len(g.Graph.Nodes)) != counts["n"].(int64) || int64(len(g.Graph.Edges)) != counts["r"].(int64) {
		t.Errorf("GraphML holds %d nodes and %d edges; the graph has %d and %d", len(g.Graph.Nodes), len(g.Graph.Edges), counts["n"], counts["r"])
	}

	a = send(t, "GET", url+"/export?format=json&id=glacy-plus&depth=1", "", nil)
	var doc struct {
		Nodes []struct {
			ID      string `json:"id"`
			Sources []any  `json:"sources"`
		} `json:"nodes"`
		Edges []struct{} `json:"edges"`
	}
	if err := json.Unmarshal(a.body, &doc); err != nil || a.status != 200 {
		t.Fatalf("neighbourhood export: %d %v %.200s", a.status, err, a.body)
	}
	want := len(neo4jtest.Query(t, `MATCH (:Entity {id: 'glacy-plus'})--(m:Entity) RETURN DISTINCT m`, nil)) + 1
	if len(doc.Nodes) != want || len(doc.Edges) == 0 {
		t.Errorf("neighbourhood of glacy-plus: %d nodes and %d edges, want %d nodes", len(doc.Nodes), len(doc.Edges), want)
	}
	for _, n := range doc.Nodes {
		if len(n.Sources) == 0 {
			t.Errorf("exported node %s has no sources", n.ID)
		}
	}

	a = send(t, "GET", url+"/export?format=csv", "", nil)
	if a.status != 200 || a.header.Get("Content-Type") != "application/zip" || !bytes.HasPrefix(a.body, []byte("PK")) {
		t.Errorf("CSV export: %d %s", a.status, a.header.Get("Content-Type"))
	}

	for _, c := range []struct {
		target string
		status int
		code   string
		header []string
	}{
		{"/export?format=pdf", 400, "BAD_USER_INPUT", nil},
		{"/export?id=glacy-plus&depth=9", 400, "BAD_USER_INPUT", nil},
		{"/export?id=no-such-node", 404, "NOT_FOUND", nil},
		{"/export", 401, "UNAUTHENTICATED", []string{"Authorization", "Bearer wrong-key-0123456789abcdef"}},
	} {
		a := send(t, "GET", url+c.target, "", nil, c.header...)
		if codes := codesOf(t, a); a.status != c.status || len(codes) != 1 || codes[0] != c.code {
			t.Errorf("GET %s: %d %v, want %d %s", c.target, a.status, codes, c.status, c.code)
		}
	}
}

func TestTokensCarryTheCuratorRoleAndName(t *testing.T) {
	const secret = "a-test-secret-of-at-least-32-bytes!!"
	url, _ := productionServer(t, func(c *Config) { c.Auth.JWTSecret, c.Auth.Issuer = secret, "https://id.example" })
	sign := func(claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := time.Now()
	good := sign(jwt.MapClaims{"sub": "maria@coe.example", "role": "curator", "iss": "https://id.example", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()})
	expired := sign(jwt.MapClaims{"sub": "maria@coe.example", "role": "curator", "iss": "https://id.example", "exp": now.Add(-time.Hour).Unix(), "iat": now.Add(-2 * time.Hour).Unix()})
	reader := sign(jwt.MapClaims{"sub": "ana@coe.example", "role": "reader", "iss": "https://id.example", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()})
	vars := func(id string) io.Reader {
		return jsonBody(createEntity, map[string]any{"in": map[string]any{"id": id, "type": "TOPIC", "name": "Token test", "sources": coeSource}})
	}

	a := send(t, "POST", url+"/graphql", "application/json", vars("topic-token-test"), "Authorization", "Bearer "+good)
	var doc struct {
		Data struct{ CreateEntity entityChange } `json:"data"`
	}
	if err := json.Unmarshal(a.body, &doc); err != nil || doc.Data.CreateEntity.Change.Actor != "maria@coe.example" || doc.Data.CreateEntity.Change.Role != "curator" {
		t.Errorf("curator token: %d %s", a.status, a.body)
	}
	before := graphState(t)
	for _, c := range []struct {
		name, token string
		status      int
		code        string
	}{
		{"expired token", expired, 401, "UNAUTHENTICATED"},
		{"reader token", reader, 200, "FORBIDDEN"},
		{"token signed with another secret", func() string {
			s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "x", "role": "admin", "iss": "https://id.example", "exp": now.Add(time.Hour).Unix()}).SignedString([]byte("another-secret-of-at-least-32-bytes!"))
			return s
		}(), 401, "UNAUTHENTICATED"},
	} {
		a := send(t, "POST", url+"/graphql", "application/json", vars("topic-token-refused"), "Authorization", "Bearer "+c.token)
		if codes := codesOf(t, a); a.status != c.status || len(codes) != 1 || codes[0] != c.code {
			t.Errorf("%s: %d %v, want %d %s", c.name, a.status, codes, c.status, c.code)
		}
	}
	if after := graphState(t); after != before {
		t.Errorf("refused tokens changed the graph from %s to %s", before, after)
	}
}

func TestImportSeedMutationShowsTheChangedFacts(t *testing.T) {
	url := curationServer(t)
	files := []map[string]any{}
	for _, name := range []string{"retrieved.yaml", "countries.csv", "entities.yaml", "relations.yaml", "treaty_parties.csv", "names_fr.csv", "variants.csv"} {
		b, err := os.ReadFile(filepath.Join("../seed/data", name))
		if err != nil {
			t.Fatal(err)
		}
		content := string(b)
		if name == "treaty_parties.csv" {
			// One ratification date moves by a day.
			changed := strings.Replace(content, "cets-201,country-al,party,2008-12-17,2009-04-14,", "cets-201,country-al,party,2008-12-17,2009-04-15,", 1)
			if changed == content {
				t.Fatal("the seed no longer has Albania's ratification of CETS 201 on 2009-04-14")
			}
			content = changed
		}
		files = append(files, map[string]any{"name": name, "content": content})
	}
	const op = `mutation($files: [ImportFileInput!]!, $apply: Boolean) { importSeed(files: $files, apply: $apply) { applied added changed removed entries { op kind id } } }`
	var dry struct {
		ImportSeed struct {
			Applied                 bool
			Added, Changed, Removed int
			Entries                 []struct{ Op, Kind, ID string }
		}
	}
	before := graphState(t)
	must(t, url, "admin", op, map[string]any{"files": files}, &dry)
	if got := dry.ImportSeed; got.Applied || got.Added != 0 || got.Removed != 0 || got.Changed != 1 || got.Entries[0].ID != "country-al|RATIFIED|cets-201|0" {
		t.Errorf("dry run of the changed seed: %+v", got)
	}
	if after := graphState(t); after != before {
		t.Errorf("the dry run changed the graph")
	}
	// A broken file is refused with its name and line.
	files[3]["content"] = "relations:\n  - from: nowhere\n    type: TARGETS\n    to: country-mu\n    sources: [x]\n"
	doc, _ := call(t, url, "admin", op, map[string]any{"files": files, "apply": true})
	if len(doc.Errors) != 1 || doc.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(doc.Errors[0].Message, "relations.yaml:2") {
		t.Errorf("broken relations.yaml: %+v", doc.Errors)
	}
	if after := graphState(t); after != before {
		t.Errorf("a refused import changed the graph")
	}
}
