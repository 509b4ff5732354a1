// Package seed holds the sourced data files of the knowledge graph and the
// code that reads, checks and loads them. Every problem in the files is
// reported with its file and line, and nothing is written unless all of them
// are clean.
package seed

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

//go:embed data/*.yaml data/*.csv
var embedded embed.FS

// Embedded returns the seed files shipped with the program.
func Embedded() fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		// The embed pattern above guarantees the folder exists.
		panic(err)
	}
	return sub
}

// The seed files, read in this order.
const (
	FileRetrieved     = "retrieved.yaml"
	FileCountries     = "countries.csv"
	FileEntities      = "entities.yaml"
	FileNamesFr       = "names_fr.csv"
	FileRelations     = "relations.yaml"
	FileTreatyParties = "treaty_parties.csv"
	// FileVariants gives, where the sources disagree, the other values of
	// cells of countries.csv and treaty_parties.csv. It may be absent.
	FileVariants = "variants.csv"
)

// Data is the checked content of the seed files.
type Data struct {
	Entities  []model.Entity
	Relations []model.RelationRecord
	// Version identifies the files read (a hash of their names and
	// content), so the graph's version tells one seed from another.
	Version string
}

// Problem is one thing wrong in a seed file.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// ValidationError lists every problem found in the seed files.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s) in the seed files:\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// Target is where seed data is written: the store implements it.
type Target interface {
	EnsureSchema(ctx context.Context) error
	ReplaceSeed(ctx context.Context, entities []model.Entity, relations []model.RelationRecord) error
	// RecordSeedVersion notes which seed files the graph was loaded from,
	// as part of its version.
	RecordSeedVersion(ctx context.Context, version string) error
}

// Load creates the schema, then makes the graph's seed-managed part equal to
// data in one transaction.
func Load(ctx context.Context, target Target, data *Data) error {
	if err := target.EnsureSchema(ctx); err != nil {
		return fmt.Errorf("load seed: %w", err)
	}
	if err := target.ReplaceSeed(ctx, data.Entities, data.Relations); err != nil {
		return fmt.Errorf("load seed: %w", err)
	}
	if data.Version != "" {
		if err := target.RecordSeedVersion(ctx, data.Version); err != nil {
			return fmt.Errorf("load seed: %w", err)
		}
	}
	return nil
}

// Counts returns how many entities each label has and how many relationships
// each type has in data.
func (d *Data) Counts() (labels, relTypes map[string]int) {
	labels, relTypes = map[string]int{}, map[string]int{}
	for _, e := range d.Entities {
		labels[e.Label]++
	}
	for _, r := range d.Relations {
		relTypes[r.Type]++
	}
	return labels, relTypes
}

// FormatCounts renders label and relationship counts as aligned lines,
// sorted by name.
func FormatCounts(labels, relTypes map[string]int) string {
	var b strings.Builder
	write := func(title string, m map[string]int) {
		names := make([]string, 0, len(m))
		total := 0
		for k, v := range m {
			names = append(names, k)
			total += v
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "%s (%d)\n", title, total)
		for _, n := range names {
			fmt.Fprintf(&b, "  %-28s %6d\n", n, m[n])
		}
	}
	write("nodes", labels)
	write("relationships", relTypes)
	return b.String()
}
