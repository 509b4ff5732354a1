package model

// Hop is one typed step from a node: a relationship type, which way it
// points and the label of the node at the far end (any entity when empty). The typed relationship
// fields of the API are hops.
type Hop struct {
	Type  string
	Out   bool
	Label string
}

// The typed relationship fields, by what they answer.
var (
	HopMonitoredBy    = Hop{Type: "MONITORS", Out: false, Label: "Body"}
	HopMonitors       = Hop{Type: "MONITORS", Out: true, Label: "Instrument"}
	HopSupplements    = Hop{Type: "SUPPLEMENTS", Out: true, Label: "Instrument"}
	HopSupplementedBy = Hop{Type: "SUPPLEMENTS", Out: false, Label: "Instrument"}
	HopSupportedBy    = Hop{Type: "SUPPORTS", Out: false, Label: "Project"}
	HopSupports       = Hop{Type: "SUPPORTS", Out: true, Label: "Instrument"}
	HopPartOf         = Hop{Type: "PART_OF", Out: true, Label: "Body"}
	HopParts          = Hop{Type: "PART_OF", Out: false, Label: "Body"}
	HopImplements     = Hop{Type: "IMPLEMENTED_BY", Out: false, Label: "Project"}
	HopImplementedBy  = Hop{Type: "IMPLEMENTED_BY", Out: true, Label: "Body"}
	HopFunds          = Hop{Type: "FUNDED_BY", Out: false, Label: "Project"}
	HopFundedBy       = Hop{Type: "FUNDED_BY", Out: true}
	HopTargets        = Hop{Type: "TARGETS", Out: true, Label: "Country"}
	HopTargetedBy     = Hop{Type: "TARGETS", Out: false, Label: "Project"}
)

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
}

// Page is one page of a list ordered by id.
type Page struct {
	Entities []Entity
	Total    int
	HasNext  bool
}
