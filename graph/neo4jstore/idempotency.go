package neo4jstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// DefaultKeyLifetime is how long an idempotency key is remembered when the
// configuration does not say: a day covers a client's retries across an
// outage, and records older than that are purged.
const DefaultKeyLifetime = 24 * time.Hour

// An idempotency record is an :IdempotencyKey node, unique by key, written
// in the transaction of the change it names. The uniqueness constraint is
// what makes the records work: a transaction that claims a key holds the
// key's lock until it commits or rolls back, so a second write under the
// same key waits for the first and then sees its record, and a read-back
// after a lost commit answer waits for the lost transaction to end.
var keySchema = []string{
	`CREATE CONSTRAINT idempotency_key IF NOT EXISTS FOR (k:IdempotencyKey) REQUIRE k.key IS UNIQUE`,
	`CREATE INDEX idempotency_expires IF NOT EXISTS FOR (k:IdempotencyKey) ON (k.expires)`,
}

// errReplay ends a keyed write's transaction without committing it: the key
// was already written for the same request, whose result stands.
var errReplay = errors.New("idempotency key already written for this request")

// settlePause bounds the pause between two read-backs of a key while the
// database does not answer.
const settlePause = 500 * time.Millisecond

// results are the values a keyed write returns, by pointer: encoded into
// the key's record when the write commits, decoded from it on a replay.
type results []any

func (r results) encode() (string, error) {
	b, err := json.Marshal([]any(r))
	if err != nil {
		return "", fmt.Errorf("encode result: %w", err)
	}
	return string(b), nil
}

func (r results) decode(s string) error {
	var parts []json.RawMessage
	if err := json.Unmarshal([]byte(s), &parts); err != nil {
		return fmt.Errorf("decode result: %w", err)
	}
	if len(parts) != len(r) {
		return fmt.Errorf("decode result: %d values recorded, want %d", len(parts), len(r))
	}
	for i, p := range parts {
		// Numbers come back as the database gave them (whole numbers as
		// int64), not as JSON's float64.
		dec := json.NewDecoder(bytes.NewReader(p))
		dec.UseNumber()
		if err := dec.Decode(r[i]); err != nil {
			return fmt.Errorf("decode result: %w", err)
		}
		fixNumbers(reflect.ValueOf(r[i]))
	}
	return nil
}

// fixNumbers replaces the json.Number values inside v's maps and lists.
func fixNumbers(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			fixNumbers(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fixNumbers(v.Field(i))
			}
		}
	case reflect.Slice:
		if s, ok := v.Interface().([]any); ok {
			for i := range s {
				s[i] = number(s[i])
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			fixNumbers(v.Index(i))
		}
	case reflect.Map:
		if m, ok := v.Interface().(map[string]any); ok {
			for k, x := range m {
				m[k] = number(x)
			}
		}
	}
}

func number(x any) any {
	switch t := x.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, y := range t {
			t[k] = number(y)
		}
	case []any:
		for i := range t {
			t[i] = number(t[i])
		}
	}
	return x
}

// keyRecord is what the graph holds under a key.
type keyRecord struct {
	fingerprint string
	// token names the attempt that wrote the record.
	token   string
	result  string
	expires time.Time
}

// live tells a record that still answers for its key.
func (r keyRecord) live(now time.Time) bool { return r.fingerprint != "" && r.expires.After(now) }

// claimKey takes the key's lock for tx and reads its record. MERGE on the
// unique key waits while another transaction holds the key, and SET takes
// the record's write lock, so what it returns is the last committed state.
// A key never written comes back as an empty record, whose node vanishes
// with tx unless saveKey fills it.
func claimKey(ctx context.Context, tx neo4j.ManagedTransaction, key string) (keyRecord, error) {
	recs, err := collect(ctx, tx, `
MERGE (k:IdempotencyKey {key: $key})
SET k.claimedAt = $now
RETURN k.fingerprint AS fingerprint, k.token AS token, k.result AS result, k.expires AS expires`,
		map[string]any{"key": key, "now": time.Now().UTC()})
	if err != nil {
		return keyRecord{}, fmt.Errorf("claim idempotency key: %w", err)
	}
	var r keyRecord
	m := recs[0].AsMap()
	r.fingerprint, _ = m["fingerprint"].(string)
	r.token, _ = m["token"].(string)
	r.result, _ = m["result"].(string)
	r.expires, _ = m["expires"].(time.Time)
	return r, nil
}

// saveKey fills the key's record, claimed earlier in tx.
func saveKey(ctx context.Context, tx neo4j.ManagedTransaction, op string, k *model.WriteKey, token, result string, expires time.Time) error {
	now := time.Now().UTC()
	_, err := collect(ctx, tx, `
MATCH (k:IdempotencyKey {key: $key})
SET k = $props`, map[string]any{"key": k.Key, "props": map[string]any{
		"key": k.Key, "fingerprint": k.Fingerprint, "token": token, "operation": op, "result": result,
		"created": now, "expires": expires.UTC(),
	}})
	if err != nil {
		return fmt.Errorf("save idempotency key: %w", err)
	}
	return nil
}

func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ensureKeySchema creates the key's constraint once per store: the records
// are only safe with it, and a database loaded before they existed lacks it.
func (s *Store) ensureKeySchema(ctx context.Context) error {
	if s.keySchemaReady.Load() {
		return nil
	}
	for _, stmt := range keySchema {
		if err := s.autoCommit(ctx, "create idempotency schema", stmt, nil); err != nil {
			return err
		}
	}
	s.keySchemaReady.Store(true)
	return nil
}

// writeKeyed runs work like write, under the write key in ctx when there is
// one: the key's record is claimed first and saved with the change, with
// res encoded as the first result. A key already written for the same
// request makes the write a replay: res is decoded from the record, the key
// marked replayed, and nothing is written. A key written for another
// request is refused with CodeKeyReused. When a commit's answer is lost,
// the key is read back to settle the outcome (see settle).
func (s *Store) writeKeyed(ctx context.Context, op string, res results, work func(tx neo4j.ManagedTransaction) error) error {
	k := model.WriteKeyFrom(ctx)
	if k == nil {
		return s.write(ctx, op, work)
	}
	if err := s.ensureKeySchema(ctx); err != nil {
		return withKey(err, k.Key)
	}
	token := newToken()
	var replay string
	err := s.write(ctx, op, func(tx neo4j.ManagedTransaction) error {
		rec, err := claimKey(ctx, tx, k.Key)
		if err != nil {
			return err
		}
		if rec.live(time.Now()) {
			if rec.fingerprint != k.Fingerprint {
				return keyReused(k.Key)
			}
			replay = rec.result
			return errReplay
		}
		if err := work(tx); err != nil {
			return err
		}
		result, err := res.encode()
		if err != nil {
			return err
		}
		return saveKey(ctx, tx, op, k, token, result, time.Now().Add(s.keyLifetime))
	})
	switch {
	case errors.Is(err, errReplay):
		if err := res.decode(replay); err != nil {
			return fmt.Errorf("%s: replay key %s: %w", op, k.Key, err)
		}
		k.Replayed = true
		return nil
	case model.ErrorCode(err) == model.CodeCommitUnknown:
		return s.settle(ctx, op, k, token, res, err)
	}
	return withKey(err, k.Key)
}

func keyReused(key string) error {
	return &model.Error{Code: model.CodeKeyReused, IdempotencyKey: key,
		Message: fmt.Sprintf("the idempotency key %q was already used for another request (another operation, caller or input); send a new key for a new write", key)}
}

// withKey names the key to retry with on the errors after which a retry may
// succeed: it is safe, since a retry under the key writes at most once.
func withKey(err error, key string) error {
	var merr *model.Error
	if err == nil || !errors.As(err, &merr) || merr.IdempotencyKey != "" {
		return err
	}
	switch merr.Code {
	case model.CodeUnavailable, model.CodeCommitUnknown:
		return &model.Error{Code: merr.Code, Err: err, IdempotencyKey: key,
			Message: fmt.Sprintf("%s; nothing was written: retry with the idempotency key %s", merr.Message, key)}
	}
	return err
}

// settle finds out whether a write whose commit answer was lost landed, by
// reading its key back on a new connection, again and again until the
// request's deadline (or the store's query timeout, when the request has
// none). The read-back claims the key like a write and then rolls back:
// while the lost transaction is still open it holds the key, so the claim
// waits for it to commit or roll back, and what it then reads is final.
// Only when the database cannot be reached in time does the answer stay
// CodeCommitUnknown, naming the key a retry must use.
func (s *Store) settle(ctx context.Context, op string, k *model.WriteKey, token string, res results, lost error) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	pause := 50 * time.Millisecond
	for {
		rec, err := s.readKey(ctx, op, k.Key)
		if err == nil {
			switch {
			case rec.token == token:
				return res.decode(rec.result)
			case rec.live(time.Now()) && rec.fingerprint == k.Fingerprint:
				// Another attempt under the key, with the same request,
				// committed: the write is in the graph once.
				k.Replayed = true
				return res.decode(rec.result)
			case rec.live(time.Now()):
				return keyReused(k.Key)
			}
			return &model.Error{Code: model.CodeUnavailable, IdempotencyKey: k.Key, Err: lost,
				Message: fmt.Sprintf("the connection to the graph database broke while the change was committing, and reading it back shows it was not written: retry with the idempotency key %s", k.Key)}
		}
		select {
		case <-ctx.Done():
			return &model.Error{Code: model.CodeCommitUnknown, IdempotencyKey: k.Key, Err: errors.Join(lost, err),
				Message: fmt.Sprintf("the change was sent to the graph database, but its answer was lost and the database could not be reached again in time to read it back; retry with the idempotency key %s, which applies the change at most once", k.Key)}
		case <-time.After(pause):
		}
		pause = min(2*pause, settlePause)
	}
}

// readKey reads a key's record in a write transaction that claims the key
// and then rolls back, leaving the graph as it was.
func (s *Store) readKey(ctx context.Context, op string, key string) (keyRecord, error) {
	ctx, session, done := s.transaction(ctx, op+": read back key", neo4j.AccessModeWrite)
	defer done()
	defer func() {
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		_ = session.Close(c)
	}()
	tx, err := session.BeginTransaction(ctx, neo4j.WithTxTimeout(s.timeout))
	if err != nil {
		return keyRecord{}, err
	}
	rec, err := claimKey(ctx, tx, key)
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_ = tx.Rollback(c)
	return rec, err
}

// PurgeExpiredKeys deletes the idempotency records whose lifetime is over,
// in transactions of at most batch records so no write waits long behind
// them; it returns how many it deleted. A record renewed by a write while
// the purge waited for it is kept: the condition is checked again once its
// lock is held.
func (s *Store) PurgeExpiredKeys(ctx context.Context, batch int) (int, error) {
	if batch <= 0 {
		batch = 1000
	}
	total := 0
	for {
		var n int64
		err := s.write(ctx, "purge idempotency keys", func(tx neo4j.ManagedTransaction) error {
			recs, err := collect(ctx, tx, `
MATCH (k:IdempotencyKey) WHERE k.expires < $now
WITH k LIMIT $batch
SET k.purging = true
REMOVE k.purging
WITH k WHERE k.expires < $now
DELETE k
RETURN count(*) AS n`, map[string]any{"now": time.Now().UTC(), "batch": int64(batch)})
			if err != nil {
				return err
			}
			n, _ = recs[0].Values[0].(int64)
			return nil
		})
		if err != nil {
			return total, err
		}
		total += int(n)
		if n < int64(batch) {
			return total, nil
		}
	}
}

// StartKeyPurge deletes expired idempotency records in the background, in
// small transactions beside the writes: a minute after the start, then every
// 1/24 of the keys' lifetime (between a minute and an hour). It returns a
// function that stops the purge and waits for it, to call before the store
// closes; failed (which may be nil) hears of each failed round.
func (s *Store) StartKeyPurge(ctx context.Context, lifetime time.Duration, failed func(err error, retryIn time.Duration)) (stop func()) {
	interval := min(max(lifetime/24, time.Minute), time.Hour)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.PurgeKeysEvery(ctx, time.Minute, interval, func(err error) {
			if failed != nil {
				failed(err, interval)
			}
		})
	}()
	return func() {
		cancel()
		<-done
	}
}

// PurgeKeysEvery purges expired idempotency records after first, and then
// every interval until ctx ends, reporting failures to failed (which may be
// nil): a database away for a while only delays the purge.
func (s *Store) PurgeKeysEvery(ctx context.Context, first, interval time.Duration, failed func(error)) {
	wait := first
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = interval
		c, cancel := context.WithTimeout(ctx, s.timeout)
		_, err := s.PurgeExpiredKeys(c, 1000)
		cancel()
		if err != nil && ctx.Err() == nil && failed != nil {
			failed(err)
		}
	}
}
