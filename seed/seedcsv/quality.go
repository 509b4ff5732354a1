package seedcsv

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// TreatyGaps is what the data-quality report should say of one treaty,
// counted straight from the seed files.
type TreatyGaps struct {
	Participations            int
	MissingSignatureDate      int
	MissingRatificationDate   int
	MissingEntryIntoForceDate int
	UnknownRoute              int
	UnknownStatus             int
	SingleSecondarySource     int
	Disputed                  int
}

// Gaps counts, per instrument of treaty_parties.csv, the rows lacking a
// date for a step that happened (a signature for signatories and for
// parties that ratified, accepted or approved; a deposit for parties; entry
// into force for parties of a treaty whose entities.yaml entry has one),
// the parties with no route, the rows with an unknown status, the rows with
// one secondary source, and the rows variants.csv gives two or more values
// of one date for.
func Gaps(tb testing.TB) map[string]TreatyGaps {
	tb.Helper()
	inForce := map[string]bool{}
	for _, e := range Entities(tb) {
		if props, ok := e["properties"].(map[string]any); ok && props["entryIntoForce"] != nil {
			inForce[e["id"].(string)] = true
		}
	}
	disputed := map[string]bool{}
	values := map[string]map[string]bool{}
	rows := Rows(tb, "treaty_parties.csv")
	cell := map[string]string{}
	column := map[string]string{"signed": "signed", "ratified": "ratified", "entry_into_force": "entry_into_force"}
	for _, r := range rows {
		for _, c := range column {
			cell[r["instrument"]+"|"+r["country"]+"|"+c] = r[c]
		}
	}
	for _, v := range Rows(tb, "variants.csv") {
		if !strings.Contains(v["subject"], "|") {
			continue
		}
		k := v["subject"] + "|" + v["property"]
		if values[k] == nil {
			values[k] = map[string]bool{}
			if c := cell[k]; c != "" {
				values[k][c] = true
			}
		}
		values[k][v["value"]] = true
		if len(values[k]) > 1 {
			disputed[v["subject"]] = true
		}
	}
	out := map[string]TreatyGaps{}
	for _, r := range rows {
		g := out[r["instrument"]]
		party, status := r["status"] == "party", r["status"]
		signedFirst := r["action"] == "ratification" || r["action"] == "acceptance" || r["action"] == "approval"
		g.Participations++
		if r["signed"] == "" && (status == "signatory" || party && signedFirst) {
			g.MissingSignatureDate++
		}
		if party && r["ratified"] == "" {
			g.MissingRatificationDate++
		}
		if party && inForce[r["instrument"]] && r["entry_into_force"] == "" {
			g.MissingEntryIntoForceDate++
		}
		if party && r["action"] == "" {
			g.UnknownRoute++
		}
		if status == "unknown" {
			g.UnknownStatus++
		}
		if src := strings.Split(r["sources"], " | "); len(src) == 1 && model.RankOf(source(src[0])) == model.RankOther {
			g.SingleSecondarySource++
		}
		if disputed[r["instrument"]+"|"+r["country"]] {
			g.Disputed++
		}
		out[r["instrument"]] = g
	}
	return out
}

func source(s string) model.Source {
	s = strings.TrimSpace(s)
	src := model.Source{Title: s}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		src.URL = &s
	}
	return src
}

// Entities returns the items of seed/data/entities.yaml as plain maps,
// failing the test when the file cannot be read.
func Entities(tb testing.TB) []map[string]any {
	tb.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "data", "entities.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Entities []map[string]any `yaml:"entities"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		tb.Fatalf("read entities.yaml: %v", err)
	}
	return doc.Entities
}
