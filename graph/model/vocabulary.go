package model

import "strings"

// rule says which labels a relationship type may join.
type rule struct{ from, to []string }

func (r rule) allows(from, to string) bool { return has(r.from, from) && has(r.to, to) }

func (r rule) String() string {
	return strings.Join(r.from, "|") + " to " + strings.Join(r.to, "|")
}

// CheckRelation tells whether a relationship of type typ may join a node
// labelled from to one labelled to; known is false for a type outside the
// vocabulary, and allowed then names the labels the type does join.
func CheckRelation(typ, from, to string) (known, ok bool, allowed string) {
	r, known := vocabulary[typ]
	if !known {
		return false, false, ""
	}
	return true, r.allows(from, to), r.String()
}

// IsRelationType reports whether typ is in the vocabulary.
func IsRelationType(typ string) bool {
	_, ok := vocabulary[typ]
	return ok
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// vocabulary is every relationship type the graph uses, with the labels it
// may join; docs/model.md describes each, and the schema's RelationType
// lists the same names.
var vocabulary = map[string]rule{
	"SIGNED":           {from: []string{"Country"}, to: []string{"Instrument"}},
	"RATIFIED":         {from: []string{"Country"}, to: []string{"Instrument"}},
	"STATUS_UNKNOWN":   {from: []string{"Country"}, to: []string{"Instrument"}},
	"TARGETS":          {from: []string{"Project"}, to: []string{"Country"}},
	"ADDRESSES":        {from: []string{"Event", "Instrument", "MonitoringRound", "Project", "Resource"}, to: []string{"Instrument", "Topic"}},
	"PART_OF":          {from: []string{"Body", "Event", "Instrument", "Resource"}, to: []string{"Body", "Event", "MonitoringRound", "Project"}},
	"FUNDED_BY":        {from: []string{"Project"}, to: []string{"Body", "Country"}},
	"ORGANISED_BY":     {from: []string{"Event", "MonitoringRound"}, to: []string{"Body", "Project"}},
	"SUPPORTS":         {from: []string{"Body", "Event", "Project", "Resource"}, to: []string{"Body", "Event", "Instrument", "Project"}},
	"IMPLEMENTED_BY":   {from: []string{"Project"}, to: []string{"Body"}},
	"SUCCEEDS":         {from: []string{"Body", "Event", "Instrument", "MonitoringRound", "Project", "Resource"}, to: []string{"Body", "Event", "Instrument", "MonitoringRound", "Project", "Resource"}},
	"ADOPTED_BY":       {from: []string{"Instrument", "Project", "Resource"}, to: []string{"Body", "Event"}},
	"PUBLISHED_BY":     {from: []string{"Instrument", "Resource"}, to: []string{"Body", "Project"}},
	"PARTICIPATED_IN":  {from: []string{"Body", "Project"}, to: []string{"Event", "Project"}},
	"PREPARED_BY":      {from: []string{"Instrument", "Resource"}, to: []string{"Body"}},
	"COVERS":           {from: []string{"Resource"}, to: []string{"Country"}},
	"ESTABLISHED_BY":   {from: []string{"Body", "Event", "Resource"}, to: []string{"Body", "Instrument", "Project"}},
	"PRESENTED_AT":     {from: []string{"Instrument", "Resource"}, to: []string{"Event"}},
	"ADOPTED_AT":       {from: []string{"Event", "Instrument", "Resource"}, to: []string{"Event"}},
	"BASED_ON":         {from: []string{"Instrument", "Resource"}, to: []string{"Instrument", "Resource"}},
	"EVALUATED":        {from: []string{"MonitoringRound"}, to: []string{"Country"}},
	"LOCATED_IN":       {from: []string{"Body"}, to: []string{"Country"}},
	"MONITORS":         {from: []string{"Body"}, to: []string{"Instrument"}},
	"COMPLEMENTS":      {from: []string{"Body", "Instrument", "Resource"}, to: []string{"Body", "Instrument", "Resource"}},
	"DISCUSSED_AT":     {from: []string{"Instrument"}, to: []string{"Event"}},
	"HELD_IN":          {from: []string{"Event"}, to: []string{"Country"}},
	"CO_OPERATES_WITH": {from: []string{"Body", "Project"}, to: []string{"Body"}},
	"INTERPRETS":       {from: []string{"Instrument"}, to: []string{"Instrument"}},
	"LAUNCHED_IN":      {from: []string{"Instrument", "Project"}, to: []string{"Country"}},
	"MEMBER_OF":        {from: []string{"Body", "Country"}, to: []string{"Body"}},
	"REPORTS_TO":       {from: []string{"Body"}, to: []string{"Body"}},
	"SUPPLEMENTS":      {from: []string{"Instrument"}, to: []string{"Instrument"}},
	"ADVISES":          {from: []string{"Body"}, to: []string{"Body"}},
	"DEROGATES_FROM":   {from: []string{"Instrument"}, to: []string{"Instrument"}},
	"PARTY_TO":         {from: []string{"Country"}, to: []string{"Instrument"}},
}
