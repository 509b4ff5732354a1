package seed

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Where the sources disagree, every value is kept with its own sources, and
// model.PreferVariants decides which one the property answers. In
// entities.yaml a property with variants is written only in the entity's
// `variants:` block (the entity's name excepted, which stays the name and
// must be the preferred value); countries.csv and treaty_parties.csv keep
// their cell, a value like any other, and variants.csv adds the others.

// candidate is one value of a property before the rule chooses.
type candidate struct {
	value   any
	sources []model.Source
	mark    model.Mark
	note    string
	file    string
	line    int
}

// choose merges equal values (their sources, marks and notes), applies
// model.PreferVariants and returns the variants of property, reporting
// problems against the line of the value they are about.
func (r *reader) choose(property string, cands []candidate) []model.Variant {
	var merged []candidate
	for _, c := range cands {
		i := -1
		for j := range merged {
			if model.SameValue(merged[j].value, c.value) {
				i = j
				break
			}
		}
		if i < 0 {
			merged = append(merged, c)
			continue
		}
		m := &merged[i]
		m.sources = model.MergeSources(m.sources, c.sources)
		switch {
		case c.mark == model.Unmarked:
		case m.mark == model.Unmarked:
			m.mark = c.mark
		case m.mark != c.mark:
			r.fail(c.file, c.line, "%s: the value %v is marked both preferred and not preferred", property, c.value)
		}
		switch {
		case c.note == "" || strings.Contains(m.note, c.note):
		case m.note == "":
			m.note = c.note
		default:
			m.note += "; " + c.note
		}
		if m.file == "" {
			m.file, m.line = c.file, c.line
		}
	}
	vs := make([]model.Variant, len(merged))
	for i, c := range merged {
		vs[i] = model.Variant{Property: property, Value: c.value, Sources: c.sources, Mark: c.mark}
		if c.note != "" {
			n := c.note
			vs[i].Note = &n
		}
	}
	out, err := model.PreferVariants(vs)
	if err != nil {
		file, line := "", 0
		if len(merged) > 0 {
			file, line = merged[len(merged)-1].file, merged[len(merged)-1].line
		}
		r.fail(file, line, "%v", err)
		return vs
	}
	return out
}

// checkFields reports the keys of a YAML mapping that are not allowed.
func (r *reader) checkFields(file string, node *yaml.Node, what string, allowed ...string) bool {
	if node.Kind != yaml.MappingNode {
		r.fail(file, node.Line, "%s: want a mapping", what)
		return false
	}
	ok := true
	for i := 0; i+1 < len(node.Content); i += 2 {
		k := node.Content[i]
		known := false
		for _, a := range allowed {
			known = known || k.Value == a
		}
		if !known {
			r.fail(file, k.Line, "%s: unknown field %q (want %s)", what, k.Value, strings.Join(allowed, ", "))
			ok = false
		}
	}
	return ok
}

type yamlVariantValue struct {
	Value     any      `yaml:"value"`
	Preferred *bool    `yaml:"preferred"`
	Sources   []string `yaml:"sources"`
	Note      string   `yaml:"note"`
}

// entityVariants reads an entity's `variants:` block and applies each
// property's preferred value to e: to its properties (a path such as
// "chairpersons/2/name" reaches into a nested value), or, for "name", checks
// that the entity's name is the preferred value.
func (r *reader) entityVariants(file string, e *model.Entity, block *yaml.Node) {
	if block == nil || block.Kind == 0 {
		return
	}
	if block.Kind != yaml.SequenceNode {
		r.fail(file, block.Line, "%s: variants: want a list of {property, values}", e.ID)
		return
	}
	seen := map[string]int{}
	for _, set := range block.Content {
		what := e.ID + " variants"
		if !r.checkFields(file, set, what, "property", "values") {
			continue
		}
		var y struct {
			Property string      `yaml:"property"`
			Values   []yaml.Node `yaml:"values"`
		}
		if err := set.Decode(&y); err != nil {
			r.fail(file, set.Line, "%s: %v", what, err)
			continue
		}
		prop := strings.TrimSpace(y.Property)
		switch {
		case prop == "":
			r.fail(file, set.Line, "%s: a set of variants has no property", what)
			continue
		case seen[prop] > 0:
			r.fail(file, set.Line, "%s: property %s already has variants at line %d", what, prop, seen[prop])
			continue
		case len(y.Values) == 0:
			r.fail(file, set.Line, "%s: %s has no values", what, prop)
			continue
		}
		seen[prop] = set.Line
		top := strings.SplitN(prop, "/", 2)[0]
		if syn, ok := model.PropertySynonyms()[top]; ok {
			r.fail(file, set.Line, "%s: %s is kept under %s in the graph: name that", what, top, syn)
			continue
		}
		if (top == "label" || model.IsReservedProperty(top)) && top != "name" {
			r.fail(file, set.Line, "%s: property %q is reserved", what, top)
			continue
		}
		var cands []candidate
		if _, given := lookupPath(e.Properties, prop); given && prop != "name" {
			r.fail(file, set.Line, "%s: %s is given in properties too: keep it in variants only, one value per source", what, prop)
			continue
		}
		for i := range y.Values {
			node := &y.Values[i]
			vwhat := fmt.Sprintf("%s %s", what, prop)
			if !r.checkFields(file, node, vwhat, "value", "preferred", "sources", "note") {
				continue
			}
			var v yamlVariantValue
			if err := node.Decode(&v); err != nil {
				r.fail(file, node.Line, "%s: %v", vwhat, err)
				continue
			}
			if v.Value == nil {
				r.fail(file, node.Line, "%s: a value is missing", vwhat)
				continue
			}
			// A value without sources of its own rests on the entity's, which
			// is as far as the seed attributes it.
			c := candidate{value: plain(v.Value), note: strings.TrimSpace(v.Note), file: file, line: node.Line, sources: e.Sources}
			if len(v.Sources) > 0 {
				c.sources = r.sources(file, node.Line, vwhat, v.Sources)
			}
			if v.Preferred != nil {
				c.mark = model.MarkNotPreferred
				if *v.Preferred {
					c.mark = model.MarkPreferred
				}
			}
			r.checkVariantValue(file, node.Line, top, c.value)
			cands = append(cands, c)
		}
		if prop == "name" && !hasValue(cands, e.Name) {
			// The name is a value like the others, resting on the
			// entity's sources unless the block gives it its own.
			cands = append([]candidate{{value: e.Name, sources: e.Sources, file: file, line: set.Line}}, cands...)
		}
		vs := r.choose(prop, cands)
		e.Variants = append(e.Variants, vs...)
		preferred, ok := model.PreferredVariant(vs, prop)
		if prop == "name" {
			if !ok || !model.SameValue(preferred, e.Name) {
				r.fail(file, set.Line, "%s: the preferred name must be the entity's name %q", what, e.Name)
			}
			continue
		}
		if e.Properties == nil {
			e.Properties = map[string]any{}
		}
		if err := setPath(e.Properties, prop, preferred, ok); err != nil {
			r.fail(file, set.Line, "%s: %v", what, err)
		}
	}
}

func hasValue(cands []candidate, v any) bool {
	for _, c := range cands {
		if model.SameValue(c.value, v) {
			return true
		}
	}
	return false
}

// checkVariantValue holds a variant's value to the model's rule for its
// property: a date property's value is a date.
func (r *reader) checkVariantValue(file string, line int, key string, v any) {
	if !model.IsDateProperty(key) {
		return
	}
	s, ok := v.(string)
	if !ok {
		r.fail(file, line, "%s: %v is not a date of the form YYYY-MM-DD", key, v)
		return
	}
	if _, err := model.ParseDate(s); err != nil {
		r.fail(file, line, "%s: %v", key, err)
	}
}

// lookupPath finds the value at a path such as "chairpersons/2/name".
func lookupPath(props map[string]any, path string) (any, bool) {
	var cur any = props
	for _, part := range strings.Split(path, "/") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// setPath sets the value at path, or removes it when ok is false; the
// structure above the last part must exist.
func setPath(props map[string]any, path string, v any, ok bool) error {
	parts := strings.Split(path, "/")
	parent, found := any(props), true
	if len(parts) > 1 {
		parent, found = lookupPath(props, strings.Join(parts[:len(parts)-1], "/"))
	}
	m, isMap := parent.(map[string]any)
	if !found || !isMap {
		return fmt.Errorf("%s: %s does not lead to a mapping in properties", path, strings.Join(parts[:len(parts)-1], "/"))
	}
	last := parts[len(parts)-1]
	if ok {
		m[last] = v
	} else {
		delete(m, last)
	}
	return nil
}

type yamlFigure struct {
	What    string   `yaml:"what"`
	Value   any      `yaml:"value"`
	Date    string   `yaml:"date"`
	Sources []string `yaml:"sources"`
	Note    string   `yaml:"note"`
}

// statedFigures reads an entity's `statedFigures:` block. A figure without
// sources of its own rests on the entity's.
func (r *reader) statedFigures(file string, e *model.Entity, block *yaml.Node) {
	if block == nil || block.Kind == 0 {
		return
	}
	if block.Kind != yaml.SequenceNode {
		r.fail(file, block.Line, "%s: statedFigures: want a list of {what, value, date, sources, note}", e.ID)
		return
	}
	for _, node := range block.Content {
		what := e.ID + " statedFigures"
		if !r.checkFields(file, node, what, "what", "value", "date", "sources", "note") {
			continue
		}
		var y yamlFigure
		if err := node.Decode(&y); err != nil {
			r.fail(file, node.Line, "%s: %v", what, err)
			continue
		}
		if strings.TrimSpace(y.What) == "" || y.Value == nil {
			r.fail(file, node.Line, "%s: a figure needs what and value", what)
			continue
		}
		f := model.StatedFigure{What: strings.TrimSpace(y.What), Value: plain(y.Value), Sources: e.Sources}
		if len(y.Sources) > 0 {
			f.Sources = r.sources(file, node.Line, what+" "+f.What, y.Sources)
		}
		f.Date = r.date(file, node.Line, what+" date", y.Date)
		if n := strings.TrimSpace(y.Note); n != "" {
			f.Note = &n
		}
		e.StatedFigures = append(e.StatedFigures, f)
	}
}

// csvVariant is one row of variants.csv.
type csvVariant struct {
	line     int
	property string
	cand     candidate
	used     bool
}

// The columns of countries.csv and treaty_parties.csv variants.csv may
// give other values for, and the graph property each one fills.
var (
	countryVariantColumns = map[string]string{"coe_accession": model.KeyCoeAccession, "coe_left": model.KeyCoeLeft}
	partyVariantColumns   = map[string]string{"signed": "date", "ratified": "date", "entry_into_force": "entryIntoForce"}
)

// readVariants reads variants.csv, when the file set has one: values for
// cells of countries.csv (subject: the country id) and treaty_parties.csv
// (subject: "instrument|country") that the sources give besides the cell's.
func (r *reader) readVariants() {
	if _, err := fs.Stat(r.fsys, FileVariants); err != nil {
		return
	}
	r.variants = map[string][]*csvVariant{}
	header := []string{"subject", "property", "value", "preferred", "sources", "note"}
	r.csvRows(FileVariants, header, func(line int, f map[string]string) {
		subject, prop := f["subject"], f["property"]
		switch {
		case subject == "":
			r.fail(FileVariants, line, "subject is empty: want a country id or instrument|country")
			return
		case strings.Contains(subject, "|"):
			if _, ok := partyVariantColumns[prop]; !ok {
				r.fail(FileVariants, line, "property %q: a treaty participation has variants for signed, ratified or entry_into_force", prop)
				return
			}
		default:
			if _, ok := countryVariantColumns[prop]; !ok {
				r.fail(FileVariants, line, "property %q: a country has variants for coe_accession or coe_left", prop)
				return
			}
		}
		d := r.date(FileVariants, line, "value", f["value"])
		if d == nil {
			if f["value"] == "" {
				r.fail(FileVariants, line, "value is empty")
			}
			return
		}
		c := candidate{value: string(*d), note: f["note"], file: FileVariants, line: line,
			sources: r.sources(FileVariants, line, subject+" "+prop, splitSources(f["sources"]))}
		switch f["preferred"] {
		case "yes":
			c.mark = model.MarkPreferred
		case "no":
			c.mark = model.MarkNotPreferred
		case "":
		default:
			r.fail(FileVariants, line, "preferred %q: want yes, no or nothing", f["preferred"])
		}
		r.variants[subject] = append(r.variants[subject], &csvVariant{line: line, property: prop, cand: c})
	})
}

// cellVariants returns the variants of one CSV cell, the cell's own value
// first, and the value the property answers (empty when none). Without
// rows in variants.csv it returns no variants and the cell unchanged.
//
// The cell's value rests on its row's sources. A row's sources may be the
// node's as a whole (countries.csv gathers every source about a state):
// with ownSources, a variants.csv row that gives the cell's value names its
// sources instead of the row's.
func (r *reader) cellVariants(subject, column, graphProperty, cell string, file string, line int, sources []model.Source, ownSources bool) ([]model.Variant, string) {
	var cands []candidate
	covered := false
	for _, v := range r.variants[subject] {
		if v.property == column {
			v.used = true
			cands = append(cands, v.cand)
			covered = covered || model.SameValue(v.cand.value, cell)
		}
	}
	if len(cands) == 0 {
		return nil, cell
	}
	if cell != "" && !(ownSources && covered) {
		cands = append([]candidate{{value: cell, sources: sources, file: file, line: line}}, cands...)
	}
	vs := r.choose(graphProperty, cands)
	if v, ok := model.PreferredVariant(vs, graphProperty); ok {
		return vs, v.(string)
	}
	return vs, ""
}

// unusedVariants reports rows of variants.csv whose subject the files do
// not have.
func (r *reader) unusedVariants() {
	for subject, rows := range r.variants {
		for _, v := range rows {
			if !v.used {
				r.fail(FileVariants, v.line, "%s has no %s to give variants for (no such row, or no such step in treaty_parties.csv)", subject, v.property)
			}
		}
	}
}
