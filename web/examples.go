// Package web holds what the service serves to browsers: the explorer and
// GraphiQL, built from web/explorer into web/dist and embedded (see Mount),
// and the worked GraphQL examples that GraphiQL opens with.
package web

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed examples/*.graphql
var examples embed.FS

// Example is one worked query: the question it answers and its text.
type Example struct {
	Name     string
	Question string
	Query    string
}

// Examples returns the worked examples in their file order. Each file
// starts with a comment line that states the question.
func Examples() ([]Example, error) {
	names, err := fs.Glob(examples, "examples/*.graphql")
	if err != nil {
		return nil, fmt.Errorf("list examples: %w", err)
	}
	sort.Strings(names)
	out := make([]Example, 0, len(names))
	for _, name := range names {
		b, err := examples.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read example %s: %w", name, err)
		}
		text := string(b)
		first, _, _ := strings.Cut(text, "\n")
		if !strings.HasPrefix(first, "# ") {
			return nil, fmt.Errorf("example %s: the first line must be a comment stating the question", name)
		}
		out = append(out, Example{Name: strings.TrimSuffix(strings.TrimPrefix(name, "examples/"), ".graphql"),
			Question: strings.TrimPrefix(first, "# "), Query: text})
	}
	return out, nil
}
