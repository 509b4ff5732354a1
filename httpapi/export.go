package httpapi

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/export"
	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// exportFormats are the formats /export writes, with their media type and
// file name.
var exportFormats = map[string]struct{ mediaType, file string }{
	"json":    {"application/json", "graph.json"},
	"csv":     {"application/zip", "graph-csv.zip"},
	"graphml": {"application/graphml+xml", "graph.graphml"},
}

// exportHandler serves GET /export?format=json|csv|graphml, of the whole
// graph or, with id, of a node's neighbourhood (depth 1 to 3, at most limit
// nodes). It obeys what GraphQL obeys: the caller must be allowed to read,
// the export's size is charged to the caller's rate-limit budget, and the
// request deadline holds.
func exportHandler(cfg Config, store Store, limiter *rateLimiter, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := auth.Require(r.Context(), auth.RoleReader); err != nil {
			writeError(w, r, http.StatusUnauthorized, model.CodeUnauthenticated, model.ErrorMessage(err))
			return
		}
		q := r.URL.Query()
		format := q.Get("format")
		if format == "" {
			format = "json"
		}
		kind, ok := exportFormats[format]
		if !ok {
			writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, fmt.Sprintf("format %q: want json, csv or graphml", format))
			return
		}
		id := q.Get("id")
		depth, err := intParam(q.Get("depth"), 1, 1, 3)
		if err != nil {
			writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "depth: "+err.Error())
			return
		}
		limit, err := intParam(q.Get("limit"), 100, 1, 500)
		if err != nil {
			writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "limit: "+err.Error())
			return
		}
		if id == "" && (q.Has("depth") || q.Has("limit")) {
			writeError(w, r, http.StatusBadRequest, model.CodeBadUserInput, "depth and limit go with id (a node's neighbourhood)")
			return
		}
		ctx := r.Context()
		// The cost is known before reading: the neighbourhood's node limit,
		// or the graph's size from its counts.
		cost := limit * 10
		if id == "" {
			stats, err := store.Stats(ctx)
			if err != nil {
				writeStoreError(w, r, logger, err)
				return
			}
			cost = 0
			for _, c := range append(stats.Nodes, stats.Relationships...) {
				cost += c.Count
			}
			if cost > cfg.ExportMaxFacts {
				writeError(w, r, http.StatusRequestEntityTooLarge, model.CodeCostLimit,
					fmt.Sprintf("the graph holds %d facts, over the export limit of %d: export neighbourhoods with id, or ask an operator to raise EXPORT_MAX_FACTS", cost, cfg.ExportMaxFacts))
				return
			}
		}
		if info := requestInfoFrom(ctx); info != nil {
			info.setCost(cost)
			if cfg.CostPerMinute > 0 {
				ok, remaining, retry := limiter.take(info.client, cost)
				info.setBudget(cfg.CostPerMinute, remaining, retry)
				if !ok {
					writeError(w, r, http.StatusTooManyRequests, model.CodeRateLimited, fmt.Sprintf("this client has spent its budget of %d cost points per minute; retry in %s", cfg.CostPerMinute, retry))
					return
				}
			}
		}
		doc, err := store.Document(ctx, id, depth, limit)
		if err != nil {
			writeStoreError(w, r, logger, err)
			return
		}
		// Written to memory first, so a failure midway is still a clean
		// error rather than half a file.
		var buf bytes.Buffer
		switch format {
		case "json":
			err = export.WriteJSON(&buf, doc)
		case "csv":
			err = export.WriteCSVZip(&buf, doc)
		case "graphml":
			err = export.WriteGraphML(&buf, doc)
		}
		if err != nil {
			writeStoreError(w, r, logger, fmt.Errorf("export %s: %w", format, err))
			return
		}
		name := kind.file
		if id != "" {
			name = id + "-" + name
		}
		w.Header().Set("Content-Type", kind.mediaType)
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		_, _ = w.Write(buf.Bytes())
	})
}

func intParam(s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("want a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

// writeStoreError answers a failed read with its code, never its cause.
func writeStoreError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status := map[model.Code]int{
		model.CodeBadUserInput: http.StatusBadRequest, model.CodeNotFound: http.StatusNotFound,
		model.CodeUnavailable: http.StatusServiceUnavailable,
	}
	code := model.ErrorCode(err)
	s, ok := status[code]
	msg := model.ErrorMessage(err)
	if !ok || msg == "" {
		s, code = http.StatusInternalServerError, model.CodeInternal
		msg = "internal error; quote request id " + RequestID(r.Context()) + " when reporting it"
		logger.Error("export failed", "request_id", RequestID(r.Context()), "err", err)
	}
	writeError(w, r, s, code, msg)
}
