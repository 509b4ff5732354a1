package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// The full-text index Search reads. The folding analyzer indexes
// "Türkiye" as "turkiye", so readers need not type accents; it drops the
// English stop words below. Besides the names it covers the treaty number
// (so every name key is in the index, see Search) and the few descriptive
// text properties the data holds.
const (
	entityNamesIndex    = "entity_names"
	entityNamesAnalyzer = "standard-folding"
)

var entityNamesProperties = []string{
	keyName, keyNameFr, keyShortName, keyAcronym, keyAliasText, "number", "theme", "subtitle", "role", keyElision,
}

// stopWords are the English stop words of the standard-folding analyzer.
// Neither the index nor the query keeps them, so a prefix built from one
// would ask for a word that is not there.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "but": true,
	"by": true, "for": true, "if": true, "in": true, "into": true, "is": true, "it": true, "no": true,
	"not": true, "of": true, "on": true, "or": true, "such": true, "that": true, "the": true,
	"their": true, "then": true, "there": true, "these": true, "they": true, "this": true, "to": true,
	"was": true, "will": true, "with": true,
}

// frenchLinkWords are the articles and prepositions that join the words of
// French names, folded as the query is. The analyzer keeps them, so they
// still count towards the score where a name has them.
var frenchLinkWords = map[string]bool{
	"au": true, "aux": true, "d": true, "de": true, "des": true, "du": true, "en": true, "et": true,
	"l": true, "la": true, "le": true, "les": true, "par": true, "pour": true, "sur": true,
}

// maxSearchWords bounds the words of a query: each becomes a clause per
// indexed property, and Lucene refuses queries of more than 1024 clauses.
const maxSearchWords = 32

// maxSearchLength bounds a query's characters: a word of a few thousand
// characters makes the full-text index fail the whole statement.
const maxSearchLength = 500

// entityNamesStatement creates the full-text index from the definition
// above; only constants go into its text.
func entityNamesStatement() string {
	props := make([]string, len(entityNamesProperties))
	for i, p := range entityNamesProperties {
		props[i] = "n." + p
	}
	return fmt.Sprintf("CREATE FULLTEXT INDEX %s IF NOT EXISTS FOR (n:Entity) ON EACH [%s] OPTIONS {indexConfig: {`fulltext.analyzer`: '%s'}}",
		entityNamesIndex, strings.Join(props, ", "), entityNamesAnalyzer)
}

// dropStaleFulltextIndex drops the full-text index when it exists with
// other properties or another analyzer than entityNamesStatement gives it:
// CREATE ... IF NOT EXISTS would keep such an index as it is.
func (s *Store) dropStaleFulltextIndex(ctx context.Context) error {
	const op = "check full-text index"
	res, err := neo4j.ExecuteQuery(ctx, s.driver, `
SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties, options
WHERE name = $name
RETURN labelsOrTypes, properties, options.indexConfig['fulltext.analyzer'] AS analyzer`,
		map[string]any{"name": entityNamesIndex}, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting())
	if err != nil {
		return classify(op, err)
	}
	if len(res.Records) == 0 {
		return nil
	}
	rec := res.Records[0].AsMap()
	analyzer, _ := rec["analyzer"].(string)
	if slices.Equal(stringsOf(rec["labelsOrTypes"]), []string{"Entity"}) &&
		slices.Equal(stringsOf(rec["properties"]), entityNamesProperties) && analyzer == entityNamesAnalyzer {
		return nil
	}
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, "DROP INDEX "+entityNamesIndex+" IF EXISTS", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting()); err != nil {
		return classify("drop stale full-text index", err)
	}
	return nil
}

// awaitFulltextIndex waits until the full-text index is online: a new one
// fills in the background, and a search before then would fail.
func (s *Store) awaitFulltextIndex(ctx context.Context) error {
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, `CALL db.awaitIndex($name, 300)`, map[string]any{"name": entityNamesIndex},
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.db), neo4j.ExecuteQueryWithWritersRouting()); err != nil {
		return classify("await full-text index", err)
	}
	return nil
}

// luceneSpecial are the characters Lucene's query syntax gives a meaning.
const luceneSpecial = `+-&|!(){}[]^"~*?:\/`

func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(luceneSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWord(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}

// luceneQuery turns the reader's words into a query that wants every word,
// wherever it is among the indexed properties, and takes the last word as
// the start of one too, so results come while the reader is still typing.
// Each word is quoted: the analyzer splits "T-CY" into a phrase "t cy",
// which is what the index holds. Words are folded first because Lucene does
// not run the analyzer over a prefix; lower case also keeps "AND", "OR" and
// "NOT" from being read as operators.
//
// French articles and prepositions are wanted but not required: a reader
// types the French name "Convention de Budapest", and the entity holds
// "Convention sur la cybercriminalité" and the alias "Budapest
// Convention", with no "de" anywhere.
func luceneQuery(words []string) string {
	clauses := make([]string, len(words))
	for i, w := range words {
		q := `"` + escapeLucene(w) + `"`
		if i == len(words)-1 && isWord(w) && !stopWords[w] {
			q = "(" + q + " " + w + "*)"
		}
		if !frenchLinkWords[w] {
			q = "+" + q
		}
		clauses[i] = q
	}
	return strings.Join(clauses, " ")
}

// Search finds entities by their names, acronyms, aliases, treaty numbers
// and descriptive text, whatever the case and accents, optionally only
// those with one of labels. Hits come by score, best first, then by id;
// after is the last hit of the previous page. It returns up to first hits,
// how many there are in all and whether more follow.
//
// An entity that one of its names, acronyms or numbers matches exactly
// ("T-CY", "ETS 185") scores above every other hit, since a reader who
// types a name wants that entity, not the ones that mention it most.
func (s *Store) Search(ctx context.Context, query string, labels []string, first int, after *model.SearchAfter) (hits []model.SearchHit, total int, hasNext bool, err error) {
	const op = "search"
	params, err := searchParams(query, labels, first, after)
	if err != nil {
		return nil, 0, false, err
	}
	res, err := s.read(ctx, op, searchHits+`
RETURN size(hits) AS total, COLLECT {
  `+searchPage+`
  RETURN {n: n, score: score} AS hit
  ORDER BY score DESC, n.id ASC
  LIMIT $limit
} AS page`, params)
	if err != nil {
		return nil, 0, false, err
	}
	if len(res.Records) != 1 {
		return nil, 0, false, fmt.Errorf("%s: %d records, want 1", op, len(res.Records))
	}
	rec := res.Records[0]
	n, _, err := neo4j.GetRecordValue[int64](rec, "total")
	if err != nil {
		return nil, 0, false, fmt.Errorf("%s: %w", op, err)
	}
	page, _, err := neo4j.GetRecordValue[[]any](rec, "page")
	if err != nil {
		return nil, 0, false, fmt.Errorf("%s: %w", op, err)
	}
	hits = make([]model.SearchHit, 0, len(page))
	for _, v := range page {
		m, ok := v.(map[string]any)
		node, ok1 := m["n"].(dbtype.Node)
		score, ok2 := m["score"].(float64)
		if !ok || !ok1 || !ok2 {
			return nil, 0, false, fmt.Errorf("%s: bad hit %v", op, v)
		}
		hits = append(hits, model.SearchHit{Entity: decodeNode(node), Score: score})
	}
	if len(hits) > first {
		hits, hasNext = hits[:first], true
	}
	return hits, int(n), hasNext, nil
}

// searchHits finds a search's hits, each with its score and whether one of
// the node's name keys is the query's: every name key is the folded text
// of an indexed property, and the query wants each of its words, so an
// exact match is always among the full-text hits and no second lookup is
// needed to find it.
const searchHits = `
CALL db.index.fulltext.queryNodes($index, $lucene) YIELD node, score
WHERE size($labels) = 1 OR any(l IN labels(node) WHERE l IN $labels)
WITH collect({n: node, score: score, exact: $key IN node.nameKeys}) AS hits, max(score) AS top`

// searchPage ranks the hits, an exact match's score lifted above the best
// full-text score (keeping its own score's order among exact matches), and
// keeps those after the cursor.
const searchPage = `UNWIND hits AS h
  WITH h.n AS n, CASE WHEN h.exact THEN top + 1.0 + h.score ELSE h.score END AS score
  WHERE $afterID = '' OR score < $afterScore OR (score = $afterScore AND n.id > $afterID)`

// searchParams checks a search's arguments and returns the parameters of
// searchHits and searchPage, and $limit (one more than first).
func searchParams(query string, labels []string, first int, after *model.SearchAfter) (map[string]any, error) {
	if n := utf8.RuneCountInString(query); n > maxSearchLength {
		return nil, model.Errorf(model.CodeBadUserInput, "query: %d characters is more than the %d a search takes", n, maxSearchLength)
	}
	key := foldName(query)
	words := strings.Fields(key)
	if len(words) == 0 {
		return nil, model.Errorf(model.CodeBadUserInput, "query: give some words to search for")
	}
	if len(words) > maxSearchWords {
		return nil, model.Errorf(model.CodeBadUserInput, "query: %d words is more than the %d a search takes", len(words), maxSearchWords)
	}
	if first < 0 {
		return nil, model.Errorf(model.CodeBadUserInput, "first: %d is negative", first)
	}
	for _, l := range labels {
		if !model.IsLabel(l) {
			return nil, model.Errorf(model.CodeBadUserInput, "unknown entity type %q", l)
		}
	}
	// No parameter is ever null, nor an empty list: one that changes type
	// between requests makes Neo4j plan the statement again. The labels
	// follow a "" that no node carries.
	params := map[string]any{
		"index": entityNamesIndex, "lucene": luceneQuery(words), "key": strings.Join(words, " "),
		"labels": append([]string{""}, labels...), "afterScore": 0.0, "afterID": "", "limit": first + 1,
	}
	if after != nil {
		params["afterScore"] = after.Score
		params["afterID"] = after.ID
	}
	return params, nil
}
