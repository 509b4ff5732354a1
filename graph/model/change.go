package model

import "time"

// The kinds of change the audit trail records.
const (
	ChangeCreateEntity = "CREATE_ENTITY"
	ChangeUpdateEntity = "UPDATE_ENTITY"
	ChangeDeleteEntity = "DELETE_ENTITY"
	ChangeLink         = "LINK"
	ChangeUpdateLink   = "UPDATE_LINK"
	ChangeUnlink       = "UNLINK"
)

// Origins: who keeps a node or relationship up to date. The seed loader
// only ever touches what it owns, so a curator's change is never undone by
// the next load.
const (
	OriginSeed     = "seed"
	OriginCuration = "curation"
)

// Actor is who makes a change: the principal's name and role.
type Actor struct {
	Name string
	Role string
}

// Change is one entry of the audit trail: one fact created, changed or
// removed, with its state before and after (nil when there was none).
type Change struct {
	ID string
	// Seq is the entry's place in the trail: entries are numbered from 1 in
	// the order their transactions committed, with no number used twice.
	Seq      int64
	At       time.Time
	Actor    Actor
	Action   string
	EntityID *string
	// RelationKey, RelationType, From and To are set for a relationship.
	RelationKey  *string
	RelationType *string
	From, To     *string
	Before       map[string]any
	After        map[string]any
	Sources      []Source
	// Batch groups the changes of one import.
	Batch *string
	// IdempotencyKey is the key the change was written under, if any.
	IdempotencyKey *string
}

// ChangeFilter selects audit entries: at or after Since, about one entity
// (as the node, or as an end of a relationship) when Entity is set.
type ChangeFilter struct {
	Since  *time.Time
	Entity *string
}

// ChangePage is one page of the audit trail, oldest first.
type ChangePage struct {
	Changes []Change
	Total   int
	HasNext bool
}

// DiffEntry is one fact an import adds, changes or removes: a node by id or
// a relationship by key, with its state before and after (nil for none).
type DiffEntry struct {
	Op     string // "add", "change" or "remove"
	Kind   string // "node" or "relationship"
	ID     string
	Before map[string]any
	After  map[string]any
}

// Diff is what an import does, or would do: its entries in a stable order
// (nodes before relationships, then by id), and the facts it names but leaves
// alone, such as seed facts a curator has since changed or removed.
type Diff struct {
	Entries []DiffEntry
	Kept    []string
}

// Count returns how many entries have the given operation.
func (d Diff) Count(op string) int {
	n := 0
	for _, e := range d.Entries {
		if e.Op == op {
			n++
		}
	}
	return n
}
