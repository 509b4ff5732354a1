// Package model holds the types the GraphQL API returns and the store fills:
// the entities of the graph, their relationships, sources, dates and the
// error codes every layer shares.
package model

import "strings"

// Labels lists the node labels of the graph, one per entity type, in the order
// the API documents them.
var Labels = []string{"Instrument", "Body", "Project", "Country", "Resource", "Event", "MonitoringRound", "Topic"}

// IsLabel reports whether label is one of Labels.
func IsLabel(label string) bool {
	for _, l := range Labels {
		if l == label {
			return true
		}
	}
	return false
}

// LabelOf returns the node label of an entity type.
func LabelOf(t EntityType) string {
	switch t {
	case EntityTypeInstrument:
		return "Instrument"
	case EntityTypeBody:
		return "Body"
	case EntityTypeProject:
		return "Project"
	case EntityTypeCountry:
		return "Country"
	case EntityTypeResource:
		return "Resource"
	case EntityTypeEvent:
		return "Event"
	case EntityTypeMonitoringRound:
		return "MonitoringRound"
	default:
		return "Topic"
	}
}

// Source is the document or page a fact was read from.
type Source struct {
	URL       *string `json:"url,omitempty"`
	Title     string  `json:"title"`
	Retrieved *Date   `json:"retrieved,omitempty"`
}

// Entity carries what every node of the graph has. The typed nodes embed it,
// so one decoder serves them all.
type Entity struct {
	ID        string
	Label     string
	Name      string
	NameFr    *string
	ShortName *string
	Acronym   *string
	Aliases   []string
	// Properties holds every other property the sources give, by name.
	Properties map[string]any
	Sources    []Source
	// Version counts the changes the node has had; an update must name
	// the version it read.
	Version int
}

// IsNode marks the Node interface; sources are read from the embedded field.
func (Entity) IsNode() {}

// GetID returns the node id.
func (e Entity) GetID() string { return e.ID }

// GetName returns the English name.
func (e Entity) GetName() string { return e.Name }

// GetSources returns the node's sources.
func (e Entity) GetSources() []Source { return e.Sources }

// GetVersion returns how many times the node has changed.
func (e Entity) GetVersion() int { return e.Version }

func (e Entity) str(key string) *string {
	if s, ok := e.Properties[key].(string); ok && s != "" {
		return &s
	}
	return nil
}

func (e Entity) date(key string) *Date {
	s := e.str(key)
	if s == nil {
		return nil
	}
	// Free text such as "2016-2021" is a period, not a date: it stays in
	// properties only.
	d, err := ParseDate(*s)
	if err != nil {
		return nil
	}
	return &d
}

// Instrument is a convention, protocol, recommendation, strategy or other text.
type Instrument struct{ Entity }

// Number returns the treaty number ("CETS 201"), or nil for non-treaties.
func (i Instrument) Number() *string { return i.str("number") }

// Opened returns the date the treaty was opened for signature.
func (i Instrument) Opened() *Date { return i.date("opened") }

// OpenedPlace returns where the treaty was opened for signature.
func (i Instrument) OpenedPlace() *string { return i.str("openedPlace") }

// EntryIntoForce returns the date the treaty entered into force.
func (i Instrument) EntryIntoForce() *Date { return i.date("entryIntoForce") }

// Body is a committee, office, organisation or alliance.
type Body struct{ Entity }

// Project is a co-operation project.
type Project struct{ Entity }

// StartDate returns the date the project started, where known.
func (p Project) StartDate() *Date { return p.date("startDate") }

// EndDate returns the date the project ended or ends, where known.
func (p Project) EndDate() *Date { return p.date("endDate") }

// Country is a state.
type Country struct{ Entity }

// Iso2 returns the ISO 3166-1 alpha-2 code.
func (c Country) Iso2() string {
	if s := c.str("iso2"); s != nil {
		return *s
	}
	return ""
}

// Iso3 returns the ISO 3166-1 alpha-3 code, where recorded.
func (c Country) Iso3() *string { return c.str("iso3") }

// CoeStatus returns the state's place in the Council of Europe.
func (c Country) CoeStatus() CoeStatus {
	if s := c.str("coeStatus"); s != nil && IsCoEStatus(*s) {
		return CoeStatus(strings.ToUpper(*s))
	}
	return CoeStatusNonMember
}

// CoeAccession returns the date the state joined (or became an observer).
func (c Country) CoeAccession() *Date { return c.date("coeAccession") }

// CoeLeft returns the date the state left the Council of Europe.
func (c Country) CoeLeft() *Date { return c.date("coeLeft") }

// Resource is a handbook, guide, report, course or other publication.
type Resource struct{ Entity }

// Published returns the date or year of publication, where known.
func (r Resource) Published() *Date { return r.date("published") }

// Event is a conference, awareness day, plenary or training.
type Event struct{ Entity }

// StartDate returns the first day of the event, where known.
func (e Event) StartDate() *Date { return e.date("startDate") }

// EndDate returns the last day of the event, where known.
func (e Event) EndDate() *Date { return e.date("endDate") }

// MonitoringRound is a monitoring round of the Lanzarote Committee.
type MonitoringRound struct{ Entity }

// Topic is a subject the field works on.
type Topic struct{ Entity }

// Typed wraps an entity in the Go type of its label, so GraphQL resolves the
// Node interface to the right object type.
func Typed(e Entity) Node {
	switch e.Label {
	case "Instrument":
		return Instrument{e}
	case "Body":
		return Body{e}
	case "Project":
		return Project{e}
	case "Country":
		return Country{e}
	case "Resource":
		return Resource{e}
	case "Event":
		return Event{e}
	case "MonitoringRound":
		return MonitoringRound{e}
	default:
		return Topic{e}
	}
}

// EntityOf returns the entity inside a typed node.
func EntityOf(n Node) Entity {
	switch v := n.(type) {
	case Instrument:
		return v.Entity
	case Body:
		return v.Entity
	case Project:
		return v.Entity
	case Country:
		return v.Entity
	case Resource:
		return v.Entity
	case Event:
		return v.Entity
	case MonitoringRound:
		return v.Entity
	case Topic:
		return v.Entity
	}
	return Entity{}
}

// TreatyParticipation is a state's signature and ratification of a treaty.
type TreatyParticipation struct {
	Instrument     Instrument
	Country        Country
	Signed         *Date
	Ratified       *Date
	Action         *string
	EntryIntoForce *Date
	// HasSigned is set when a signature is recorded, dated or not.
	HasSigned bool
	// Party is set once the state has ratified, acceded, accepted or
	// approved, whether or not the sources give the date or the route.
	Party bool
	// Disputed is set where the sources disagree on, or are silent about, the
	// state's current status.
	Disputed bool
	// SignatureRead and RatificationRead are the days the signature's and
	// the ratification's sources were first read: an undated step happened
	// by then.
	SignatureRead    *Date
	RatificationRead *Date
	Sources          []Source
}
