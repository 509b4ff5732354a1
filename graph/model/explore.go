package model

// Edge is one relationship of a path or a subgraph, in its own direction.
type Edge struct {
	Type       RelationType
	From       string
	To         string
	Properties map[string]any
	Sources    []Source
	// Key identifies the relationship for updates: "from|TYPE|to|n".
	Key     string
	Version int
	// Variants are the values the sources give for the relationship's
	// properties where they disagree.
	Variants []Variant
}

// Path is a chain of nodes; Edges[i] joins Nodes[i] and Nodes[i+1].
type Path struct {
	Length int
	Nodes  []Node
	Edges  []Edge
}

// Subgraph is a deduplicated set of nodes and the relationships between
// them, ready for a graph drawing library.
type Subgraph struct {
	Nodes     []Node
	Edges     []Edge
	Truncated bool
}

// LabelCount is how many nodes carry a label, or relationships a type.
type LabelCount struct {
	Label string
	Count int
}

// GraphStats sums up the graph.
type GraphStats struct {
	Nodes         []LabelCount
	Relationships []LabelCount
	NewestSource  *Date
}

// TimeBucket counts treaty actions in one period ("2009" or "2009-03").
type TimeBucket struct {
	Period string
	Count  int
	// Precision is YEAR or MONTH, nil for the undated bucket.
	Precision *DatePrecision
	// Undated marks the bucket of steps recorded without a date.
	Undated bool
}

// SearchHit is one full-text search result with its rank score.
type SearchHit struct {
	Entity Entity
	Score  float64
}

// Traversal narrows a path or neighbourhood search: which relationship
// types may be followed (all when empty) and the date the graph is seen at
// (today's graph when empty).
type Traversal struct {
	Types []string
	AsOf  *Date
	// NodesOnly skips reading the relationships between the nodes of a
	// neighbourhood, for callers that do not show them.
	NodesOnly bool
}

// SearchAfter is the position after which a search page starts: the score
// and id of the last hit seen.
type SearchAfter struct {
	Score float64
	ID    string
}

// CoverageData is what a coverage matrix is drawn from: the instruments
// asked for that exist, the states of its rows in order, and each state's
// participation in each instrument it has one in.
type CoverageData struct {
	Instruments map[string]Entity
	Countries   []Entity
	// Participations is keyed by instrument id, then country id.
	Participations map[string]map[string]TreatyParticipation
	// More says that more states matched than the matrix may hold.
	More bool
}

// ParticipationFilter narrows a treaty's or a state's participations: by
// the status on the page's day (any when empty) and, when Certain is set, by
// whether the sources settle it.
type ParticipationFilter struct {
	Statuses []TreatyStatus
	Certain  *bool
}

// UndatedPeriod is the period of the timeline bucket that counts the steps
// recorded without a date.
const UndatedPeriod = "undated"
