package neo4jstore

import (
	"context"
	"sort"
	"sync"
	"time"
)

// A commit sent too close to the deadline leaves its client guessing: the
// answer comes after the request has given up, and the write may or may not
// have landed. So a write sends its commit only while there is time left for
// the answer, judged by how long recent commits took: twice their 90th
// percentile, at least minCommitReserve, and at most half of what the write
// had when it began, so a slow spell cannot refuse every write. A write that
// runs past that point fails with nothing written, an answer its client can
// act on.
const (
	minCommitReserve = 100 * time.Millisecond
	commitSamples    = 64
)

// commitTimes keeps the durations of the store's recent commits.
type commitTimes struct {
	mu    sync.Mutex
	times [commitSamples]time.Duration
	n     int
}

func (c *commitTimes) add(d time.Duration) {
	c.mu.Lock()
	c.times[c.n%commitSamples] = d
	c.n++
	c.mu.Unlock()
}

// p90 returns the 90th percentile of the recent commit durations, 0 before
// the first commit.
func (c *commitTimes) p90() time.Duration {
	c.mu.Lock()
	n := min(c.n, commitSamples)
	list := make([]time.Duration, n)
	copy(list, c.times[:n])
	c.mu.Unlock()
	if n == 0 {
		return 0
	}
	sort.Slice(list, func(i, j int) bool { return list[i] < list[j] })
	return list[(9*n+9)/10-1]
}

// lastCommit returns the latest time a write that begins at start may send
// its commit; zero when ctx has no deadline.
func (c *commitTimes) lastCommit(ctx context.Context, start time.Time) time.Time {
	deadline, ok := ctx.Deadline()
	if !ok {
		return time.Time{}
	}
	reserve := max(2*c.p90(), minCommitReserve)
	reserve = min(reserve, deadline.Sub(start)/2)
	return deadline.Add(-reserve)
}
