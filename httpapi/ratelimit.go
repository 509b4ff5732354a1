package httpapi

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter gives each client a budget of cost points per minute, refilled
// continuously: a token bucket of golang.org/x/time/rate holding at most one
// minute's budget. What rate.Limiter does not do is kept here: one bucket
// per client, forgetting clients whose bucket is full again (so the map
// does not grow with every address ever seen), and the wait to tell a
// refused client, which AllowN does not report.
type rateLimiter struct {
	perMinute int
	now       func() time.Time
	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	calls     int
}

func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	return &rateLimiter{perMinute: perMinute, now: now, buckets: map[string]*rate.Limiter{}}
}

// take spends cost points of client's budget. It returns whether the request
// may run, the points left, and when it is refused how long until it could.
// A refused request spends nothing.
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
		b = rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)
		l.buckets[client] = b
	}
	if b.AllowN(now, cost) {
		return true, int(b.TokensAt(now)), 0
	}
	tokens := b.TokensAt(now)
	wait := 60.0
	if cost <= l.perMinute {
		wait = (float64(cost) - tokens) / (float64(l.perMinute) / 60)
	}
	// More than a whole minute's budget can never run: it waits a minute,
	// the most any request waits.
	return false, int(tokens), time.Duration(math.Ceil(wait)) * time.Second
}

// prune forgets clients whose budget is full again.
func (l *rateLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.perMinute) {
			delete(l.buckets, k)
		}
	}
}
