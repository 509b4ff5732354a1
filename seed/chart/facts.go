package chart

import (
	"sort"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Facts builds the relationships a chart states, shaped as the seed's
// treaty_parties.csv yields them: Country -SIGNED-> Instrument with "date",
// and Country -RATIFIED-> Instrument with "date", "action" and
// "entryIntoForce" where known. Rows countryOf has no country for are left
// out; Match reports those.
//
// A RATIFIED fact is made for a ratification date, and for a signature
// without reservation as to ratification ("s"), which makes the state a
// party with no ratification of its own. A succession gets no "action": the
// graph knows only ratification, accession, acceptance and approval, so the
// "su" stays in "chartNotes", which keeps the Notes cell whenever it says
// more than the action recorded.
//
// Facts come ordered by country id, then type.
func Facts(instrumentID string, rows []Row, countryOf map[int]string, source model.Source) []model.RelationRecord {
	var out []model.RelationRecord
	for _, row := range rows {
		country, ok := countryOf[row.Line]
		if !ok {
			continue
		}
		add := func(typ string, props map[string]any) {
			out = append(out, model.RelationRecord{From: country, Type: typ, To: instrumentID,
				Properties: props, Sources: []model.Source{source}})
		}
		act := row.Action
		if act != ActionRatification && act != ActionAccession {
			act = ""
		}
		notes := chartNotes(row.Notes, act)
		if row.Signed != nil {
			add(model.RelSigned, withNotes(map[string]any{"date": string(*row.Signed)}, notes))
		}
		if row.Ratified == nil && !definitive(row.Notes) {
			continue
		}
		props := map[string]any{}
		if row.Ratified != nil {
			props["date"] = string(*row.Ratified)
			if act != "" {
				props["action"] = act
			}
		}
		if row.EntryIntoForce != nil {
			props["entryIntoForce"] = string(*row.EntryIntoForce)
		}
		add(model.RelRatified, withNotes(props, notes))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// chartNotes returns the Notes cell unless it holds nothing but the code of
// the action the facts record, which would say the same thing twice.
func chartNotes(notes, recorded string) string {
	codes := noteCodes(notes)
	if recorded == ActionAccession && len(codes) == 1 && codes[0] == codeAccession {
		return ""
	}
	return notes
}

func withNotes(props map[string]any, notes string) map[string]any {
	if notes != "" {
		props["chartNotes"] = notes
	}
	return props
}
