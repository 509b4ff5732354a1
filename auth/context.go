package auth

import (
	"context"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller stored by WithPrincipal. Without one it
// returns an anonymous caller with RoleNone, so a path that forgot to
// authenticate fails closed.
func FromContext(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey{}).(Principal); ok {
		return p
	}
	return Principal{Role: RoleNone, Method: MethodAnonymous}
}

// Require returns nil when the caller in ctx has at least role. Otherwise an
// anonymous caller gets CodeUnauthenticated, since signing in may help, and
// an authenticated one gets CodeForbidden, since it will not.
func Require(ctx context.Context, role Role) error {
	p := FromContext(ctx)
	if p.Role >= role {
		return nil
	}
	if p.Anonymous() || p.Role == RoleNone {
		return model.Errorf(model.CodeUnauthenticated, "sign in with an API key or token with the %s role", role)
	}
	return model.Errorf(model.CodeForbidden, "this needs the %s role; your role is %s", role, p.Role)
}
