package resolvers

import (
	"context"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// partyCount counts the states party to a treaty on asOf (or today) the
// way Instrument.parties lists them, so the two always agree.
func (r *Resolver) partyCount(ctx context.Context, id string, asOf *model.Date) (int, error) {
	req := model.PageRequest{First: 0, Day: r.today(), Language: model.LanguageEn}
	if asOf != nil {
		// A date known only to the month or year is read from its first day.
		day := asOf.First()
		req.AsOf, req.Day = &day, day
	}
	parties := model.ParticipationFilter{Statuses: []model.TreatyStatus{model.TreatyStatusRatified, model.TreatyStatusInForce}}
	page, err := r.loaders(ctx).Participations(ctx, true, id, nil, parties, req)
	if err != nil {
		return 0, err
	}
	return page.Total, nil
}

// dataQuality reads what the report is drawn from and builds it.
func (r *Resolver) dataQuality(ctx context.Context) (*model.DataQuality, error) {
	data, err := r.store.QualityData(ctx)
	if err != nil {
		return nil, err
	}
	q := model.Quality(data)
	return &q, nil
}

func nonNilVariants(vs []model.Variant) []model.Variant {
	if vs == nil {
		return []model.Variant{}
	}
	return vs
}
