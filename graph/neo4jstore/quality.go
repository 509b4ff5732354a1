package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// QualityData reads, in one statement, what the data-quality report is
// drawn from: every treaty participation with its instrument, and the
// nodes and relationships that rest on one source or have variants.
func (s *Store) QualityData(ctx context.Context) (model.QualityData, error) {
	const op = "read data quality"
	res, err := s.read(ctx, op, `
CALL () {
  MATCH (c:Country)-[r:SIGNED|RATIFIED|STATUS_UNKNOWN]->(i:Instrument)
  WITH i, c, collect(r) AS rels
  RETURN collect({inst: i, country: c, rels: rels}) AS parts
}
CALL () {
  MATCH (n:Entity) WHERE size(n.sourceTitles) = 1 OR n.variants IS NOT NULL
  RETURN collect(n) AS nodes
}
CALL () {
  MATCH (a:Entity)-[r]->(b:Entity)
  WHERE size(r.sourceTitles) = 1 OR r.variants IS NOT NULL
  RETURN collect({from: a.id, to: b.id, rel: r}) AS rels
}
RETURN parts, nodes, rels`, nil)
	if err != nil {
		return model.QualityData{}, err
	}
	if len(res.Records) != 1 {
		return model.QualityData{}, fmt.Errorf("%s: %d records, want 1", op, len(res.Records))
	}
	rec := res.Records[0]
	out := model.QualityData{Instruments: map[string]model.Entity{}, Participations: map[string][]model.TreatyParticipation{}}
	parts, _ := rec.Values[0].([]any)
	for _, v := range parts {
		row, _ := v.(map[string]any)
		in, ok1 := row["inst"].(dbtype.Node)
		cn, ok2 := row["country"].(dbtype.Node)
		if !ok1 || !ok2 {
			return model.QualityData{}, fmt.Errorf("%s: participation row is %T", op, v)
		}
		inst, country := decodeNode(in), decodeNode(cn)
		out.Instruments[inst.ID] = inst
		p := model.TreatyParticipation{Instrument: model.Instrument{Entity: inst}, Country: model.Country{Entity: country}}
		rels, _ := row["rels"].([]any)
		fillParticipation(&p, rels...)
		out.Participations[inst.ID] = append(out.Participations[inst.ID], p)
	}
	nodes, _ := rec.Values[1].([]any)
	for _, v := range nodes {
		n, ok := v.(dbtype.Node)
		if !ok {
			return model.QualityData{}, fmt.Errorf("%s: node is %T", op, v)
		}
		e := decodeNode(n)
		out.Facts = append(out.Facts, model.QualityFact{Kind: model.FactKindNode, ID: e.ID, Description: e.Name, Sources: e.Sources, Variants: e.Variants})
	}
	rels, _ := rec.Values[2].([]any)
	for _, v := range rels {
		row, _ := v.(map[string]any)
		r, ok := row["rel"].(dbtype.Relationship)
		if !ok {
			return model.QualityData{}, fmt.Errorf("%s: relationship is %T", op, row["rel"])
		}
		from, _ := row["from"].(string)
		to, _ := row["to"].(string)
		e := edgeOf(r, from, to)
		participation := r.Type == model.RelSigned || r.Type == model.RelRatified || r.Type == model.RelStatusUnknown
		out.Facts = append(out.Facts, model.QualityFact{Kind: model.FactKindRelationship, ID: e.Key,
			Description: from + " " + r.Type + " " + to, Sources: e.Sources, Variants: model.ParticipationVariants(r.Type, e.Variants),
			Participation: participation})
	}
	return out, nil
}
