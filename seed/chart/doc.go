// Package chart reads a Council of Europe Treaty Office "chart of signatures
// and ratifications" saved as CSV and turns it into the SIGNED and RATIFIED
// facts the seed files hold for treaty_parties.csv.
//
// The three steps are separate so a caller can report every problem of a
// chart before anything is written: Parse checks the table itself, Match ties
// each state to a country entity, and Facts builds the relationships.
package chart
