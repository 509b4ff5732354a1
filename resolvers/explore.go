package resolvers

import (
	"context"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func (r *Resolver) search(ctx context.Context, query string, types []model.EntityType, first *int, after *string) (*model.SearchConnection, error) {
	if strings.TrimSpace(query) == "" {
		return nil, model.Errorf(model.CodeBadUserInput, "query: give some words to search for")
	}
	var labels []string
	for _, t := range types {
		labels = append(labels, model.LabelOf(t))
	}
	c := cursor{list: "search"}
	n := 20
	if first != nil {
		if *first < 0 || *first > maxPageSize {
			return nil, model.Errorf(model.CodeBadUserInput, "first: %d is outside 0..%d", *first, maxPageSize)
		}
		n = *first
	}
	var sa *model.SearchAfter
	if after != nil {
		cur, err := c.decode(*after)
		if err != nil {
			return nil, err
		}
		score, ok1 := cur.Keys[0].(float64)
		var id string
		ok2 := len(cur.Keys) == 2
		if ok2 {
			id, ok2 = cur.Keys[1].(string)
		}
		if !ok1 || !ok2 {
			return nil, model.Errorf(model.CodeBadUserInput, "after: %q is not a cursor this API returned", *after)
		}
		sa = &model.SearchAfter{Score: score, ID: id}
	}
	hits, total, hasNext, err := r.store.Search(ctx, query, labels, n, sa)
	if err != nil {
		return nil, err
	}
	conn := &model.SearchConnection{Edges: []model.SearchEdge{}, TotalCount: total}
	var cursors []string
	for _, h := range hits {
		cur := c.encode([]any{h.Score, h.Entity.ID})
		cursors = append(cursors, cur)
		conn.Edges = append(conn.Edges, model.SearchEdge{Node: model.Typed(h.Entity), Cursor: cur, Score: h.Score})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, hasNext, after != nil)
	return conn, nil
}

func traversal(types []model.RelationType, asOf *model.Date) model.Traversal {
	t := model.Traversal{}
	if asOf != nil {
		// A date known only to the month or year is read from its first day.
		day := asOf.First()
		t.AsOf = &day
	}
	for _, rt := range types {
		t.Types = append(t.Types, string(rt))
	}
	return t
}

func hopsArg(maxHops *int) (int, error) {
	n := 4
	if maxHops != nil {
		n = *maxHops
	}
	if n < 1 || n > maxPathHops {
		return 0, model.Errorf(model.CodeBadUserInput, "maxHops: %d is outside 1..%d", n, maxPathHops)
	}
	return n, nil
}

func (r *Resolver) shortestPath(ctx context.Context, from, to string, maxHops *int, types []model.RelationType, asOf *model.Date) (*model.Path, error) {
	n, err := hopsArg(maxHops)
	if err != nil {
		return nil, err
	}
	paths, err := r.store.ShortestPaths(ctx, from, to, n, false, traversal(types, asOf), 1)
	if err != nil || len(paths) == 0 {
		return nil, err
	}
	return &paths[0], nil
}

func (r *Resolver) allShortestPaths(ctx context.Context, from, to string, maxHops *int, types []model.RelationType, asOf *model.Date, first *int) ([]model.Path, error) {
	n, err := hopsArg(maxHops)
	if err != nil {
		return nil, err
	}
	limit := 10
	if first != nil {
		limit = *first
	}
	if limit < 1 || limit > maxPaths {
		return nil, model.Errorf(model.CodeBadUserInput, "first: %d is outside 1..%d", limit, maxPaths)
	}
	paths, err := r.store.ShortestPaths(ctx, from, to, n, true, traversal(types, asOf), limit)
	if paths == nil && err == nil {
		paths = []model.Path{}
	}
	return paths, err
}

func (r *Resolver) neighbourhood(ctx context.Context, id string, depth *int, types []model.RelationType, asOf *model.Date, limit *int) (*model.Subgraph, error) {
	d, l := 1, 100
	if depth != nil {
		d = *depth
	}
	if limit != nil {
		l = *limit
	}
	if d < 1 || d > maxDepth {
		return nil, model.Errorf(model.CodeBadUserInput, "depth: %d is outside 1..%d", d, maxDepth)
	}
	if l < 1 || l > maxSubgraph {
		return nil, model.Errorf(model.CodeBadUserInput, "limit: %d is outside 1..%d", l, maxSubgraph)
	}
	tr := traversal(types, asOf)
	tr.NodesOnly = !selected(ctx, "edges")
	g, err := r.store.Neighbourhood(ctx, id, d, tr, l)
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// coverage builds the matrix from one statement whatever its size.
func (r *Resolver) coverage(ctx context.Context, instruments []string, countries *model.CountryWhere, asOf *model.Date) ([]model.CoverageRow, error) {
	if len(instruments) == 0 || len(instruments) > maxCoverage {
		return nil, model.Errorf(model.CodeBadUserInput, "instruments: give 1 to %d instrument ids", maxCoverage)
	}
	day := r.today()
	if asOf != nil {
		day = asOf.First()
	}
	where := countries
	if where == nil {
		// Member states on the matrix day, including those that have left
		// since.
		d := day
		yes := true
		where = &model.CountryWhere{
			CoeStatus:    &model.CoeStatusFilter{In: []model.CoeStatus{model.CoeStatusMember, model.CoeStatusFormerMember}},
			CoeAccession: &model.DateFilter{Lte: &d},
			Or:           []model.CountryWhere{{CoeLeft: &model.DateFilter{IsNull: &yes}}, {CoeLeft: &model.DateFilter{Gt: &d}}},
		}
	}
	data, err := r.store.Coverage(ctx, instruments, where, day, maxCoverageRows)
	if err != nil {
		return nil, err
	}
	for _, id := range instruments {
		if e, ok := data.Instruments[id]; !ok || e.Label != "Instrument" {
			return nil, model.Errorf(model.CodeNotFound, "no instrument with id %q", id)
		}
	}
	if data.More {
		return nil, model.Errorf(model.CodeBadUserInput, "countries: more than %d states match; narrow the filter", maxCoverageRows)
	}
	rows := make([]model.CoverageRow, 0, len(data.Countries))
	for _, e := range data.Countries {
		c := model.Country{Entity: e}
		row := model.CoverageRow{Country: &c, Cells: make([]model.CoverageCell, 0, len(instruments))}
		for _, id := range instruments {
			inst := model.Instrument{Entity: data.Instruments[id]}
			// A state with nothing recorded is certainly not bound.
			p := data.Participations[id][c.ID]
			p.Instrument, p.Country = inst, c
			v := p.ViewOn(day)
			cell := model.CoverageCell{Instrument: &inst, Status: v.Status, Certain: v.Certain, PossibleStatus: v.Possible,
				Window: v.Window, StatusNote: v.Note, Signed: v.Signed, Ratified: v.Ratified, EntryIntoForce: v.EntryIntoForce,
				SignedWindow: v.SignedWindow, RatifiedWindow: v.RatifiedWindow, EntryIntoForceWindow: v.EntryIntoForceWindow}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (r *Resolver) timeline(ctx context.Context, instrument string, action model.TreatyAction, interval *model.TimeInterval) ([]model.TimeBucket, error) {
	if !action.IsValid() {
		return nil, model.Errorf(model.CodeBadUserInput, "action: %q is not a treaty action", action)
	}
	if interval != nil && *interval == model.TimeIntervalQuarter {
		// Quarters are a bucket of groupBy; the timeline predates them.
		return nil, model.Errorf(model.CodeBadUserInput, "interval: the timeline counts by YEAR or MONTH; for quarters group a treaty's participations with groupBy(keys: [{edge: \"ratified\"}], interval: QUARTER)")
	}
	monthly := interval != nil && *interval == model.TimeIntervalMonth
	buckets, err := r.store.Timeline(ctx, instrument, string(action), monthly)
	if buckets == nil && err == nil {
		buckets = []model.TimeBucket{}
	}
	return buckets, err
}

func (r *Resolver) stats(ctx context.Context) (*model.GraphStats, error) {
	s, err := r.store.Stats(ctx)
	if err != nil {
		return nil, err
	}
	return &s, nil
}
