package model

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// LabelIdempotencyKey is the label of the records that make writes
// idempotent: one node per key, written in the transaction of the change it
// names, holding the fingerprint of the request and its first result. Like
// the audit trail's :Change nodes, these records are joined to nothing and
// never carry the Entity label, so exports, fact comparisons, statistics and
// the explorer, which read :Entity nodes only, never meet them.
const LabelIdempotencyKey = "IdempotencyKey"

// RecordLabels are the labels of the nodes the store keeps for itself
// beside the facts; none of them is an entity label.
func RecordLabels() []string { return []string{"Change", LabelIdempotencyKey} }

// MaxIdempotencyKey bounds a client's key: room for a UUID with a prefix,
// not for a document.
const MaxIdempotencyKey = 200

// WriteKey makes one write idempotent. The store records the key with the
// change, in its transaction; a later write under the same key and
// fingerprint is answered with the first write's result and writes nothing,
// and one under the same key with another fingerprint is refused.
type WriteKey struct {
	// Key names the write: the client's own, or one the service made up
	// when the client sent none, so the service can always read its write
	// back when a commit's answer is lost.
	Key string
	// Fingerprint identifies the request the key was given with: the
	// operation, the caller and the input.
	Fingerprint string
	// Replayed is set by the store when the key had already been written
	// with this fingerprint: the result is the first write's.
	Replayed bool
}

type writeKeyCtx struct{}

// WithWriteKey returns a context whose next keyed write uses k. The store
// reports through k whether it replayed.
func WithWriteKey(ctx context.Context, k *WriteKey) context.Context {
	return context.WithValue(ctx, writeKeyCtx{}, k)
}

// WriteKeyFrom returns the write key in ctx, or nil.
func WriteKeyFrom(ctx context.Context) *WriteKey {
	k, _ := ctx.Value(writeKeyCtx{}).(*WriteKey)
	return k
}

// CheckIdempotencyKey refuses a key a client sent that is empty, too long,
// or holds anything but printable ASCII without spaces; field names where
// it was sent.
func CheckIdempotencyKey(field, key string) error {
	if key == "" || len(key) > MaxIdempotencyKey {
		return Errorf(CodeBadUserInput, "%s: want 1 to %d characters, such as a UUID", field, MaxIdempotencyKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return Errorf(CodeBadUserInput, "%s: want printable ASCII characters without spaces, such as a UUID", field)
		}
	}
	return nil
}

// NewIdempotencyKey makes up a key for a write whose client sent none.
func NewIdempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "kg-" + hex.EncodeToString(b)
}

// Fingerprint identifies a request by its operation, its caller and its
// input (encoded as JSON, whose object keys sort), so the same key sent
// with another request can be told apart. The key itself is no part of it.
func Fingerprint(operation string, actor Actor, input any) (string, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return "", fmt.Errorf("fingerprint %s: %w", operation, err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", operation, actor.Name, actor.Role)
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}
