package chart

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a chart, at the line it was found on.
// Lines are those of the CSV text, so a reader can go straight to them.
type Problem struct {
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Msg) }

// ProblemsError lists every problem found, in line order, so one run shows
// all that needs fixing. It carries no file name: callers know it and prefix
// it.
type ProblemsError struct{ Problems []Problem }

func (e *ProblemsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s) in the chart:\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// problems collects Problems while a chart is checked.
type problems []Problem

func (ps *problems) add(line int, format string, args ...any) {
	*ps = append(*ps, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was found, never a nil *ProblemsError in a
// non-nil interface.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Line < ps[j].Line })
	return &ProblemsError{Problems: ps}
}
