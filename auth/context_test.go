package auth

import (
	"context"
	"testing"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/google/go-cmp/cmp"
)

func TestFromContextWithoutPrincipal(t *testing.T) {
	want := Principal{Role: RoleNone, Method: MethodAnonymous}
	if diff := cmp.Diff(want, FromContext(context.Background())); diff != "" {
		t.Fatalf("principal (-want +got):\n%s", diff)
	}
	p := Principal{Name: "ops", Role: RoleAdmin, Method: MethodAPIKey}
	if diff := cmp.Diff(p, FromContext(WithPrincipal(context.Background(), p))); diff != "" {
		t.Fatalf("principal after WithPrincipal (-want +got):\n%s", diff)
	}
}

func TestRequire(t *testing.T) {
	var (
		noContext  = Principal{}
		anonNone   = Principal{Role: RoleNone, Method: MethodAnonymous}
		anonReader = Principal{Role: RoleReader, Method: MethodAnonymous}
		reader     = Principal{Name: "ci", Role: RoleReader, Method: MethodAPIKey}
		curator    = Principal{Name: "u1", Role: RoleCurator, Method: MethodJWT}
		admin      = Principal{Name: "ops", Role: RoleAdmin, Method: MethodAPIKey}
	)
	tests := []struct {
		name   string
		caller *Principal // nil: nothing in the context
		need   Role
		code   model.Code
		msg    string
	}{
		{name: "no principal needs reader", caller: nil, need: RoleReader, code: model.CodeUnauthenticated, msg: "sign in with an API key or token with the reader role"},
		{name: "zero principal needs reader", caller: &noContext, need: RoleReader, code: model.CodeUnauthenticated, msg: "sign in with an API key or token with the reader role"},
		{name: "anonymous without reads needs reader", caller: &anonNone, need: RoleReader, code: model.CodeUnauthenticated, msg: "sign in with an API key or token with the reader role"},
		{name: "anonymous with reads reads", caller: &anonReader, need: RoleReader},
		{name: "anonymous with reads needs curator", caller: &anonReader, need: RoleCurator, code: model.CodeUnauthenticated, msg: "sign in with an API key or token with the curator role"},
		{name: "anyone needs none", caller: &anonNone, need: RoleNone},
		{name: "reader reads", caller: &reader, need: RoleReader},
		{name: "reader needs curator", caller: &reader, need: RoleCurator, code: model.CodeForbidden, msg: "this needs the curator role; your role is reader"},
		{name: "curator curates", caller: &curator, need: RoleCurator},
		{name: "curator needs admin", caller: &curator, need: RoleAdmin, code: model.CodeForbidden, msg: "this needs the admin role; your role is curator"},
		{name: "admin reads", caller: &admin, need: RoleReader},
		{name: "admin administers", caller: &admin, need: RoleAdmin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.caller != nil {
				ctx = WithPrincipal(ctx, *tc.caller)
			}
			checkError(t, Require(ctx, tc.need), tc.code, tc.msg)
		})
	}
}
