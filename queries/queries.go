// Package queries holds the repository's saved queries: named trusted
// documents that GET /q/{name} runs with the variables of its URL. Each
// file is one query operation; its name is the file's name without
// ".graphql", and its first line is a comment that says what it answers.
package queries

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

//go:embed *.graphql
var files embed.FS

// All returns the repository's saved queries by name order. A file whose
// name or first line breaks the rules is an error: the repository's own
// queries must all load.
func All() ([]model.SavedQuery, error) {
	names, err := fs.Glob(files, "*.graphql")
	if err != nil {
		return nil, fmt.Errorf("list saved queries: %w", err)
	}
	sort.Strings(names)
	out := make([]model.SavedQuery, 0, len(names))
	for _, file := range names {
		b, err := files.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read saved query %s: %w", file, err)
		}
		name := strings.TrimSuffix(file, ".graphql")
		if p := model.SavedQueryNameProblem(name); p != "" {
			return nil, fmt.Errorf("saved query queries/%s: the name %s", file, p)
		}
		text := string(b)
		first, _, _ := strings.Cut(text, "\n")
		if !strings.HasPrefix(first, "# ") {
			return nil, fmt.Errorf("saved query queries/%s:1: the first line must be a comment saying what the query answers", file)
		}
		out = append(out, model.SavedQuery{Name: name, Description: strings.TrimPrefix(first, "# "), Document: text, InRepository: true})
	}
	return out, nil
}
