package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// WriteQuality prints the data-quality report (Query.dataQuality) as plain
// text tables for a person at a terminal: the participation gaps per
// treaty, the facts that rest on one secondary source, and the properties
// the sources disagree on.
func WriteQuality(w io.Writer, q model.DataQuality) error {
	var b strings.Builder
	b.WriteString("Treaty participations (a date counts as missing only for a step that happened)\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "treaty\tstates\tno signature date\tno ratification date\tno entry-into-force date\troute unknown\tstatus unknown\tone secondary source\tdisputed\t")
	for _, t := range q.Treaties {
		name := t.Instrument.ID
		if n := t.Instrument.Number(); n != nil {
			name = *n
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name, t.Participations, t.MissingSignatureDate,
			t.MissingRatificationDate, t.MissingEntryIntoForceDate, t.UnknownRoute, t.UnknownStatus, t.SingleSecondarySource, t.Disputed)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write quality: %w", err)
	}

	fmt.Fprintf(&b, "\nFacts resting on a single secondary source (%d)\n", len(q.SingleSecondarySource))
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, f := range q.SingleSecondarySource {
		src := ""
		if len(f.Sources) > 0 {
			src = f.Sources[0].Title
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", kindWord(f.Kind), f.ID, f.Description, src)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write quality: %w", err)
	}

	fmt.Fprintf(&b, "\nFacts the sources disagree on (%d)\n", len(q.Disputed))
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, d := range q.Disputed {
		preferred := "none preferred"
		if d.Preferred != nil {
			preferred = "preferred " + plainValue(d.Preferred)
		}
		values := make([]string, len(d.Values))
		for i, v := range d.Values {
			values[i] = plainValue(v.Value)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", kindWord(d.Fact.Kind), d.Fact.ID, d.Property, preferred, strings.Join(values, " | "))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write quality: %w", err)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write quality: %w", err)
	}
	return nil
}

func kindWord(k model.FactKind) string {
	if k == model.FactKindRelationship {
		return "relationship"
	}
	return "node"
}

func plainValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
