package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func newMux(t *testing.T, graphiql bool) *http.ServeMux {
	t.Helper()
	mux := http.NewServeMux()
	if err := Mount(mux, graphiql); err != nil {
		t.Fatal(err)
	}
	return mux
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func embedded(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(dist, "dist/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExplorerPageAndClientRoutes(t *testing.T) {
	mux := newMux(t, true)
	page := embedded(t, explorerPage)
	for _, target := range []string{"/explore/", "/explore/index.html", "/explore/entity/glacy-plus", "/explore/graph/cets-201",
		"/explore/path?from=country-mu&to=cets-201", "/explore/coverage?asOf=2020-01-01", "/explore/no/such/view"} {
		rec := get(t, mux, http.MethodGet, target, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: status %d", target, rec.Code)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", target, ct)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", target, cc)
		}
		if rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no Content-Security-Policy", target)
		}
		if !bytes.Equal(rec.Body.Bytes(), page) {
			t.Errorf("GET %s: the body is not the explorer's page", target)
		}
	}
}

func TestExplorerWithoutSlashRedirects(t *testing.T) {
	rec := get(t, newMux(t, false), http.MethodGet, "/explore", nil)
	if rec.Code/100 != 3 || rec.Header().Get("Location") != "/explore/" {
		t.Fatalf("GET /explore: %d to %q, want a redirect to /explore/", rec.Code, rec.Header().Get("Location"))
	}
}

func TestAssetsAreServedWithTheirTypeAndCachedForGood(t *testing.T) {
	mux := newMux(t, true)
	entries, err := fs.ReadDir(dist, "dist/"+strings.TrimSuffix(assetsDir, "/"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	seen := map[string]bool{}
	for _, e := range entries {
		name := assetsDir + e.Name()
		rec := get(t, mux, http.MethodGet, "/"+name, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /%s: status %d", name, rec.Code)
		}
		ext := name[strings.LastIndex(name, "."):]
		seen[ext] = true
		if w, ok := want[ext]; ok && rec.Header().Get("Content-Type") != w {
			t.Errorf("GET /%s: Content-Type %q, want %q", name, rec.Header().Get("Content-Type"), w)
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("GET /%s: Cache-Control %q", name, cc)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET /%s: no nosniff", name)
		}
		if !bytes.Equal(rec.Body.Bytes(), embedded(t, name)) {
			t.Errorf("GET /%s: body differs from the embedded file", name)
		}
	}
	if !seen[".js"] || !seen[".css"] {
		t.Fatalf("the build has no scripts or no styles: %v", seen)
	}
}

func TestGzipWhenAccepted(t *testing.T) {
	mux := newMux(t, true)
	rec := get(t, mux, http.MethodGet, "/explore/", map[string]string{"Accept-Encoding": "br, gzip"})
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", rec.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q", rec.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, embedded(t, explorerPage)) {
		t.Error("the gzipped page does not decompress to the page")
	}
	plain := get(t, mux, http.MethodGet, "/explore/", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if plain.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 still got %q", plain.Header().Get("Content-Encoding"))
	}
}

func TestRevalidationAnswersNotModified(t *testing.T) {
	mux := newMux(t, true)
	first := get(t, mux, http.MethodGet, "/explore/", nil)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := get(t, mux, http.MethodGet, "/explore/entity/cets-201", map[string]string{"If-None-Match": etag})
	if again.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match: status %d, want 304", again.Code)
	}
}

func TestMissingAssetIsNotFound(t *testing.T) {
	rec := get(t, newMux(t, true), http.MethodGet, "/"+assetsDir+"gone-0000.js", nil)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d, want 404", rec.Code)
	}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Error("a missing script answered with a page")
	}
}

func TestGraphiQLOnlyWhenAsked(t *testing.T) {
	page := embedded(t, graphiqlPage)
	on := newMux(t, true)
	for _, target := range []string{"/graphiql", "/"} {
		rec := get(t, on, http.MethodGet, target, nil)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), page) {
			t.Fatalf("GET %s with GraphiQL: status %d, GraphiQL page %v", target, rec.Code, bytes.Equal(rec.Body.Bytes(), page))
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", target, ct)
		}
		if rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q", target, rec.Header().Get("Cache-Control"))
		}
	}
	if rec := get(t, on, http.MethodHead, "/graphiql", nil); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD /graphiql: status %d, %d bytes", rec.Code, rec.Body.Len())
	}

	off := newMux(t, false)
	rec := get(t, off, http.MethodGet, "/", nil)
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/explore/" {
		t.Fatalf("GET / without GraphiQL: %d to %q, want 302 to /explore/", rec.Code, rec.Header().Get("Location"))
	}
	if rec := get(t, off, http.MethodGet, "/graphiql", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("GET /graphiql without GraphiQL: status %d, want 404", rec.Code)
	}
	// Only the root is claimed: other paths stay free for the service.
	if rec := get(t, off, http.MethodGet, "/other", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("GET /other: status %d, want 404", rec.Code)
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	rec := get(t, newMux(t, true), http.MethodPost, "/explore/", nil)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST /explore/: status %d, want 405", rec.Code)
	}
}

var (
	// Scripts, styles and preloads in the built pages.
	pageRef = regexp.MustCompile(`<(?:script|link)\b[^>]*?\b(?:src|href)="(/[^"]*)"`)
	// Files that scripts and styles load in turn (dynamic imports, fonts).
	assetRef = regexp.MustCompile(`explore/assets/[A-Za-z0-9_.-]+\.[a-z0-9]+`)
)

// TestPagesReferenceOnlyEmbeddedFiles catches a web/dist that is half
// rebuilt: every file the pages or their scripts ask for must be embedded.
func TestPagesReferenceOnlyEmbeddedFiles(t *testing.T) {
	s, err := loadSite()
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{explorerPage, graphiqlPage} {
		refs := pageRef.FindAllStringSubmatch(string(embedded(t, page)), -1)
		if len(refs) < 2 {
			t.Fatalf("%s references %d files; want its script and its styles", page, len(refs))
		}
		for _, m := range refs {
			if _, ok := s.files[strings.TrimPrefix(m[1], "/")]; !ok {
				t.Errorf("%s references %s, which is not in web/dist", page, m[1])
			}
		}
	}
	for name, a := range s.files {
		if !strings.HasSuffix(name, ".js") && !strings.HasSuffix(name, ".css") {
			continue
		}
		for _, ref := range assetRef.FindAllString(string(a.body), -1) {
			if _, ok := s.files[ref]; !ok {
				t.Errorf("%s loads %s, which is not in web/dist", name, ref)
			}
		}
	}
}

// TestGraphiQLBuiltWithTheExamples fails when web/examples changed and
// web/dist was not rebuilt: GraphiQL would open with stale tabs.
func TestGraphiQLBuiltWithTheExamples(t *testing.T) {
	s, err := loadSite()
	if err != nil {
		t.Fatal(err)
	}
	var bundle strings.Builder
	for name, a := range s.files {
		if strings.HasPrefix(name, assetsDir) && strings.HasSuffix(name, ".js") {
			bundle.Write(a.body)
		}
	}
	ex, err := Examples()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		first, _, _ := strings.Cut(e.Query, "\n")
		// The bundler may write the text as it is or escaped as in JSON.
		quoted, _ := json.Marshal(first)
		if !strings.Contains(bundle.String(), first) && !strings.Contains(bundle.String(), string(quoted[1:len(quoted)-1])) {
			t.Errorf("example %s is not in the built GraphiQL; run npm run build in web/explorer", e.Name)
		}
	}
}
