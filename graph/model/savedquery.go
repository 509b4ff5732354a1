package model

import (
	"fmt"
	"regexp"
	"time"
)

// ChangeSaveQuery is the audit trail's entry for a saved query a curator
// added.
const ChangeSaveQuery = "SAVE_QUERY"

// MaxSavedQueryBytes bounds a saved query's text: well above any real
// dashboard's query, well below a request body.
const MaxSavedQueryBytes = 20000

// SavedQuery is a named trusted document: a GraphQL query that GET
// /q/{name} runs with the variables of its URL. The repository's own live in
// queries/; curators add more, which the graph keeps.
type SavedQuery struct {
	Name        string
	Description string
	Document    string
	// InRepository is set for the repository's queries, which no curator
	// can replace.
	InRepository bool
	// SavedBy and SavedAt say who added a curator's query, and when.
	SavedBy *string
	SavedAt *time.Time
}

// Path returns the path that runs the query.
func (q SavedQuery) Path() string { return "/q/" + q.Name }

var savedQueryName = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)

// SavedQueryNameProblem says what is wrong with a saved query's name, or ""
// when nothing is: a name goes into a URL path and a file name, so it is
// lower-case letters, digits and inner hyphens, at most 64 of them.
func SavedQueryNameProblem(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > 64:
		return "longer than 64 characters"
	case !savedQueryName.MatchString(name):
		return fmt.Sprintf("%q: use lower-case letters, digits and hyphens, starting and ending with a letter or digit", name)
	}
	return ""
}
