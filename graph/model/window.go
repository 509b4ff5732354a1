package model

import (
	"fmt"
	"time"
)

// DateWindow is the span of days within which something happened: a single day
// for a date known to the day, the whole month or year for a date known only
// to the month or year, and for a step no source dates, the days between the
// earliest it was possible and the day its source was read. Both ends are
// full dates and both are included.
type DateWindow struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// Contains reports whether day lies within the window.
func (w DateWindow) Contains(day Date) bool { return !w.From.After(day) && !day.After(w.To) }

// Open is the upper end of a window no source closes: a step whose sources
// carry no reading date may have happened on any later day.
const Open Date = "9999-12-31"

// First returns the first day d can stand for: d itself when known to the
// day, the first of the month or of January otherwise.
func (d Date) First() Date {
	switch len(d) {
	case 4:
		return d + "-01-01"
	case 7:
		return d + "-01"
	}
	return d
}

// Last returns the last day d can stand for: d itself when known to the day,
// the last day of its month or of December otherwise.
func (d Date) Last() Date {
	switch len(d) {
	case 4:
		return d + "-12-31"
	case 7:
		t, err := time.Parse("2006-01", string(d))
		if err != nil {
			return d
		}
		return Date(t.AddDate(0, 1, -1).Format("2006-01-02"))
	}
	return d
}

// Window returns the days d can stand for.
func (d Date) Window() DateWindow { return DateWindow{From: d.First(), To: d.Last()} }

// Precision says how much of d is known: "DAY", "MONTH" or "YEAR".
func (d Date) Precision() DatePrecision {
	switch len(d) {
	case 4:
		return DatePrecisionYear
	case 7:
		return DatePrecisionMonth
	}
	return DatePrecisionDay
}

// Step is one step of a treaty's life in a state (signature, ratification,
// entry into force) as the sources record it.
type Step struct {
	// Recorded is set when the sources say the step happened, dated or not.
	Recorded bool
	// Date is the date as the sources give it, at their precision; nil when
	// they give none.
	Date *Date
	// Window holds the days on which the step may have happened. For a
	// dated step it is the date's own span; for an undated one it runs from
	// the earliest day the step was possible to the day its source was read.
	Window DateWindow
}

// Steps returns the participation's signature, ratification and entry into
// force with their windows, by the rules of docs/model.md ("Dates are
// windows"). No step's window starts before the earliest day it was
// possible: the treaty's opening for a signature; the signature's first
// possible day, or else the opening, for a ratification; the ratification's
// first possible day for an entry into force. A dated step spans its date
// (a day, a month or a year) from that earliest day on; an undated step
// spans from that day to the day its source was read.
func (p TreatyParticipation) Steps() (signature, ratification, entryIntoForce Step) {
	opened := Date("0001-01-01")
	if o := p.Instrument.Opened(); o != nil {
		opened = o.First()
	}
	step := func(recorded bool, d *Date, earliest Date, read *Date) Step {
		if !recorded {
			return Step{}
		}
		w := DateWindow{From: earliest, To: Open}
		if read != nil {
			w.To = *read
		}
		if d != nil {
			w = d.Window()
			w.From = maxDate(w.From, earliest)
		}
		// A date or a reading before the earliest possible day contradicts
		// the opening; the window keeps its start, so nothing is claimed
		// earlier than possible.
		w.To = maxDate(w.To, w.From)
		return Step{Recorded: true, Date: d, Window: w}
	}
	signature = step(p.HasSigned, p.Signed, opened, p.SignatureRead)
	ratFrom := opened
	if signature.Recorded {
		ratFrom = signature.Window.From
	}
	ratification = step(p.Party, p.Ratified, ratFrom, p.RatificationRead)
	entryIntoForce = step(p.Party && p.EntryIntoForce != nil, p.EntryIntoForce, ratification.Window.From, p.RatificationRead)
	return signature, ratification, entryIntoForce
}

func maxDate(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}

// Reading is where a state stands with a treaty on a day, and how sure the
// sources let us be. Status is the highest status certainly reached by that
// day; Possible is the highest status that may have been reached. They are
// equal, and Certain is set, when every step's window lies wholly before or
// after the day. Otherwise Window is the window of the step that may or may
// not have happened by then.
type Reading struct {
	Status   TreatyStatus
	Possible TreatyStatus
	Certain  bool
	Window   *DateWindow
}

// Note says the reading in words, for example "signed; may have ratified
// between 2007-10-25 and 2026-11-23".
func (r Reading) Note() string {
	words := map[TreatyStatus][2]string{
		TreatyStatusNotSigned: {"not signed", "not have signed"},
		TreatyStatusSigned:    {"signed", "have signed"},
		TreatyStatusRatified:  {"ratified", "have ratified"},
		TreatyStatusInForce:   {"in force", "have entered into force"},
		TreatyStatusUnknown:   {"status unknown: the sources disagree or are silent", ""},
	}
	s := words[r.Status][0]
	if r.Certain || r.Window == nil {
		return s
	}
	return fmt.Sprintf("%s; may %s between %s and %s", s, words[r.Possible][1], r.Window.From, r.Window.To)
}

var statusLevels = []TreatyStatus{TreatyStatusNotSigned, TreatyStatusSigned, TreatyStatusRatified, TreatyStatusInForce}

// ReadingOn returns where the state stands with the treaty on day, which is
// taken from its first possible day when it is known only to the month or
// year. A step counts as certain once its whole window lies on or before the
// day, and as possible once the window has begun. Nothing counts before it
// could have happened: on a day before the treaty opened, every state is
// certainly NOT_SIGNED, disputed ones included. A disputed status (the
// sources disagree on, or are silent about, whether the state is bound) is
// UNKNOWN and never certain once the treaty is open, unless a ratification
// is certain by then.
func (p TreatyParticipation) ReadingOn(day Date) Reading {
	day = day.First()
	steps := [3]Step{}
	steps[0], steps[1], steps[2] = p.Steps()
	certain, possible := 0, 0
	var window *DateWindow
	for i, s := range steps {
		if !s.Recorded {
			continue
		}
		if !s.Window.To.After(day) && i+1 > certain {
			certain = i + 1
		}
		if !s.Window.From.After(day) && i+1 > possible {
			possible = i + 1
			w := s.Window
			window = &w
		}
	}
	if p.Disputed && certain < 2 {
		opened := Date("0001-01-01")
		if o := p.Instrument.Opened(); o != nil {
			opened = o.First()
		}
		if !opened.After(day) {
			return Reading{Status: TreatyStatusUnknown, Possible: TreatyStatusUnknown}
		}
	}
	r := Reading{Status: statusLevels[certain], Possible: statusLevels[possible], Certain: certain == possible}
	if !r.Certain {
		r.Window = window
	}
	return r
}

// StatusOn returns the status certainly reached on day: see ReadingOn.
func (p TreatyParticipation) StatusOn(day Date) TreatyStatus { return p.ReadingOn(day).Status }

// ShownOn returns d when the step may already have happened on day, nil
// otherwise, so an as-of view shows no date from its future.
func ShownOn(d *Date, day Date) *Date {
	if d == nil || d.First().After(day.First()) {
		return nil
	}
	return d
}

// WindowOn returns a recorded step's window when the step may already have
// happened on day, nil otherwise.
func (s Step) WindowOn(day Date) *DateWindow {
	if !s.Recorded || s.Window.From.After(day.First()) {
		return nil
	}
	w := s.Window
	return &w
}

// EarliestRead returns the earliest reading date among sources, or nil when
// none carries one: the day by which the earliest source already said the
// step had happened.
func EarliestRead(sources []Source) *Date {
	var min *Date
	for _, s := range sources {
		if s.Retrieved == nil || *s.Retrieved == "" {
			continue
		}
		if min == nil || min.After(*s.Retrieved) {
			d := *s.Retrieved
			min = &d
		}
	}
	return min
}

// ParticipationView is what a treaty edge or a coverage cell shows of a
// state-treaty pair on one day: the reading of its status, and the dates and
// windows of the steps that may already have happened by then.
type ParticipationView struct {
	Reading
	Note                                               string
	Signed, Ratified, EntryIntoForce                   *Date
	SignedWindow, RatifiedWindow, EntryIntoForceWindow *DateWindow
}

// ViewOn returns the pair as it stands on day.
func (p TreatyParticipation) ViewOn(day Date) ParticipationView {
	sig, rat, eif := p.Steps()
	r := p.ReadingOn(day)
	return ParticipationView{
		Reading:              r,
		Note:                 r.Note(),
		Signed:               ShownOn(p.Signed, day),
		Ratified:             ShownOn(p.Ratified, day),
		EntryIntoForce:       ShownOn(p.EntryIntoForce, day),
		SignedWindow:         sig.WindowOn(day),
		RatifiedWindow:       rat.WindowOn(day),
		EntryIntoForceWindow: eif.WindowOn(day),
	}
}
