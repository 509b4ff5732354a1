package resolvers

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/export"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/seed"
)

// recordingStore accepts every write and records it; reading anything else
// panics, which no check before a write may do.
type recordingStore struct {
	Store
	created []model.Entity
	linked  []model.RelationRecord
}

func (s *recordingStore) CreateEntity(_ context.Context, _ model.Actor, e model.Entity) (model.Entity, model.Change, error) {
	s.created = append(s.created, e)
	return e, model.Change{}, nil
}

func (s *recordingStore) Link(_ context.Context, _ model.Actor, r model.RelationRecord) (model.Edge, model.Change, error) {
	s.linked = append(s.linked, r)
	return model.Edge{Type: model.RelationType(r.Type), From: r.From, To: r.To}, model.Change{}, nil
}

func curator() context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{Name: "test", Role: auth.RoleCurator, Method: auth.MethodAPIKey})
}

const coeURL = "https://www.coe.int/en/web/children"

// fact is one fact offered to every way into the graph.
type fact struct {
	name     string
	entity   *model.Entity
	relation *model.RelationRecord
	accepted bool
}

func project(id string, props map[string]any) *model.Entity {
	return &model.Entity{ID: id, Label: "Project", Name: "Test project", Properties: props}
}

func country(props map[string]any) *model.Entity {
	return &model.Entity{ID: "country-zz", Label: "Country", Name: "Testland", Properties: props}
}

func ratification(props map[string]any) *model.RelationRecord {
	return &model.RelationRecord{From: "country-al", Type: model.RelRatified, To: "cets-224", Properties: props}
}

// TestEveryWayInAcceptsTheSameFacts offers each fact to the seed files, to
// an import of a JSON export and to a mutation: all three accept it, or all
// three refuse it.
func TestEveryWayInAcceptsTheSameFacts(t *testing.T) {
	facts := []fact{
		{"a plain project", project("project-test", map[string]any{"startDate": "2020-01"}), nil, true},
		{"an id with a plus", project("glacy+", nil), nil, false},
		{"an id of one letter", project("x", nil), nil, false},
		{"an id ending with a hyphen", project("project-", nil), nil, false},
		{"an id of 101 characters", project(strings.Repeat("p", 101), nil), nil, false},
		{"a date with a note, kept apart", project("project-test", map[string]any{"opened": "2007-10-25 (Lanzarote)"}), nil, true},
		{"a date that is no date", project("project-test", map[string]any{"opened": "soon"}), nil, false},
		{"a date that is no calendar date", project("project-test", map[string]any{"endDate": "2020-02-30"}), nil, false},
		{"a year", project("project-test", map[string]any{"published": "2017"}), nil, true},
		{"an unknown date, left out", project("project-test", map[string]any{"startDate": "not verified"}), nil, true},
		{"a note beside a date", project("project-test", map[string]any{"startDate": "2021", "startDateNote": "not verified"}), nil, true},
		{"a reserved property", project("project-test", map[string]any{"managedBy": "seed"}), nil, false},
		{"a property name with a space", project("project-test", map[string]any{"start date": "2020"}), nil, false},
		{"a long text", project("project-test", map[string]any{"note": strings.Repeat("x", model.MaxText+1)}), nil, false},
		{"a country", country(map[string]any{"iso2": "ZZ", "iso3": "ZZZ", "coeStatus": "observer"}), nil, true},
		{"an unknown status", country(map[string]any{"iso2": "ZZ", "coeStatus": "friend"}), nil, false},
		{"a status in capitals", country(map[string]any{"iso2": "ZZ", "coeStatus": "MEMBER"}), nil, false},
		{"a bad iso3", country(map[string]any{"iso2": "ZZ", "iso3": "Z1Z", "coeStatus": "member"}), nil, false},
		{"a country that left", country(map[string]any{"iso2": "ZZ", "coeStatus": "former_member", "coeLeft": "2022-03-16"}), nil, true},
		{"a bad accession date", country(map[string]any{"iso2": "ZZ", "coeStatus": "member", "coeAccession": "1949-5-5"}), nil, false},
		{"a ratification", nil, ratification(map[string]any{"date": "2024-01-10", "action": "ratification", "entryIntoForce": "2024-05-01"}), true},
		{"a succession", nil, ratification(map[string]any{"date": "2024-01-10", "action": "succession"}), true},
		{"an unknown action", nil, ratification(map[string]any{"date": "2024-01-10", "action": "signature"}), false},
		{"entry into force before ratification", nil, ratification(map[string]any{"date": "2024-01-10", "entryIntoForce": "2023-01-01"}), false},
		{"a bad ratification date", nil, ratification(map[string]any{"date": "2024-1-10"}), false},
		{"a node related to itself", nil, &model.RelationRecord{From: "ets-185", Type: "SUCCEEDS", To: "ets-185"}, false},
		{"a relation property that is reserved", nil, ratification(map[string]any{"relKey": "x"}), false},
	}
	for _, f := range facts {
		t.Run(f.name, func(t *testing.T) {
			got := map[string]error{
				"seed files":    bySeed(t, f),
				"JSON export":   byExport(t, f),
				"mutation":      byMutation(t, f),
				"import (seed)": byImportedSeed(t, f),
			}
			for way, err := range got {
				if (err == nil) != f.accepted {
					t.Errorf("%s: accepted %v (error %v), want accepted %v", way, err == nil, err, f.accepted)
				}
			}
		})
	}
}

// seedWith returns the built-in seed files with f added where a file of its
// kind goes: entities.yaml, countries.csv or relations.yaml.
func seedWith(t *testing.T, f fact) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(seed.Embedded(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(seed.Embedded(), path)
		fsys[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	add := func(file, text string) {
		fsys[file].Data = append(bytes.TrimRight(fsys[file].Data, "\n"), []byte("\n"+text+"\n")...)
	}
	switch {
	case f.entity != nil && f.entity.Label == "Country":
		p := f.entity.Properties
		str := func(k string) string { s, _ := p[k].(string); return s }
		add(seed.FileCountries, strings.Join([]string{f.entity.ID, str("iso2"), str("iso3"), f.entity.Name, "", str("coeStatus"),
			str("coeAccession"), str("coeLeft"), coeURL}, ","))
	case f.entity != nil:
		var b strings.Builder
		fmt.Fprintf(&b, "  - id: %q\n    label: %s\n    name: %q\n", f.entity.ID, f.entity.Label, f.entity.Name)
		writeYAMLProperties(&b, f.entity.Properties)
		fmt.Fprintf(&b, "    sources:\n      - %s", coeURL)
		add(seed.FileEntities, b.String())
	default:
		var b strings.Builder
		fmt.Fprintf(&b, "  - from: %s\n    type: %s\n    to: %s\n", f.relation.From, f.relation.Type, f.relation.To)
		writeYAMLProperties(&b, f.relation.Properties)
		fmt.Fprintf(&b, "    sources:\n      - %s", coeURL)
		add(seed.FileRelations, b.String())
	}
	return fsys
}

// writeYAMLProperties writes properties with every value quoted, so YAML
// reads each as the text it is.
func writeYAMLProperties(b *strings.Builder, props map[string]any) {
	if len(props) == 0 {
		return
	}
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	b.WriteString("    properties:\n")
	for _, k := range names {
		fmt.Fprintf(b, "      %q: %q\n", k, props[k])
	}
}

func bySeed(t *testing.T, f fact) error {
	_, err := seed.Read(seedWith(t, f))
	return err
}

// byImportedSeed sends the same seed files through the importSeed mutation,
// which reads them as the seed loader does.
func byImportedSeed(t *testing.T, f fact) error {
	var files []model.ImportFileInput
	for name, file := range seedWith(t, f) {
		files = append(files, model.ImportFileInput{Name: name, Content: string(file.Data)})
	}
	store := &syncStore{}
	r := New(store, time.Now)
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{Name: "test", Role: auth.RoleAdmin, Method: auth.MethodAPIKey})
	_, err := r.importSeed(ctx, files, nil, nil)
	return err
}

// syncStore answers an import with an empty difference.
type syncStore struct{ Store }

func (syncStore) SyncSeed(context.Context, model.Actor, []model.Entity, []model.RelationRecord, bool) (model.Diff, error) {
	return model.Diff{}, nil
}

// byExport writes a document holding the fact (and the nodes a
// relationship joins) and reads it back.
func byExport(t *testing.T, f fact) error {
	src := []model.Source{{URL: strPtr(coeURL), Title: coeURL}}
	doc := model.GraphDocument{}
	node := func(e model.Entity) model.DocNode {
		return model.DocNode{ID: e.ID, Label: e.Label, Name: e.Name, Properties: e.Properties, Sources: src, ManagedBy: "curation"}
	}
	if f.entity != nil {
		doc.Nodes = append(doc.Nodes, node(*f.entity))
	} else {
		r := f.relation
		ends := map[string]model.Entity{
			"country-al": {ID: "country-al", Label: "Country", Name: "Albania", Properties: map[string]any{"iso2": "AL", "coeStatus": "member"}},
			"cets-224":   {ID: "cets-224", Label: "Instrument", Name: "Second Protocol"},
			"ets-185":    {ID: "ets-185", Label: "Instrument", Name: "Budapest Convention"},
		}
		for _, id := range []string{r.From, r.To} {
			if len(doc.Nodes) == 0 || doc.Nodes[0].ID != id {
				doc.Nodes = append(doc.Nodes, node(ends[id]))
			}
		}
		doc.Edges = append(doc.Edges, model.DocEdge{Key: model.RelationKey(r.From, r.Type, r.To, 0), Type: r.Type, From: r.From, To: r.To,
			Properties: r.Properties, Sources: src, ManagedBy: "curation"})
	}
	var b bytes.Buffer
	if err := export.WriteJSON(&b, doc); err != nil {
		t.Fatal(err)
	}
	_, err := export.ReadJSON(&b)
	return err
}

func strPtr(s string) *string { return &s }

// byMutation sends the fact as createEntity or link, and checks that a
// refused one reached no store.
func byMutation(t *testing.T, f fact) error {
	store := &recordingStore{}
	r := New(store, time.Now)
	srcs := []model.SourceInput{{URL: strPtr(coeURL)}}
	var err error
	if f.entity != nil {
		e := f.entity
		typ := model.EntityType(strings.ToUpper(e.Label))
		_, err = r.createEntity(curator(), model.CreateEntityInput{ID: e.ID, Type: typ, Name: e.Name, Properties: e.Properties, Sources: srcs})
	} else {
		rel := f.relation
		_, err = r.link(curator(), model.LinkInput{From: rel.From, Type: model.RelationType(rel.Type), To: rel.To, Properties: rel.Properties, Sources: srcs})
	}
	if err != nil && (len(store.created) > 0 || len(store.linked) > 0) {
		t.Errorf("a refused mutation reached the store: %v", err)
	}
	if err != nil && model.ErrorCode(err) != model.CodeBadUserInput {
		t.Errorf("a refused mutation answered %s, want BAD_USER_INPUT: %v", model.ErrorCode(err), err)
	}
	return err
}
