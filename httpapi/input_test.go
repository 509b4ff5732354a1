package httpapi

import (
	"strings"
	"testing"
)

// TestMalformedArgumentsAreTheClients sends values written inline that the
// validator lets through and only the argument's type refuses: each answer
// must be BAD_USER_INPUT naming the argument, never INTERNAL.
func TestMalformedArgumentsAreTheClients(t *testing.T) {
	srv, _ := newTestServer(t)
	tests := []struct {
		query, argument string
	}{
		{`{ changes(since: "00:00:00Z") { totalCount } }`, "since"},
		{`{ changes(since: "2026-13-01T00:00:00Z") { totalCount } }`, "since"},
		{`{ countries(asOf: "2020-02-30") { totalCount } }`, "asOf"},
		{`{ countries(asOf: "yesterday") { totalCount } }`, "asOf"},
		{`{ coverage(instruments: ["cets-201"], asOf: "2020-1-1") { country { id } } }`, "asOf"},
		{`{ countries(where: {coeAccession: {gte: "soon"}}) { totalCount } }`, "where"},
		{`{ instrument(id: "cets-201") { parties(asOf: "20xx") { totalCount } } }`, "asOf"},
	}
	for _, tt := range tests {
		res := post(t, srv.URL, tt.query, nil, nil)
		if len(res.Errors) == 0 {
			t.Errorf("%s: no error", tt.query)
			continue
		}
		for _, e := range res.Errors {
			if code := e.Extensions["code"]; code != "BAD_USER_INPUT" {
				t.Errorf("%s: code %v (%s), want BAD_USER_INPUT", tt.query, code, e.Message)
			}
			if !strings.Contains(e.Message, tt.argument) {
				t.Errorf("%s: message %q does not name the argument %s", tt.query, e.Message, tt.argument)
			}
		}
	}
}
