package model

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Variant is one value the sources give for a property of a node or of a
// relationship, with the sources that give it. Where the sources disagree a
// property has one Variant per value, and at most one of them is preferred:
// the value the property (or the typed field that reads it) answers.
type Variant struct {
	// Property is the property the value is for, as the graph names it
	// ("coeAccession", "endDate"); a value nested in a structure is named by
	// its path ("chairpersons/2/name").
	Property  string   `json:"property"`
	Value     any      `json:"value"`
	Preferred bool     `json:"preferred"`
	Sources   []Source `json:"sources"`
	Note      *string  `json:"note,omitempty"`
	// Mark is a curator's judgement on the value, kept with it so the rule
	// gives the same answer when a later statement joins the values; the
	// API shows its effect (Preferred) and its reason (Note).
	Mark Mark `json:"mark,omitempty"`
}

// StatedFigure is a figure a source states, such as "48 parties", kept as
// that source's statement beside what the graph itself can count.
type StatedFigure struct {
	// What names the figure: "parties", "signatories", "memberStates".
	What  string `json:"what"`
	Value any    `json:"value"`
	// Date is the day the source says the figure held, where it says so.
	Date    *Date    `json:"date,omitempty"`
	Sources []Source `json:"sources"`
	Note    *string  `json:"note,omitempty"`
}

// SourceRank orders sources by how far a disputed value may rest on them;
// a lower rank weighs more.
type SourceRank int

// The ranks of sources, from the most to the least authoritative.
const (
	// RankTreatyOffice: the Council of Europe Treaty Office, which keeps
	// the charts of signatures and ratifications.
	RankTreatyOffice SourceRank = 1
	// RankOfficial: official journals, governments, EU institutions and
	// the Council of Europe's own pages (and the copies of them the seed
	// names by file).
	RankOfficial SourceRank = 2
	// RankOther: everything else: encyclopaedias, news, portals, NGOs.
	RankOther SourceRank = 3
)

// String names the rank the way docs/model.md does.
func (r SourceRank) String() string {
	switch r {
	case RankTreatyOffice:
		return "Treaty Office"
	case RankOfficial:
		return "official"
	default:
		return "others"
	}
}

// seedPageTitle matches the file names of the copies of Council of Europe
// pages the seed was first built from ("001_3d5ebbe96d962bea.txt").
var seedPageTitle = regexp.MustCompile(`^\d{3}_[0-9a-f]{16}\.txt$`)

// officialHosts are hosts of official journals and government registers
// whose names do not say "gov": the domain and every subdomain count.
var officialHosts = []string{
	"coe.int",              // the Council of Europe (its Treaty Office ranks first, below)
	"europa.eu",            // EU institutions and the Official Journal (EUR-Lex)
	"finlex.fi",            // Finland's official legal database
	"verdragen.nl",         // the Netherlands' treaty database
	"overheid.nl",          // the Netherlands' government registers
	"admin.ch",             // the Swiss federal administration
	"boe.es",               // Spain's official journal
	"gazzettaufficiale.it", // Italy's official journal
	"legilux.public.lu",    // Luxembourg's official journal
	"riigiteataja.ee",      // Estonia's official journal
	"likumi.lv",            // Latvia's official legal acts
	"e-seimas.lrs.lt",      // Lithuania's register of legal acts
	"retsinformation.dk",   // Denmark's official legal information
	"lovdata.no",           // Norway's legal information
	"irishstatutebook.ie",  // Ireland's statute book
	"treaties.un.org",      // the United Nations Treaty Collection
}

// RankOf returns the rank of a source: the Treaty Office first, then
// official journals, governments and the Council of Europe's own pages,
// then others. A source known only by its title ranks by that title.
func RankOf(s Source) SourceRank {
	if s.URL == nil || *s.URL == "" {
		switch {
		case strings.Contains(strings.ToLower(s.Title), "treaty office"):
			return RankTreatyOffice
		case seedPageTitle.MatchString(s.Title):
			return RankOfficial
		}
		return RankOther
	}
	u, err := url.Parse(*s.URL)
	if err != nil {
		return RankOther
	}
	host := strings.ToLower(u.Hostname())
	path := strings.ToLower(u.Path)
	switch {
	case hostIn(host, "conventions.coe.int"),
		hostIn(host, "coe.int") && strings.Contains(path, "/web/conventions/"):
		return RankTreatyOffice
	case isGovernmentHost(host):
		return RankOfficial
	}
	for _, h := range officialHosts {
		if hostIn(host, h) {
			return RankOfficial
		}
	}
	return RankOther
}

// hostIn reports whether host is domain or one of its subdomains.
func hostIn(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// isGovernmentHost reports whether one of the host's labels names a
// government ("gov", "gouv", "gob", "govt", "gv"), as in gov.uk,
// brpd.gov.pl or legifrance.gouv.fr.
func isGovernmentHost(host string) bool {
	labels := strings.Split(host, ".")
	// The last label is the country or generic top-level domain (".gov"
	// itself is the US government's).
	for i, l := range labels {
		switch l {
		case "gov", "gouv", "gob", "govt":
			return true
		case "gv":
			if i > 0 {
				return true
			}
		}
	}
	return false
}

// BestRank returns the best rank among sources, RankOther for none.
func BestRank(sources []Source) SourceRank {
	best := RankOther
	for _, s := range sources {
		if r := RankOf(s); r < best {
			best = r
		}
	}
	return best
}

// Mark is a curator's judgement on one value, recorded in the seed files
// (the checked reference set marks which value it prefers where it can) or
// made by a curator's change.
type Mark string

// The marks a value can carry.
const (
	// Unmarked: the ranking of sources decides.
	Unmarked Mark = ""
	// MarkPreferred: this value answers, whatever the ranking says; its
	// note gives the reason when the ranking would choose otherwise.
	MarkPreferred Mark = "preferred"
	// MarkNotPreferred: this value never answers; its note gives the
	// reason when its sources rank best.
	MarkNotPreferred Mark = "notPreferred"
)

// PreferVariants is the one rule that decides which of the values the
// sources give for a property answers by default. It sets Preferred on at
// most one of vs, which all name the same property, and returns them:
//
//  1. a value the seed marks preferred answers;
//  2. values marked not preferred never answer;
//  3. otherwise the value whose best source ranks highest answers: the
//     Treaty Office first, then official journals, governments and the
//     Council of Europe's own pages, then others;
//  4. when two values tie at the top, or every value is marked not
//     preferred, none answers: the property is unknown and every value
//     stays visible as a variant.
//
// A mark (Variant.Mark) records what the ranking cannot know (a typing
// error on an official page, the majority of equal sources), so one that
// overrules the ranking must say why in its value's note. It returns an
// error naming the property when two values are marked preferred or a mark
// overrules the ranking without a note.
func PreferVariants(vs []Variant) ([]Variant, error) {
	mark := func(i int) Mark { return vs[i].Mark }
	out := make([]Variant, len(vs))
	copy(out, vs)
	for i := range out {
		out[i].Preferred = false
	}
	// What the ranking alone would choose, marks aside.
	byRank := rankWinner(out, func(int) bool { return true })
	noted := func(i int) bool { return out[i].Note != nil && strings.TrimSpace(*out[i].Note) != "" }
	chosen := -1
	for i := range out {
		switch mark(i) {
		case MarkPreferred:
			if chosen >= 0 {
				return nil, fmt.Errorf("%s: two values are marked preferred (%s and %s)", out[i].Property, show(out[chosen].Value), show(out[i].Value))
			}
			chosen = i
			if byRank != i && BestRank(out[i].Sources) > bestRankOf(out) && !noted(i) {
				return nil, fmt.Errorf("%s: %s is marked preferred over better-ranked sources without a note saying why", out[i].Property, show(out[i].Value))
			}
		case MarkNotPreferred:
			if byRank == i && !noted(i) {
				return nil, fmt.Errorf("%s: %s rests on the best-ranked sources but is marked not preferred without a note saying why", out[i].Property, show(out[i].Value))
			}
		}
	}
	if chosen < 0 {
		chosen = rankWinner(out, func(i int) bool { return mark(i) != MarkNotPreferred })
	}
	if chosen >= 0 {
		out[chosen].Preferred = true
	}
	return out, nil
}

// rankWinner returns the index of the one value, among those open, whose
// best source ranks highest; -1 when none is open or two tie.
func rankWinner(vs []Variant, open func(int) bool) int {
	best, winner := RankOther+1, -1
	for i := range vs {
		if !open(i) {
			continue
		}
		switch r := BestRank(vs[i].Sources); {
		case r < best:
			best, winner = r, i
		case r == best:
			winner = -1
		}
	}
	return winner
}

func bestRankOf(vs []Variant) SourceRank {
	best := RankOther
	for _, v := range vs {
		if r := BestRank(v.Sources); r < best {
			best = r
		}
	}
	return best
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// AddStatement adds a value stated later (by a curator's change, or by an
// import such as a Treaty Office chart) to the variants of property: an
// equal value gains the sources and the mark, another joins the values,
// and the rule is applied again. A value marked preferred takes the mark
// from any value marked so before. A mark was made on the sources known
// then: an unmarked statement whose sources rank better than all of a
// marked value's drops that mark, so a Treaty Office chart settles what
// secondary sources left open. It returns all the variants, and the value
// the property now answers, if any.
func AddStatement(vs []Variant, property string, value any, sources []Source, mark Mark, note string) ([]Variant, any, bool, error) {
	out := make([]Variant, 0, len(vs)+1)
	var set []int
	found := false
	rank := BestRank(sources)
	for _, v := range vs {
		if v.Property != property {
			out = append(out, v)
			continue
		}
		switch {
		case mark == MarkPreferred && v.Mark == MarkPreferred:
			v.Mark = Unmarked
		case mark == Unmarked && v.Mark != Unmarked && len(sources) > 0 && rank < BestRank(v.Sources):
			v.Mark = Unmarked
		}
		if SameValue(v.Value, value) {
			found = true
			v.Sources = MergeSources(v.Sources, sources)
			if mark != Unmarked {
				v.Mark = mark
			}
			if note != "" && (v.Note == nil || !strings.Contains(*v.Note, note)) {
				n := note
				if v.Note != nil && *v.Note != "" {
					n = *v.Note + "; " + note
				}
				v.Note = &n
			}
		}
		set = append(set, len(out))
		out = append(out, v)
	}
	if !found {
		v := Variant{Property: property, Value: value, Sources: sources, Mark: mark}
		if note != "" {
			n := note
			v.Note = &n
		}
		set = append(set, len(out))
		out = append(out, v)
	}
	group := make([]Variant, len(set))
	for i, j := range set {
		group[i] = out[j]
	}
	group, err := PreferVariants(group)
	if err != nil {
		return nil, nil, false, err
	}
	for i, j := range set {
		out[j] = group[i]
	}
	preferred, ok := PreferredVariant(group, property)
	return out, preferred, ok, nil
}

// MergeSources returns the sources of both lists, each once, old ones
// first.
func MergeSources(have, more []Source) []Source {
	out := append([]Source(nil), have...)
	for _, m := range more {
		dup := false
		for _, h := range out {
			if h.Title == m.Title && ((h.URL == nil) == (m.URL == nil)) && (h.URL == nil || *h.URL == *m.URL) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, m)
		}
	}
	return out
}

// RestateVariants joins what an import now gives for a fact's properties
// (props, resting on sources) to the variants the fact had: each property
// with variants gets the new value as one more statement and answers what
// the rule then prefers; a property the import is silent on keeps the value
// its variants prefer. It returns the variants and the properties to store.
func RestateVariants(old []Variant, props map[string]any, sources []Source) ([]Variant, map[string]any, error) {
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = v
	}
	vs := old
	for _, p := range variantProperties(old) {
		var preferred any
		var ok bool
		if v, given := props[p]; given {
			var err error
			if vs, preferred, ok, err = AddStatement(vs, p, v, sources, Unmarked, ""); err != nil {
				return nil, nil, err
			}
		} else {
			preferred, ok = PreferredVariant(vs, p)
		}
		if ok {
			out[p] = preferred
		} else {
			delete(out, p)
		}
	}
	return vs, out, nil
}

// CurateVariants adds a curator's values (set, by property; nil removes) to
// the variants of the properties that have some: each value joins them
// marked preferred, resting on the change's sources, since the curator
// decides. Properties without variants are left to the caller.
func CurateVariants(vs []Variant, set map[string]any, sources []Source, note string) ([]Variant, error) {
	has := map[string]bool{}
	for _, p := range variantProperties(vs) {
		has[p] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !has[k] || set[k] == nil {
			continue
		}
		var err error
		if vs, _, _, err = AddStatement(vs, k, set[k], sources, MarkPreferred, note); err != nil {
			return nil, err
		}
	}
	return vs, nil
}

func variantProperties(vs []Variant) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		if !seen[v.Property] {
			seen[v.Property] = true
			out = append(out, v.Property)
		}
	}
	return out
}

// PreferredVariant returns the preferred value of property among vs, and
// whether there is one.
func PreferredVariant(vs []Variant, property string) (any, bool) {
	for _, v := range vs {
		if v.Property == property && v.Preferred {
			return v.Value, true
		}
	}
	return nil, false
}

// SameValue reports whether two values the sources give are the same, once
// encoded: 12 and 12.0, or a list given twice.
func SameValue(a, b any) bool { return show(a) == show(b) }

// DisputedProperties returns the properties of vs that have more than one
// value, in the order they first appear.
func DisputedProperties(vs []Variant) []string {
	count := map[string]int{}
	var order []string
	for _, v := range vs {
		if count[v.Property] == 0 {
			order = append(order, v.Property)
		}
		count[v.Property]++
	}
	var out []string
	for _, p := range order {
		if count[p] > 1 {
			out = append(out, p)
		}
	}
	return out
}
