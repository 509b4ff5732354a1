package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
)

// graphiqlPage loads GraphiQL from a CDN and opens it with one tab per worked
// example.
var graphiqlPage = template.Must(template.New("graphiql").Parse(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{.Title}}</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css">
  <script crossorigin src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"></script>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script>
    const tabs = {{.Tabs}};
    const fetcher = GraphiQL.createFetcher({ url: {{.Endpoint}} });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultTabs: tabs, defaultEditorToolsVisibility: true })
    );
  </script>
</body>
</html>
`))

// GraphiQL returns a handler serving GraphiQL for the GraphQL endpoint, with
// the worked examples open in tabs.
func GraphiQL(title, endpoint string) (http.Handler, error) {
	ex, err := Examples()
	if err != nil {
		return nil, err
	}
	type tab struct {
		Query string `json:"query"`
	}
	tabs := make([]tab, len(ex))
	for i, e := range ex {
		tabs[i] = tab{Query: e.Query}
	}
	tj, err := json.Marshal(tabs)
	if err != nil {
		return nil, fmt.Errorf("graphiql tabs: %w", err)
	}
	var buf bytes.Buffer
	err = graphiqlPage.Execute(&buf, map[string]any{"Title": title, "Endpoint": endpoint, "Tabs": template.JS(tj)})
	if err != nil {
		return nil, fmt.Errorf("graphiql page: %w", err)
	}
	page := buf.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	}), nil
}
