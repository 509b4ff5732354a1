package export

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func TestWriteCSV(t *testing.T) {
	fixed := "id,name,nameFr,shortName,acronym,aliases,managedBy,version"
	sources := "source_urls,source_titles,source_retrieved"
	row := func(s string) []string { return strings.Split(s, ",") }
	tests := []struct {
		name string
		doc  model.GraphDocument
		want map[string][][]string // file name -> records, header first
	}{
		{"sample", sample(), map[string][][]string{
			"edges-MONITORS.csv": {
				row("key,from,to,managedBy,version," + sources),
				{"lanzarote-committee|MONITORS|lanzarote-convention|0", "lanzarote-committee", "lanzarote-convention", "seed", "0", treatyURL, "Treaty Office", "2024-05-01"},
			},
			"edges-MEMBER_OF.csv": {
				row("key,from,to,managedBy,version,role," + sources),
				{"france|MEMBER_OF|lanzarote-committee|0", "france", "lanzarote-committee", "seed", "2", "member", "", "List of members", ""},
			},
			"nodes-Body.csv": {
				row(fixed + ",note," + sources),
				{"lanzarote-committee", "Lanzarote Committee", "Comité de Lanzarote — Comité des Parties", "Comité", "T\x00ES", "", "curation", "1",
					"before\x00after", "https://www.coe.int/en/web/children/lanzarote-committee", "Lanzarote Committee", "2024-05-01"},
			},
			"nodes-Country.csv": {
				row(fixed + ",iso2," + sources),
				{"france", "France", "France", "", "", "", "seed", "0", "FR", "", "Member states", "2024-05"},
			},
			"nodes-Instrument.csv": {
				row(fixed + ",number,opened,parties,signature,themes,weight," + sources),
				{"lanzarote-convention", "Lanzarote Convention", "Convention de Lanzarote", "", "", "CETS 201 | Convention on the Protection of Children", "seed", "3",
					"CETS 201", "2007-10-25", "48", `{"place":"Lanzarote","year":2007}`, `["sexual exploitation","online"]`, "2.0",
					treatyURL + " | ", "Treaty Office | Explanatory Report", "2024-05-01 | "},
			},
		}},
		{"properties some rows lack", model.GraphDocument{Nodes: []model.DocNode{
			{ID: "t2", Label: "Topic", Name: "Grooming", Properties: map[string]any{"tags": []string{"a", "b"}, "active": true}},
			{ID: "t1", Label: "Topic", Name: "Sexting, \"selfies\"", Properties: map[string]any{"rank": 1.5}},
		}}, map[string][][]string{
			"nodes-Topic.csv": {
				row(fixed + ",active,rank,tags," + sources),
				{"t1", "Sexting, \"selfies\"", "", "", "", "", "", "0", "", "1.5", "", "", "", ""},
				{"t2", "Grooming", "", "", "", "", "", "0", "true", "", `["a","b"]`, "", "", ""},
			},
		}},
		{"empty document", model.GraphDocument{}, map[string][][]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := WriteCSV(tt.doc)
			if err != nil {
				t.Fatalf("WriteCSV: %v", err)
			}
			var names, wantNames []string
			got := map[string][][]string{}
			for _, f := range files {
				names = append(names, f.Name)
				records, err := csv.NewReader(bytes.NewReader(f.Data)).ReadAll()
				if err != nil {
					t.Fatalf("%s does not parse as CSV: %v", f.Name, err)
				}
				got[f.Name] = records
			}
			for name := range tt.want {
				wantNames = append(wantNames, name)
			}
			if diff := cmp.Diff(wantNames, names, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("file names (-want +got):\n%s", diff)
			}
			if !slices.IsSorted(names) {
				t.Errorf("files not in name order: %v", names)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteCSVRefuses(t *testing.T) {
	src := []model.Source{{Title: "t"}}
	tests := []struct {
		name string
		doc  model.GraphDocument
		want string
	}{
		{"unknown label", model.GraphDocument{Nodes: []model.DocNode{{ID: "a", Label: "../etc", Name: "A", Sources: src}}},
			`write csv: node "a": unknown label "../etc"`},
		{"type unfit for a file name", model.GraphDocument{Edges: []model.DocEdge{{Key: "k", Type: "PART/OF", From: "a", To: "b", Sources: src}}},
			`write csv: edge "k": malformed type "PART/OF"`},
		{"property named like a column", model.GraphDocument{Edges: []model.DocEdge{{Key: "k", Type: "PART_OF", From: "a", To: "b", Sources: src,
			Properties: map[string]any{"source_urls": "x"}}}},
			`write csv: edges-PART_OF.csv: property "source_urls" has the name of a column`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := WriteCSV(tt.doc)
			if err == nil || err.Error() != tt.want {
				t.Errorf("WriteCSV: error %v (files %d), want %q", err, len(files), tt.want)
			}
			dir := filepath.Join(t.TempDir(), "out")
			if err := WriteCSVDir(dir, tt.doc); err == nil {
				t.Errorf("WriteCSVDir: no error")
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("WriteCSVDir created %s for a document it refused (stat: %v)", dir, err)
			}
		})
	}
}

func TestWriteCSVZipAndDir(t *testing.T) {
	files, err := WriteCSV(sample())
	if err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	var first, second bytes.Buffer
	if err := WriteCSVZip(&first, sample()); err != nil {
		t.Fatalf("WriteCSVZip: %v", err)
	}
	if err := WriteCSVZip(&second, sample()); err != nil {
		t.Fatalf("WriteCSVZip: %v", err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("WriteCSVZip gave different bytes for the same document")
	}
	zr, err := zip.NewReader(bytes.NewReader(first.Bytes()), int64(first.Len()))
	if err != nil {
		t.Fatalf("zip does not open: %v", err)
	}
	wantNames := []string{"edges-MEMBER_OF.csv", "edges-MONITORS.csv", "nodes-Body.csv", "nodes-Country.csv", "nodes-Instrument.csv"}
	var names []string
	for i, zf := range zr.File {
		names = append(names, zf.Name)
		if !zf.Modified.Equal(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("%s: modified %v, want the fixed time", zf.Name, zf.Modified)
		}
		got := readZipFile(t, zf)
		if i < len(files) && !bytes.Equal(got, files[i].Data) {
			t.Errorf("%s: content in the zip differs from WriteCSV's", zf.Name)
		}
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("zip entries (-want +got):\n%s", diff)
	}

	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// An earlier export's file of the same name is replaced.
	if err := os.WriteFile(filepath.Join(dir, "nodes-Body.csv"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := WriteCSVDir(dir, sample()); err != nil {
			t.Fatalf("WriteCSVDir: %v", err)
		}
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Errorf("WriteCSVDir: %v", err)
			continue
		}
		if !bytes.Equal(got, f.Data) {
			t.Errorf("WriteCSVDir: %s differs from WriteCSV's:\n%s", f.Name, got)
		}
	}
}

func readZipFile(t *testing.T, zf *zip.File) []byte {
	t.Helper()
	rc, err := zf.Open()
	if err != nil {
		t.Fatalf("%s: %v", zf.Name, err)
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(rc); err != nil {
		t.Fatalf("%s: %v", zf.Name, err)
	}
	return b.Bytes()
}
