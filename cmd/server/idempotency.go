package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
)

// purgeKeys deletes expired idempotency records in the background, in small
// transactions beside the writes: a minute after the start, then every 1/24
// of the keys' lifetime (between a minute and an hour). It returns a function that stops the purge and
// waits for it, to call before the store closes.
func purgeKeys(ctx context.Context, store *neo4jstore.Store, lifetime time.Duration, logger *slog.Logger) func() {
	interval := min(max(lifetime/24, time.Minute), time.Hour)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		store.PurgeKeysEvery(ctx, time.Minute, interval, func(err error) {
			logger.Warn("purge expired idempotency keys; trying again later", "err", err, "retry_in", interval.String())
		})
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}
