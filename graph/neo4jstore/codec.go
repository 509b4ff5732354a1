package neo4jstore

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// How entities and relationships are laid out as Neo4j properties. Sources
// are three parallel lists, because Neo4j properties cannot hold maps;
// nested values the sources give (a list of chairpersons, say) are kept as
// JSON text and named in jsonKeys so they read back as structures.
const (
	keyID         = "id"
	keyName       = "name"
	keyNameFr     = "nameFr"
	keyShortName  = "shortName"
	keyAcronym    = "acronym"
	keyAliases    = "aliases"
	keyAliasText  = "aliasText"
	keySourceURLs = "sourceUrls"
	keySourceTtl  = "sourceTitles"
	keySourceDate = "sourceRetrieved"
	keyJSON       = "jsonKeys"
	keyOrigin     = "managedBy"
	keyKey        = "relKey"
	keyFrom       = "validFrom"
	keyUntil      = "validUntil"
	keyVersion    = "version"
	keyElision    = "elisionText"
	keySortNameEn = "sortNameEn"
	keySortNameFr = "sortNameFr"
	// keyVariants and keyFigures hold a fact's variants and stated figures
	// as JSON text: lists of structures Neo4j properties cannot hold.
	keyVariants = "variants"
	keyFigures  = "statedFigures"
	originSeed  = model.OriginSeed
)

// sortNameKeys name, per language, the property that holds a node's name as
// model.NameSortKey gives it: lists ordered by name sort and page by it.
var sortNameKeys = map[model.Language]string{model.LanguageEn: keySortNameEn, model.LanguageFr: keySortNameFr}

// sortNameKey returns the sort-name property of lang; the zero Language is
// English.
func sortNameKey(lang model.Language) string {
	if k, ok := sortNameKeys[lang]; ok {
		return k
	}
	return keySortNameEn
}

// setValidity copies the first validity property present (model.ValidityKeys
// names them, in order of preference) into validFrom and validUntil, so
// as-of queries need one comparison each.
func setValidity(props map[string]any, free map[string]any, relationship bool) {
	fromKeys, untilKeys := model.ValidityKeys(relationship)
	first := func(keys []string) string {
		for _, k := range keys {
			if s, ok := free[k].(string); ok {
				if d, err := model.ParseDate(s); err == nil {
					return string(d)
				}
			}
		}
		return ""
	}
	if v := first(fromKeys); v != "" {
		props[keyFrom] = v
	}
	if v := first(untilKeys); v != "" {
		props[keyUntil] = v
	}
}

// asOfCondition returns a Cypher condition on the variable v that holds when
// v is already, and still, a fact on the date in parameter $asOf; with a null
// $asOf it always holds. A fact with no date counts as always true.
func asOfCondition(v string) string { return asOfConditionAt(v, "$asOf") }

// asOfConditionAt is asOfCondition with the date in the parameter asOf
// ("$a3"), for a statement whose connections each have their own.
func asOfConditionAt(v, asOf string) string {
	return "(" + asOf + " IS NULL OR (coalesce(" + v + ".validFrom, '') <= " + asOf + " AND coalesce(" + v + ".validUntil, '9999') >= " + asOf + "))"
}

// dateRef reads the date parameter p, which holds "" for no date: its value,
// or null. A parameter that is null for one request and a date for the
// next changes type, and Neo4j plans the statement again for each type;
// "" keeps it a string, so a statement is planned once.
func dateRef(p string) string { return "(CASE WHEN " + p + " = '' THEN null ELSE " + p + " END)" }

// relAsOfCondition is asOfCondition for a relationship r. A signature,
// ratification or disputed status is a fact from the first day its window
// begins (docs/model.md, "Dates are windows"): its date as written, and
// never before the treaty opened; an undated ratification from the
// signature, or else the opening; an undated signature or a disputed status
// from the opening. Only then, as a relationship with no date at all would
// be, it is not taken as always true.
func relAsOfCondition(r string) string { return relAsOfConditionAt(r, "$asOf") }

// relAsOfConditionOf is relAsOfConditionAt for a relationship whose type
// the statement knows: for a type other than a treaty step's it is the
// plain window of validFrom and validUntil. Neo4j plans that in a fraction
// of the time the general condition takes, whose treaty branch reads the
// signature of an undated ratification.
func relAsOfConditionOf(r, typ, asOf string) string {
	switch typ {
	case "", model.RelSigned, model.RelRatified, model.RelStatusUnknown:
		return relAsOfConditionAt(r, asOf)
	}
	return asOfConditionAt(r, asOf)
}

// relAsOfConditionAt is relAsOfCondition with the date in the parameter
// asOf.
func relAsOfConditionAt(r, asOf string) string {
	return fmt.Sprintf(`(%[2]s IS NULL
  OR (type(%[1]s) IN ['SIGNED', 'RATIFIED', 'STATUS_UNKNOWN'] AND coalesce(endNode(%[1]s).opened, '') <= %[2]s AND coalesce(%[1]s.date,
    CASE type(%[1]s) WHEN 'RATIFIED' THEN head(COLLECT { WITH startNode(%[1]s) AS su, endNode(%[1]s) AS eu MATCH (su)-[sig:SIGNED]->(eu) WHERE sig.date IS NOT NULL RETURN sig.date }) END, '') <= %[2]s)
  OR (NOT type(%[1]s) IN ['SIGNED', 'RATIFIED', 'STATUS_UNKNOWN'] AND coalesce(%[1]s.validFrom, '') <= %[2]s AND coalesce(%[1]s.validUntil, '9999') >= %[2]s))`, r, asOf)
}

// storageKeys are the properties the store writes for its own use; each
// must be reserved in model, so free properties from the seed cannot clash
// with them (codec_test.go checks it).
var storageKeys = []string{keyID, keyName, keyNameFr, keyShortName, keyAcronym, keyAliases, keyAliasText,
	keySourceURLs, keySourceTtl, keySourceDate, keyJSON, keyOrigin, keyKey, keyFrom, keyUntil, keyNames, keyVersion, keyElision,
	keySortNameEn, keySortNameFr, keyVariants, keyFigures}

func encodeSources(props map[string]any, sources []model.Source) {
	urls := make([]string, len(sources))
	titles := make([]string, len(sources))
	dates := make([]string, len(sources))
	for i, s := range sources {
		if s.URL != nil {
			urls[i] = *s.URL
		}
		titles[i] = s.Title
		if s.Retrieved != nil {
			dates[i] = string(*s.Retrieved)
		}
	}
	props[keySourceURLs] = urls
	props[keySourceTtl] = titles
	props[keySourceDate] = dates
}

func decodeSources(props map[string]any) []model.Source {
	urls := stringsOf(props[keySourceURLs])
	titles := stringsOf(props[keySourceTtl])
	dates := stringsOf(props[keySourceDate])
	out := make([]model.Source, 0, len(titles))
	for i, t := range titles {
		s := model.Source{Title: t}
		if i < len(urls) && urls[i] != "" {
			u := urls[i]
			s.URL = &u
		}
		if i < len(dates) && dates[i] != "" {
			d := model.Date(dates[i])
			s.Retrieved = &d
		}
		out = append(out, s)
	}
	return out
}

// encodeFree stores free properties: scalars and lists of strings as they
// are, anything nested as JSON text.
func encodeFree(props map[string]any, free map[string]any) error {
	var jsonKeys []string
	for k, v := range free {
		switch v := v.(type) {
		case string, bool, int, int64, float64:
			props[k] = v
		case []string:
			props[k] = v
		default:
			if list, ok := stringList(v); ok {
				props[k] = list
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("property %s: %w", k, err)
			}
			props[k] = string(b)
			jsonKeys = append(jsonKeys, k)
		}
	}
	if len(jsonKeys) > 0 {
		sort.Strings(jsonKeys)
		props[keyJSON] = jsonKeys
	}
	return nil
}

func stringList(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

func decodeFree(props map[string]any) map[string]any {
	jsonKeys := map[string]bool{}
	for _, k := range stringsOf(props[keyJSON]) {
		jsonKeys[k] = true
	}
	out := map[string]any{}
	for k, v := range props {
		if model.IsReservedProperty(k) {
			continue
		}
		if s, ok := v.(string); ok && jsonKeys[k] {
			var decoded any
			if err := json.Unmarshal([]byte(s), &decoded); err == nil {
				out[k] = decoded
				continue
			}
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// encodeVariants stores variants as JSON text, and nothing when there are
// none, so facts without variants keep the layout they had.
func encodeVariants(props map[string]any, vs []model.Variant) error {
	if len(vs) == 0 {
		return nil
	}
	b, err := json.Marshal(vs)
	if err != nil {
		return fmt.Errorf("variants: %w", err)
	}
	props[keyVariants] = string(b)
	return nil
}

func decodeVariants(props map[string]any) []model.Variant {
	s, ok := props[keyVariants].(string)
	if !ok || s == "" {
		return nil
	}
	var vs []model.Variant
	if err := json.Unmarshal([]byte(s), &vs); err != nil {
		return nil
	}
	for i := range vs {
		vs[i].Value = jsonNumbers(vs[i].Value)
	}
	return vs
}

func encodeFigures(props map[string]any, fs []model.StatedFigure) error {
	if len(fs) == 0 {
		return nil
	}
	b, err := json.Marshal(fs)
	if err != nil {
		return fmt.Errorf("stated figures: %w", err)
	}
	props[keyFigures] = string(b)
	return nil
}

func decodeFigures(props map[string]any) []model.StatedFigure {
	s, ok := props[keyFigures].(string)
	if !ok || s == "" {
		return nil
	}
	var fs []model.StatedFigure
	if err := json.Unmarshal([]byte(s), &fs); err != nil {
		return nil
	}
	for i := range fs {
		fs[i].Value = jsonNumbers(fs[i].Value)
	}
	return fs
}

// jsonNumbers gives back whole numbers read from JSON text as int64, the
// type the seed gives them, so a value compares equal across a store round
// trip.
func jsonNumbers(v any) any {
	switch v := v.(type) {
	case float64:
		if v == float64(int64(v)) {
			return int64(v)
		}
	case []any:
		for i, x := range v {
			v[i] = jsonNumbers(x)
		}
	case map[string]any:
		for k, x := range v {
			v[k] = jsonNumbers(x)
		}
	}
	return v
}

// entityProps lays an entity out as the properties of its node, owned by
// origin.
func entityProps(e model.Entity, origin string, version int) (map[string]any, error) {
	props := map[string]any{keyID: e.ID, keyName: e.Name, keyOrigin: origin, keyVersion: int64(version)}
	if err := encodeFree(props, e.Properties); err != nil {
		return nil, fmt.Errorf("entity %s: %w", e.ID, err)
	}
	setOpt(props, keyNameFr, e.NameFr)
	setOpt(props, keyShortName, e.ShortName)
	setOpt(props, keyAcronym, e.Acronym)
	aliases := e.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	props[keyAliases] = aliases
	props[keyAliasText] = strings.Join(aliases, " | ")
	setValidity(props, e.Properties, false)
	names := append([]string{e.Name, deref(e.NameFr), deref(e.ShortName), deref(e.Acronym)}, aliases...)
	if n, ok := e.Properties["number"].(string); ok {
		names = append(names, n)
	}
	props[keyNames] = nameKeys(names...)
	for lang, k := range sortNameKeys {
		props[k] = model.NameSortKey(lang, e.NameIn(lang))
	}
	if t := elisionText(names); t != "" {
		props[keyElision] = t
	}
	encodeSources(props, e.Sources)
	if err := encodeVariants(props, e.Variants); err != nil {
		return nil, fmt.Errorf("entity %s: %w", e.ID, err)
	}
	if err := encodeFigures(props, e.StatedFigures); err != nil {
		return nil, fmt.Errorf("entity %s: %w", e.ID, err)
	}
	return props, nil
}

// apostrophes are the characters French elision uses ("l'enfant",
// "l’environnement").
var apostrophes = strings.NewReplacer("'", " ", "\u2019", " ", "\u02bc", " ")

// elisionText is the names that hold an elision, with the apostrophes made
// spaces. The full-text analyzer keeps "l'environnement" as one word, so
// without it a search for "environnement" would miss the name.
func elisionText(names []string) string {
	var out []string
	for _, n := range names {
		if split := apostrophes.Replace(n); split != n {
			out = append(out, split)
		}
	}
	return strings.Join(out, " | ")
}

// relProps lays a relationship out as its properties, owned by origin.
func relProps(r model.RelationRecord, key, origin string, version int) (map[string]any, error) {
	props := map[string]any{keyKey: key, keyOrigin: origin, keyVersion: int64(version)}
	if err := encodeFree(props, r.Properties); err != nil {
		return nil, fmt.Errorf("relationship %s: %w", key, err)
	}
	setValidity(props, r.Properties, true)
	encodeSources(props, r.Sources)
	if err := encodeVariants(props, r.Variants); err != nil {
		return nil, fmt.Errorf("relationship %s: %w", key, err)
	}
	return props, nil
}

func setOpt(props map[string]any, key string, v *string) {
	if v != nil && *v != "" {
		props[key] = *v
	}
}

// decodeNode reads an entity back from a node.
func decodeNode(n dbtype.Node) model.Entity {
	e := model.Entity{Properties: decodeFree(n.Props), Sources: decodeSources(n.Props), Aliases: stringsOf(n.Props[keyAliases])}
	for _, l := range n.Labels {
		if model.IsLabel(l) {
			e.Label = l
		}
	}
	e.ID, _ = n.Props[keyID].(string)
	e.Name, _ = n.Props[keyName].(string)
	e.NameFr = optString(n.Props[keyNameFr])
	e.ShortName = optString(n.Props[keyShortName])
	e.Acronym = optString(n.Props[keyAcronym])
	e.Version = versionOf(n.Props)
	e.Variants = decodeVariants(n.Props)
	e.StatedFigures = decodeFigures(n.Props)
	if e.Aliases == nil {
		e.Aliases = []string{}
	}
	return e
}

// versionOf reads the version of a node or relationship; facts written
// before versions existed count as version 0.
func versionOf(props map[string]any) int {
	v, _ := props[keyVersion].(int64)
	return int(v)
}

func optString(v any) *string {
	if s, ok := v.(string); ok && s != "" {
		return &s
	}
	return nil
}

func optDate(v any) *model.Date {
	if s, ok := v.(string); ok && s != "" {
		d := model.Date(s)
		return &d
	}
	return nil
}

// stringsOf reads a list property; Neo4j returns lists as []any.
func stringsOf(v any) []string {
	switch list := v.(type) {
	case []string:
		return list
	case []any:
		out := make([]string, 0, len(list))
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// edgeOf reads a relationship between the nodes with ids from and to.
func edgeOf(r dbtype.Relationship, from, to string) model.Edge {
	return model.Edge{Type: model.RelationType(r.Type), From: from, To: to, Properties: decodeFree(r.Props),
		Sources: decodeSources(r.Props), Key: relKeyOf(r), Version: versionOf(r.Props), Variants: decodeVariants(r.Props)}
}

// relKeyOf returns a relationship's key; one written without a key (by a
// bulk benchmark load) is named by its element id instead.
func relKeyOf(r dbtype.Relationship) string {
	if k, ok := r.Props[keyKey].(string); ok && k != "" {
		return k
	}
	return "e:" + r.ElementId
}
