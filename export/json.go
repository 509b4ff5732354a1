package export

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// WriteJSON writes doc as indented JSON in the layout model.DocumentFormat
// names: nodes ordered by id, edges by key, lists never null. Whole numbers
// held as float64 keep a ".0", so ReadJSON gives back float64 for them and
// int64 for integers.
func WriteJSON(w io.Writer, doc model.GraphDocument) error {
	out := model.GraphDocument{
		Format: model.DocumentFormat,
		Nodes:  sortedNodes(doc.Nodes),
		Edges:  sortedEdges(doc.Edges),
	}
	// Clone made them non-nil only when they were; [] reads better than null.
	if out.Nodes == nil {
		out.Nodes = []model.DocNode{}
	}
	if out.Edges == nil {
		out.Edges = []model.DocEdge{}
	}
	for i := range out.Nodes {
		n := &out.Nodes[i]
		n.Aliases = nonNil(n.Aliases)
		n.Sources = nonNil(n.Sources)
		n.Properties = keepFloats(n.Properties)
	}
	for i := range out.Edges {
		e := &out.Edges[i]
		e.Sources = nonNil(e.Sources)
		e.Properties = keepFloats(e.Properties)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Titles and names carry "&" and "<"; escaping them only hurts reading.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// keepFloats returns a copy of props in which whole float64 values are
// spelled with a decimal point: encoding/json writes 2.0 as 2, which would
// read back as an integer and change the type the store keeps.
func keepFloats(props map[string]any) map[string]any {
	if props == nil {
		return nil
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = keepFloat(v)
	}
	return out
}

func keepFloat(v any) any {
	switch v := v.(type) {
	case float64:
		// Beyond 1e21 encoding/json switches to exponent form, which reads
		// back as a float anyway; NaN and infinities are left for the
		// encoder to refuse.
		if v == math.Trunc(v) && math.Abs(v) < 1e21 {
			return json.RawMessage(strconv.FormatFloat(v, 'f', 1, 64))
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = keepFloat(x)
		}
		return out
	case []float64:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = keepFloat(x)
		}
		return out
	case map[string]any:
		return keepFloats(v)
	}
	return v
}
