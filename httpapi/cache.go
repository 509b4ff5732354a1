package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/coe-child-online/knowledge-graph/auth"
)

// HTTP caching of answers (README, "Caching"). An answer's ETag is a hash
// of the graph's version and of what was asked: the document, the operation,
// the variables, the format, and the caller's role where the answer depends
// on it. The version moves with every committed change, so an ETag names one
// answer of one state of the graph, the same in every process serving that
// graph. A request whose If-None-Match holds the current ETag is answered 304
// from the version alone, which the store keeps without a statement per
// request; nothing else is kept, so no answer of an older graph is served.

// versionFunc tells the graph's version as the store last knew it, without
// a statement of its own; an error means it cannot be vouched for, and
// answers then go without an ETag.
type versionFunc func(ctx context.Context) (string, error)

// answerCache decides the caching headers of answers.
type answerCache struct {
	version versionFunc
	// maxAge is the Cache-Control max-age in seconds.
	maxAge int
	// roleDependent is set when answers depend on the caller's role: with
	// anonymous reads off, only callers with a role get one.
	roleDependent bool
	logger        *slog.Logger
}

// answerKey is what an answer depends on besides the graph.
type answerKey struct {
	kind, document, operation string
	variables                 any
	format                    string
}

// etag returns the ETag of key's answer on the graph at version, for
// role.
func (c *answerCache) etag(version string, key answerKey, role auth.Role, debug bool) (string, error) {
	vars, err := json.Marshal(key.variables)
	if err != nil {
		return "", fmt.Errorf("etag: %w", err)
	}
	h := sha256.New()
	for _, part := range []string{version, key.kind, key.document, key.operation, string(vars), key.format} {
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	if c.roleDependent {
		fmt.Fprintf(h, "role:%s\n", role)
	}
	if debug {
		// The answer then carries its round trips, which differ.
		h.Write([]byte("debug\n"))
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:20]) + `"`, nil
}

// cacheControl is the Cache-Control of a cacheable answer.
func (c *answerCache) cacheControl() string {
	cc := fmt.Sprintf("max-age=%d", c.maxAge)
	if c.roleDependent {
		cc = "private, " + cc
	}
	return cc
}

// serve answers a GET whose answer depends on key: 304 when If-None-Match
// holds its current ETag (run is not called), and otherwise what run
// writes, with the ETag and Cache-Control when the answer succeeded.
func (c *answerCache) serve(w http.ResponseWriter, r *http.Request, key answerKey, run func(http.ResponseWriter, *http.Request)) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	if c == nil || c.version == nil || r.Method != http.MethodGet || auth.Require(ctx, auth.RoleReader) != nil {
		// A caller that may not read gets its refusal from run.
		run(w, r)
		return
	}
	version, err := c.version(ctx)
	if err != nil {
		c.logger.Warn("answer not cacheable: graph version unknown", "request_id", RequestID(ctx), "err", err)
		run(w, r)
		return
	}
	tag, err := c.etag(version, key, p.Role, r.Header.Get("X-Debug-Round-Trips") != "")
	if err != nil {
		run(w, r)
		return
	}
	vary := "Authorization, X-Api-Key, X-Debug-Round-Trips"
	if matchesETag(r.Header.Get("If-None-Match"), tag) {
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", c.cacheControl())
		w.Header().Set("Vary", vary)
		if info := requestInfoFrom(ctx); info != nil {
			info.setOperation(key.operation)
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	run(&taggingWriter{ResponseWriter: w, ctx: ctx, tag: tag, cacheControl: c.cacheControl(), vary: vary}, r)
}

// matchesETag reports whether an If-None-Match header names tag; weak
// tags compare by their value, as RFC 9110 asks for If-None-Match.
func matchesETag(header, tag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}

// taggingWriter adds the caching headers to an answer that succeeded: a
// 200 whose request recorded no error code.
type taggingWriter struct {
	http.ResponseWriter
	ctx                     context.Context
	tag, cacheControl, vary string
	wrote                   bool
}

func (t *taggingWriter) WriteHeader(code int) {
	if !t.wrote {
		t.wrote = true
		info := requestInfoFrom(t.ctx)
		failed := info == nil
		if info != nil {
			info.mu.Lock()
			failed = info.code != "" || info.limited
			info.mu.Unlock()
		}
		if code == http.StatusOK && !failed {
			t.Header().Set("ETag", t.tag)
			t.Header().Set("Cache-Control", t.cacheControl)
			t.Header().Set("Vary", t.vary)
		} else {
			t.Header().Set("Cache-Control", "no-store")
		}
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *taggingWriter) Write(b []byte) (int, error) {
	if !t.wrote {
		t.WriteHeader(http.StatusOK)
	}
	return t.ResponseWriter.Write(b)
}

// exportCache gives /export answers their caching headers: an export
// depends on the graph and its parameters only.
func exportCache(cache *answerCache, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Encode sorts the parameters, so their order in the URL does not
		// matter.
		key := answerKey{kind: "export", document: r.URL.Query().Encode()}
		cache.serve(w, r, key, next.ServeHTTP)
	})
}

// versionOf returns the version the store's watcher keeps: writes through
// this process move it at their commit, others' at the watcher's next
// poll, and it fails rather than vouch for a version it could not check.
func versionOf(store Store) versionFunc {
	return func(ctx context.Context) (string, error) {
		v, _, err := store.WatchVersion(ctx)
		if err != nil {
			return "", err
		}
		return v.String(), nil
	}
}
