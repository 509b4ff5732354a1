package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Coverage reads, in one statement, everything a coverage matrix needs: the
// nodes with the given instrument ids, the countries matching where (a
// *CountryWhere or nil) on day ordered by name then id, at most max of them,
// and each one's signatures, ratifications and disputed statuses of those
// instruments. One statement rather than three because the matrix is a
// dashboard's staple and each round trip is a good part of its cost.
func (s *Store) Coverage(ctx context.Context, instruments []string, where any, day model.Date, max int) (model.CoverageData, error) {
	const op = "coverage"
	b := newBuilder(nil, day)
	filter, err := b.where("n", where)
	if err != nil {
		return model.CoverageData{}, err
	}
	name, _ := sortExpr("Country", "NAME")
	cypher := fmt.Sprintf(`
CALL () {
  UNWIND %[1]s AS iid
  MATCH (i:Entity {id: iid})
  RETURN collect(i) AS insts
}
CALL () {
  MATCH (n:Country) WHERE %[2]s AND %[3]s
  WITH n, %[4]s AS k0, n.id AS kid ORDER BY k0, kid LIMIT %[5]s
  WITH n, COLLECT { MATCH (n)-[q:SIGNED|RATIFIED|STATUS_UNKNOWN]->(i:Instrument) WHERE i.id IN %[1]s RETURN {i: i.id, q: q} } AS parts
  RETURN collect({node: n, parts: parts}) AS rows
}
RETURN insts, rows`, b.param(instruments), asOfCondition("n"), filter, name.expr, b.param(max+1))
	res, err := s.read(ctx, op, cypher, b.params)
	if err != nil {
		return model.CoverageData{}, err
	}
	if len(res.Records) != 1 {
		return model.CoverageData{}, fmt.Errorf("%s: %d records, want 1", op, len(res.Records))
	}
	rec := res.Records[0]
	insts, _, err := neo4j.GetRecordValue[[]any](rec, "insts")
	if err != nil {
		return model.CoverageData{}, fmt.Errorf("%s: %w", op, err)
	}
	rows, _, err := neo4j.GetRecordValue[[]any](rec, "rows")
	if err != nil {
		return model.CoverageData{}, fmt.Errorf("%s: %w", op, err)
	}
	out := model.CoverageData{
		Instruments:    make(map[string]model.Entity, len(insts)),
		Participations: map[string]map[string]model.TreatyParticipation{},
	}
	for _, v := range insts {
		n, ok := v.(dbtype.Node)
		if !ok {
			return model.CoverageData{}, fmt.Errorf("%s: instrument is %T", op, v)
		}
		e := decodeNode(n)
		out.Instruments[e.ID] = e
	}
	for _, v := range rows {
		row, ok := v.(map[string]any)
		if !ok {
			return model.CoverageData{}, fmt.Errorf("%s: row is %T", op, v)
		}
		n, ok := row["node"].(dbtype.Node)
		if !ok {
			return model.CoverageData{}, fmt.Errorf("%s: country is %T", op, row["node"])
		}
		if len(out.Countries) == max {
			out.More = true
			break
		}
		c := decodeNode(n)
		out.Countries = append(out.Countries, c)
		parts, _ := row["parts"].([]any)
		for _, pv := range parts {
			part, ok := pv.(map[string]any)
			if !ok {
				return model.CoverageData{}, fmt.Errorf("%s: participation is %T", op, pv)
			}
			iid, _ := part["i"].(string)
			byCountry := out.Participations[iid]
			if byCountry == nil {
				byCountry = map[string]model.TreatyParticipation{}
				out.Participations[iid] = byCountry
			}
			p := byCountry[c.ID]
			fillParticipation(&p, part["q"])
			byCountry[c.ID] = p
		}
	}
	return out, nil
}
