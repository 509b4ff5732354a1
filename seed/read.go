package seed

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// reserved reports whether a free property would clash with a storage
// property or with a field of the seed format itself.
func reserved(name string) bool { return name == "label" || model.IsReservedProperty(name) }

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9+-]*$`)
	iso2Pattern = regexp.MustCompile(`^[A-Z]{2}$`)
	iso3Pattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// reader accumulates problems while the files are read, so one run reports
// all of them.
type reader struct {
	fsys      fs.FS
	problems  []Problem
	retrieved map[string]model.Date
	entities  []model.Entity
	index     map[string]int     // id -> position in entities
	where     map[string]Problem // id -> where it was defined
	labels    map[string]string  // id -> label
	relations []model.RelationRecord
	// variants are the rows of variants.csv by subject.
	variants map[string][]*csvVariant
}

func (r *reader) fail(file string, line int, format string, args ...any) {
	r.problems = append(r.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// Read parses and checks every seed file in fsys. It returns a
// *ValidationError listing every problem when any file is wrong.
func Read(fsys fs.FS) (*Data, error) {
	r := &reader{fsys: fsys, retrieved: map[string]model.Date{}, index: map[string]int{}, where: map[string]Problem{}, labels: map[string]string{}}
	r.readRetrieved()
	r.readVariants()
	r.readCountries()
	r.readEntities()
	r.readNamesFr()
	r.readRelations()
	r.readTreatyParties()
	r.unusedVariants()
	if len(r.problems) > 0 {
		sort.SliceStable(r.problems, func(i, j int) bool {
			if r.problems[i].File != r.problems[j].File {
				return r.problems[i].File < r.problems[j].File
			}
			return r.problems[i].Line < r.problems[j].Line
		})
		return nil, &ValidationError{Problems: r.problems}
	}
	return &Data{Entities: r.entities, Relations: r.relations}, nil
}

func (r *reader) readRetrieved() {
	b, err := fs.ReadFile(r.fsys, FileRetrieved)
	if err != nil {
		r.fail(FileRetrieved, 0, "cannot read: %v", err)
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		r.fail(FileRetrieved, yamlLine(err), "not valid YAML: %v", err)
		return
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		r.fail(FileRetrieved, 1, "want a mapping of file name to the date its sources were read")
		return
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		d, err := model.ParseDate(v.Value)
		if err != nil || len(d) != 10 {
			r.fail(FileRetrieved, v.Line, "retrieved date for %s: want YYYY-MM-DD, got %q", k.Value, v.Value)
			continue
		}
		r.retrieved[k.Value] = d
	}
}

// sources turns the source strings of a fact into Sources read on the file's
// date. A string that is a web address is a URL; anything else names a
// document.
func (r *reader) sources(file string, line int, what string, raw []string) []model.Source {
	if len(raw) == 0 {
		r.fail(file, line, "%s has no source", what)
		return nil
	}
	date, ok := r.retrieved[file]
	if !ok {
		r.fail(file, line, "%s has no date its sources were read: add %s to %s", what, file, FileRetrieved)
	}
	out := make([]model.Source, 0, len(raw))
	for _, s := range raw {
		s = strings.TrimSpace(s)
		if s == "" {
			r.fail(file, line, "%s has an empty source", what)
			continue
		}
		src := model.Source{Title: s}
		if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
			u := s
			src.URL = &u
		}
		if ok {
			d := date
			src.Retrieved = &d
		}
		out = append(out, src)
	}
	return out
}

func (r *reader) define(e model.Entity, file string, line int) {
	if !idPattern.MatchString(e.ID) {
		r.fail(file, line, "id %q: want lower-case letters, digits, '-' or '+'", e.ID)
	}
	if prev, dup := r.where[e.ID]; dup {
		r.fail(file, line, "duplicate id %q (first defined at %s:%d)", e.ID, prev.File, prev.Line)
		return
	}
	if strings.TrimSpace(e.Name) == "" {
		r.fail(file, line, "%s has no name", e.ID)
	}
	r.where[e.ID] = Problem{File: file, Line: line}
	r.labels[e.ID] = e.Label
	r.index[e.ID] = len(r.entities)
	r.entities = append(r.entities, e)
}

func (r *reader) labelOf(id string) string { return r.labels[id] }

// csvRows reads a CSV file with the exact header want and calls row for each
// record with its line number and its fields by column name.
func (r *reader) csvRows(file string, want []string, row func(line int, f map[string]string)) {
	fh, err := r.fsys.Open(file)
	if err != nil {
		r.fail(file, 0, "cannot read: %v", err)
		return
	}
	defer fh.Close()
	cr := csv.NewReader(fh)
	cr.FieldsPerRecord = len(want)
	header, err := cr.Read()
	if err != nil {
		r.fail(file, 1, "cannot read the header: %v", err)
		return
	}
	if strings.Join(header, ",") != strings.Join(want, ",") {
		r.fail(file, 1, "header is %q, want %q", strings.Join(header, ","), strings.Join(want, ","))
		return
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				line = perr.Line
			}
			r.fail(file, line, "%v", err)
			if perr != nil && errors.Is(perr.Err, csv.ErrFieldCount) {
				continue
			}
			return
		}
		f := make(map[string]string, len(want))
		for i, name := range want {
			f[name] = strings.TrimSpace(rec[i])
		}
		row(line, f)
	}
}

func splitSources(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, " | ")
}

// date checks an optional date field and returns it, or nil when empty.
func (r *reader) date(file string, line int, field, value string) *model.Date {
	if value == "" {
		return nil
	}
	d, err := model.ParseDate(value)
	if err != nil {
		r.fail(file, line, "%s: %v", field, err)
		return nil
	}
	return &d
}

var coeStatuses = map[string]bool{"member": true, "observer": true, "former_member": true, "non_member": true}

func (r *reader) readCountries() {
	header := []string{"id", "iso2", "iso3", "name", "name_fr", "coe_status", "coe_accession", "coe_left", "sources"}
	r.csvRows(FileCountries, header, func(line int, f map[string]string) {
		props := map[string]any{"iso2": f["iso2"], "coeStatus": f["coe_status"]}
		if !iso2Pattern.MatchString(f["iso2"]) {
			r.fail(FileCountries, line, "iso2 %q: want two upper-case letters", f["iso2"])
		} else if want := "country-" + strings.ToLower(f["iso2"]); f["id"] != want {
			r.fail(FileCountries, line, "id %q: want %q for iso2 %s", f["id"], want, f["iso2"])
		}
		if f["iso3"] != "" {
			if !iso3Pattern.MatchString(f["iso3"]) {
				r.fail(FileCountries, line, "iso3 %q: want three upper-case letters", f["iso3"])
			}
			props["iso3"] = f["iso3"]
		}
		if !coeStatuses[f["coe_status"]] {
			r.fail(FileCountries, line, "coe_status %q: want member, observer, former_member or non_member", f["coe_status"])
		}
		e := model.Entity{ID: f["id"], Label: "Country", Name: f["name"], Properties: props, Aliases: []string{}}
		e.Sources = r.sources(FileCountries, line, "country "+f["id"], splitSources(f["sources"]))
		for _, col := range []string{"coe_accession", "coe_left"} {
			d := r.date(FileCountries, line, col, f[col])
			cell := ""
			if d != nil {
				cell = string(*d)
			}
			key := countryVariantColumns[col]
			vs, value := r.cellVariants(f["id"], col, key, cell, FileCountries, line, e.Sources, true)
			e.Variants = append(e.Variants, vs...)
			if value != "" {
				props[key] = value
			}
		}
		if f["name_fr"] != "" {
			fr := f["name_fr"]
			e.NameFr = &fr
		}
		r.define(e, FileCountries, line)
	})
}

// yamlEntity is one item of entities.yaml.
type yamlEntity struct {
	ID         string         `yaml:"id"`
	Label      string         `yaml:"label"`
	Name       string         `yaml:"name"`
	NameFr     string         `yaml:"nameFr"`
	ShortName  string         `yaml:"shortName"`
	Acronym    string         `yaml:"acronym"`
	Aliases    []string       `yaml:"aliases"`
	Properties map[string]any `yaml:"properties"`
	Sources    []string       `yaml:"sources"`
	// Variants and StatedFigures are read by hand, so each problem keeps
	// its line.
	Variants      yaml.Node `yaml:"variants"`
	StatedFigures yaml.Node `yaml:"statedFigures"`
}

// yamlItems decodes the list under key in a YAML file, item by item, so each
// problem keeps the item's line.
func (r *reader) yamlItems(file, key string, item func(line int, node *yaml.Node)) {
	b, err := fs.ReadFile(r.fsys, file)
	if err != nil {
		r.fail(file, 0, "cannot read: %v", err)
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		r.fail(file, yamlLine(err), "not valid YAML: %v", err)
		return
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		r.fail(file, 1, "want a mapping with keys retrieved and %s", key)
		return
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch k.Value {
		case "retrieved":
			d, err := model.ParseDate(v.Value)
			if err != nil || len(d) != 10 {
				r.fail(file, v.Line, "retrieved: want YYYY-MM-DD, got %q", v.Value)
				continue
			}
			r.retrieved[file] = d
		case key:
			if v.Kind != yaml.SequenceNode {
				r.fail(file, v.Line, "%s: want a list", key)
				continue
			}
			for _, it := range v.Content {
				item(it.Line, it)
			}
		default:
			r.fail(file, k.Line, "unknown key %q (want retrieved or %s)", k.Value, key)
		}
	}
}

var entityFields = map[string]bool{"id": true, "label": true, "name": true, "nameFr": true, "shortName": true,
	"acronym": true, "aliases": true, "properties": true, "sources": true, "variants": true, "statedFigures": true}

func (r *reader) readEntities() {
	r.yamlItems(FileEntities, "entities", func(line int, node *yaml.Node) {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if k := node.Content[i]; !entityFields[k.Value] {
				r.fail(FileEntities, k.Line, "unknown field %q", k.Value)
			}
		}
		var y yamlEntity
		if err := node.Decode(&y); err != nil {
			r.fail(FileEntities, line, "cannot read entity: %v", err)
			return
		}
		if !model.IsLabel(y.Label) {
			r.fail(FileEntities, line, "%s: unknown label %q (want one of %s)", y.ID, y.Label, strings.Join(model.Labels, ", "))
			return
		}
		if y.Label == "Country" {
			r.fail(FileEntities, line, "%s: countries belong in %s", y.ID, FileCountries)
			return
		}
		props := map[string]any{}
		for k, v := range y.Properties {
			if reserved(k) {
				r.fail(FileEntities, line, "%s: property %q is reserved", y.ID, k)
				continue
			}
			props[k] = plain(v)
		}
		// One key per fact, each date apart from its note (see
		// model.NormaliseProperties).
		props = model.NormaliseProperties(props)
		for _, k := range []string{"opened", "entryIntoForce"} {
			if s, ok := props[k].(string); ok {
				r.date(FileEntities, line, y.ID+" "+k, s)
			}
		}
		e := model.Entity{ID: y.ID, Label: y.Label, Name: y.Name, Aliases: y.Aliases, Properties: props}
		if e.Aliases == nil {
			e.Aliases = []string{}
		}
		e.NameFr, e.ShortName, e.Acronym = opt(y.NameFr), opt(y.ShortName), opt(y.Acronym)
		e.Sources = r.sources(FileEntities, line, "entity "+y.ID, y.Sources)
		r.entityVariants(FileEntities, &e, &y.Variants)
		r.statedFigures(FileEntities, &e, &y.StatedFigures)
		r.define(e, FileEntities, line)
	})
}

// readNamesFr gives entities their French names. Each row's sources join
// the entity's own, so the French name is as traceable as the rest of the
// node; a source the entity already names is not repeated.
func (r *reader) readNamesFr() {
	header := []string{"id", "name_fr", "sources", "quote"}
	seen := map[string]int{}
	r.csvRows(FileNamesFr, header, func(line int, f map[string]string) {
		id, name := f["id"], f["name_fr"]
		if prev, dup := seen[id]; dup {
			r.fail(FileNamesFr, line, "duplicate id %q (first given at %s:%d)", id, FileNamesFr, prev)
			return
		}
		seen[id] = line
		i, known := r.index[id]
		if !known {
			r.fail(FileNamesFr, line, "unknown id %q", id)
			return
		}
		if name == "" {
			r.fail(FileNamesFr, line, "%s has no French name", id)
		}
		if f["quote"] == "" {
			r.fail(FileNamesFr, line, "%s: quote: say where the source gives the French name", id)
		}
		srcs := r.sources(FileNamesFr, line, "French name of "+id, splitSources(f["sources"]))
		if name == "" {
			return
		}
		e := &r.entities[i]
		if e.NameFr != nil && *e.NameFr != name {
			at := r.where[id]
			r.fail(FileNamesFr, line, "%s: French name %q differs from %q given at %s:%d", id, name, *e.NameFr, at.File, at.Line)
			return
		}
		e.NameFr = &name
		e.Sources = appendNewSources(e.Sources, srcs)
	})
}

// appendNewSources adds to have the sources of add it does not name yet.
func appendNewSources(have, add []model.Source) []model.Source {
	named := map[string]bool{}
	for _, s := range have {
		named[s.Title] = true
	}
	for _, s := range add {
		if !named[s.Title] {
			named[s.Title] = true
			have = append(have, s)
		}
	}
	return have
}

type yamlRelation struct {
	From       string         `yaml:"from"`
	Type       string         `yaml:"type"`
	To         string         `yaml:"to"`
	Properties map[string]any `yaml:"properties"`
	Sources    []string       `yaml:"sources"`
}

var relationFields = map[string]bool{"from": true, "type": true, "to": true, "properties": true, "sources": true}

func (r *reader) readRelations() {
	r.yamlItems(FileRelations, "relations", func(line int, node *yaml.Node) {
		for i := 0; i+1 < len(node.Content); i += 2 {
			if k := node.Content[i]; !relationFields[k.Value] {
				r.fail(FileRelations, k.Line, "unknown field %q", k.Value)
			}
		}
		var y yamlRelation
		if err := node.Decode(&y); err != nil {
			r.fail(FileRelations, line, "cannot read relation: %v", err)
			return
		}
		what := fmt.Sprintf("relation %s %s %s", y.From, y.Type, y.To)
		r.checkRelation(FileRelations, line, y.From, y.Type, y.To)
		props := map[string]any{}
		for k, v := range y.Properties {
			if reserved(k) {
				r.fail(FileRelations, line, "%s: property %q is reserved", what, k)
				continue
			}
			props[k] = plain(v)
		}
		r.relations = append(r.relations, model.RelationRecord{From: y.From, Type: y.Type, To: y.To, Properties: props,
			Sources: r.sources(FileRelations, line, what, y.Sources)})
	})
}

// checkRelation reports unknown endpoints, unknown types and relationships
// between the wrong kinds of node.
func (r *reader) checkRelation(file string, line int, from, typ, to string) {
	fromLabel, toLabel := r.labelOf(from), r.labelOf(to)
	if fromLabel == "" {
		r.fail(file, line, "unknown id %q in from", from)
	}
	if toLabel == "" {
		r.fail(file, line, "unknown id %q in to", to)
	}
	known, ok, allowed := model.CheckRelation(typ, fromLabel, toLabel)
	switch {
	case !model.IsRelationTypeName(typ) || !known:
		r.fail(file, line, "unknown relationship type %q", typ)
	case fromLabel != "" && toLabel != "" && !ok:
		r.fail(file, line, "%s cannot join %s %s to %s %s (it joins %s)", typ, fromLabel, from, toLabel, to, allowed)
	}
}

var (
	treatyStatuses = map[string]bool{"party": true, "signatory": true, "unknown": true}
	treatyActions  = map[string]bool{"ratification": true, "accession": true, "acceptance": true, "approval": true, "signature_only": true, "": true}
)

func (r *reader) readTreatyParties() {
	header := []string{"instrument", "country", "status", "signed", "ratified", "action", "entry_into_force", "sources"}
	seen := map[string]int{}
	r.csvRows(FileTreatyParties, header, func(line int, f map[string]string) {
		inst, country := f["instrument"], f["country"]
		if l := r.labelOf(inst); l != "Instrument" {
			r.fail(FileTreatyParties, line, "instrument %q is not an instrument id", inst)
		}
		if l := r.labelOf(country); l != "Country" {
			r.fail(FileTreatyParties, line, "country %q is not a country id", country)
		}
		if prev, dup := seen[inst+"|"+country]; dup {
			r.fail(FileTreatyParties, line, "%s and %s already have a row at line %d", inst, country, prev)
		}
		seen[inst+"|"+country] = line
		status, action := f["status"], f["action"]
		if !treatyStatuses[status] {
			r.fail(FileTreatyParties, line, "status %q: want party, signatory or unknown", status)
		}
		if !treatyActions[action] {
			r.fail(FileTreatyParties, line, "action %q: want ratification, accession, acceptance, approval or signature_only", action)
		}
		signed := r.date(FileTreatyParties, line, "signed", f["signed"])
		ratified := r.date(FileTreatyParties, line, "ratified", f["ratified"])
		eif := r.date(FileTreatyParties, line, "entry_into_force", f["entry_into_force"])
		if status == "signatory" && (ratified != nil || eif != nil) {
			r.fail(FileTreatyParties, line, "a signatory has no ratification or entry-into-force date")
		}
		what := fmt.Sprintf("%s %s", country, inst)
		srcs := r.sources(FileTreatyParties, line, what, splitSources(f["sources"]))
		var variants []model.Variant
		add := func(typ string, props map[string]any) {
			r.relations = append(r.relations, model.RelationRecord{From: country, Type: typ, To: inst, Properties: props, Sources: srcs, Variants: variants})
			variants = nil
		}
		// cell gives a step's date as the rule chooses it among the cell
		// and the other values variants.csv gives, and keeps those values.
		cell := func(column string, d *model.Date, props map[string]any) {
			v := ""
			if d != nil {
				v = string(*d)
			}
			vs, value := r.cellVariants(inst+"|"+country, column, partyVariantColumns[column], v, FileTreatyParties, line, srcs, false)
			variants = append(variants, vs...)
			if value != "" {
				props[partyVariantColumns[column]] = value
			}
		}
		if signed != nil || status == "signatory" || r.hasVariants(inst+"|"+country, "signed") {
			props := map[string]any{}
			cell("signed", signed, props)
			add(model.RelSigned, props)
		}
		switch status {
		case "party":
			props := map[string]any{}
			cell("ratified", ratified, props)
			if action != "" && action != "signature_only" {
				props["action"] = action
			}
			cell("entry_into_force", eif, props)
			add(model.RelRatified, props)
		case "unknown":
			add(model.RelStatusUnknown, map[string]any{})
		}
	})
}

// hasVariants reports whether variants.csv gives values for a column of a
// subject.
func (r *reader) hasVariants(subject, column string) bool {
	for _, v := range r.variants[subject] {
		if v.property == column {
			return true
		}
	}
	return false
}

func opt(s string) *string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return &s
}

// plain converts YAML values to what the store can keep: dates the YAML
// parser read as timestamps go back to ISO text.
func plain(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.Format("2006-01-02")
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plain(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = plain(x)
		}
		return out
	case int:
		return int64(v)
	}
	return v
}

var yamlLinePattern = regexp.MustCompile(`line (\d+)`)

func yamlLine(err error) int {
	m := yamlLinePattern.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	var n int
	fmt.Sscan(m[1], &n)
	return n
}
