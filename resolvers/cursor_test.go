package resolvers

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func FuzzCursor(f *testing.F) {
	c := cursor{list: "list:Country,NAME"}
	f.Add(c.encode([]any{"Albania", "country-al"}))
	f.Add(c.encode([]any{float64(3), "Albania", "country-al"}))
	f.Add("bm9wZQ")
	f.Add("")
	f.Add("eyJsIjoibGlzdDpCb2R5IiwiayI6WyJ4Il19")
	f.Fuzz(func(t *testing.T, s string) {
		cur, err := c.decode(s)
		if err != nil {
			return
		}
		// What decodes must encode back to a cursor with the same keys.
		again, err := c.decode(c.encode(cur.Keys))
		if err != nil {
			t.Fatalf("re-encoded cursor of %q does not decode: %v", s, err)
		}
		a, _ := json.Marshal(cur.Keys)
		b, _ := json.Marshal(again.Keys)
		if diff := cmp.Diff(string(a), string(b)); diff != "" {
			t.Fatalf("cursor %q keys changed on a round trip: %s", s, diff)
		}
	})
}

func TestCursorDecode(t *testing.T) {
	raw := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	byName := nameOrder("list:Country,NAME", model.LanguageEn)
	byISO := cursor{list: "list:Country,ISO2"}
	tests := []struct {
		name    string
		c       cursor
		in      string
		wantErr string
	}{
		{"this list's cursor", byName, byName.encode([]any{"161d", "country-ci"}), ""},
		{"a cursor from before versions, on a list not ordered by name", byISO, raw(map[string]any{"l": "list:Country,ISO2", "k": []any{"AL", "country-al"}}), ""},
		{"a cursor from before names had collation keys", byName, raw(map[string]any{"l": "list:Country,NAME", "k": []any{"Albania", "country-al"}}), "dates from before lists were ordered by name"},
		{"a relationship list's cursor from before", nameOrder("rel:Body.Parts", model.LanguageEn), raw(map[string]any{"l": "rel:Body.Parts", "k": []any{"Bureau", "body-x", "k"}}), "dates from before lists were ordered by name"},
		{"the other language's cursor", nameOrder("list:Country,NAME", model.LanguageFr), byName.encode([]any{"161d", "country-ci"}), "belongs to another list or sort order"},
		{"not a cursor", byName, "bm9wZQ", "is not a cursor this API returned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.decode(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("decode: %v, want no error", err)
				}
				return
			}
			if model.ErrorCode(err) != model.CodeBadUserInput || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("decode: code %s, error %v; want BAD_USER_INPUT saying %q", model.ErrorCode(err), err, tt.wantErr)
			}
		})
	}
}
