package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// sortKey is one ORDER BY key: a Cypher expression on n and whether its
// values are counts (the others are text, with unknowns first).
type sortKey struct {
	expr  string
	count bool
}

func textKey(prop string) sortKey {
	return sortKey{expr: "coalesce(toStringOrNull(n." + prop + "), '')"}
}

// sortFields maps each label's sort enum values to their expressions.
var sortFields = map[string]map[string]sortKey{
	"Instrument": {
		"NUMBER": textKey("number"), "OPENED": textKey("opened"), "ENTRY_INTO_FORCE": textKey("entryIntoForce"),
		"PARTIES": {expr: "COUNT { (n)<-[q:RATIFIED]-(:Country) WHERE coalesce(q.date, '') <= $day }", count: true},
	},
	"Country": {
		"ISO2": textKey("iso2"), "COE_STATUS": textKey("coeStatus"), "COE_ACCESSION": textKey("coeAccession"),
		"TREATIES_RATIFIED": {expr: "COUNT { (n)-[q:RATIFIED]->(:Instrument) WHERE coalesce(q.date, '') <= $day }", count: true},
		"PROJECTS":          {expr: "COUNT { (n)<-[q:TARGETS]-(:Project) WHERE " + relAsOfConditionOf("q", "TARGETS", "$asOf") + " }", count: true},
		"TREATIES_PARTY":    {expr: treatiesPartyExpr(), count: true},
	},
	"Project": {
		"START_DATE": textKey("startDate"), "END_DATE": textKey("endDate"),
		"TARGETS": {expr: "COUNT { (n)-[q:TARGETS]->(:Country) WHERE " + relAsOfConditionOf("q", "TARGETS", "$asOf") + " }", count: true},
	},
	"Body":     {"RELATIONS": {expr: "COUNT { (n)-[q]-() WHERE " + relAsOfCondition("q") + " }", count: true}},
	"Resource": {"PUBLISHED": textKey("published")},
	"Event":    {"START_DATE": textKey("startDate")},
}

// treatiesPartyExpr counts the treaties the state in n is certainly party
// to on $day, as its treaties connection reads their statuses.
func treatiesPartyExpr() string {
	part := participation{i: "tpx", s: "tps", r: "tpr", u: "tpu", day: "$day"}
	b := &builder{params: map[string]any{}, prefix: "tp_", asOf: "$asOf", day: "$day"}
	cond, err := b.participationWhere("tpx", false, part, &model.ParticipationWhere{Status: []model.TreatyStatus{model.TreatyStatusRatified, model.TreatyStatusInForce}})
	if err != nil || len(b.params) > 0 {
		panic(fmt.Sprintf("treatiesPartyExpr: the condition must take no values (%v)", err))
	}
	return "COUNT { " + participationMatch("n", "tpx", false, part) + "\n  WHERE " + cond + " }"
}

// relationCountExpr counts the relationships of type typ of the node in
// variable v, in direction dir, that are facts on the date asOf and lead to
// nodes that are facts then.
func relationCountExpr(v, q, o, typ string, dir model.Direction, asOf string) string {
	return fmt.Sprintf("COUNT { MATCH %s WHERE %s AND %s }", pattern(v, q, typ, o, "Entity", dir),
		relAsOfConditionOf(q, typ, asOf), asOfConditionAt(o, asOf))
}

// sortExpr returns the expression of one sort key, names in English order.
func sortExpr(label, field string) (sortKey, error) {
	return sortExprIn(label, field, model.LanguageEn)
}

// sortExprIn returns the expression of one sort key; NAME sorts by the
// collation key of lang's names, so the database's plain string order is
// that language's alphabetical order.
func sortExprIn(label, field string, lang model.Language) (sortKey, error) {
	switch field {
	case "ID":
		return sortKey{expr: "n.id"}, nil
	case "NAME":
		return textKey(sortNameKey(lang)), nil
	}
	if typ, dir, ok, err := model.RelationCountSort(field); ok || err != nil {
		if err != nil {
			return sortKey{}, err
		}
		return sortKey{expr: relationCountExpr("n", "q", "o", typ, dir, "$asOf"), count: true}, nil
	}
	if field == "" {
		return sortKey{}, model.Errorf(model.CodeBadUserInput, "sort: give a field or a relationCount")
	}
	k, ok := sortFields[label][field]
	if !ok {
		return sortKey{}, model.Errorf(model.CodeBadUserInput, "sort: %s cannot be sorted by %s", label, field)
	}
	return k, nil
}

// keyset returns the condition that keeps rows after the cursor: the sort
// keys k0..kn compared in their directions, the id (ascending) breaking ties.
func (b *builder) keyset(keys []string, desc []bool, after *model.Cursor) string {
	if after == nil {
		return "true"
	}
	var alts []string
	for i := range keys {
		var eqs []string
		for j := 0; j < i; j++ {
			eqs = append(eqs, fmt.Sprintf("%s = %s", keys[j], b.param(after.Keys[j])))
		}
		op := ">"
		if desc[i] {
			op = "<"
		}
		alts = append(alts, join(append(eqs, fmt.Sprintf("%s %s %s", keys[i], op, b.param(after.Keys[i])))))
	}
	return "(" + strings.Join(alts, ") OR (") + ")"
}

// ListEntities returns one page of the entities with label that match where
// (a *XWhere of the schema, or nil), ordered by sort then id, after the
// cursor; asOf hides the ones not yet, or no longer, a fact on that day.
func (s *Store) ListEntities(ctx context.Context, label string, where any, sort []model.SortSpec, page model.PageRequest) (model.EntityPage, error) {
	if !model.IsLabel(label) {
		return model.EntityPage{}, model.Errorf(model.CodeBadUserInput, "unknown entity type %q", label)
	}
	b := newBuilder(page.AsOf, page.Day)
	filter, err := b.where("n", where)
	if err != nil {
		return model.EntityPage{}, err
	}
	var withs, keys, order []string
	var desc []bool
	for i, sp := range sort {
		k, err := sortExprIn(label, sp.Field, sp.Language)
		if err != nil {
			return model.EntityPage{}, err
		}
		name := fmt.Sprintf("k%d", i)
		withs = append(withs, k.expr+" AS "+name)
		keys = append(keys, name)
		desc = append(desc, sp.Desc)
		dir := "ASC"
		if sp.Desc {
			dir = "DESC"
		}
		order = append(order, name+" "+dir)
	}
	withs = append(withs, "n.id AS kid")
	keys = append(keys, "kid")
	desc = append(desc, false)
	order = append(order, "kid ASC")
	if page.After != nil && len(page.After.Keys) != len(keys) {
		return model.EntityPage{}, model.Errorf(model.CodeBadUserInput, "after: the cursor belongs to another sort order")
	}
	ks := b.keyset(keys, desc, page.After)
	match := fmt.Sprintf("MATCH (n:%s) WHERE %s AND %s", label, asOfCondition("n"), filter)
	cypher := fmt.Sprintf(`
%[7]s
CALL () { %[1]s
  WITH n, %[2]s WHERE %[3]s
  WITH n, [%[4]s] AS keys ORDER BY %[5]s LIMIT %[6]s
  RETURN collect({node: n, keys: keys}) AS rows }
RETURN total, rows`, match, strings.Join(withs, ", "), ks, strings.Join(keys, ", "), strings.Join(order, ", "), b.param(page.First+1),
		totalCall(page, "", match, "count(n)"))
	res, err := s.read(ctx, "list "+label, cypher, b.params)
	if err != nil {
		return model.EntityPage{}, err
	}
	if len(res.Records) != 1 {
		return model.EntityPage{}, fmt.Errorf("list %s: %d records, want 1", label, len(res.Records))
	}
	return pageFromRecord(res.Records[0], "list "+label, page.First)
}

// totalCall is the subquery that counts a page's matches, importing
// scope, or a constant 0 when the page skips its total.
func totalCall(page model.PageRequest, scope, match, count string) string {
	if page.SkipTotal {
		return "CALL (" + scope + ") { RETURN 0 AS total }"
	}
	return "CALL (" + scope + ") { " + match + " RETURN " + count + " AS total }"
}

// pageFromRecord reads a record of (total, rows) where each row is a map
// with node, keys and optionally rel and outgoing.
func pageFromRecord(rec *neo4j.Record, op string, first int) (model.EntityPage, error) {
	total, _, err := neo4j.GetRecordValue[int64](rec, "total")
	if err != nil {
		return model.EntityPage{}, fmt.Errorf("%s: %w", op, err)
	}
	rows, _, err := neo4j.GetRecordValue[[]any](rec, "rows")
	if err != nil {
		return model.EntityPage{}, fmt.Errorf("%s: %w", op, err)
	}
	p := model.EntityPage{Total: int(total)}
	for _, v := range rows {
		row, ok := v.(map[string]any)
		if !ok {
			return model.EntityPage{}, fmt.Errorf("%s: row is %T", op, v)
		}
		n, ok := row["node"].(dbtype.Node)
		if !ok {
			return model.EntityPage{}, fmt.Errorf("%s: node is %T", op, row["node"])
		}
		item := model.PageItem{Entity: decodeNode(n)}
		item.Keys, _ = row["keys"].([]any)
		if r, ok := row["rel"].(dbtype.Relationship); ok {
			item.Rel = &model.RelInfo{Type: r.Type, Properties: decodeFree(r.Props), Sources: decodeSources(r.Props),
				Key: relKeyOf(r), Version: versionOf(r.Props)}
			item.Rel.Outgoing, _ = row["outgoing"].(bool)
		}
		p.Items = append(p.Items, item)
	}
	if len(p.Items) > first {
		p.Items = p.Items[:first]
		p.HasNext = true
	}
	return p, nil
}

// Related returns, for each parent id, one page of the nodes one hop away
// (matching where, a *XWhere of the far label or *NodeWhere), ordered by
// name in the page's language, with the relationship that leads to each. One
// statement serves the whole batch of parents.
func (s *Store) Related(ctx context.Context, hop model.Hop, ids []string, where any, page model.PageRequest) (map[string]model.EntityPage, error) {
	label := hop.Label
	if label == "" {
		label = "Entity"
	}
	if !model.IsRelationTypeName(hop.Type) || (label != "Entity" && !model.IsLabel(label)) {
		return nil, fmt.Errorf("related: invalid hop %+v", hop)
	}
	dir := model.DirectionIncoming
	if hop.Out {
		dir = model.DirectionOutgoing
	}
	b := newBuilder(page.AsOf, page.Day)
	filter, err := b.where("n", where)
	if err != nil {
		return nil, err
	}
	keys := []string{"k0", "k1", "k2"}
	if page.After != nil && len(page.After.Keys) != len(keys) {
		return nil, model.Errorf(model.CodeBadUserInput, "after: the cursor belongs to another list")
	}
	ks := b.keyset(keys, []bool{false, false, false}, page.After)
	match := fmt.Sprintf("MATCH %s WHERE %s AND %s AND %s", pattern("p", "r", hop.Type, "n", label, dir), relAsOfConditionOf("r", hop.Type, "$asOf"), asOfCondition("n"), filter)
	cypher := fmt.Sprintf(`
UNWIND $ids AS pid
MATCH (p:Entity {id: pid})
%[5]s
CALL (p) { %[1]s
  WITH n, r, coalesce(n.%[6]s, '') AS k0, n.id AS k1, coalesce(r.relKey, elementId(r)) AS k2 WHERE %[2]s
  WITH n, r, [k0, k1, k2] AS keys ORDER BY k0, k1, k2 LIMIT %[3]s
  RETURN collect({node: n, rel: r, keys: keys, outgoing: %[4]t}) AS rows }
RETURN pid, total, rows`, match, ks, b.param(page.First+1), hop.Out,
		totalCall(page, "p", match, "count(*)"), sortNameKey(page.Language))
	b.params["ids"] = ids
	op := fmt.Sprintf("related %s %s", hop.Type, label)
	return s.pagesByParent(ctx, op, cypher, b.params, page.First)
}

func (s *Store) pagesByParent(ctx context.Context, op, cypher string, params map[string]any, first int) (map[string]model.EntityPage, error) {
	res, err := s.read(ctx, op, cypher, params)
	if err != nil {
		return nil, err
	}
	out := make(map[string]model.EntityPage, len(res.Records))
	for _, rec := range res.Records {
		pid, _, err := neo4j.GetRecordValue[string](rec, "pid")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		p, err := pageFromRecord(rec, op, first)
		if err != nil {
			return nil, err
		}
		out[pid] = p
	}
	return out, nil
}

// RelationPages returns, for each parent id, one page of all its
// relationships (of the given types, in the given direction), ordered by
// type, then the other node's name in the page's language, and id.
func (s *Store) RelationPages(ctx context.Context, ids []string, types []string, dir model.Direction, page model.PageRequest) (map[string]model.EntityPage, error) {
	b := newBuilder(page.AsOf, page.Day)
	keys := []string{"k0", "k1", "k2", "k3"}
	if page.After != nil && len(page.After.Keys) != len(keys) {
		return nil, model.Errorf(model.CodeBadUserInput, "after: the cursor belongs to another list")
	}
	ks := b.keyset(keys, []bool{false, false, false, false}, page.After)
	var typeParam any
	if len(types) > 0 {
		typeParam = types
	}
	match := fmt.Sprintf(`MATCH (p)-[r]-(n:Entity)
  WITH p, r, n, startNode(r) = p AS outgoing
  WHERE (%[1]s IS NULL OR type(r) IN %[1]s) AND (%[2]s = 'BOTH' OR (%[2]s = 'OUTGOING') = outgoing)
    AND %[3]s AND %[4]s`, b.param(typeParam), b.param(string(dir)), relAsOfCondition("r"), asOfCondition("n"))
	cypher := fmt.Sprintf(`
UNWIND $ids AS pid
MATCH (p:Entity {id: pid})
%[4]s
CALL (p) { %[1]s
  WITH n, r, outgoing, type(r) AS k0, coalesce(n.%[5]s, '') AS k1, n.id AS k2, coalesce(r.relKey, elementId(r)) AS k3 WHERE %[2]s
  WITH n, r, outgoing, [k0, k1, k2, k3] AS keys ORDER BY k0, k1, k2, k3 LIMIT %[3]s
  RETURN collect({node: n, rel: r, keys: keys, outgoing: outgoing}) AS rows }
RETURN pid, total, rows`, match, ks, b.param(page.First+1),
		totalCall(page, "p", match, "count(*)"), sortNameKey(page.Language))
	b.params["ids"] = ids
	return s.pagesByParent(ctx, "read relations", cypher, b.params, page.First)
}

// ParticipationPages returns, for each treaty (fromInstrument) or state id,
// one page of its state-treaty pairs whose other end matches where and whose
// status on the page's day passes filter, ordered by the other end's name
// in the page's language.
func (s *Store) ParticipationPages(ctx context.Context, fromInstrument bool, ids []string, where any, filter model.ParticipationFilter, page model.PageRequest) (map[string]model.ParticipationPage, error) {
	b := newBuilder(page.AsOf, page.Day)
	p := participation{i: "x", s: "s", r: "r", u: "u", day: "$day"}
	if fromInstrument {
		p.i = "p"
	}
	w := &model.ParticipationWhere{Status: filter.Statuses, Certain: filter.Certain}
	switch x := where.(type) {
	case *model.CountryWhere:
		w.Country = x
	case *model.InstrumentWhere:
		w.Instrument = x
	}
	cond, err := b.participationWhere("x", fromInstrument, p, w)
	if err != nil {
		return nil, err
	}
	keys := []string{"k0", "k1"}
	if page.After != nil && len(page.After.Keys) != len(keys) {
		return nil, model.Errorf(model.CodeBadUserInput, "after: the cursor belongs to another list")
	}
	ks := b.keyset(keys, []bool{false, false}, page.After)
	body := participationMatch("p", "x", fromInstrument, p) + "\n  WHERE " + cond
	cypher := fmt.Sprintf(`
UNWIND $ids AS pid
MATCH (p:Entity {id: pid})
%[4]s
CALL (p) { %[1]s
  WITH x, s, r, u, coalesce(x.%[5]s, '') AS k0, x.id AS k1 WHERE %[2]s
  WITH x, s, r, u, [k0, k1] AS keys ORDER BY k0, k1 LIMIT %[3]s
  RETURN collect({node: x, s: s, r: r, u: u, keys: keys}) AS rows }
RETURN pid, p, total, rows`, body, ks, b.param(page.First+1),
		totalCall(page, "p", body, "count(*)"), sortNameKey(page.Language))
	b.params["ids"] = ids
	const op = "read treaty participations"
	res, err := s.read(ctx, op, cypher, b.params)
	if err != nil {
		return nil, err
	}
	out := map[string]model.ParticipationPage{}
	for _, rec := range res.Records {
		pid, _, err := neo4j.GetRecordValue[string](rec, "pid")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		parent, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "p")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		total, _, err := neo4j.GetRecordValue[int64](rec, "total")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		rows, _, err := neo4j.GetRecordValue[[]any](rec, "rows")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		pp := model.ParticipationPage{Total: int(total)}
		pe := decodeNode(parent)
		for _, v := range rows {
			row, _ := v.(map[string]any)
			x, ok := row["node"].(dbtype.Node)
			if !ok {
				return nil, fmt.Errorf("%s: node is %T", op, row["node"])
			}
			other := decodeNode(x)
			tp := model.TreatyParticipation{}
			if fromInstrument {
				tp.Instrument, tp.Country = model.Instrument{Entity: pe}, model.Country{Entity: other}
			} else {
				tp.Instrument, tp.Country = model.Instrument{Entity: other}, model.Country{Entity: pe}
			}
			fillParticipation(&tp, row["s"], row["r"], row["u"])
			keys, _ := row["keys"].([]any)
			pp.Items = append(pp.Items, model.ParticipationItem{Participation: tp, Keys: keys})
		}
		if len(pp.Items) > page.First {
			pp.Items = pp.Items[:page.First]
			pp.HasNext = true
		}
		out[pid] = pp
	}
	return out, nil
}

// fillParticipation reads the signature, ratification and disputed-status
// relationships of a pair, any of which may be absent.
func fillParticipation(p *model.TreatyParticipation, rels ...any) {
	for _, v := range rels {
		r, ok := v.(dbtype.Relationship)
		if !ok {
			continue
		}
		switch r.Type {
		case model.RelSigned:
			p.HasSigned = true
			p.Signed = optDate(r.Props["date"])
			p.SignatureRead = model.EarliestRead(decodeSources(r.Props))
		case model.RelRatified:
			p.Party = true
			p.RatificationRead = model.EarliestRead(decodeSources(r.Props))
			p.Ratified = optDate(r.Props["date"])
			p.Action = optString(r.Props["action"])
			p.EntryIntoForce = optDate(r.Props["entryIntoForce"])
		case model.RelStatusUnknown:
			p.Disputed = true
		}
		p.Sources = appendNew(p.Sources, decodeSources(r.Props))
		p.Variants = append(p.Variants, model.ParticipationVariants(r.Type, decodeVariants(r.Props))...)
	}
}
