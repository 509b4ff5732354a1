package resolvers

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/resolvers/loaders"
)

// Limits on arguments, checked before any query runs.
const (
	defaultPageSize = model.DefaultPage
	maxPageSize     = model.MaxPage
	maxPathHops     = model.MaxPathHops
	maxPaths        = model.MaxPaths
	maxDepth        = model.MaxNeighbourhoodDepth
	maxSubgraph     = model.MaxSubgraph
	maxCoverage     = model.MaxCoverageColumns
	maxCoverageRows = model.MaxCoverageRows
)

// Range is the whole numbers a size argument accepts.
type Range struct{ Min, Max int }

// ArgumentRange returns the range of a size argument of field (first,
// maxHops, depth or limit), so that the cost of an operation can be checked
// against the same ranges before it runs; ok is false for an argument
// without one.
func ArgumentRange(field, arg string) (r Range, ok bool) {
	switch {
	case field == "allShortestPaths" && arg == "first":
		return Range{1, maxPaths}, true
	case (field == "allShortestPaths" || field == "shortestPath") && arg == "maxHops":
		return Range{1, maxPathHops}, true
	case field == "neighbourhood" && arg == "depth":
		return Range{1, maxDepth}, true
	case field == "neighbourhood" && arg == "limit":
		return Range{1, maxSubgraph}, true
	case field == "nodes" && arg == "first":
		return Range{0, maxGroupNodes}, true
	case arg == "first":
		return Range{0, maxPageSize}, true
	}
	return Range{}, false
}

func (r *Resolver) loaders(ctx context.Context) *loaders.Loaders {
	if l := loaders.For(ctx); l != nil {
		return l
	}
	return loaders.New(r.store)
}

func (r *Resolver) today() model.Date { return model.Today(r.now()) }

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
	r.loaders(ctx).Expect(ctx, 1)
	return e, nil
}

func countryID(id string) string { return model.CountryID(id) }

// cursor encodes positions of one list (see model.CursorList).
type cursor struct {
	list string
	// names is set when the list is ordered by name, so its cursors hold
	// names as collation keys.
	names bool
	// skip leaves the cursors empty when the query selects neither an
	// edge's cursor nor the page's.
	skip bool
}

func (c cursor) encode(keys []any) string {
	if c.skip {
		return ""
	}
	return model.CursorList{Name: c.list, Names: c.names}.Encode(keys)
}

func (c cursor) decode(s string) (*model.Cursor, error) {
	return model.CursorList{Name: c.list, Names: c.names}.Decode(s)
}

// pageRequest checks the paging arguments of a connection whose cursors are
// c's. The page's total is counted only when the connection's totalCount is
// selected.
func (r *Resolver) pageRequest(ctx context.Context, c cursor, first *int, after *string, asOf *model.Date) (model.PageRequest, cursor, error) {
	c.skip = !selected(ctx, "edges", "cursor") && !selected(ctx, "pageInfo")
	req := model.PageRequest{First: defaultPageSize, Day: r.today(), SkipTotal: !selected(ctx, "totalCount")}
	if asOf != nil {
		// A date known only to the month or year is read from its first day.
		day := asOf.First()
		req.AsOf, req.Day = &day, day
	}
	if first != nil {
		if *first < 0 || *first > maxPageSize {
			return req, c, model.Errorf(model.CodeBadUserInput, "first: %d is outside 0..%d", *first, maxPageSize)
		}
		req.First = *first
	}
	if after != nil {
		cur, err := c.decode(*after)
		if err != nil {
			return req, c, err
		}
		req.After = cur
	}
	return req, c, nil
}

// selected says whether the field being resolved selects the subfield at
// path (a name, or names one below the other), directly or through
// fragments. Outside a GraphQL field it says yes, so callers do the full
// work.
func selected(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return true
	}
	return selects(graphql.GetOperationContext(ctx), fc.Field.Selections, fc.Field.Definition, path)
}

func selects(oc *graphql.OperationContext, sel ast.SelectionSet, def *ast.FieldDefinition, path []string) bool {
	if len(path) == 0 {
		return true
	}
	for _, f := range graphql.CollectFields(oc, sel, []string{def.Type.Name()}) {
		if f.Name != path[0] {
			continue
		}
		if len(path) == 1 || f.Definition == nil || selects(oc, f.Selections, f.Definition, path[1:]) {
			return true
		}
	}
	return false
}

func pageInfo(cursors []string, hasNext, hasPrevious bool) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrevious}
	if len(cursors) > 0 {
		pi.StartCursor = &cursors[0]
		pi.EndCursor = &cursors[len(cursors)-1]
	}
	return pi
}

// languageOf returns the language an argument asks for, English when none.
func languageOf(l *model.Language) model.Language {
	if l == nil || !l.IsValid() {
		return model.LanguageEn
	}
	return *l
}

// nameOrder is a name-ordered list's signature: its cursors fit only the
// same list in the same language.
func nameOrder(list string, lang model.Language) cursor {
	o := model.NameOrder(list, lang)
	return cursor{list: o.Name, names: o.Names}
}

func (r *Resolver) relatedPage(ctx context.Context, hop model.Hop, list, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (model.EntityPage, cursor, error) {
	lang := languageOf(language)
	req, c, err := r.pageRequest(ctx, nameOrder(list, lang), first, after, asOf)
	if err != nil {
		return model.EntityPage{}, c, err
	}
	req.Language = lang
	if payloadPlanned(ctx) {
		return model.EntityPage{}, c, nil
	}
	page, err := r.loaders(ctx).Related(ctx, hop, id, where, req)
	return page, c, err
}

func (r *Resolver) listPage(ctx context.Context, label string, where any, sort []model.SortSpec, first *int, after *string, asOf *model.Date) (model.EntityPage, cursor, error) {
	sig := []string{label}
	names := false
	for _, s := range sort {
		sig = append(sig, s.Field)
		if s.Field == "NAME" {
			names = true
			sig[len(sig)-1] += "@" + string(languageOf(&s.Language))
		}
		if s.Desc {
			sig[len(sig)-1] += " DESC"
		}
	}
	req, c, err := r.pageRequest(ctx, cursor{list: "list:" + strings.Join(sig, ","), names: names}, first, after, asOf)
	if err != nil {
		return model.EntityPage{}, c, err
	}
	page, err := r.store.ListEntities(ctx, label, where, sort, req)
	return page, c, err
}

func (r *Resolver) relationsConn(ctx context.Context, id string, types []model.RelationType, direction *model.Direction, first *int, after *string, asOf *model.Date, language *model.Language) (*model.RelationConnection, error) {
	dir := model.DirectionBoth
	if direction != nil {
		dir = *direction
	}
	var ts []string
	for _, t := range types {
		ts = append(ts, string(t))
	}
	lang := languageOf(language)
	req, c, err := r.pageRequest(ctx, nameOrder("relations:"+string(dir)+":"+strings.Join(ts, ","), lang), first, after, asOf)
	if err != nil {
		return nil, err
	}
	req.Language = lang
	if payloadPlanned(ctx) {
		return &model.RelationConnection{Edges: []model.RelationEdge{}, PageInfo: pageInfo(nil, false, after != nil)}, nil
	}
	page, err := r.loaders(ctx).Relations(ctx, id, ts, dir, req)
	if err != nil {
		return nil, err
	}
	conn := &model.RelationConnection{Edges: []model.RelationEdge{}, TotalCount: page.Total}
	var cursors []string
	for _, it := range page.Items {
		d := model.DirectionIncoming
		if it.Rel.Outgoing {
			d = model.DirectionOutgoing
		}
		cur := c.encode(it.Keys)
		cursors = append(cursors, cur)
		conn.Edges = append(conn.Edges, model.RelationEdge{Node: model.Typed(it.Entity), Cursor: cur, Type: model.RelationType(it.Rel.Type),
			Direction: d, Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) participationPage(ctx context.Context, fromInstrument bool, id, list string, filter model.ParticipationFilter, first *int, after *string, asOf *model.Date, where any, language *model.Language) (model.ParticipationPage, model.PageRequest, cursor, error) {
	var st []string
	for _, s := range filter.Statuses {
		st = append(st, string(s))
	}
	if filter.Certain != nil {
		st = append(st, fmt.Sprintf("certain=%t", *filter.Certain))
	}
	lang := languageOf(language)
	req, c, err := r.pageRequest(ctx, nameOrder(list+":"+strings.Join(st, ","), lang), first, after, asOf)
	if err != nil {
		return model.ParticipationPage{}, req, c, err
	}
	req.Language = lang
	if payloadPlanned(ctx) {
		return model.ParticipationPage{}, req, c, nil
	}
	page, err := r.loaders(ctx).Participations(ctx, fromInstrument, id, where, filter, req)
	return page, req, c, err
}

// participationEdges turns a page of state-treaty pairs into the edges of
// either side's connection, with statuses and dates as of the page's day.
func participationEdges[E any](page model.ParticipationPage, day model.Date, c cursor,
	edge func(p model.TreatyParticipation, cursor string, v model.ParticipationView) E) ([]E, []string) {
	edges := make([]E, 0, len(page.Items))
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		p := it.Participation
		cur := c.encode(it.Keys)
		cursors = append(cursors, cur)
		edges = append(edges, edge(p, cur, p.ViewOn(day)))
	}
	return edges, cursors
}

func (r *Resolver) parties(ctx context.Context, id string, filter model.ParticipationFilter, first *int, after *string, asOf *model.Date, where *model.CountryWhere, language *model.Language) (*model.PartyConnection, error) {
	page, req, c, err := r.participationPage(ctx, true, id, "parties", filter, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	edges, cursors := participationEdges(page, req.Day, c, func(p model.TreatyParticipation, cur string, v model.ParticipationView) model.PartyEdge {
		return model.PartyEdge{Node: &p.Country, Cursor: cur, Instrument: &p.Instrument, Status: v.Status,
			Signed: v.Signed, Ratified: v.Ratified, Action: p.Action, EntryIntoForce: v.EntryIntoForce, Sources: p.Sources,
			Certain: v.Certain, PossibleStatus: v.Possible, Window: v.Window, StatusNote: v.Note,
			SignedWindow: v.SignedWindow, RatifiedWindow: v.RatifiedWindow, EntryIntoForceWindow: v.EntryIntoForceWindow,
			Variants: nonNilVariants(p.Variants)}
	})
	return &model.PartyConnection{Edges: edges, TotalCount: page.Total, PageInfo: pageInfo(cursors, page.HasNext, after != nil)}, nil
}

func (r *Resolver) treaties(ctx context.Context, id string, filter model.ParticipationFilter, first *int, after *string, asOf *model.Date, where *model.InstrumentWhere, language *model.Language) (*model.TreatyConnection, error) {
	page, req, c, err := r.participationPage(ctx, false, id, "treaties", filter, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	edges, cursors := participationEdges(page, req.Day, c, func(p model.TreatyParticipation, cur string, v model.ParticipationView) model.TreatyEdge {
		return model.TreatyEdge{Node: &p.Instrument, Cursor: cur, Country: &p.Country, Status: v.Status,
			Signed: v.Signed, Ratified: v.Ratified, Action: p.Action, EntryIntoForce: v.EntryIntoForce, Sources: p.Sources,
			Certain: v.Certain, PossibleStatus: v.Possible, Window: v.Window, StatusNote: v.Note,
			SignedWindow: v.SignedWindow, RatifiedWindow: v.RatifiedWindow, EntryIntoForceWindow: v.EntryIntoForceWindow,
			Variants: nonNilVariants(p.Variants)}
	})
	return &model.TreatyConnection{Edges: edges, TotalCount: page.Total, PageInfo: pageInfo(cursors, page.HasNext, after != nil)}, nil
}
