// Package importer brings outside data into the graph: a Treaty Office
// chart of signatures and ratifications, a set of seed files, or a JSON
// export of the graph. Each import first computes the difference with the
// graph; only with apply does it write it, in one transaction. Problems in
// the input are reported by file and line, and nothing is written then.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"time"

	"github.com/coe-child-online/knowledge-graph/export"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/seed"
	"github.com/coe-child-online/knowledge-graph/seed/chart"
)

// Target is the graph an import writes to; the store implements it.
type Target interface {
	AllEntities(ctx context.Context, label string) ([]model.Entity, error)
	SyncTreaty(ctx context.Context, actor model.Actor, instrument string, relations []model.RelationRecord, sources []model.Source, apply bool) (model.Diff, error)
	SyncSeed(ctx context.Context, actor model.Actor, entities []model.Entity, relations []model.RelationRecord, apply bool) (model.Diff, error)
	Restore(ctx context.Context, actor model.Actor, doc model.GraphDocument, apply bool) (model.Diff, error)
}

// maxProblems bounds how many problems an error lists: enough to fix a file
// in a few rounds, not a wall of text for a file in the wrong format.
const maxProblems = 50

func badInput(file string, lines []string) error {
	more := ""
	if len(lines) > maxProblems {
		more = fmt.Sprintf("\n… and %d more", len(lines)-maxProblems)
		lines = lines[:maxProblems]
	}
	for i, l := range lines {
		lines[i] = file + ":" + strings.TrimPrefix(l, "line ")
	}
	return &model.Error{Code: model.CodeBadUserInput,
		Message: fmt.Sprintf("%s: nothing was written:\n%s%s", file, strings.Join(lines, "\n"), more)}
}

// TreatyChart makes the signatures and ratifications of a treaty equal to a
// chart. treaty is the treaty number ("201", "CETS 201") or the instrument's
// id; source is where the chart comes from (the Treaty Office chart of the
// treaty when nil); name names the input in problems.
func TreatyChart(ctx context.Context, t Target, actor model.Actor, treaty string, csv io.Reader, name string, source *model.Source, apply bool, today time.Time) (model.Diff, error) {
	instruments, err := t.AllEntities(ctx, "Instrument")
	if err != nil {
		return model.Diff{}, fmt.Errorf("import chart: %w", err)
	}
	inst, number, err := findTreaty(instruments, treaty)
	if err != nil {
		return model.Diff{}, err
	}
	res, err := chart.Parse(csv)
	var perr *chart.ProblemsError
	var problems []string
	switch {
	case errors.As(err, &perr):
		for _, p := range perr.Problems {
			problems = append(problems, p.String())
		}
	case err != nil:
		return model.Diff{}, badInput(name, []string{"line 1: " + err.Error()})
	}
	countries, err := t.AllEntities(ctx, "Country")
	if err != nil {
		return model.Diff{}, fmt.Errorf("import chart: %w", err)
	}
	countryOf, err := chart.Match(res.Rows, countries)
	if errors.As(err, &perr) {
		for _, p := range perr.Problems {
			problems = append(problems, p.String())
		}
	} else if err != nil {
		return model.Diff{}, fmt.Errorf("import chart: %w", err)
	}
	if len(problems) > 0 {
		return model.Diff{}, badInput(name, problems)
	}
	src, err := chartSource(source, number, today)
	if err != nil {
		return model.Diff{}, err
	}
	facts := chart.Facts(inst.ID, res.Rows, countryOf, src)
	if problems := factProblems(facts, countryOf); len(problems) > 0 {
		return model.Diff{}, badInput(name, problems)
	}
	return t.SyncTreaty(ctx, actor, inst.ID, facts, []model.Source{src}, apply)
}

// factProblems checks the facts a chart states with the model's rules, as
// the seed files and the mutations are checked, placing each problem at the
// line of its country's row.
func factProblems(facts []model.RelationRecord, countryOf map[int]string) []string {
	lineOf := map[string]int{}
	for line, c := range countryOf {
		if l, ok := lineOf[c]; !ok || line < l {
			lineOf[c] = line
		}
	}
	var out []string
	for _, f := range facts {
		for _, p := range append(model.RelationProblems(f, "Country", "Instrument"), model.SourceProblems(f.Sources)...) {
			out = append(out, fmt.Sprintf("line %d: %s %s: %s", lineOf[f.From], f.From, f.Type, p.Error()))
		}
	}
	return out
}

var digits = regexp.MustCompile(`[0-9]+`)

func findTreaty(instruments []model.Entity, treaty string) (model.Entity, string, error) {
	for _, i := range instruments {
		if i.ID == treaty {
			n, _ := i.Properties["number"].(string)
			num, err := chart.TreatyNumber(n)
			if err != nil {
				return model.Entity{}, "", model.Errorf(model.CodeBadUserInput, "treaty: %s has no treaty number", i.ID)
			}
			return i, num, nil
		}
	}
	want, err := chart.TreatyNumber(treaty)
	if err != nil {
		return model.Entity{}, "", model.Errorf(model.CodeBadUserInput, "treaty: %q is neither a treaty number nor an instrument id", treaty)
	}
	for _, i := range instruments {
		n, _ := i.Properties["number"].(string)
		if n == "" || !digits.MatchString(n) {
			continue
		}
		if got, err := chart.TreatyNumber(n); err == nil && got == want {
			return i, want, nil
		}
	}
	return model.Entity{}, "", model.Errorf(model.CodeNotFound, "treaty: no instrument has the treaty number %s", treaty)
}

func chartSource(given *model.Source, number string, today time.Time) (model.Source, error) {
	src := model.Source{}
	if given != nil {
		src = *given
	}
	if src.URL == nil && src.Title == "" {
		u := chart.DefaultSourceURL(number)
		src.URL = &u
	}
	if src.Title == "" {
		src.Title = *src.URL
	}
	if src.Retrieved == nil {
		d := model.Date(today.Format("2006-01-02"))
		src.Retrieved = &d
	}
	return src, nil
}

// SeedFiles makes the seed-managed part of the graph equal to a set of seed
// files; facts curators changed or removed stay as they left them.
func SeedFiles(ctx context.Context, t Target, actor model.Actor, fsys fs.FS, apply bool) (model.Diff, error) {
	data, err := seed.Read(fsys)
	var verr *seed.ValidationError
	if errors.As(err, &verr) {
		lines := make([]string, len(verr.Problems))
		for i, p := range verr.Problems {
			lines[i] = p.String()
		}
		return model.Diff{}, &model.Error{Code: model.CodeBadUserInput,
			Message: fmt.Sprintf("the seed files have %d problem(s); nothing was written:\n%s", len(lines), strings.Join(limit(lines), "\n"))}
	}
	if err != nil {
		return model.Diff{}, &model.Error{Code: model.CodeBadUserInput, Message: err.Error(), Err: err}
	}
	return t.SyncSeed(ctx, actor, data.Entities, data.Relations, apply)
}

func limit(lines []string) []string {
	if len(lines) > maxProblems {
		return append(lines[:maxProblems:maxProblems], fmt.Sprintf("… and %d more", len(lines)-maxProblems))
	}
	return lines
}

// Graph makes the whole graph equal to a JSON export.
func Graph(ctx context.Context, t Target, actor model.Actor, r io.Reader, name string, apply bool) (model.Diff, error) {
	doc, err := export.ReadJSON(r)
	var perr *export.ProblemsError
	if errors.As(err, &perr) {
		lines := make([]string, len(perr.Problems))
		for i, p := range perr.Problems {
			lines[i] = p.String()
		}
		return model.Diff{}, badInput(name, lines)
	}
	if err != nil {
		return model.Diff{}, badInput(name, []string{"line 1: " + err.Error()})
	}
	return t.Restore(ctx, actor, doc, apply)
}
