package resolvers

import "github.com/coe-child-online/knowledge-graph/graph/model"

// maxGroupNodes is the most nodes a group of a group-by lists.
const maxGroupNodes = 100

// plannedOnly is the error of an analytics field (aggregate, groupBy,
// values) reached where the read planner does not answer: they are
// compiled into the planner's statement, which counts and groups every
// result of a connection at once, and have no level-by-level resolver.
func plannedOnly(field string) error {
	return model.Errorf(model.CodeBadUserInput, "%s is answered below the root lists, entity fields (node, instrument, country...), search and the explore fields; ask for it there", field)
}
