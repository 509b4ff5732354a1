package resolvers

import "github.com/coe-child-online/knowledge-graph/graph/model"

// participationView is what a treaty edge or a coverage cell shows of a
// state-treaty pair on one day: the reading of its status, and the dates and
// windows of the steps that may already have happened by then.
type participationView struct {
	model.Reading
	Note                                               string
	Signed, Ratified, EntryIntoForce                   *model.Date
	SignedWindow, RatifiedWindow, EntryIntoForceWindow *model.DateWindow
}

func viewOn(p model.TreatyParticipation, day model.Date) participationView {
	sig, rat, eif := p.Steps()
	r := p.ReadingOn(day)
	return participationView{
		Reading:              r,
		Note:                 r.Note(),
		Signed:               model.ShownOn(p.Signed, day),
		Ratified:             model.ShownOn(p.Ratified, day),
		EntryIntoForce:       model.ShownOn(p.EntryIntoForce, day),
		SignedWindow:         sig.WindowOn(day),
		RatifiedWindow:       rat.WindowOn(day),
		EntryIntoForceWindow: eif.WindowOn(day),
	}
}
