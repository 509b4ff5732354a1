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
	// Properties holds every other property the sources give, by name,
	// those the typed fields read included (LongTail leaves them out).
	Properties map[string]any
	Sources    []Source
	// Variants are the values the sources give for properties with
	// sources of their own, several where the sources disagree.
	Variants []Variant
	// StatedFigures are figures the sources state, such as a count of
	// parties, kept beside what the graph can count itself.
	StatedFigures []StatedFigure
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

// typedKeys are, per label, the properties the typed fields below read:
// the API answers them there, so LongTail leaves them out of `properties`.
// Each typed field reads exactly the key listed for it.
var typedKeys = map[string][]string{
	"Instrument": {KeyNumber, KeyOpened, KeyOpenedPlace, KeyEntryIntoForce},
	"Project":    {KeyStartDate, KeyEndDate},
	"Country":    {KeyIso2, KeyIso3, KeyCoeStatus, KeyCoeAccession, KeyCoeLeft},
	"Resource":   {KeyPublished},
	"Event":      {KeyStartDate, KeyEndDate},
}

// The property keys the typed fields read.
const (
	KeyNumber         = "number"
	KeyOpened         = "opened"
	KeyOpenedPlace    = "openedPlace"
	KeyEntryIntoForce = "entryIntoForce"
	KeyStartDate      = "startDate"
	KeyEndDate        = "endDate"
	KeyIso2           = "iso2"
	KeyIso3           = "iso3"
	KeyCoeStatus      = "coeStatus"
	KeyCoeAccession   = "coeAccession"
	KeyCoeLeft        = "coeLeft"
	KeyPublished      = "published"
)

// IsTypedKey reports whether a typed field of label reads key.
func IsTypedKey(label, key string) bool {
	for _, k := range typedKeys[label] {
		if k == key {
			return true
		}
	}
	return false
}

// LongTail returns the properties no typed field answers: what the API's
// `properties` shows, so that each fact appears in one place. Nil when
// nothing is left.
func (e Entity) LongTail() map[string]any {
	out := make(map[string]any, len(e.Properties))
	for k, v := range e.Properties {
		if !IsTypedKey(e.Label, k) {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// GetVariants returns the node's variants, never nil.
func (e Entity) GetVariants() []Variant {
	if e.Variants == nil {
		return []Variant{}
	}
	return e.Variants
}

// GetStatedFigures returns the figures the sources state, never nil.
func (e Entity) GetStatedFigures() []StatedFigure {
	if e.StatedFigures == nil {
		return []StatedFigure{}
	}
	return e.StatedFigures
}

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
func (i Instrument) Number() *string { return i.str(KeyNumber) }

// Opened returns the date the treaty was opened for signature.
func (i Instrument) Opened() *Date { return i.date(KeyOpened) }

// OpenedPlace returns where the treaty was opened for signature.
func (i Instrument) OpenedPlace() *string { return i.str(KeyOpenedPlace) }

// EntryIntoForce returns the date the treaty entered into force.
func (i Instrument) EntryIntoForce() *Date { return i.date(KeyEntryIntoForce) }

// Body is a committee, office, organisation or alliance.
type Body struct{ Entity }

// Project is a co-operation project.
type Project struct{ Entity }

// StartDate returns the date the project started, where known.
func (p Project) StartDate() *Date { return p.date(KeyStartDate) }

// EndDate returns the date the project ended or ends, where known.
func (p Project) EndDate() *Date { return p.date(KeyEndDate) }

// Country is a state.
type Country struct{ Entity }

// CountryID returns the id of the country an API caller names by its id
// ("country-mu") or its ISO 3166-1 alpha-2 code ("MU").
func CountryID(id string) string {
	if len(id) == 2 {
		return "country-" + strings.ToLower(id)
	}
	return id
}

// Iso2 returns the ISO 3166-1 alpha-2 code.
func (c Country) Iso2() string {
	if s := c.str(KeyIso2); s != nil {
		return *s
	}
	return ""
}

// Iso3 returns the ISO 3166-1 alpha-3 code, where recorded.
func (c Country) Iso3() *string { return c.str(KeyIso3) }

// CoeStatus returns the state's place in the Council of Europe.
func (c Country) CoeStatus() CoeStatus {
	if s := c.str(KeyCoeStatus); s != nil && IsCoEStatus(*s) {
		return CoeStatus(strings.ToUpper(*s))
	}
	return CoeStatusNonMember
}

// CoeAccession returns the date the state joined (or became an observer).
func (c Country) CoeAccession() *Date { return c.date(KeyCoeAccession) }

// CoeLeft returns the date the state left the Council of Europe.
func (c Country) CoeLeft() *Date { return c.date(KeyCoeLeft) }

// Resource is a handbook, guide, report, course or other publication.
type Resource struct{ Entity }

// Published returns the date or year of publication, where known.
func (r Resource) Published() *Date { return r.date(KeyPublished) }

// Event is a conference, awareness day, plenary or training.
type Event struct{ Entity }

// StartDate returns the first day of the event, where known.
func (e Event) StartDate() *Date { return e.date(KeyStartDate) }

// EndDate returns the last day of the event, where known.
func (e Event) EndDate() *Date { return e.date(KeyEndDate) }

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
	// Variants are the values the sources give for the participation's
	// dates where they disagree: signed, ratified or entryIntoForce.
	Variants []Variant
}
