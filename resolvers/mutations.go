package resolvers

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/importer"
)

// Every check runs before the store is called: a refused mutation sends no
// statement to the database.

func (r *Resolver) createEntity(ctx context.Context, in model.CreateEntityInput) (*model.EntityChange, error) {
	actor, err := actorOf(ctx, auth.RoleCurator)
	if err != nil {
		return nil, err
	}
	if !in.Type.IsValid() {
		return nil, model.Errorf(model.CodeBadUserInput, "input.type: unknown type %q", in.Type)
	}
	e := model.Entity{ID: in.ID, Label: model.LabelOf(in.Type)}
	if e.Name, err = text("input.name", in.Name, true); err != nil {
		return nil, err
	}
	if e.NameFr, err = optText("input.nameFr", in.NameFr); err != nil {
		return nil, err
	}
	if e.ShortName, err = optText("input.shortName", in.ShortName); err != nil {
		return nil, err
	}
	if e.Acronym, err = optText("input.acronym", in.Acronym); err != nil {
		return nil, err
	}
	if e.Aliases, err = aliasesOf("input.aliases", in.Aliases); err != nil {
		return nil, err
	}
	props, err := entityProperties("input.properties", in.Properties)
	if err != nil {
		return nil, err
	}
	// One key per fact, each date apart from its note, as the seed files
	// are read (model.NormaliseProperties).
	e.Properties = model.NormaliseProperties(dropNil(props))
	if err := checkEntity("input.", e); err != nil {
		return nil, err
	}
	if e.Sources, err = sourcesOf("input.sources", in.Sources, r.now()); err != nil {
		return nil, err
	}
	// The key names the request; it is no part of its fingerprint.
	key := in.IdempotencyKey
	in.IdempotencyKey = nil
	ctx, k, err := writeKey(ctx, "createEntity", actor, key, in)
	if err != nil {
		return nil, err
	}
	created, change, err := r.store.CreateEntity(ctx, actor, e)
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return &model.EntityChange{Node: model.Typed(created), Change: &change}, nil
}

var clearable = map[string]bool{"nameFr": true, "shortName": true, "acronym": true}

func (r *Resolver) updateEntity(ctx context.Context, in model.UpdateEntityInput) (*model.EntityChange, error) {
	actor, err := actorOf(ctx, auth.RoleCurator)
	if err != nil {
		return nil, err
	}
	sources, err := sourcesOf("input.sources", in.Sources, r.now())
	if err != nil {
		return nil, err
	}
	name, err := optText("input.name", in.Name)
	if err != nil {
		return nil, err
	}
	if in.Name != nil && name == nil {
		return nil, model.Errorf(model.CodeBadUserInput, "input.name: must not be empty")
	}
	nameFr, err := optText("input.nameFr", in.NameFr)
	if err != nil {
		return nil, err
	}
	shortName, err := optText("input.shortName", in.ShortName)
	if err != nil {
		return nil, err
	}
	acronym, err := optText("input.acronym", in.Acronym)
	if err != nil {
		return nil, err
	}
	var aliases []string
	if in.Aliases != nil {
		if aliases, err = aliasesOf("input.aliases", in.Aliases); err != nil {
			return nil, err
		}
	}
	props, err := entityProperties("input.properties", in.Properties)
	if err != nil {
		return nil, err
	}
	for i, c := range in.Clear {
		if !clearable[c] {
			return nil, model.Errorf(model.CodeBadUserInput, "input.clear[%d]: %q cannot be cleared; want nameFr, shortName or acronym", i, c)
		}
	}
	if in.Version < 0 {
		return nil, model.Errorf(model.CodeBadUserInput, "input.version: must not be negative")
	}
	edit := func(cur model.Entity) (model.Entity, error) {
		next := cur
		if name != nil {
			next.Name = *name
		}
		if nameFr != nil {
			next.NameFr = nameFr
		}
		if shortName != nil {
			next.ShortName = shortName
		}
		if acronym != nil {
			next.Acronym = acronym
		}
		for _, c := range in.Clear {
			switch c {
			case "nameFr":
				next.NameFr = nil
			case "shortName":
				next.ShortName = nil
			case "acronym":
				next.Acronym = nil
			}
		}
		if aliases != nil {
			next.Aliases = aliases
		}
		merged := map[string]any{}
		for k, v := range cur.Properties {
			merged[k] = v
		}
		for k, v := range props {
			if v == nil {
				delete(merged, k)
			} else {
				merged[k] = v
			}
		}
		next.Properties = model.NormaliseProperties(merged)
		// A curator's value for a property the sources disagree on is one
		// more value, preferred, beside the sources' own.
		vs, err := model.CurateVariants(cur.Variants, props, sources, "set by "+actor.Name)
		if err != nil {
			return model.Entity{}, model.Errorf(model.CodeBadUserInput, "input.properties: %v", err)
		}
		next.Variants = vs
		return next, checkEntity("input.", next)
	}
	// The key names the request; it is no part of its fingerprint.
	key := in.IdempotencyKey
	in.IdempotencyKey = nil
	ctx, k, err := writeKey(ctx, "updateEntity", actor, key, in)
	if err != nil {
		return nil, err
	}
	updated, change, err := r.store.UpdateEntity(ctx, actor, in.ID, in.Version, sources, edit)
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return &model.EntityChange{Node: model.Typed(updated), Change: &change}, nil
}

func (r *Resolver) deleteEntity(ctx context.Context, in model.DeleteEntityInput) (*model.Change, error) {
	actor, err := actorOf(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	sources, err := sourcesOf("input.sources", in.Sources, r.now())
	if err != nil {
		return nil, err
	}
	// The key names the request; it is no part of its fingerprint.
	key := in.IdempotencyKey
	in.IdempotencyKey = nil
	ctx, k, err := writeKey(ctx, "deleteEntity", actor, key, in)
	if err != nil {
		return nil, err
	}
	change, err := r.store.DeleteEntity(ctx, actor, in.ID, in.Version, sources)
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return &change, nil
}

func (r *Resolver) link(ctx context.Context, in model.LinkInput) (*model.LinkChange, error) {
	actor, err := actorOf(ctx, auth.RoleCurator)
	if err != nil {
		return nil, err
	}
	if !in.Type.IsValid() {
		return nil, model.Errorf(model.CodeBadUserInput, "input.type: unknown relationship type %q", in.Type)
	}
	props, err := properties("input.properties", in.Properties)
	if err != nil {
		return nil, err
	}
	props = dropNil(props)
	if err := checkRelation("input.", model.RelationRecord{From: in.From, Type: string(in.Type), To: in.To, Properties: props}); err != nil {
		return nil, err
	}
	sources, err := sourcesOf("input.sources", in.Sources, r.now())
	if err != nil {
		return nil, err
	}
	// The key names the request; it is no part of its fingerprint.
	key := in.IdempotencyKey
	in.IdempotencyKey = nil
	ctx, k, err := writeKey(ctx, "link", actor, key, in)
	if err != nil {
		return nil, err
	}
	edge, change, err := r.store.Link(ctx, actor, model.RelationRecord{From: in.From, Type: string(in.Type), To: in.To, Properties: props, Sources: sources})
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return &model.LinkChange{Edge: &edge, Change: &change}, nil
}

func (r *Resolver) updateLink(ctx context.Context, in model.UpdateLinkInput) (*model.LinkChange, error) {
	actor, err := actorOf(ctx, auth.RoleCurator)
	if err != nil {
		return nil, err
	}
	from, typ, to, ok := relationOfKey(in.Key)
	if !ok {
		return nil, model.Errorf(model.CodeBadUserInput, "input.key: %q is not a relationship key (from|TYPE|to|n)", in.Key)
	}
	props, err := properties("input.properties", in.Properties)
	if err != nil {
		return nil, err
	}
	props = dropNil(props)
	if err := checkRelation("input.", model.RelationRecord{From: from, Type: typ, To: to, Properties: props}); err != nil {
		return nil, err
	}
	sources, err := sourcesOf("input.sources", in.Sources, r.now())
	if err != nil {
		return nil, err
	}
	// The key names the request; it is no part of its fingerprint.
	key := in.IdempotencyKey
	in.IdempotencyKey = nil
	ctx, k, err := writeKey(ctx, "updateLink", actor, key, in)
	if err != nil {
		return nil, err
	}
	edge, change, err := r.store.UpdateLink(ctx, actor, in.Key, in.Version, props, sources)
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return &model.LinkChange{Edge: &edge, Change: &change}, nil
}

func (r *Resolver) unlink(ctx context.Context, in model.UnlinkInput) (*model.Change, error) {
	actor, err := actorOf(ctx, auth.RoleCurator)
	if err != nil {
		return nil, err
	}
	if _, _, _, ok := relationOfKey(in.Key); !ok {
		return nil, model.Errorf(model.CodeBadUserInput, "input.key: %q is not a relationship key (from|TYPE|to|n)", in.Key)
	}
	sources, err := sourcesOf("input.sources", in.Sources, r.now())
	if err != nil {
		return nil, err
	}
	// The key names the request; it is no part of its fingerprint.
	key := in.IdempotencyKey
	in.IdempotencyKey = nil
	ctx, k, err := writeKey(ctx, "unlink", actor, key, in)
	if err != nil {
		return nil, err
	}
	change, err := r.store.Unlink(ctx, actor, in.Key, in.Version, sources)
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return &change, nil
}

// relationOfKey returns the ends and type a relationship key names, when
// the key is well formed and the type is in the vocabulary.
func relationOfKey(key string) (from, typ, to string, ok bool) {
	from, typ, to, _, ok = model.SplitRelationKey(key)
	return from, typ, to, ok && model.IsRelationType(typ)
}

func (r *Resolver) importTreatyChart(ctx context.Context, treaty, csv string, source *model.SourceInput, apply *bool, key *string) (*model.ImportResult, error) {
	actor, err := actorOf(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var src *model.Source
	if source != nil {
		list, err := sourcesOf("source", []model.SourceInput{*source}, r.now())
		if err != nil {
			return nil, err
		}
		src = &list[0]
	}
	doApply := apply != nil && *apply
	ctx, k, err := importKey(ctx, doApply, "importTreatyChart", actor, key, map[string]any{"treaty": treaty, "csv": csv, "source": source})
	if err != nil {
		return nil, err
	}
	diff, err := importer.TreatyChart(ctx, r.store, actor, treaty, strings.NewReader(csv), "csv", src, doApply, r.now())
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return importResult(diff, doApply), nil
}

func (r *Resolver) importSeed(ctx context.Context, files []model.ImportFileInput, apply *bool, key *string) (*model.ImportResult, error) {
	actor, err := actorOf(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	fsys := fstest.MapFS{}
	for i, f := range files {
		if f.Name == "" || strings.ContainsAny(f.Name, "/\\") {
			return nil, model.Errorf(model.CodeBadUserInput, "files[%d].name: want a plain file name such as entities.yaml", i)
		}
		if _, dup := fsys[f.Name]; dup {
			return nil, model.Errorf(model.CodeBadUserInput, "files[%d].name: %s is given twice", i, f.Name)
		}
		fsys[f.Name] = &fstest.MapFile{Data: []byte(f.Content)}
	}
	doApply := apply != nil && *apply
	ctx, k, err := importKey(ctx, doApply, "importSeed", actor, key, files)
	if err != nil {
		return nil, err
	}
	diff, err := importer.SeedFiles(ctx, r.store, actor, fsys, doApply)
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return importResult(diff, doApply), nil
}

func (r *Resolver) importGraph(ctx context.Context, json string, apply *bool, key *string) (*model.ImportResult, error) {
	actor, err := actorOf(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	doApply := apply != nil && *apply
	ctx, k, err := importKey(ctx, doApply, "importGraph", actor, key, json)
	if err != nil {
		return nil, err
	}
	diff, err := importer.Graph(ctx, r.store, actor, strings.NewReader(json), "json", doApply)
	noteKey(ctx, k)
	if err != nil {
		return nil, err
	}
	return importResult(diff, doApply), nil
}

func importResult(d model.Diff, applied bool) *model.ImportResult {
	kept := d.Kept
	if kept == nil {
		kept = []string{}
	}
	entries := d.Entries
	if entries == nil {
		entries = []model.DiffEntry{}
	}
	return &model.ImportResult{Applied: applied && len(d.Entries) > 0, Added: d.Count("add"), Changed: d.Count("change"),
		Removed: d.Count("remove"), Entries: entries, Kept: kept}
}

// Change cursors are the change ids, which sort by time.
func changeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte("c:" + id)) }

func readChangeCursor(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), "c:") {
		return "", model.Errorf(model.CodeBadUserInput, "after: not a cursor of this list")
	}
	return strings.TrimPrefix(string(b), "c:"), nil
}

func (r *Resolver) changes(ctx context.Context, f model.ChangeFilter, first *int, after *string) (*model.ChangeConnection, error) {
	n := 50
	if first != nil {
		n = *first
	}
	if n < 0 || n > maxPageSize {
		return nil, model.Errorf(model.CodeBadUserInput, "first: want 0 to %d, got %d", maxPageSize, n)
	}
	cursor := ""
	if after != nil {
		var err error
		if cursor, err = readChangeCursor(*after); err != nil {
			return nil, err
		}
	}
	page, err := r.store.Changes(ctx, f, n, cursor)
	if err != nil {
		return nil, err
	}
	conn := &model.ChangeConnection{Edges: make([]model.ChangeEdge, len(page.Changes)), TotalCount: page.Total,
		PageInfo: &model.PageInfo{HasNextPage: page.HasNext, HasPreviousPage: after != nil}}
	for i := range page.Changes {
		c := page.Changes[i]
		cur := changeCursor(c.ID)
		conn.Edges[i] = model.ChangeEdge{Node: &c, Cursor: cur}
		if i == 0 {
			conn.PageInfo.StartCursor = &cur
		}
		conn.PageInfo.EndCursor = &cur
	}
	return conn, nil
}

func changeAction(c *model.Change) (model.ChangeAction, error) {
	a := model.ChangeAction(c.Action)
	if !a.IsValid() {
		return "", fmt.Errorf("change %s: unknown action %q", c.ID, c.Action)
	}
	return a, nil
}
