package resolvers

import (
	"context"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// partyCount counts the states party to a treaty on asOf (or today) the
// way Instrument.parties lists them, so the two always agree.
func (r *Resolver) partyCount(ctx context.Context, id string, asOf *model.Date) (int, error) {
	req := model.PageRequest{First: 0, AsOf: asOf, Day: r.today()}
	if asOf != nil {
		req.Day = *asOf
	}
	page, err := r.loaders(ctx).Participations(ctx, true, id, nil, []model.TreatyStatus{model.TreatyStatusRatified, model.TreatyStatusInForce}, req)
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
