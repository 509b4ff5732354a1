package model

import "sort"

// DiffStep is one treaty step whose window meets the days a diff asks
// about: see StepsIn.
type DiffStep struct {
	Country    Country
	Instrument Instrument
	Action     TreatyAction
	Date       *Date
	Precision  *DatePrecision
	Window     DateWindow
	Certain    bool
	Sources    []Source
}

// StepsIn returns the steps of p that took effect, or may have, between
// from and to (both days included; a month or a year runs from its first day
// to its last). A step is listed when its window (see Steps) meets those
// days, and is Certain when the window lies wholly inside them. A step
// whose window straddles a bound is listed as uncertain rather than left
// out: the sources do not rule out that it happened in the window, and a
// reader who wants only settled facts asks for certain ones.
func (p TreatyParticipation) StepsIn(from, to Date) []DiffStep {
	span := DateWindow{From: from.First(), To: to.Last()}
	sig, rat, eif := p.Steps()
	var out []DiffStep
	for _, s := range []struct {
		action TreatyAction
		step   Step
	}{{TreatyActionSignature, sig}, {TreatyActionRatification, rat}, {TreatyActionEntryIntoForce, eif}} {
		w := s.step.Window
		if !s.step.Recorded || span.From.After(w.To) || w.From.After(span.To) {
			continue
		}
		d := DiffStep{Country: p.Country, Instrument: p.Instrument, Action: s.action, Date: s.step.Date, Window: w,
			Certain: !span.From.After(w.From) && !w.To.After(span.To), Sources: p.Sources}
		if d.Date != nil {
			prec := d.Date.Precision()
			d.Precision = &prec
		}
		out = append(out, d)
	}
	return out
}

// SortDiffSteps orders steps by the first day of their window, then by
// treaty, state and the order of the steps.
func SortDiffSteps(steps []DiffStep) {
	order := map[TreatyAction]int{TreatyActionSignature: 0, TreatyActionRatification: 1, TreatyActionEntryIntoForce: 2}
	sort.SliceStable(steps, func(i, j int) bool {
		a, b := steps[i], steps[j]
		switch {
		case a.Window.From != b.Window.From:
			return b.Window.From.After(a.Window.From)
		case a.Instrument.ID != b.Instrument.ID:
			return a.Instrument.ID < b.Instrument.ID
		case a.Country.ID != b.Country.ID:
			return a.Country.ID < b.Country.ID
		}
		return order[a.Action] < order[b.Action]
	})
}
