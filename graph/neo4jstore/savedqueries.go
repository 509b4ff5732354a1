package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Curators' saved queries are :SavedQuery nodes, joined to nothing (like
// the audit trail), so no traversal of the graph meets them. A name is
// never reused: a link to /q/{name} always runs the document it ran first.
var savedQuerySchema = []string{
	`CREATE CONSTRAINT saved_query_name IF NOT EXISTS FOR (q:SavedQuery) REQUIRE q.name IS UNIQUE`,
}

// SaveQuery stores a curator's saved query with its audit entry, in one
// transaction. A name already taken is a CONFLICT.
func (s *Store) SaveQuery(ctx context.Context, actor model.Actor, q model.SavedQuery) (model.SavedQuery, model.Change, error) {
	const op = "save query"
	change := oneChange(ctx, actor, model.ChangeSaveQuery, nil)
	change.After = map[string]any{"name": q.Name, "description": q.Description, "document": q.Document}
	q.InRepository = false
	q.SavedBy, q.SavedAt = &actor.Name, &change.At
	err := s.writeKeyed(ctx, op, results{&q, &change}, func(tx neo4j.ManagedTransaction) error {
		recs, err := collect(ctx, tx, `
MERGE (q:SavedQuery {name: $name})
ON CREATE SET q.description = $description, q.document = $document, q.savedBy = $savedBy, q.savedAt = $savedAt, q.created = true
WITH q, q.created AS created
REMOVE q.created
RETURN created`, map[string]any{"name": q.Name, "description": q.Description, "document": q.Document,
			"savedBy": actor.Name, "savedAt": change.At})
		if err != nil {
			return err
		}
		if len(recs) != 1 {
			return fmt.Errorf("%s: %d rows, want 1", op, len(recs))
		}
		if created, _ := recs[0].Values[0].(bool); !created {
			return model.Errorf(model.CodeConflict, "name: a saved query is already called %q; saved queries are never replaced, so choose another name", q.Name)
		}
		return recordChanges(ctx, tx, model.OriginCuration, []model.Change{change})
	})
	if err != nil {
		return model.SavedQuery{}, model.Change{}, err
	}
	return q, change, nil
}

// SavedQuery returns the curators' saved query called name, or nil.
func (s *Store) SavedQuery(ctx context.Context, name string) (*model.SavedQuery, error) {
	qs, err := s.savedQueries(ctx, "read saved query", name)
	if err != nil || len(qs) == 0 {
		return nil, err
	}
	return &qs[0], nil
}

// SavedQueries returns the curators' saved queries by name.
func (s *Store) SavedQueries(ctx context.Context) ([]model.SavedQuery, error) {
	return s.savedQueries(ctx, "read saved queries", nil)
}

func (s *Store) savedQueries(ctx context.Context, op string, name any) ([]model.SavedQuery, error) {
	res, err := s.read(ctx, op, `
MATCH (q:SavedQuery) WHERE $name IS NULL OR q.name = $name
RETURN q ORDER BY q.name`, map[string]any{"name": name})
	if err != nil {
		return nil, err
	}
	out := []model.SavedQuery{}
	for _, rec := range res.Records {
		n, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "q")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		q := model.SavedQuery{}
		q.Name, _ = n.Props["name"].(string)
		q.Description, _ = n.Props["description"].(string)
		q.Document, _ = n.Props["document"].(string)
		q.SavedBy = optString(n.Props["savedBy"])
		if at, ok := n.Props["savedAt"].(time.Time); ok {
			at = at.UTC()
			q.SavedAt = &at
		}
		out = append(out, q)
	}
	return out, nil
}

// Participations returns every state's signature, ratification and
// disputed status of the given treaties (of all when instruments is nil),
// in one statement, for the diff of a window.
func (s *Store) Participations(ctx context.Context, instruments []string) ([]model.TreatyParticipation, error) {
	const op = "read participations"
	var ids any
	if instruments != nil {
		ids = instruments
	}
	res, err := s.read(ctx, op, `
MATCH (c:Country)-[r:SIGNED|RATIFIED|STATUS_UNKNOWN]->(i:Instrument)
WHERE $ids IS NULL OR i.id IN $ids
WITH i, c, collect(r) AS rels
RETURN i, c, rels ORDER BY i.id, c.id`, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	out := make([]model.TreatyParticipation, 0, len(res.Records))
	for _, rec := range res.Records {
		in, ok1 := rec.Values[0].(dbtype.Node)
		cn, ok2 := rec.Values[1].(dbtype.Node)
		rels, ok3 := rec.Values[2].([]any)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("%s: unexpected row %v", op, rec.Values)
		}
		p := model.TreatyParticipation{Instrument: model.Instrument{Entity: decodeNode(in)}, Country: model.Country{Entity: decodeNode(cn)}}
		fillParticipation(&p, rels...)
		out = append(out, p)
	}
	return out, nil
}
