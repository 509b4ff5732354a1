package seed

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
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

// iso2Pattern tells whether a country's id can be derived from its iso2
// code; the model checks the code itself.
var iso2Pattern = regexp.MustCompile(`^[A-Z]{2}$`)

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
	return &Data{Entities: r.entities, Relations: r.relations, Version: filesVersion(fsys)}, nil
}

// filesVersion hashes the names and content of the seed files, in the order
// they are read: the same files give the same version on every machine.
func filesVersion(fsys fs.FS) string {
	h := sha256.New()
	for _, name := range []string{FileRetrieved, FileVariants, FileCountries, FileEntities, FileNamesFr, FileRelations, FileTreatyParties} {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			// Only variants.csv may be absent; Read has checked the others.
			continue
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
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

// define adds an entity, reporting what the model's rules find wrong with
// it where the file has it: by column in a CSV file, after the entity's id
// in a YAML one.
func (r *reader) define(e model.Entity, file string, line int) {
	// A property that variants give is reported where the variants are.
	varied := map[string]bool{}
	for _, v := range e.Variants {
		varied["properties."+strings.SplitN(v.Property, "/", 2)[0]] = true
	}
	for _, p := range model.EntityProblems(e) {
		if varied[p.Field] {
			continue
		}
		if col, ok := countryColumns[p.Field]; ok && file == FileCountries {
			p.Field = col
			r.fail(file, line, "%s", p.Error())
			continue
		}
		r.fail(file, line, "%s: %s", e.ID, p.Error())
	}
	r.factSources(file, line, e.Sources)
	if prev, dup := r.where[e.ID]; dup {
		r.fail(file, line, "duplicate id %q (first defined at %s:%d)", e.ID, prev.File, prev.Line)
		return
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

// countryColumns are the columns of countries.csv by the entity field
// they fill, to report a problem at its column.
var countryColumns = map[string]string{"id": "id", "name": "name", "nameFr": "name_fr", "properties.iso2": "iso2",
	"properties.iso3": "iso3", "properties.coeStatus": "coe_status", "properties.coeAccession": "coe_accession",
	"properties.coeLeft": "coe_left"}

// factSources reports what the model finds wrong with a fact's sources; a
// fact without any is reported by sources already.
func (r *reader) factSources(file string, line int, sources []model.Source) {
	if len(sources) == 0 {
		return
	}
	for _, p := range model.SourceProblems(sources) {
		r.fail(file, line, "%s", p.Error())
	}
}

func (r *reader) readCountries() {
	header := []string{"id", "iso2", "iso3", "name", "name_fr", "coe_status", "coe_accession", "coe_left", "sources"}
	r.csvRows(FileCountries, header, func(line int, f map[string]string) {
		props := map[string]any{"iso2": f["iso2"], "coeStatus": f["coe_status"]}
		if want := "country-" + strings.ToLower(f["iso2"]); iso2Pattern.MatchString(f["iso2"]) && f["id"] != want {
			r.fail(FileCountries, line, "id %q: want %q for iso2 %s", f["id"], want, f["iso2"])
		}
		if f["iso3"] != "" {
			props["iso3"] = f["iso3"]
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
		if y.Label == "Country" {
			r.fail(FileEntities, line, "%s: countries belong in %s", y.ID, FileCountries)
			return
		}
		props := map[string]any{}
		for k, v := range y.Properties {
			props[k] = propertyValue(k, v)
		}
		// One key per fact, each date apart from its note (see
		// model.NormaliseProperties).
		props = model.NormaliseProperties(props)
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
		props := map[string]any{}
		for k, v := range y.Properties {
			props[k] = propertyValue(k, v)
		}
		r.relate(FileRelations, line, model.RelationRecord{From: y.From, Type: y.Type, To: y.To, Properties: props,
			Sources: r.sources(FileRelations, line, what, y.Sources)}, nil)
	})
}

// relate adds a relationship, reporting unknown ends and what the model's
// rules find wrong with it; columns, when given, name the column a field
// comes from. A file whose rows name their ends by column checks the ends
// itself, and passes columns with "from" and "to".
func (r *reader) relate(file string, line int, rec model.RelationRecord, columns map[string]string) {
	fromLabel, toLabel := r.labelOf(rec.From), r.labelOf(rec.To)
	if _, own := columns["from"]; own {
		fromLabel, toLabel = "", ""
	} else {
		if fromLabel == "" {
			r.fail(file, line, "unknown id %q in from", rec.From)
		}
		if toLabel == "" {
			r.fail(file, line, "unknown id %q in to", rec.To)
		}
	}
	for _, p := range model.RelationProblems(rec, fromLabel, toLabel) {
		if col, ok := columns[p.Field]; ok {
			p.Field = col
		}
		r.fail(file, line, "%s", p.Error())
	}
	r.factSources(file, line, rec.Sources)
	r.relations = append(r.relations, rec)
}

// treatyStatuses are the values of treaty_parties.csv's status column.
var treatyStatuses = map[string]bool{"party": true, "signatory": true, "unknown": true}

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
		if action != "" && action != "signature_only" && !model.IsTreatyAction(action) {
			r.fail(FileTreatyParties, line, "action %q: want %s, or signature_only", action, strings.Join(model.TreatyActions(), ", "))
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
			columns := map[string]string{"from": "country", "to": "instrument", "properties.entryIntoForce": "entry_into_force",
				"properties.action": "action", "properties.date": "signed"}
			if typ == model.RelRatified {
				columns["properties.date"] = "ratified"
			}
			r.relate(FileTreatyParties, line, model.RelationRecord{From: country, Type: typ, To: inst, Properties: props, Sources: srcs, Variants: variants}, columns)
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

// propertyValue reads a property's YAML value: a date property written
// as a bare year (published: 2017), which YAML reads as a number, is the
// year's text, as a quoted one would be.
func propertyValue(key string, v any) any {
	if n, ok := v.(int); ok && model.IsDateProperty(key) && n >= 1000 && n <= 9999 {
		return fmt.Sprintf("%04d", n)
	}
	return plain(v)
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
