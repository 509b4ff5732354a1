package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// ReadJSON reads and checks a document in the layout WriteJSON writes.
// Unknown fields, a format other than model.DocumentFormat and documents
// that do not hold together (duplicate ids or keys, unknown labels, edges
// to nodes the document lacks, facts without a source) are refused with a
// *ProblemsError that lists every problem with the line of the value it is
// about. The error is not wrapped, so a caller can put the file name in
// front of each line.
//
// Property values come back as encoding/json gives them, except numbers:
// an integer is an int64 and a number with a fraction or exponent a
// float64, as the store keeps them. Lists are []any, objects map[string]any.
func ReadJSON(r io.Reader) (model.GraphDocument, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return model.GraphDocument{}, fmt.Errorf("read json: %w", err)
	}
	// Some editors on Windows start a file with a byte-order mark, which
	// JSON does not allow; it says nothing, so drop it.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	p := newParser(data)
	// Checking the syntax of the whole text first gives the exact offset
	// of a syntax error, which the streaming decoder does not.
	var se *json.SyntaxError
	if err := json.Unmarshal(data, new(json.RawMessage)); errors.As(err, &se) {
		p.add(p.lineAt(int(max(se.Offset-1, 0))), "invalid JSON: %v", se)
		return model.GraphDocument{}, &ProblemsError{Problems: p.problems}
	}
	dr := &docReader{parser: p, nodeAt: map[string]int{}, edgeAt: map[string]int{}}
	if err := dr.document(); err != nil {
		return model.GraphDocument{}, fmt.Errorf("read json: %w", err)
	}
	if len(p.problems) > 0 {
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
		return model.GraphDocument{}, &ProblemsError{Problems: p.problems}
	}
	return dr.doc, nil
}

// docReader reads a GraphDocument and checks it as it goes.
type docReader struct {
	*parser
	doc    model.GraphDocument
	nodeAt map[string]int // node id -> line of its first definition
	edgeAt map[string]int // edge key -> line of its first definition
	// ends are the edge endpoints, checked once every node has been read:
	// edges may come before the nodes they join.
	ends []endpoint
	// edges says where each edge of doc.Edges was read.
	edges []placedEdge
}

type endpoint struct {
	edge, end, id string
	line          int
}

func (r *docReader) document() error {
	line := r.nextLine()
	formatLine := 0
	ok, err := r.object("the document", documentFields(), func(name string, at int) error {
		switch name {
		case "format":
			formatLine = at
			return r.decode(at, "format", &r.doc.Format)
		case "nodes":
			if null, err := r.null(); null || err != nil {
				return err
			}
			return r.array("nodes", r.node)
		default:
			if null, err := r.null(); null || err != nil {
				return err
			}
			return r.array("edges", r.edge)
		}
	})
	if err != nil || !ok {
		return err
	}
	switch {
	case formatLine == 0:
		r.add(line, "format is missing: want %q", model.DocumentFormat)
	case r.doc.Format != model.DocumentFormat:
		r.add(formatLine, "format %q: want %q", r.doc.Format, model.DocumentFormat)
	}
	for _, e := range r.ends {
		if _, ok := r.nodeAt[e.id]; !ok {
			r.add(e.line, "%s: %s %q is not a node of the document", e.edge, e.end, e.id)
		}
	}
	r.checkKinds()
	return nil
}

// The member names each object may have; the tests hold them to the JSON
// tags of the model types.
func documentFields() []string { return []string{"format", "nodes", "edges"} }

func nodeFields() []string {
	return []string{"id", "label", "name", "nameFr", "shortName", "acronym", "aliases", "properties", "sources", "variants", "statedFigures", "managedBy", "version"}
}

func edgeFields() []string {
	return []string{"key", "type", "from", "to", "properties", "sources", "variants", "managedBy", "version"}
}

func sourceFields() []string { return []string{"url", "title", "retrieved"} }

// lines remembers the line of each member of an object, so a check can
// point at the value it is about, or at the object when the member is
// missing.
type lines struct {
	start int
	at    map[string]int
	// props and sources are the lines of each property and each source.
	props   map[string]int
	sources []int
}

func (l lines) of(field string) int {
	if n, ok := l.at[field]; ok {
		return n
	}
	return l.start
}
