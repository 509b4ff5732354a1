package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// dist is the output of `npm run build` in web/explorer. It is committed, so
// `go build` alone serves the last built pages.
//
//go:embed all:dist
var dist embed.FS

const (
	explorerPage = "explore/index.html"
	graphiqlPage = "graphiql/index.html"
	// Vite names these files by the hash of their content: a changed file is
	// a new name, so browsers may keep them for good.
	assetsDir = "explore/assets/"
)

// contentSecurityPolicy lets the pages load only what the binary serves and
// talk only to this origin. Styles may be inline: GraphiQL's dialogs insert
// style elements at run time.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

// Mount registers the explorer (GET /explore/ and every path below it,
// including its assets) and, when graphiql is true, GraphiQL at GET /graphiql
// and GET /. Without GraphiQL, GET / redirects to the explorer.
//
// Paths under /explore/ that are not files answer with the explorer's page,
// so its client-side routes (/explore/entity/cets-201) survive a reload.
func Mount(mux *http.ServeMux, graphiql bool) error {
	s, err := loadSite()
	if err != nil {
		return err
	}
	mux.Handle("GET /explore/", http.HandlerFunc(s.serveExplorer))
	if graphiql {
		if _, ok := s.files[graphiqlPage]; !ok {
			return fmt.Errorf("web: %s is missing from the built assets; run npm run build in web/explorer", graphiqlPage)
		}
		page := s.pageHandler(graphiqlPage)
		mux.Handle("GET /graphiql", page)
		mux.Handle("GET /{$}", page)
	} else {
		mux.Handle("GET /{$}", http.RedirectHandler("/explore/", http.StatusFound))
	}
	return nil
}

// asset is one built file, read once, with its gzip form when that is
// smaller.
type asset struct {
	name   string
	body   []byte
	gz     []byte
	ctype  string
	etag   string
	hashed bool
}

type site struct {
	files map[string]*asset
}

// loadSite reads and compresses the embedded files once per process: the
// server's tests build many handlers, and the files never change.
var loadSite = sync.OnceValues(func() (*site, error) { return newSite(dist) })

func newSite(fsys fs.FS) (*site, error) {
	root, err := fs.Sub(fsys, "dist")
	if err != nil {
		return nil, fmt.Errorf("web: built assets: %w", err)
	}
	s := &site{files: map[string]*asset{}}
	err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		a := &asset{name: name, body: body, ctype: contentType(name), etag: `"` + hex.EncodeToString(sum[:8]) + `"`,
			hashed: strings.HasPrefix(name, assetsDir)}
		if compressible(a.ctype) {
			if a.gz, err = gzipped(body); err != nil {
				return fmt.Errorf("compress %s: %w", name, err)
			}
		}
		s.files[name] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: built assets: %w", err)
	}
	if _, ok := s.files[explorerPage]; !ok {
		return nil, fmt.Errorf("web: %s is missing from the built assets; run npm run build in web/explorer", explorerPage)
	}
	return s, nil
}

func (s *site) serveExplorer(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if a, ok := s.files[name]; ok && strings.HasPrefix(name, "explore/") {
		s.serve(w, r, a)
		return
	}
	// A missing hashed file is a stale page asking for an old build: answer
	// 404, not the page, which the browser would try to run as a script.
	if strings.HasPrefix(name, assetsDir) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	s.serve(w, r, s.files[explorerPage])
}

func (s *site) pageHandler(name string) http.Handler {
	a := s.files[name]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, a) })
}

func (s *site) serve(w http.ResponseWriter, r *http.Request, a *asset) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if a.hashed {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// Pages name the hashed files of the current build, so browsers must
		// ask again each time (a 304 when nothing changed).
		h.Set("Cache-Control", "no-cache")
	}
	if strings.HasPrefix(a.ctype, "text/html") {
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	}
	body, etag := a.body, a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// contentTypes fixes the types of what Vite emits; the operating system's
// MIME table differs between machines (and may call .js application/x-javascript).
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".ttf":   "font/ttf",
	".txt":   "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") || strings.HasPrefix(ctype, "image/svg")
}

// gzipped returns body compressed, or nil when that saves nothing.
func gzipped(body []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() >= len(body) {
		return nil, nil
	}
	return buf.Bytes(), nil
}
