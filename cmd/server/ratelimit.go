package main

import (
	"math"
	"sync"
	"time"
)

// rateLimiter gives each client a budget of cost points per minute, refilled
// continuously (a token bucket holding at most one minute's budget).
type rateLimiter struct {
	perMinute float64
	now       func() time.Time
	mu        sync.Mutex
	buckets   map[string]*bucket
	calls     int
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	return &rateLimiter{perMinute: float64(perMinute), now: now, buckets: map[string]*bucket{}}
}

// take spends cost points of client's budget. It returns whether the request
// may run, the points left, and when it is refused how long until it could.
func (l *rateLimiter) take(client string, cost int) (ok bool, remaining int, retry time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.calls++
	if l.calls%10000 == 0 {
		l.prune(now)
	}
	b, found := l.buckets[client]
	if !found {
		b = &bucket{tokens: l.perMinute, last: now}
		l.buckets[client] = b
	}
	perSecond := l.perMinute / 60
	b.tokens = math.Min(l.perMinute, b.tokens+now.Sub(b.last).Seconds()*perSecond)
	b.last = now
	c := float64(cost)
	if c > b.tokens {
		wait := (c - b.tokens) / perSecond
		if c > l.perMinute {
			// More than a whole minute's budget: it can never run.
			wait = 60
		}
		return false, int(b.tokens), time.Duration(math.Ceil(wait)) * time.Second
	}
	b.tokens -= c
	return true, int(b.tokens), 0
}

// prune forgets clients whose budget has been full for a while, so the map
// does not grow with every address ever seen.
func (l *rateLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.last) > 2*time.Minute {
			delete(l.buckets, k)
		}
	}
}
