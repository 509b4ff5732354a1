package resolvers

import (
	"context"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// DiffReader reads what a diff needs: every participation of some treaties.
type DiffReader interface {
	Participations(ctx context.Context, instruments []string) ([]model.TreatyParticipation, error)
}

// maxDiffInstruments bounds the treaties of one diff, as coverage does.
const maxDiffInstruments = 20

func (r *Resolver) diff(ctx context.Context, from, to model.Date, instruments []string, certain *bool) ([]model.DiffStep, error) {
	if from.First().After(to.Last()) {
		return nil, model.Errorf(model.CodeBadUserInput, "from: %s is after to (%s)", from, to)
	}
	if instruments != nil && (len(instruments) == 0 || len(instruments) > maxDiffInstruments) {
		return nil, model.Errorf(model.CodeBadUserInput, "instruments: give 1 to %d instrument ids, or leave it out for all", maxDiffInstruments)
	}
	parts, err := r.store.Participations(ctx, instruments)
	if err != nil {
		return nil, err
	}
	out := []model.DiffStep{}
	for _, p := range parts {
		for _, s := range p.StepsIn(from, to) {
			if certain == nil || s.Certain == *certain {
				out = append(out, s)
			}
		}
	}
	model.SortDiffSteps(out)
	return out, nil
}
