package resolvers

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
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
