package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/queries"
	"github.com/coe-child-online/knowledge-graph/resolvers"
)

// savedQueryBook finds saved queries by name: the repository's, loaded at
// start, and the curators', read from the graph once and then kept, since a
// saved query is never replaced (neo4jstore.SaveQuery). Keeping them spares
// a conditional GET its only statement.
type savedQueryBook struct {
	schema *ast.Schema
	store  resolvers.SavedQueryStore
	mu     sync.Mutex
	known  map[string]*parsedQuery
}

// parsedQuery is a saved query with its checked document.
type parsedQuery struct {
	model.SavedQuery
	doc *ast.QueryDocument
	op  *ast.OperationDefinition
}

func newSavedQueryBook(schema *ast.Schema, store resolvers.SavedQueryStore) (*savedQueryBook, error) {
	b := &savedQueryBook{schema: schema, store: store, known: map[string]*parsedQuery{}}
	repo, err := queries.All()
	if err != nil {
		return nil, err
	}
	for _, q := range repo {
		p, err := parseSaved(schema, q)
		if err != nil {
			return nil, fmt.Errorf("saved query queries/%s.graphql: %w", q.Name, err)
		}
		b.known[q.Name] = p
	}
	return b, nil
}

func parseSaved(schema *ast.Schema, q model.SavedQuery) (*parsedQuery, error) {
	doc, err := resolvers.CheckSavedDocument(schema, "document", q.Document)
	if err != nil {
		return nil, err
	}
	return &parsedQuery{SavedQuery: q, doc: doc, op: doc.Operations[0]}, nil
}

// find returns the saved query called name; NOT_FOUND when there is none.
func (b *savedQueryBook) find(ctx context.Context, name string) (*parsedQuery, error) {
	b.mu.Lock()
	p := b.known[name]
	b.mu.Unlock()
	if p != nil {
		return p, nil
	}
	if problem := model.SavedQueryNameProblem(name); problem != "" {
		return nil, model.Errorf(model.CodeNotFound, "no saved query is called %q: a name %s", name, problem)
	}
	q, err := b.store.SavedQuery(ctx, name)
	if err != nil {
		return nil, err
	}
	if q == nil {
		return nil, model.Errorf(model.CodeNotFound, "no saved query is called %q; query savedQueries lists them", name)
	}
	// The schema may have changed since the query was saved.
	if p, err = parseSaved(b.schema, *q); err != nil {
		return nil, model.Errorf(model.CodeBadUserInput, "the saved query %q no longer fits the schema: %s", name, model.ErrorMessage(err))
	}
	b.mu.Lock()
	b.known[name] = p
	b.mu.Unlock()
	return p, nil
}

// answerFormats are the formats a query's answer comes in.
var answerFormats = map[string]string{
	"json":   "application/json",
	"csv":    "text/csv; charset=utf-8",
	"ndjson": "application/x-ndjson",
}

func formatOf(q url.Values) (string, error) {
	f := q.Get("format")
	if f == "" {
		return "json", nil
	}
	if _, ok := answerFormats[f]; !ok || len(q["format"]) > 1 {
		return "", model.Errorf(model.CodeBadUserInput, "format %q: want json, csv or ndjson", strings.Join(q["format"], ","))
	}
	return f, nil
}

// urlVariables reads the operation's variables from URL parameters, typed
// by its variable definitions: Int, Float and Boolean are parsed, input
// objects and JSON values are JSON, lists repeat the parameter (or give a
// JSON list), and every other type is the text as given. The values are then
// checked like any request's variables. A parameter that names no variable
// is refused, so a typo is not silently ignored.
func urlVariables(schema *ast.Schema, op *ast.OperationDefinition, q url.Values) (map[string]any, error) {
	vars := map[string]any{}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "format" {
			continue
		}
		def := op.VariableDefinitions.ForName(k)
		if def == nil {
			known := make([]string, 0, len(op.VariableDefinitions))
			for _, d := range op.VariableDefinitions {
				known = append(known, "$"+d.Variable)
			}
			list := "none"
			if len(known) > 0 {
				list = strings.Join(known, ", ")
			}
			return nil, model.Errorf(model.CodeBadUserInput, "parameter %q names no variable of the query (its variables: %s; and format)", k, list)
		}
		v, err := urlValue(schema, def.Type, q[k], "variable $"+k)
		if err != nil {
			return nil, err
		}
		vars[k] = v
	}
	for _, d := range op.VariableDefinitions {
		if _, given := vars[d.Variable]; !given && d.Type.NonNull && d.DefaultValue == nil {
			return nil, model.Errorf(model.CodeBadUserInput, "variable $%s is required (%s): add %s=... to the URL", d.Variable, d.Type, d.Variable)
		}
	}
	return vars, nil
}

func urlValue(schema *ast.Schema, t *ast.Type, values []string, field string) (any, error) {
	if t.Elem != nil {
		if len(values) == 1 && strings.HasPrefix(strings.TrimSpace(values[0]), "[") {
			var list []any
			if err := json.Unmarshal([]byte(values[0]), &list); err != nil {
				return nil, model.Errorf(model.CodeBadUserInput, "%s: %q is not a JSON list", field, values[0])
			}
			return list, nil
		}
		out := make([]any, 0, len(values))
		for i, s := range values {
			v, err := urlValue(schema, t.Elem, []string{s}, fmt.Sprintf("%s[%d]", field, i))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	if len(values) != 1 {
		return nil, model.Errorf(model.CodeBadUserInput, "%s: given %d times; it takes one value", field, len(values))
	}
	s := values[0]
	def := schema.Types[t.NamedType]
	if def == nil {
		return s, nil
	}
	switch {
	case def.Kind == ast.InputObject || def.Name == "JSON":
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, model.Errorf(model.CodeBadUserInput, "%s: %q is not JSON (a %s is written as JSON in a URL)", field, s, def.Name)
		}
		return v, nil
	case def.Name == "Int":
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, model.Errorf(model.CodeBadUserInput, "%s: %q is not an Int", field, s)
		}
		return n, nil
	case def.Name == "Float":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, model.Errorf(model.CodeBadUserInput, "%s: %q is not a Float", field, s)
		}
		return f, nil
	case def.Name == "Boolean":
		switch s {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, model.Errorf(model.CodeBadUserInput, "%s: %q is not a Boolean; write true or false", field, s)
	}
	return s, nil
}

// savedQueryKey marks a request's context as running a saved query, which
// is a trusted document however the allow-list is set.
type savedQueryKey struct{}

func isSavedQuery(ctx context.Context) bool {
	_, ok := ctx.Value(savedQueryKey{}).(string)
	return ok
}

// savedQueryHandler serves GET /q/{name}: it finds the query, reads its
// variables from the URL, and runs it through the same chain as a POST to
// /graphql (guards, deadline, admission, limits, rate limit), answering in
// the format asked for.
func savedQueryHandler(book *savedQueryBook, cache *answerCache, gqlChain http.Handler, now func() time.Time, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		// A caller that may not read learns nothing of the saved queries,
		// and costs no lookup.
		if err := auth.Require(r.Context(), auth.RoleReader); err != nil {
			writeErrorOf(w, r, logger, err)
			return
		}
		q := r.URL.Query()
		format, err := formatOf(q)
		if err != nil {
			writeErrorOf(w, r, logger, err)
			return
		}
		p, err := book.find(r.Context(), name)
		if err != nil {
			writeErrorOf(w, r, logger, err)
			return
		}
		vars, err := urlVariables(book.schema, p.op, q)
		if err != nil {
			writeErrorOf(w, r, logger, err)
			return
		}
		body, err := json.Marshal(map[string]any{"query": p.Document, "operationName": p.op.Name, "variables": vars})
		if err != nil {
			writeErrorOf(w, r, logger, fmt.Errorf("saved query %s: %w", name, err))
			return
		}
		file := fmt.Sprintf("%s-%s.%s", name, now().UTC().Format("2006-01-02"), format)
		// The file name carries the day, so the answer of another day is
		// another answer.
		key := answerKey{kind: "q/" + name, document: p.Document, operation: p.op.Name, variables: vars, format: format + " " + file}
		cache.serve(w, r, key, func(w http.ResponseWriter, r *http.Request) {
			inner := r.Clone(context.WithValue(r.Context(), savedQueryKey{}, name))
			inner.Method = http.MethodPost
			inner.Header.Set("Content-Type", "application/json")
			inner.ContentLength = int64(len(body))
			inner.Body = io.NopCloser(bytes.NewReader(body))
			renderAnswer(w, inner, gqlChain, p.doc, p.op, format, file, true, logger)
		})
	})
}

// renderAnswer runs a GraphQL request through chain and answers it in
// format. A CSV or NDJSON answer is a download named file; an answer with
// errors is always the GraphQL JSON document. With strictStatus (GET /q),
// an error answer's status follows its first error's code, so a
// spreadsheet's fetch fails plainly on a bad parameter.
func renderAnswer(w http.ResponseWriter, r *http.Request, chain http.Handler, doc *ast.QueryDocument, op *ast.OperationDefinition, format, file string, strictStatus bool, logger *slog.Logger) {
	rec := httptest.NewRecorder()
	chain.ServeHTTP(rec, r)
	status := rec.Code
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	decodeErr := json.Unmarshal(rec.Body.Bytes(), &resp)
	if decodeErr != nil || len(resp.Errors) > 0 || status != http.StatusOK {
		if strictStatus && len(resp.Errors) > 0 {
			code, _ := resp.Errors[0].Extensions["code"].(string)
			status = statusOfCode(model.Code(code), status)
		}
		copyAnswer(w, rec, status)
		return
	}
	if format == "json" {
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", file))
		copyAnswer(w, rec, status)
		return
	}
	t, err := flattenData(resp.Data, tableColumns(doc, op))
	if err == nil {
		var buf bytes.Buffer
		if format == "csv" {
			err = writeCSV(&buf, t)
		} else {
			err = writeNDJSON(&buf, t)
		}
		if err == nil {
			w.Header().Set("Content-Type", answerFormats[format])
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", file))
			w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(buf.Bytes())
			return
		}
	}
	writeErrorOf(w, r, logger, fmt.Errorf("render answer as %s: %w", format, err))
}

// copyAnswer writes a recorded answer with status.
func copyAnswer(w http.ResponseWriter, rec *httptest.ResponseRecorder, status int) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(rec.Body.Bytes())
}

// statusOfCode is the HTTP status of an answer whose first error has code;
// def for codes that have no status of their own.
func statusOfCode(code model.Code, def int) int {
	switch code {
	case model.CodeBadUserInput, "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", model.CodeCostLimit:
		return http.StatusBadRequest
	case model.CodeUnauthenticated:
		return http.StatusUnauthorized
	case model.CodeForbidden:
		return http.StatusForbidden
	case model.CodeNotFound:
		return http.StatusNotFound
	case model.CodeRateLimited:
		return http.StatusTooManyRequests
	case model.CodeUnavailable:
		return http.StatusServiceUnavailable
	case model.CodeInternal:
		return http.StatusInternalServerError
	}
	return def
}

// writeErrorOf answers err outside GraphQL with the status of its code;
// anything but a model error is internal, its cause going to the log only.
func writeErrorOf(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	code := model.ErrorCode(err)
	msg := model.ErrorMessage(err)
	if code == "" || code == model.CodeInternal || msg == "" {
		logger.Error("request failed", "request_id", RequestID(r.Context()), "err", err)
		code, msg = model.CodeInternal, "internal error; quote request id "+RequestID(r.Context())+" when reporting it"
	}
	writeError(w, r, statusOfCode(code, http.StatusInternalServerError), code, msg)
}

// graphqlGET gives GET /graphql its caching headers and, with
// format=csv or ndjson, the table of its answer (the columns of
// README, "Saved queries"). POSTs pass through: they are never cached.
func graphqlGET(cache *answerCache, chain http.Handler, now func() time.Time, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Subscriptions' streams (a WebSocket upgrade, Server-Sent Events)
		// are no answers to cache.
		if r.Method != http.MethodGet || streamRequest(r) || strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			chain.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		format, err := formatOf(q)
		if err != nil {
			writeErrorOf(w, r, logger, err)
			return
		}
		var vars any
		if s := q.Get("variables"); s != "" {
			if err := json.Unmarshal([]byte(s), &vars); err != nil {
				// gqlgen reports it.
				chain.ServeHTTP(w, r)
				return
			}
		}
		day := now().UTC().Format("2006-01-02")
		key := answerKey{kind: "graphql", document: q.Get("query") + "\x00" + q.Get("extensions"), operation: q.Get("operationName"), variables: vars, format: format}
		if format != "json" {
			// A download's file name carries the day.
			key.format += " " + day
		}
		cache.serve(w, r, key, func(w http.ResponseWriter, r *http.Request) {
			if format == "json" {
				chain.ServeHTTP(w, r)
				return
			}
			doc, perr := parser.ParseQuery(&ast.Source{Input: q.Get("query")})
			var op *ast.OperationDefinition
			if perr == nil {
				op = operationOf(doc, q.Get("operationName"))
			}
			if op == nil {
				// Not a document a table can be made of; gqlgen says why,
				// or a query sent by its hash alone has no text to read
				// the columns from.
				if perr == nil && q.Get("query") == "" {
					writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "format "+format+" needs the query's text, not only its hash")
					return
				}
				chain.ServeHTTP(w, r)
				return
			}
			name := op.Name
			if name == "" {
				name = "query"
			}
			file := fmt.Sprintf("%s-%s.%s", name, day, format)
			renderAnswer(w, r, chain, doc, op, format, file, false, logger)
		})
	})
}

// operationOf returns the operation of doc that name picks: the only one
// when name is empty.
func operationOf(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	if name == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0]
		}
		return nil
	}
	return doc.Operations.ForName(name)
}
