package auth

import (
	"strings"
	"testing"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/google/go-cmp/cmp"
)

func keysConfig() Config {
	return Config{Keys: strings.Join([]string{
		"ci reader " + HashKey(keyReader),
		"importer curator " + HashKey(keyCurator),
		"ops admin " + HashKey(keyAdmin),
	}, ";")}
}

func TestAuthenticateAPIKey(t *testing.T) {
	a := mustNew(t, keysConfig())
	tests := []struct {
		name    string
		headers []string
		want    Principal
		code    model.Code
		msg     string
	}{
		{name: "bearer", headers: bearer(keyCurator), want: Principal{Name: "importer", Role: RoleCurator, Method: MethodAPIKey}},
		{name: "bearer scheme in lower case", headers: []string{"Authorization", "bearer " + keyAdmin}, want: Principal{Name: "ops", Role: RoleAdmin, Method: MethodAPIKey}},
		{name: "x-api-key", headers: []string{"X-API-Key", keyReader}, want: Principal{Name: "ci", Role: RoleReader, Method: MethodAPIKey}},
		{name: "x-api-key in other case", headers: []string{"x-api-key", keyReader}, want: Principal{Name: "ci", Role: RoleReader, Method: MethodAPIKey}},
		{name: "both headers with the same key", headers: append(bearer(keyAdmin), "X-API-Key", keyAdmin), want: Principal{Name: "ops", Role: RoleAdmin, Method: MethodAPIKey}},
		{name: "both headers with different keys", headers: append(bearer(keyAdmin), "X-API-Key", keyReader), code: model.CodeUnauthenticated, msg: "send one credential per request"},
		{name: "two authorization headers", headers: append(bearer(keyAdmin), bearer(keyAdmin)...), code: model.CodeUnauthenticated, msg: "send one credential per request"},
		{name: "wrong key", headers: bearer("wrong-key-0123456789abcdef"), code: model.CodeUnauthenticated, msg: "unknown API key"},
		{name: "key with a character changed", headers: bearer(keyAdmin[:len(keyAdmin)-1] + "X"), code: model.CodeUnauthenticated, msg: "unknown API key"},
		{name: "hash presented as key", headers: bearer(HashKey(keyAdmin)), code: model.CodeUnauthenticated, msg: "unknown API key"},
		{name: "basic scheme", headers: []string{"Authorization", "Basic dXNlcjpwYXNz"}, code: model.CodeUnauthenticated, msg: "use the Bearer scheme in the Authorization header"},
		{name: "bearer without credential", headers: []string{"Authorization", "Bearer "}, code: model.CodeUnauthenticated, msg: "the Authorization header has no credential"},
		{name: "empty x-api-key", headers: []string{"X-API-Key", " "}, code: model.CodeUnauthenticated, msg: "the X-API-Key header is empty"},
		{name: "token when no JWT key is configured", headers: bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"), code: model.CodeUnauthenticated, msg: "this server does not accept tokens"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := a.Authenticate(request(tc.headers...))
			checkError(t, err, tc.code, tc.msg)
			if err != nil {
				for _, k := range []string{keyReader, keyCurator, keyAdmin} {
					if strings.Contains(err.Error(), k) {
						t.Fatalf("error %q contains a key", err)
					}
				}
				return
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("principal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuthenticateAnonymous(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want Principal
	}{
		{name: "reads on", cfg: Config{AnonymousReads: true}, want: Principal{Role: RoleReader, Method: MethodAnonymous}},
		{name: "reads off", cfg: Config{}, want: Principal{Role: RoleNone, Method: MethodAnonymous}},
		{name: "reads off with keys configured", cfg: keysConfig(), want: Principal{Role: RoleNone, Method: MethodAnonymous}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mustNew(t, tc.cfg).Authenticate(request())
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("principal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnabled(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want bool
	}{
		{name: "nothing configured", cfg: Config{AnonymousReads: true}, want: false},
		{name: "only comments in the keys file", cfg: Config{KeysFile: writeFile(t, "keys.txt", "# none yet\n")}, want: false},
		{name: "keys", cfg: keysConfig(), want: true},
		{name: "jwt secret", cfg: Config{JWTSecret: testSecret}, want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustNew(t, tc.cfg).Enabled(); got != tc.want {
				t.Fatalf("Enabled() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLooksLikeJWT(t *testing.T) {
	tests := []struct {
		name, in string
		want     bool
	}{
		{name: "signed token", in: "aGVhZA.Ym9keQ.c2ln", want: true},
		{name: "unsigned token", in: "aGVhZA.Ym9keQ.", want: true},
		{name: "generated key", in: "PweH_yv0cFnnK4OXCMQW4d_ivnHcPWLwwQWD453Nf7A", want: false},
		{name: "two segments", in: "aGVhZA.Ym9keQ", want: false},
		{name: "empty payload", in: "aGVhZA..c2ln", want: false},
		{name: "padding is not base64url", in: "aGVhZA==.Ym9keQ.c2ln", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := looksLikeJWT(tc.in); got != tc.want {
				t.Fatalf("looksLikeJWT(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
