package export

import (
	"cmp"
	"slices"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// sortedNodes returns the nodes ordered by id, leaving the caller's slice as
// it was.
func sortedNodes(nodes []model.DocNode) []model.DocNode {
	out := slices.Clone(nodes)
	slices.SortStableFunc(out, func(a, b model.DocNode) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// sortedEdges returns the edges ordered by key, leaving the caller's slice as
// it was.
func sortedEdges(edges []model.DocEdge) []model.DocEdge {
	out := slices.Clone(edges)
	slices.SortStableFunc(out, func(a, b model.DocEdge) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// isRelationType reports whether typ has the form of a relationship type:
// an upper-case letter, then upper-case letters and underscores. The CSV
// writer relies on it too, since the type becomes part of a file name.
func isRelationType(typ string) bool {
	if typ == "" || typ[0] < 'A' || typ[0] > 'Z' {
		return false
	}
	for i := 1; i < len(typ); i++ {
		if c := typ[i]; (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}
