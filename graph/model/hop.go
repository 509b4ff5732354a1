package model

// Hop is one typed step from a node: a relationship type, which way it
// points and the label of the node at the far end (any entity when empty).
// The typed relationship fields of the API are hops, declared in the schema
// with @relation.
type Hop struct {
	Type  string
	Out   bool
	Label string
}

// Treaty relationship types between a country and an instrument.
const (
	RelSigned        = "SIGNED"
	RelRatified      = "RATIFIED"
	RelStatusUnknown = "STATUS_UNKNOWN"
)

// RelationRecord is a relationship as the seed files give it.
type RelationRecord struct {
	From       string
	Type       string
	To         string
	Properties map[string]any
	Sources    []Source
	// Variants are the values the sources give for properties of the
	// relationship where they disagree.
	Variants []Variant
}

// SortSpec is one sort key of a list: a sort enum value of the schema and
// its direction. Language says whose names, in whose alphabetical order,
// NAME sorts by; the zero value is English.
type SortSpec struct {
	Field    string
	Desc     bool
	Language Language
}

// Cursor is a decoded position in a list: the sort keys of the last row
// seen, the id last.
type Cursor struct {
	Keys []any
}

// PageRequest says which page of a connection to read and on which day.
type PageRequest struct {
	First int
	After *Cursor
	// AsOf hides facts not yet, or no longer, true on that day; nil shows
	// the graph as it is.
	AsOf *Date
	// Day is the day treaty statuses are computed for: AsOf, or today.
	Day Date
	// SkipTotal leaves the page's Total at 0: counting every match costs
	// the database as much again as reading the page, so it is done only
	// when the total is asked for.
	SkipTotal bool
	// Language says whose names, in whose alphabetical order, order a
	// connection ordered by name; the zero value is English.
	Language Language
}

// RelInfo is the relationship that leads to a node of a page.
type RelInfo struct {
	Type       string
	Outgoing   bool
	Properties map[string]any
	Sources    []Source
	Key        string
	Version    int
}

// PageItem is one row of a page with its sort keys (for its cursor).
type PageItem struct {
	Entity Entity
	Rel    *RelInfo
	Keys   []any
}

// EntityPage is one page of a connection.
type EntityPage struct {
	Items   []PageItem
	Total   int
	HasNext bool
}

// ParticipationItem is one state-treaty pair of a page.
type ParticipationItem struct {
	Participation TreatyParticipation
	Keys          []any
}

// ParticipationPage is one page of state-treaty pairs.
type ParticipationPage struct {
	Items   []ParticipationItem
	Total   int
	HasNext bool
}
