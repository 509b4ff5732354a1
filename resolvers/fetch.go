package resolvers

import (
	"context"
	"encoding/base64"

	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/resolvers/loaders"
)

// Page sizes for list fields.
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

func (r *Resolver) loaders(ctx context.Context) *loaders.Loaders {
	if l := loaders.For(ctx); l != nil {
		return l
	}
	return loaders.New(r.store)
}

// entity fetches one node, checking its label when label is not empty. An
// unknown id, or one of another kind, is a NOT_FOUND error.
func (r *Resolver) entity(ctx context.Context, id, label string) (model.Entity, error) {
	found, err := r.store.Nodes(ctx, []string{id})
	if err != nil {
		return model.Entity{}, err
	}
	e, ok := found[id]
	if !ok || (label != "" && e.Label != label) {
		kind := "node"
		if label != "" {
			kind = strings.ToLower(label)
		}
		return model.Entity{}, model.Errorf(model.CodeNotFound, "no %s with id %q", kind, id)
	}
	return e, nil
}

// all returns every entity with the label, ordered by id, reading page by
// page so no single answer grows without bound.
func (r *Resolver) all(ctx context.Context, label string) ([]model.Entity, error) {
	var out []model.Entity
	after := ""
	for {
		page, err := r.store.List(ctx, label, maxPageSize, after)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Entities...)
		if !page.HasNext || len(page.Entities) == 0 {
			return out, nil
		}
		after = page.Entities[len(page.Entities)-1].ID
	}
}

func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + id))
}

func decodeCursor(cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !strings.HasPrefix(string(b), "id:") || len(b) == 3 {
		return "", model.Errorf(model.CodeBadUserInput, "after: %q is not a cursor this API returned", cursor)
	}
	return string(b[3:]), nil
}

func pageSize(first *int) (int, error) {
	if first == nil {
		return defaultPageSize, nil
	}
	if *first < 0 || *first > maxPageSize {
		return 0, model.Errorf(model.CodeBadUserInput, "first: %d is outside 0..%d", *first, maxPageSize)
	}
	return *first, nil
}

// typedList converts entities to the Go type of one label.
func typedList[T any](es []model.Entity, wrap func(model.Entity) T) []T {
	out := make([]T, len(es))
	for i, e := range es {
		out[i] = wrap(e)
	}
	return out
}

func (r *Resolver) neighbours(ctx context.Context, hop model.Hop, id string) ([]model.Entity, error) {
	return r.loaders(ctx).Neighbours(ctx, hop, id)
}

// participations returns a node's treaty participations, keeping only those
// whose status today is one of statuses (all when statuses is empty).
func (r *Resolver) participations(ctx context.Context, fromInstrument bool, id string, statuses []model.TreatyStatus) ([]model.TreatyParticipation, error) {
	ps, err := r.loaders(ctx).Participations(ctx, fromInstrument, id)
	if err != nil || len(statuses) == 0 {
		return ps, err
	}
	today := model.Today(r.now())
	out := []model.TreatyParticipation{}
	for _, p := range ps {
		st := p.StatusOn(today)
		for _, want := range statuses {
			if st == want {
				out = append(out, p)
				break
			}
		}
	}
	return out, nil
}

func (r *Resolver) relations(ctx context.Context, id string, types []string, dir *model.Direction) ([]model.Relation, error) {
	d := model.DirectionBoth
	if dir != nil {
		d = *dir
	}
	if !d.IsValid() {
		return nil, model.Errorf(model.CodeBadUserInput, "direction: %q is not a direction", d)
	}
	return r.loaders(ctx).Relations(ctx, id, types, d)
}

func countryID(id string) string {
	if len(id) == 2 {
		return "country-" + strings.ToLower(id)
	}
	return id
}

func toInstrument(e model.Entity) model.Instrument { return model.Instrument{Entity: e} }
func toBody(e model.Entity) model.Body             { return model.Body{Entity: e} }
func toProject(e model.Entity) model.Project       { return model.Project{Entity: e} }
func toCountry(e model.Entity) model.Country       { return model.Country{Entity: e} }

// nodePage answers the nodes field: one page of a label, ordered by id.
func (r *Resolver) nodePage(ctx context.Context, t model.EntityType, first *int, after *string) (*model.NodeConnection, error) {
	if !t.IsValid() {
		return nil, model.Errorf(model.CodeBadUserInput, "type: %q is not an entity type", t)
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	from := ""
	if after != nil {
		if from, err = decodeCursor(*after); err != nil {
			return nil, err
		}
	}
	page, err := r.store.List(ctx, model.LabelOf(t), n, from)
	if err != nil {
		return nil, err
	}
	conn := &model.NodeConnection{Edges: []model.NodeEdge{}, TotalCount: page.Total, PageInfo: &model.PageInfo{HasNextPage: page.HasNext}}
	for _, e := range page.Entities {
		conn.Edges = append(conn.Edges, model.NodeEdge{Node: model.Typed(e), Cursor: encodeCursor(e.ID)})
	}
	if len(conn.Edges) > 0 {
		c := conn.Edges[len(conn.Edges)-1].Cursor
		conn.PageInfo.EndCursor = &c
	}
	return conn, nil
}
