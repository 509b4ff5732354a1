package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// keyedAnswer is a GraphQL answer with its extensions, as a client that
// retries writes reads it.
type keyedAnswer struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions struct {
		Idempotency map[string]struct {
			Key      string `json:"key"`
			Replayed bool   `json:"replayed"`
		} `json:"idempotency"`
	} `json:"extensions"`
}

// callKeyed sends an operation as role, with an Idempotency-Key header when
// header is not empty.
func callKeyed(t *testing.T, url, role, header, query string, vars map[string]any) keyedAnswer {
	t.Helper()
	headers := []string{"Authorization", "Bearer " + testKeys[role]}
	if header != "" {
		headers = append(headers, "Idempotency-Key", header)
	}
	a := send(t, "POST", url+"/graphql", "application/json", jsonBody(query, vars), headers...)
	var doc keyedAnswer
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatalf("%s: answer (%d) is not JSON: %q", firstLine(query), a.status, a.body)
	}
	return doc
}

func withKey(in map[string]any, key string) map[string]any {
	out := map[string]any{"idempotencyKey": key}
	for k, v := range in {
		out[k] = v
	}
	return out
}

// TestARetriedMutationIsAppliedOnce sends each mutation, then the same
// again under the same key (a replay: the first answer, nothing written,
// checked on the whole graph with its audit trail and key records), then
// the same key with another input (refused with IDEMPOTENCY_KEY_REUSED,
// nothing written). The key travels in the input or in the header.
func TestARetriedMutationIsAppliedOnce(t *testing.T) {
	url := curationServer(t)
	const id = "project-test-idempotent"
	key := id + "|TARGETS|country-mu|0"
	cases := []struct {
		name, role, field, query string
		in, other                map[string]any
		header                   bool
	}{
		{"create, key in the input", "curator", "createEntity", createEntity,
			map[string]any{"id": id, "type": "PROJECT", "name": "Idempotent", "properties": map[string]any{"budgetEur": 1000}, "sources": coeSource},
			map[string]any{"id": id, "type": "PROJECT", "name": "Another name", "sources": coeSource}, false},
		{"update, key in the header", "curator", "updateEntity", updateEntity,
			map[string]any{"id": id, "version": 1, "name": "Idempotent project", "sources": coeSource},
			map[string]any{"id": id, "version": 1, "name": "Other", "sources": coeSource}, true},
		{"link, key in the input", "curator", "link", linkOp,
			map[string]any{"from": id, "type": "TARGETS", "to": "country-mu", "sources": coeSource},
			map[string]any{"from": id, "type": "TARGETS", "to": "country-al", "sources": coeSource}, false},
		{"update link, key in the header", "curator", "updateLink", updateLink,
			map[string]any{"key": key, "version": 1, "properties": map[string]any{"role": "hub"}, "sources": coeSource},
			map[string]any{"key": key, "version": 1, "properties": map[string]any{"role": "other"}, "sources": coeSource}, true},
		{"unlink, key in the input", "curator", "unlink", unlinkOp,
			map[string]any{"key": key, "version": 2, "sources": coeSource},
			map[string]any{"key": key, "version": 1, "sources": coeSource}, false},
		{"delete, key in the header", "admin", "deleteEntity", deleteEntity,
			map[string]any{"id": id, "version": 2, "sources": coeSource},
			map[string]any{"id": id, "version": 3, "sources": coeSource}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := "key-" + strings.ReplaceAll(c.name, " ", "-")
			send := func(in map[string]any) keyedAnswer {
				if c.header {
					return callKeyed(t, url, c.role, k, c.query, map[string]any{"in": in})
				}
				return callKeyed(t, url, c.role, "", c.query, map[string]any{"in": withKey(in, k)})
			}
			first := send(c.in)
			if len(first.Errors) > 0 {
				t.Fatalf("%s: errors %+v", c.field, first.Errors)
			}
			if note := first.Extensions.Idempotency[c.field]; note.Key != k || note.Replayed {
				t.Errorf("%s: extensions.idempotency = %+v, want key %s not replayed", c.field, first.Extensions.Idempotency, k)
			}
			before := graphState(t)

			again := send(c.in)
			if len(again.Errors) > 0 {
				t.Fatalf("%s replayed: errors %+v", c.field, again.Errors)
			}
			if diff := cmp.Diff(string(first.Data), string(again.Data)); diff != "" {
				t.Errorf("%s replayed: the answer differs from the first (-first +replay):\n%s", c.field, diff)
			}
			if note := again.Extensions.Idempotency[c.field]; note.Key != k || !note.Replayed {
				t.Errorf("%s replayed: extensions.idempotency = %+v, want key %s replayed", c.field, again.Extensions.Idempotency, k)
			}
			if after := graphState(t); after != before {
				t.Errorf("%s replayed: the graph changed from %s to %s", c.field, before, after)
			}

			other := send(c.other)
			if len(other.Errors) != 1 || other.Errors[0].Extensions["code"] != "IDEMPOTENCY_KEY_REUSED" || other.Errors[0].Extensions["idempotencyKey"] != k {
				t.Errorf("%s with the key and another input: %s %+v, want IDEMPOTENCY_KEY_REUSED naming %s", c.field, other.Data, other.Errors, k)
			}
			if after := graphState(t); after != before {
				t.Errorf("%s with the key and another input: the graph changed from %s to %s", c.field, before, after)
			}
		})
	}
}

// A mutation without a key is written under one the service makes up: the
// answer names it, and so does the audit entry, so a client can retry with
// it or find its change later.
func TestAMutationWithoutAKeyGetsOne(t *testing.T) {
	url := curationServer(t)
	doc := callKeyed(t, url, "curator", "", createEntity, map[string]any{"in": map[string]any{
		"id": "topic-test-unkeyed", "type": "TOPIC", "name": "Unkeyed", "sources": coeSource}})
	if len(doc.Errors) > 0 {
		t.Fatalf("createEntity: %+v", doc.Errors)
	}
	note := doc.Extensions.Idempotency["createEntity"]
	if !strings.HasPrefix(note.Key, "kg-") || note.Replayed {
		t.Fatalf("extensions.idempotency = %+v, want a made-up key, not replayed", doc.Extensions.Idempotency)
	}
	var trail struct {
		Changes struct {
			Edges []struct {
				Node struct {
					IdempotencyKey *string `json:"idempotencyKey"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"changes"`
	}
	must(t, url, "reader", `{ changes(entity: "topic-test-unkeyed") { edges { node { idempotencyKey } } } }`, nil, &trail)
	if e := trail.Changes.Edges; len(e) != 1 || e[0].Node.IdempotencyKey == nil || *e[0].Node.IdempotencyKey != note.Key {
		t.Errorf("the audit entry names the key %+v, want %s", e, note.Key)
	}
}

// The input's key wins over the header; a header shared by two mutations of
// one request is told apart by their response names, so the whole request
// can be retried as it is.
func TestHeaderAndInputKeys(t *testing.T) {
	url := curationServer(t)
	topic := func(id string) map[string]any {
		return map[string]any{"id": id, "type": "TOPIC", "name": id, "sources": coeSource}
	}
	doc := callKeyed(t, url, "curator", "header-key", createEntity, map[string]any{"in": withKey(topic("topic-test-both"), "input-key")})
	if got := doc.Extensions.Idempotency["createEntity"].Key; len(doc.Errors) > 0 || got != "input-key" {
		t.Errorf("with both keys: %+v, key %q; want input-key", doc.Errors, got)
	}

	const two = `mutation($a: CreateEntityInput!, $b: CreateEntityInput!) { first: createEntity(input: $a) { node { id } } second: createEntity(input: $b) { node { id } } }`
	vars := map[string]any{"a": topic("topic-test-first"), "b": topic("topic-test-second")}
	for i, wantReplayed := range []bool{false, true} {
		doc := callKeyed(t, url, "curator", "shared", two, vars)
		if len(doc.Errors) > 0 {
			t.Fatalf("round %d: %+v", i, doc.Errors)
		}
		got := map[string]string{}
		for name, note := range doc.Extensions.Idempotency {
			got[name] = note.Key
			if note.Replayed != wantReplayed {
				t.Errorf("round %d: %s replayed %v, want %v", i, name, note.Replayed, wantReplayed)
			}
		}
		if diff := cmp.Diff(map[string]string{"first": "shared/first", "second": "shared/second"}, got); diff != "" {
			t.Errorf("round %d: keys by response name (-want +got):\n%s", i, diff)
		}
	}

	for _, c := range []struct{ name, header, input string }{
		{"header with a space", "two words", ""},
		{"input too long", "", strings.Repeat("k", 201)},
		{"empty input key", "", ""},
	} {
		in := topic("topic-test-bad-key")
		if c.header == "" {
			in = withKey(in, c.input)
		}
		before := graphState(t)
		doc := callKeyed(t, url, "curator", c.header, createEntity, map[string]any{"in": in})
		if len(doc.Errors) != 1 || doc.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %+v, want BAD_USER_INPUT", c.name, doc.Errors)
		}
		if graphState(t) != before {
			t.Errorf("%s: the refused mutation wrote", c.name)
		}
	}
}

// An import that writes is replayed like any mutation; one that only shows
// its difference writes nothing and needs no key.
func TestARetriedImportIsAppliedOnce(t *testing.T) {
	url := curationServer(t)
	var exported json.RawMessage
	{
		a := send(t, "GET", url+"/export?format=json", "", nil, "Authorization", "Bearer "+testKeys["admin"])
		if a.status != 200 {
			t.Fatalf("export: %d %s", a.status, a.body)
		}
		exported = a.body
	}
	var doc map[string]any
	if err := json.Unmarshal(exported, &doc); err != nil {
		t.Fatal(err)
	}
	doc["nodes"] = append(doc["nodes"].([]any), map[string]any{"id": "topic-test-imported", "label": "Topic", "name": "Imported",
		"sources": []any{map[string]any{"title": "import test"}}, "managedBy": "curation", "version": 1})
	b, _ := json.Marshal(doc)
	const importOp = `mutation($json: String!, $key: String) { importGraph(json: $json, apply: true, idempotencyKey: $key) { applied added changed removed } }`
	first := callKeyed(t, url, "admin", "", importOp, map[string]any{"json": string(b), "key": "import-key"})
	if len(first.Errors) > 0 || !strings.Contains(string(first.Data), `"added":1`) {
		t.Fatalf("import: %s %+v", first.Data, first.Errors)
	}
	before := graphState(t)
	again := callKeyed(t, url, "admin", "", importOp, map[string]any{"json": string(b), "key": "import-key"})
	if string(again.Data) != string(first.Data) || !again.Extensions.Idempotency["importGraph"].Replayed {
		t.Errorf("import replayed: %s %+v, want %s replayed", again.Data, again.Extensions.Idempotency, first.Data)
	}
	if graphState(t) != before {
		t.Error("the replayed import wrote")
	}
}
