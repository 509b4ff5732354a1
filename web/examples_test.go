package web

import (
	"os"
	"strings"
	"testing"
)

// TestDocsShowEveryExample keeps docs/queries.md and the GraphiQL tabs the
// same: each example's text appears there verbatim.
func TestDocsShowEveryExample(t *testing.T) {
	ex, err := Examples()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/queries.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		if !strings.Contains(string(doc), strings.TrimRight(e.Query, "\n")) {
			t.Errorf("docs/queries.md does not show example %s as it stands in web/examples", e.Name)
		}
	}
}
