package resolvers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// unreachableStore is nil behind the Store interface: a call that reaches
// it panics, and every case below must be refused before the database.
type unreachableStore struct{ Store }

func intp(n int) *int { return &n }

func date(s string) *model.Date {
	d := model.Date(s)
	return &d
}

func as(role auth.Role) context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{Name: "test", Role: role, Method: auth.MethodAPIKey})
}

// TestArgumentsAreCheckedBeforeTheStore calls each resolver with a value
// its arguments refuse and checks the error code and the argument the
// message names.
func TestArgumentsAreCheckedBeforeTheStore(t *testing.T) {
	r := New(unreachableStore{}, func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) })
	src := []model.SourceInput{{URL: strPtr(coeURL)}}
	reader, curator, admin := as(auth.RoleReader), as(auth.RoleCurator), as(auth.RoleAdmin)
	tests := []struct {
		name     string
		call     func() error
		code     model.Code
		mentions string
	}{
		{"search without words", func() error { _, err := r.search(reader, "  ", nil, nil, nil); return err }, model.CodeBadUserInput, "query"},
		{"search page too big", func() error { _, err := r.search(reader, "cyber", nil, intp(501), nil); return err }, model.CodeBadUserInput, "first"},
		{"search page negative", func() error { _, err := r.search(reader, "cyber", nil, intp(-1), nil); return err }, model.CodeBadUserInput, "first"},
		{"search cursor of another list", func() error {
			_, err := r.search(reader, "cyber", nil, nil, strPtr(cursor{list: "countries"}.encode([]any{"x"})))
			return err
		}, model.CodeBadUserInput, "after"},
		{"search cursor that is no cursor", func() error { _, err := r.search(reader, "cyber", nil, nil, strPtr("!!")); return err }, model.CodeBadUserInput, "after"},
		{"path of no hops", func() error { _, err := r.shortestPath(reader, "a", "b", intp(0), nil, nil); return err }, model.CodeBadUserInput, "maxHops"},
		{"path of seven hops", func() error { _, err := r.shortestPath(reader, "a", "b", intp(7), nil, nil); return err }, model.CodeBadUserInput, "maxHops"},
		{"no paths asked for", func() error { _, err := r.allShortestPaths(reader, "a", "b", nil, nil, nil, intp(0)); return err }, model.CodeBadUserInput, "first"},
		{"too many paths", func() error { _, err := r.allShortestPaths(reader, "a", "b", nil, nil, nil, intp(101)); return err }, model.CodeBadUserInput, "first"},
		{"neighbourhood too deep", func() error { _, err := r.neighbourhood(reader, "a", intp(4), nil, nil, nil); return err }, model.CodeBadUserInput, "depth"},
		{"neighbourhood of no depth", func() error { _, err := r.neighbourhood(reader, "a", intp(0), nil, nil, nil); return err }, model.CodeBadUserInput, "depth"},
		{"neighbourhood too big", func() error { _, err := r.neighbourhood(reader, "a", nil, nil, nil, intp(501)); return err }, model.CodeBadUserInput, "limit"},
		{"coverage of nothing", func() error { _, err := r.coverage(reader, nil, nil, nil); return err }, model.CodeBadUserInput, "instruments"},
		{"coverage of too much", func() error {
			_, err := r.coverage(reader, strings.Split(strings.Repeat("cets-201,", 21), ",")[:21], nil, nil)
			return err
		}, model.CodeBadUserInput, "instruments"},
		{"timeline of an unknown action", func() error { _, err := r.timeline(reader, "cets-201", "WITHDRAWAL", nil); return err }, model.CodeBadUserInput, "action"},
		{"list page too big", func() error {
			_, err := listConnection[model.CountryConnection](reader, r, nil, []model.CountrySort(nil), intp(501), nil, nil)
			return err
		}, model.CodeBadUserInput, "first"},
		{"list cursor that is no cursor", func() error {
			_, err := listConnection[model.CountryConnection](reader, r, nil, []model.CountrySort(nil), nil, strPtr("not-a-cursor"), nil)
			return err
		}, model.CodeBadUserInput, "after"},
		{"changes page too big", func() error { _, err := r.changes(reader, model.ChangeFilter{}, intp(501), nil); return err }, model.CodeBadUserInput, "first"},
		{"changes cursor of another list", func() error { _, err := r.changes(reader, model.ChangeFilter{}, nil, strPtr("eDpiYWQ")); return err }, model.CodeBadUserInput, "after"},

		{"anonymous create", func() error {
			_, err := r.createEntity(context.Background(), model.CreateEntityInput{ID: "topic-x", Type: model.EntityTypeTopic, Name: "X", Sources: src})
			return err
		}, model.CodeUnauthenticated, "curator"},
		{"reader create", func() error {
			_, err := r.createEntity(reader, model.CreateEntityInput{ID: "topic-x", Type: model.EntityTypeTopic, Name: "X", Sources: src})
			return err
		}, model.CodeForbidden, "curator"},
		{"curator delete", func() error {
			_, err := r.deleteEntity(curator, model.DeleteEntityInput{ID: "topic-x", Version: 1, Sources: src})
			return err
		}, model.CodeForbidden, "admin"},
		{"create without a source", func() error {
			_, err := r.createEntity(curator, model.CreateEntityInput{ID: "topic-x", Type: model.EntityTypeTopic, Name: "X"})
			return err
		}, model.CodeBadUserInput, "input.sources"},
		{"source read in the future", func() error {
			_, err := r.createEntity(curator, model.CreateEntityInput{ID: "topic-x", Type: model.EntityTypeTopic, Name: "X",
				Sources: []model.SourceInput{{URL: strPtr(coeURL), Retrieved: date("2026-06-02")}}})
			return err
		}, model.CodeBadUserInput, "input.sources[0].retrieved"},
		{"source that is not a web address", func() error {
			_, err := r.createEntity(curator, model.CreateEntityInput{ID: "topic-x", Type: model.EntityTypeTopic, Name: "X",
				Sources: []model.SourceInput{{URL: strPtr("ftp://example.org/x")}}})
			return err
		}, model.CodeBadUserInput, "input.sources[0].url"},
		{"source with neither address nor title", func() error {
			_, err := r.createEntity(curator, model.CreateEntityInput{ID: "topic-x", Type: model.EntityTypeTopic, Name: "X",
				Sources: []model.SourceInput{{Title: strPtr(" ")}}})
			return err
		}, model.CodeBadUserInput, "input.sources[0].title"},
		{"empty name", func() error {
			_, err := r.createEntity(curator, model.CreateEntityInput{ID: "topic-x", Type: model.EntityTypeTopic, Name: " ", Sources: src})
			return err
		}, model.CodeBadUserInput, "input.name"},
		{"empty alias", func() error {
			_, err := r.createEntity(curator, model.CreateEntityInput{ID: "topic-x", Type: model.EntityTypeTopic, Name: "X", Aliases: []string{"x", ""}, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.aliases[1]"},
		{"unknown type", func() error {
			_, err := r.createEntity(curator, model.CreateEntityInput{ID: "topic-x", Type: "TREATY", Name: "X", Sources: src})
			return err
		}, model.CodeBadUserInput, "input.type"},
		{"update with an empty name", func() error {
			_, err := r.updateEntity(curator, model.UpdateEntityInput{ID: "topic-x", Version: 1, Name: strPtr(" "), Sources: src})
			return err
		}, model.CodeBadUserInput, "input.name"},
		{"update clearing the name", func() error {
			_, err := r.updateEntity(curator, model.UpdateEntityInput{ID: "topic-x", Version: 1, Clear: []string{"name"}, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.clear[0]"},
		{"update of a negative version", func() error {
			_, err := r.updateEntity(curator, model.UpdateEntityInput{ID: "topic-x", Version: -1, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.version"},
		{"update with a bad date", func() error {
			_, err := r.updateEntity(curator, model.UpdateEntityInput{ID: "topic-x", Version: 1, Properties: map[string]any{"endDate": "2020-13"}, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.properties.endDate"},
		{"link of an unknown type", func() error {
			_, err := r.link(curator, model.LinkInput{From: "a1", Type: "OWNS", To: "b1", Sources: src})
			return err
		}, model.CodeBadUserInput, "input.type"},
		{"link with a bad action", func() error {
			_, err := r.link(curator, model.LinkInput{From: "country-al", Type: model.RelationTypeRatified, To: "cets-201",
				Properties: map[string]any{"action": "signature"}, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.properties.action"},
		{"update of a malformed key", func() error {
			_, err := r.updateLink(curator, model.UpdateLinkInput{Key: "country-al RATIFIED", Version: 1, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.key"},
		{"update of a key of an unknown type", func() error {
			_, err := r.updateLink(curator, model.UpdateLinkInput{Key: "a1|OWNS|b1|0", Version: 1, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.key"},
		{"update of a link to a date before ratification", func() error {
			_, err := r.updateLink(curator, model.UpdateLinkInput{Key: "country-al|RATIFIED|cets-201|0", Version: 1,
				Properties: map[string]any{"date": "2010-01-01", "entryIntoForce": "2009-01-01"}, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.properties.entryIntoForce"},
		{"unlink of a malformed key", func() error {
			_, err := r.unlink(curator, model.UnlinkInput{Key: "|||", Version: 1, Sources: src})
			return err
		}, model.CodeBadUserInput, "input.key"},
		{"import of a file in a folder", func() error {
			_, err := r.importSeed(admin, []model.ImportFileInput{{Name: "data/entities.yaml", Content: ""}}, nil, nil)
			return err
		}, model.CodeBadUserInput, "files[0].name"},
		{"import of a file twice", func() error {
			_, err := r.importSeed(admin, []model.ImportFileInput{{Name: "a.csv"}, {Name: "a.csv"}}, nil, nil)
			return err
		}, model.CodeBadUserInput, "files[1].name"},
		{"import by a curator", func() error { _, err := r.importGraph(curator, "{}", nil, nil); return err }, model.CodeForbidden, "admin"},
		{"import of a chart with a bad source", func() error {
			_, err := r.importTreatyChart(admin, "201", "", &model.SourceInput{URL: strPtr("mailto:x@example.org")}, nil, nil)
			return err
		}, model.CodeBadUserInput, "source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatalf("no error, want %s", tt.code)
			}
			if got := model.ErrorCode(err); got != tt.code || !strings.Contains(model.ErrorMessage(err), tt.mentions) {
				t.Errorf("got %s %q, want %s mentioning %q", got, model.ErrorMessage(err), tt.code, tt.mentions)
			}
		})
	}
}
