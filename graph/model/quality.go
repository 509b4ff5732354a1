package model

import (
	"sort"
)

// participationProperty names the dates of a participation as the API does
// (PartyEdge.signed, .ratified, .entryIntoForce), by relationship type and
// the relationship's own property.
var participationProperty = map[string]map[string]string{
	RelSigned:   {"date": "signed"},
	RelRatified: {"date": "ratified", "entryIntoForce": "entryIntoForce"},
}

// ParticipationVariants returns the variants of a signature or ratification
// relationship named as the participation's fields: a RATIFIED date is
// "ratified".
func ParticipationVariants(relType string, vs []Variant) []Variant {
	out := make([]Variant, 0, len(vs))
	for _, v := range vs {
		if p, ok := participationProperty[relType][v.Property]; ok {
			v.Property = p
		}
		out = append(out, v)
	}
	return out
}

// signedFirst are the routes to becoming a party that follow a signature;
// accession needs none.
var signedFirst = map[string]bool{"ratification": true, "acceptance": true, "approval": true}

// MissingDates says which dates of a participation the graph lacks, for
// steps that happened only: a signature where one is recorded or the route
// to party status (ratification, acceptance, approval) needs one; the
// deposit for a party; entry into force for a party when the treaty itself
// is in force.
func (p TreatyParticipation) MissingDates(treatyInForce bool) (signature, ratification, entryIntoForce bool) {
	signedHappened := p.HasSigned || (p.Party && p.Action != nil && signedFirst[*p.Action])
	return signedHappened && p.Signed == nil,
		p.Party && p.Ratified == nil,
		p.Party && treatyInForce && p.EntryIntoForce == nil
}

// SingleSecondarySource reports whether sources is one secondary source:
// the weakest ground a fact can stand on.
func SingleSecondarySource(sources []Source) bool {
	return len(sources) == 1 && RankOf(sources[0]) == RankOther
}

// QualityFact is a node or relationship as the data-quality report names
// it: its id (or key), a description, its sources and its variants.
type QualityFact struct {
	Kind        FactKind
	ID          string
	Description string
	Sources     []Source
	Variants    []Variant
	// Participation marks a signature or ratification: its sources are
	// counted per treaty, not listed.
	Participation bool
}

// QualityData is what the data-quality report is drawn from: every treaty
// participation, by instrument, and the facts that rest on one source or
// have variants.
type QualityData struct {
	Instruments map[string]Entity
	// Participations holds, per instrument id, each state's participation.
	Participations map[string][]TreatyParticipation
	Facts          []QualityFact
}

// Quality builds the data-quality report: per treaty the participation
// dates missing for steps that happened, the routes and statuses unknown,
// the rows resting on one secondary source and those with disputed dates;
// then the other facts resting on one secondary source, and every property
// with more than one value.
func Quality(d QualityData) DataQuality {
	out := DataQuality{Treaties: []TreatyQuality{}, SingleSecondarySource: []FactRef{}, Disputed: []DisputedFact{}}
	ids := make([]string, 0, len(d.Participations))
	for id := range d.Participations {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		inst := Instrument{d.Instruments[id]}
		inForce := inst.EntryIntoForce() != nil
		row := TreatyQuality{Instrument: &inst}
		parts := append([]TreatyParticipation(nil), d.Participations[id]...)
		sort.SliceStable(parts, func(i, j int) bool { return parts[i].Country.ID < parts[j].Country.ID })
		for _, p := range parts {
			row.Participations++
			sig, rat, eif := p.MissingDates(inForce)
			row.MissingSignatureDate += b2i(sig)
			row.MissingRatificationDate += b2i(rat)
			row.MissingEntryIntoForceDate += b2i(eif)
			row.UnknownRoute += b2i(p.Party && p.Action == nil)
			row.UnknownStatus += b2i(p.Disputed)
			row.SingleSecondarySource += b2i(SingleSecondarySource(p.Sources))
			row.Disputed += b2i(len(DisputedProperties(p.Variants)) > 0)
		}
		out.Treaties = append(out.Treaties, row)
	}
	facts := append([]QualityFact(nil), d.Facts...)
	sort.SliceStable(facts, func(i, j int) bool {
		if facts[i].Kind != facts[j].Kind {
			return facts[i].Kind == FactKindNode
		}
		return facts[i].ID < facts[j].ID
	})
	for _, f := range facts {
		ref := &FactRef{Kind: f.Kind, ID: f.ID, Description: f.Description, Sources: f.Sources}
		if SingleSecondarySource(f.Sources) && !f.Participation {
			out.SingleSecondarySource = append(out.SingleSecondarySource, *ref)
		}
		for _, prop := range DisputedProperties(f.Variants) {
			out.Disputed = append(out.Disputed, disputedFact(ref, prop, f.Variants))
		}
	}
	return out
}

func disputedFact(ref *FactRef, prop string, vs []Variant) DisputedFact {
	df := DisputedFact{Fact: ref, Property: prop, Values: []Variant{}}
	for _, v := range vs {
		if v.Property == prop {
			df.Values = append(df.Values, v)
		}
	}
	if v, ok := PreferredVariant(vs, prop); ok {
		df.Preferred = v
	}
	return df
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// DisputedFact is a property the sources disagree on: every value with its
// sources, and the one the property answers (nil when none can be
// preferred, and the property is then unknown).
type DisputedFact struct {
	Fact      *FactRef  `json:"fact"`
	Property  string    `json:"property"`
	Values    []Variant `json:"values"`
	Preferred any       `json:"preferred,omitempty"`
}
