package export

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a JSON document, at the line of the value
// it is about.
type Problem struct {
	Line int
	Msg  string
}

// String gives the problem as "line N: msg"; a caller that knows the file
// name puts it in front.
func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Msg) }

// ProblemsError lists every problem ReadJSON found, in line order, so one
// run shows all that needs fixing.
type ProblemsError struct {
	Problems []Problem
}

// Error gives one problem per line.
func (e *ProblemsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
