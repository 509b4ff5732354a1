package resolvers

// The connection builders below are alike for every kind of node; they are
// written out per kind because each GraphQL connection has its own Go type.

import (
	"context"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// hops are the typed relationship fields: the relationship type, its
// direction and the label at the far end (any when empty).
var hops = map[string]model.Hop{
	"Instrument.MonitoredBy":     {Type: "MONITORS", Out: false, Label: "Body"},
	"Instrument.Supplements":     {Type: "SUPPLEMENTS", Out: true, Label: "Instrument"},
	"Instrument.SupplementedBy":  {Type: "SUPPLEMENTS", Out: false, Label: "Instrument"},
	"Instrument.SupportedBy":     {Type: "SUPPORTS", Out: false, Label: "Project"},
	"Instrument.Topics":          {Type: "ADDRESSES", Out: true, Label: "Topic"},
	"Body.Monitors":              {Type: "MONITORS", Out: true, Label: "Instrument"},
	"Body.PartOf":                {Type: "PART_OF", Out: true, Label: "Body"},
	"Body.Parts":                 {Type: "PART_OF", Out: false, Label: "Body"},
	"Body.MemberOf":              {Type: "MEMBER_OF", Out: true, Label: "Body"},
	"Body.Implements":            {Type: "IMPLEMENTED_BY", Out: false, Label: "Project"},
	"Body.Funds":                 {Type: "FUNDED_BY", Out: false, Label: "Project"},
	"Body.Publications":          {Type: "PUBLISHED_BY", Out: false, Label: "Resource"},
	"Body.Organises":             {Type: "ORGANISED_BY", Out: false, Label: ""},
	"Project.Targets":            {Type: "TARGETS", Out: true, Label: "Country"},
	"Project.Funders":            {Type: "FUNDED_BY", Out: true, Label: ""},
	"Project.ImplementedBy":      {Type: "IMPLEMENTED_BY", Out: true, Label: "Body"},
	"Project.Supports":           {Type: "SUPPORTS", Out: true, Label: "Instrument"},
	"Project.Topics":             {Type: "ADDRESSES", Out: true, Label: "Topic"},
	"Country.Projects":           {Type: "TARGETS", Out: false, Label: "Project"},
	"Country.EvaluatedIn":        {Type: "EVALUATED", Out: false, Label: "MonitoringRound"},
	"Country.Events":             {Type: "HELD_IN", Out: false, Label: "Event"},
	"Resource.Publishers":        {Type: "PUBLISHED_BY", Out: true, Label: ""},
	"Resource.Topics":            {Type: "ADDRESSES", Out: true, Label: "Topic"},
	"Resource.Covers":            {Type: "COVERS", Out: true, Label: "Country"},
	"Event.Organisers":           {Type: "ORGANISED_BY", Out: true, Label: ""},
	"Event.HeldIn":               {Type: "HELD_IN", Out: true, Label: "Country"},
	"Event.Participants":         {Type: "PARTICIPATED_IN", Out: false, Label: "Body"},
	"Event.Topics":               {Type: "ADDRESSES", Out: true, Label: "Topic"},
	"MonitoringRound.Evaluated":  {Type: "EVALUATED", Out: true, Label: "Country"},
	"MonitoringRound.Organisers": {Type: "ORGANISED_BY", Out: true, Label: "Body"},
	"MonitoringRound.Topics":     {Type: "ADDRESSES", Out: true, Label: "Topic"},
	"Topic.AddressedBy":          {Type: "ADDRESSES", Out: false, Label: ""},
}

func (r *Resolver) relInstrument(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.InstrumentRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.InstrumentRelationConnection{Edges: []model.InstrumentRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Instrument{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.InstrumentRelationEdge{Node: &n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) relBody(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.BodyRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.BodyRelationConnection{Edges: []model.BodyRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Body{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.BodyRelationEdge{Node: &n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) relProject(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.ProjectRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.ProjectRelationConnection{Edges: []model.ProjectRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Project{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.ProjectRelationEdge{Node: &n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) relCountry(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.CountryRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.CountryRelationConnection{Edges: []model.CountryRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Country{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.CountryRelationEdge{Node: &n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) relResource(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.ResourceRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.ResourceRelationConnection{Edges: []model.ResourceRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Resource{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.ResourceRelationEdge{Node: &n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) relEvent(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.EventRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.EventRelationConnection{Edges: []model.EventRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Event{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.EventRelationEdge{Node: &n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) relMonitoringRound(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.MonitoringRoundRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.MonitoringRoundRelationConnection{Edges: []model.MonitoringRoundRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.MonitoringRound{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.MonitoringRoundRelationEdge{Node: &n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) relTopic(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.TopicRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.TopicRelationConnection{Edges: []model.TopicRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Topic{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.TopicRelationEdge{Node: &n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) relNode(ctx context.Context, field, id string, first *int, after *string, asOf *model.Date, where any, language *model.Language) (*model.NodeRelationConnection, error) {
	page, cur, err := r.relatedPage(ctx, field, id, first, after, asOf, where, language)
	if err != nil {
		return nil, err
	}
	conn := &model.NodeRelationConnection{Edges: []model.NodeRelationEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Typed(it.Entity)
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.NodeRelationEdge{Node: n, Cursor: c, Type: model.RelationType(it.Rel.Type), Properties: it.Rel.Properties, Sources: it.Rel.Sources, Key: it.Rel.Key, Version: it.Rel.Version})
	}
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) listInstrument(ctx context.Context, where *model.InstrumentWhere, sort []model.InstrumentSort, first *int, after *string, asOf *model.Date) (*model.InstrumentConnection, error) {
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = model.SortSpec{Field: string(s.Field), Desc: s.Direction != nil && *s.Direction == model.SortDirectionDesc, Language: languageOf(s.Language)}
	}
	var w any
	if where != nil {
		w = where
	}
	page, cur, err := r.listPage(ctx, "Instrument", w, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := &model.InstrumentConnection{Edges: []model.InstrumentEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Instrument{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.InstrumentEdge{Node: &n, Cursor: c})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) listBody(ctx context.Context, where *model.BodyWhere, sort []model.BodySort, first *int, after *string, asOf *model.Date) (*model.BodyConnection, error) {
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = model.SortSpec{Field: string(s.Field), Desc: s.Direction != nil && *s.Direction == model.SortDirectionDesc, Language: languageOf(s.Language)}
	}
	var w any
	if where != nil {
		w = where
	}
	page, cur, err := r.listPage(ctx, "Body", w, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := &model.BodyConnection{Edges: []model.BodyEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Body{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.BodyEdge{Node: &n, Cursor: c})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) listProject(ctx context.Context, where *model.ProjectWhere, sort []model.ProjectSort, first *int, after *string, asOf *model.Date) (*model.ProjectConnection, error) {
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = model.SortSpec{Field: string(s.Field), Desc: s.Direction != nil && *s.Direction == model.SortDirectionDesc, Language: languageOf(s.Language)}
	}
	var w any
	if where != nil {
		w = where
	}
	page, cur, err := r.listPage(ctx, "Project", w, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := &model.ProjectConnection{Edges: []model.ProjectEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Project{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.ProjectEdge{Node: &n, Cursor: c})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) listCountry(ctx context.Context, where *model.CountryWhere, sort []model.CountrySort, first *int, after *string, asOf *model.Date) (*model.CountryConnection, error) {
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = model.SortSpec{Field: string(s.Field), Desc: s.Direction != nil && *s.Direction == model.SortDirectionDesc, Language: languageOf(s.Language)}
	}
	var w any
	if where != nil {
		w = where
	}
	page, cur, err := r.listPage(ctx, "Country", w, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := &model.CountryConnection{Edges: []model.CountryEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Country{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.CountryEdge{Node: &n, Cursor: c})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) listResource(ctx context.Context, where *model.ResourceWhere, sort []model.ResourceSort, first *int, after *string, asOf *model.Date) (*model.ResourceConnection, error) {
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = model.SortSpec{Field: string(s.Field), Desc: s.Direction != nil && *s.Direction == model.SortDirectionDesc, Language: languageOf(s.Language)}
	}
	var w any
	if where != nil {
		w = where
	}
	page, cur, err := r.listPage(ctx, "Resource", w, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := &model.ResourceConnection{Edges: []model.ResourceEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Resource{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.ResourceEdge{Node: &n, Cursor: c})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) listEvent(ctx context.Context, where *model.EventWhere, sort []model.EventSort, first *int, after *string, asOf *model.Date) (*model.EventConnection, error) {
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = model.SortSpec{Field: string(s.Field), Desc: s.Direction != nil && *s.Direction == model.SortDirectionDesc, Language: languageOf(s.Language)}
	}
	var w any
	if where != nil {
		w = where
	}
	page, cur, err := r.listPage(ctx, "Event", w, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := &model.EventConnection{Edges: []model.EventEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Event{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.EventEdge{Node: &n, Cursor: c})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) listMonitoringRound(ctx context.Context, where *model.MonitoringRoundWhere, sort []model.MonitoringRoundSort, first *int, after *string, asOf *model.Date) (*model.MonitoringRoundConnection, error) {
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = model.SortSpec{Field: string(s.Field), Desc: s.Direction != nil && *s.Direction == model.SortDirectionDesc, Language: languageOf(s.Language)}
	}
	var w any
	if where != nil {
		w = where
	}
	page, cur, err := r.listPage(ctx, "MonitoringRound", w, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := &model.MonitoringRoundConnection{Edges: []model.MonitoringRoundEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.MonitoringRound{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.MonitoringRoundEdge{Node: &n, Cursor: c})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}

func (r *Resolver) listTopic(ctx context.Context, where *model.TopicWhere, sort []model.TopicSort, first *int, after *string, asOf *model.Date) (*model.TopicConnection, error) {
	specs := make([]model.SortSpec, len(sort))
	for i, s := range sort {
		specs[i] = model.SortSpec{Field: string(s.Field), Desc: s.Direction != nil && *s.Direction == model.SortDirectionDesc, Language: languageOf(s.Language)}
	}
	var w any
	if where != nil {
		w = where
	}
	page, cur, err := r.listPage(ctx, "Topic", w, specs, first, after, asOf)
	if err != nil {
		return nil, err
	}
	conn := &model.TopicConnection{Edges: []model.TopicEdge{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Items))
	for _, it := range page.Items {
		n := model.Topic{Entity: it.Entity}
		c := cur.encode(it.Keys)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, model.TopicEdge{Node: &n, Cursor: c})
	}
	r.loaders(ctx).Expect(ctx, len(conn.Edges))
	conn.PageInfo = pageInfo(cursors, page.HasNext, after != nil)
	return conn, nil
}
