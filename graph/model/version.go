package model

import (
	"fmt"
	"strings"
)

// GraphVersion names one state of the graph. Every committed change moves
// Seq, the audit trail's sequence; a load of other seed files moves Seed;
// wiping the database gives it a new Epoch, so a sequence that starts again
// from zero never repeats an older version. Two service processes on one
// database read the same version.
type GraphVersion struct {
	// Epoch is chosen at random when the sequence is first created; empty
	// while the database holds no sequence (an empty or wiped graph).
	Epoch string
	// Seq is the sequence number of the latest committed audit entry.
	Seq int64
	// Seed identifies the seed files last loaded (a hash of their
	// content); empty when none were recorded.
	Seed string
}

// String renders the version as one opaque token, the same in every
// process, for ETags and logs.
func (v GraphVersion) String() string {
	epoch := v.Epoch
	if i := strings.IndexByte(epoch, '-'); i > 0 {
		epoch = epoch[:i]
	}
	seed := v.Seed
	if len(seed) > 12 {
		seed = seed[:12]
	}
	return fmt.Sprintf("%s.%d.%s", epoch, v.Seq, seed)
}
