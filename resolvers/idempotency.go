package resolvers

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// IdempotencyHeader is the HTTP header a client may name its write with,
// instead of a mutation's idempotencyKey input; the input wins when both
// are given.
const IdempotencyHeader = "Idempotency-Key"

// idempotencyExtension is the response extension that names, by the
// mutation's response name, the key each write was made under and whether
// the answer is a replay of an earlier one.
const idempotencyExtension = "idempotency"

// keyNote is what extensions.idempotency says of one mutation.
type keyNote struct {
	Key      string `json:"key"`
	Replayed bool   `json:"replayed"`
}

// keyNotes collects the notes of one response; the response is encoded
// after every mutation has run.
type keyNotes struct {
	mu    sync.Mutex
	notes map[string]keyNote
}

func (n *keyNotes) MarshalJSON() ([]byte, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return json.Marshal(n.notes)
}

// writeKey chooses the key a mutation's write is made under and puts it in
// the returned context, where the store finds it. The key is the input's
// idempotencyKey, else the request's Idempotency-Key header, else one made
// up, so the store can read its own write back when a commit's answer is
// lost. A header shared by several mutations of one request is told apart
// by each mutation's response name ("key/alias"), so a retry of the same
// request maps each mutation to the same key again. input is the
// mutation's input without its key: with op and the caller, it is the
// request's fingerprint.
func writeKey(ctx context.Context, op string, actor model.Actor, inputKey *string, input any) (context.Context, *model.WriteKey, error) {
	var key string
	switch header := headerKey(ctx); {
	case inputKey != nil:
		if err := model.CheckIdempotencyKey("input.idempotencyKey", *inputKey); err != nil {
			return ctx, nil, err
		}
		key = *inputKey
	case header != "":
		if err := model.CheckIdempotencyKey(IdempotencyHeader+" header", header); err != nil {
			return ctx, nil, err
		}
		key = header
		if name := responseName(ctx); mutationCount(ctx) > 1 && name != "" {
			key += "/" + name
		}
	default:
		key = model.NewIdempotencyKey()
	}
	fp, err := model.Fingerprint(op, actor, input)
	if err != nil {
		return ctx, nil, err
	}
	k := &model.WriteKey{Key: key, Fingerprint: fp}
	return model.WithWriteKey(ctx, k), k, nil
}

func headerKey(ctx context.Context) string {
	if !graphql.HasOperationContext(ctx) {
		return ""
	}
	return graphql.GetOperationContext(ctx).Headers.Get(IdempotencyHeader)
}

func responseName(ctx context.Context) string {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		return fc.Field.Alias
	}
	return ""
}

// mutationCount counts the mutation fields of the request's operation.
func mutationCount(ctx context.Context) int {
	if !graphql.HasOperationContext(ctx) {
		return 0
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return 0
	}
	return len(graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}))
}

// noteKey names the key of a mutation's write in extensions.idempotency,
// with whether the answer is a replay.
func noteKey(ctx context.Context, k *model.WriteKey) {
	if k == nil || !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return
	}
	notes, _ := graphql.GetExtension(ctx, idempotencyExtension).(*keyNotes)
	if notes == nil {
		// Mutations run one after another, so no other one registers
		// the extension meanwhile.
		notes = &keyNotes{notes: map[string]keyNote{}}
		graphql.RegisterExtension(ctx, idempotencyExtension, notes)
	}
	notes.mu.Lock()
	notes.notes[responseName(ctx)] = keyNote{Key: k.Key, Replayed: k.Replayed}
	notes.mu.Unlock()
}

// importKey chooses the key of an import that writes (apply); an import
// that only shows its difference writes nothing and needs none.
func importKey(ctx context.Context, apply bool, op string, actor model.Actor, key *string, input any) (context.Context, *model.WriteKey, error) {
	if !apply {
		if key != nil {
			if err := model.CheckIdempotencyKey("idempotencyKey", *key); err != nil {
				return ctx, nil, err
			}
		}
		return ctx, nil, nil
	}
	return writeKey(ctx, op, actor, key, input)
}
