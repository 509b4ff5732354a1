package model

// DocumentFormat names the layout of a GraphDocument, so an import can tell
// it from other JSON.
const DocumentFormat = "coe-child-online-graph/1"

// GraphDocument is the graph, or a part of it, as plain data: what an export
// writes and a restore reads. It carries everything needed to rebuild the
// part it holds, sources included.
type GraphDocument struct {
	Format string    `json:"format"`
	Nodes  []DocNode `json:"nodes"`
	Edges  []DocEdge `json:"edges"`
}

// DocNode is one node of a GraphDocument.
type DocNode struct {
	ID         string         `json:"id"`
	Label      string         `json:"label"`
	Name       string         `json:"name"`
	NameFr     *string        `json:"nameFr,omitempty"`
	ShortName  *string        `json:"shortName,omitempty"`
	Acronym    *string        `json:"acronym,omitempty"`
	Aliases    []string       `json:"aliases"`
	Properties map[string]any `json:"properties,omitempty"`
	Sources    []Source       `json:"sources"`
	// Variants and StatedFigures are the node's values the sources
	// disagree on and the figures they state.
	Variants      []Variant      `json:"variants,omitempty"`
	StatedFigures []StatedFigure `json:"statedFigures,omitempty"`
	// ManagedBy says who keeps the node up to date: "seed" for the seed
	// files, "curation" once a curator or an import changed it.
	ManagedBy string `json:"managedBy"`
	Version   int    `json:"version"`
}

// DocEdge is one relationship of a GraphDocument. Key identifies it across
// exports and imports: "from|TYPE|to|n".
type DocEdge struct {
	Key        string         `json:"key"`
	Type       string         `json:"type"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Properties map[string]any `json:"properties,omitempty"`
	Sources    []Source       `json:"sources"`
	Variants   []Variant      `json:"variants,omitempty"`
	ManagedBy  string         `json:"managedBy"`
	Version    int            `json:"version"`
}

// Entity returns the entity a document node describes.
func (n DocNode) Entity() Entity {
	return Entity{ID: n.ID, Label: n.Label, Name: n.Name, NameFr: n.NameFr, ShortName: n.ShortName,
		Acronym: n.Acronym, Aliases: n.Aliases, Properties: n.Properties, Sources: n.Sources,
		Variants: n.Variants, StatedFigures: n.StatedFigures}
}

// Record returns the relationship a document edge describes.
func (e DocEdge) Record() RelationRecord {
	return RelationRecord{From: e.From, Type: e.Type, To: e.To, Properties: e.Properties, Sources: e.Sources, Variants: e.Variants}
}
