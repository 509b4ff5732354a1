package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// WriteDiff prints a diff for people: one line per fact, "+" added, "-"
// removed, "~" changed with the fields that differ, then the totals.
func WriteDiff(w io.Writer, d model.Diff, applied bool) error {
	var b strings.Builder
	for _, e := range d.Entries {
		switch e.Op {
		case "add":
			fmt.Fprintf(&b, "+ %s %s %s\n", e.Kind, e.ID, compact(withoutVersion(e.After)))
		case "remove":
			fmt.Fprintf(&b, "- %s %s\n", e.Kind, e.ID)
		default:
			fmt.Fprintf(&b, "~ %s %s\n", e.Kind, e.ID)
			for _, f := range changedFields(e.Before, e.After) {
				fmt.Fprintf(&b, "    %s: %s -> %s\n", f, compact(e.Before[f]), compact(e.After[f]))
			}
		}
	}
	for _, k := range d.Kept {
		fmt.Fprintf(&b, "= kept as curated: %s\n", k)
	}
	verb := "would add"
	if applied {
		verb = "added"
	}
	fmt.Fprintf(&b, "%s %d, %s %d, %s %d facts", verb, d.Count("add"), strings.Replace(verb, "add", "change", 1), d.Count("change"),
		strings.Replace(verb, "add", "remove", 1), d.Count("remove"))
	if !applied && len(d.Entries) > 0 {
		b.WriteString("; nothing was written (run again with --apply to write them)")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func withoutVersion(f map[string]any) map[string]any {
	out := make(map[string]any, len(f))
	for k, v := range f {
		if k != "version" {
			out[k] = v
		}
	}
	return out
}

func changedFields(before, after map[string]any) []string {
	var out []string
	for k := range union(before, after) {
		if k == "version" {
			continue
		}
		if compact(before[k]) != compact(after[k]) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func union(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func compact(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
