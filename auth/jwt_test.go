package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
)

const (
	testSecret = "0123456789abcdef0123456789abcdef-test"
	testIssuer = "https://issuer.example"
	testAud    = "knowledge-graph"
)

// claims returns valid claims for subject u1, changed by edits; a nil value
// removes the claim.
func claims(edits map[string]any) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"sub": "u1",
		"iss": testIssuer,
		"aud": testAud,
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range edits {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

func ago(d time.Duration) int64     { return time.Now().Add(-d).Unix() }
func fromNow(d time.Duration) int64 { return time.Now().Add(d).Unix() }

var u1Reader = Principal{Name: "u1", Role: RoleReader, Method: MethodJWT}

// jwtCase is one token presented to an Authenticator: want is the
// principal, or code and msg the error.
type jwtCase struct {
	name  string
	token string
	want  Principal
	code  model.Code
	msg   string
}

func runJWTCases(t *testing.T, a *Authenticator, tests []jwtCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := a.Authenticate(request(bearer(tc.token)...))
			checkError(t, err, tc.code, tc.msg)
			if err == nil {
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Fatalf("principal (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestHS256(t *testing.T) {
	a := mustNew(t, Config{JWTSecret: testSecret, Issuer: testIssuer, Audience: testAud})
	key := []byte(testSecret)
	hs := func(edits map[string]any) string { return sign(t, jwt.SigningMethodHS256, key, "", claims(edits)) }
	good := hs(nil)
	other := sign(t, jwt.SigningMethodHS256, key, "", claims(map[string]any{"sub": "someone-else"}))
	tampered := strings.Split(good, ".")[0] + "." + strings.Split(other, ".")[1] + "." + strings.Split(good, ".")[2]
	const invalid, expired, early = "invalid token", "the token has expired", "the token is not valid yet"
	unauth := model.CodeUnauthenticated

	runJWTCases(t, a, []jwtCase{
		{name: "good", token: good, want: u1Reader},
		{name: "audience list containing ours", token: hs(map[string]any{"aud": []string{"other", testAud}}), want: u1Reader},
		{name: "expired", token: hs(map[string]any{"exp": ago(2 * time.Minute)}), code: unauth, msg: expired},
		{name: "expired within leeway", token: hs(map[string]any{"exp": ago(10 * time.Second)}), want: u1Reader},
		{name: "no exp", token: hs(map[string]any{"exp": nil}), code: unauth, msg: invalid},
		{name: "exp not a number", token: hs(map[string]any{"exp": "tomorrow"}), code: unauth, msg: invalid},
		{name: "nbf in the future", token: hs(map[string]any{"nbf": fromNow(2 * time.Minute)}), code: unauth, msg: early},
		{name: "nbf within leeway", token: hs(map[string]any{"nbf": fromNow(10 * time.Second)}), want: u1Reader},
		{name: "iat in the future", token: hs(map[string]any{"iat": fromNow(2 * time.Minute)}), code: unauth, msg: early},
		{name: "bad signature", token: sign(t, jwt.SigningMethodHS256, []byte(testSecret+"x"), "", claims(nil)), code: unauth, msg: invalid},
		{name: "payload swapped", token: tampered, code: unauth, msg: invalid},
		{name: "alg none", token: sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", claims(nil)), code: unauth, msg: invalid},
		{name: "HS512 with the right secret", token: sign(t, jwt.SigningMethodHS512, key, "", claims(nil)), code: unauth, msg: invalid},
		{name: "wrong issuer", token: hs(map[string]any{"iss": "https://evil.example"}), code: unauth, msg: invalid},
		{name: "no issuer", token: hs(map[string]any{"iss": nil}), code: unauth, msg: invalid},
		{name: "wrong audience", token: hs(map[string]any{"aud": "other-service"}), code: unauth, msg: invalid},
		{name: "no audience", token: hs(map[string]any{"aud": nil}), code: unauth, msg: invalid},
		{name: "no subject", token: hs(map[string]any{"sub": nil}), code: unauth, msg: invalid},
		{name: "expired and wrong issuer says only invalid", token: hs(map[string]any{"exp": ago(time.Hour), "iss": "x"}), code: unauth, msg: invalid},
	})

	t.Run("x-api-key header carries a token", func(t *testing.T) {
		got, err := a.Authenticate(request("X-API-Key", good))
		if err != nil || got != u1Reader {
			t.Fatalf("got %+v, %v; want %+v", got, err, u1Reader)
		}
	})
}

func TestLeeway(t *testing.T) {
	a := mustNew(t, Config{JWTSecret: testSecret, Leeway: time.Second})
	tok := sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", claims(map[string]any{"exp": ago(10 * time.Second)}))
	_, err := a.Authenticate(request(bearer(tok)...))
	checkError(t, err, model.CodeUnauthenticated, "the token has expired")
}

func TestRoleClaims(t *testing.T) {
	a := mustNew(t, Config{JWTSecret: testSecret})
	tests := []struct {
		name  string
		edits map[string]any
		want  Role
	}{
		{name: "no role claims", want: RoleReader},
		{name: "role curator", edits: map[string]any{"role": "curator"}, want: RoleCurator},
		{name: "role in other case", edits: map[string]any{"role": "Admin"}, want: RoleAdmin},
		{name: "roles highest wins", edits: map[string]any{"roles": []string{"reader", "admin", "curator"}}, want: RoleAdmin},
		{name: "roles unknown ignored", edits: map[string]any{"roles": []string{"superuser", "curator", "owner"}}, want: RoleCurator},
		{name: "roles only unknown", edits: map[string]any{"roles": []string{"superuser"}}, want: RoleReader},
		{name: "role unknown", edits: map[string]any{"role": "root"}, want: RoleReader},
		{name: "role and roles combine", edits: map[string]any{"role": "reader", "roles": []string{"admin"}}, want: RoleAdmin},
		{name: "roles as a single string", edits: map[string]any{"roles": "curator"}, want: RoleCurator},
		{name: "role not a string", edits: map[string]any{"role": 3}, want: RoleReader},
		{name: "roles with non-strings", edits: map[string]any{"roles": []any{1, true, "curator"}}, want: RoleCurator},
		{name: "role none grants nothing extra", edits: map[string]any{"role": "none"}, want: RoleReader},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok := sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", claims(tc.edits))
			got, err := a.Authenticate(request(bearer(tok)...))
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if got.Role != tc.want {
				t.Fatalf("role = %v, want %v", got.Role, tc.want)
			}
		})
	}
}

func TestRS256(t *testing.T) {
	k1, k2, stranger := newRSAKey(t, 2048), newRSAKey(t, 2048), newRSAKey(t, 2048)
	pemBytes := publicPEM(t, &k1.PublicKey)
	pemPath := writeFile(t, "jwt.pem", string(pemBytes))
	ecKey := map[string]string{"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"}
	encKey := jwkOf(&stranger.PublicKey, "enc")
	encKey["use"] = "enc"
	jwks := jwksFile(t, jwkOf(&k1.PublicKey, "k1"), jwkOf(&k2.PublicKey, "k2"), ecKey, encKey)
	c := claims(map[string]any{"iss": nil, "aud": nil})
	const invalid = "invalid token"
	unauth := model.CodeUnauthenticated

	t.Run("pem", func(t *testing.T) {
		a := mustNew(t, Config{JWTPublicKeyFile: pemPath})
		runJWTCases(t, a, []jwtCase{
			{name: "good", token: sign(t, jwt.SigningMethodRS256, k1, "", c), want: u1Reader},
			{name: "kid is ignored", token: sign(t, jwt.SigningMethodRS256, k1, "anything", c), want: u1Reader},
			{name: "other key", token: sign(t, jwt.SigningMethodRS256, k2, "", c), code: unauth, msg: invalid},
			{name: "RS512", token: sign(t, jwt.SigningMethodRS512, k1, "", c), code: unauth, msg: invalid},
			{name: "HS256 keyed with the public key", token: sign(t, jwt.SigningMethodHS256, pemBytes, "", c), code: unauth, msg: invalid},
			{name: "HS256 keyed with some secret", token: sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", c), code: unauth, msg: invalid},
			{name: "alg none", token: sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "", c), code: unauth, msg: invalid},
		})
	})

	t.Run("jwks", func(t *testing.T) {
		a := mustNew(t, Config{JWKSFile: jwks})
		runJWTCases(t, a, []jwtCase{
			{name: "kid k1", token: sign(t, jwt.SigningMethodRS256, k1, "k1", c), want: u1Reader},
			{name: "kid k2", token: sign(t, jwt.SigningMethodRS256, k2, "k2", c), want: u1Reader},
			{name: "kid names the other key", token: sign(t, jwt.SigningMethodRS256, k1, "k2", c), code: unauth, msg: invalid},
			{name: "unknown kid", token: sign(t, jwt.SigningMethodRS256, k1, "k3", c), code: unauth, msg: invalid},
			{name: "no kid among several keys", token: sign(t, jwt.SigningMethodRS256, k1, "", c), code: unauth, msg: invalid},
			{name: "encryption key is not used", token: sign(t, jwt.SigningMethodRS256, stranger, "enc", c), code: unauth, msg: invalid},
			{name: "HS256 keyed with a public key", token: sign(t, jwt.SigningMethodHS256, pemBytes, "k1", c), code: unauth, msg: invalid},
		})
	})

	t.Run("jwks with one key and no kid", func(t *testing.T) {
		only := jwkOf(&k2.PublicKey, "")
		delete(only, "kid")
		delete(only, "alg")
		delete(only, "use")
		a := mustNew(t, Config{JWKSFile: jwksFile(t, only)})
		runJWTCases(t, a, []jwtCase{
			{name: "no kid", token: sign(t, jwt.SigningMethodRS256, k2, "", c), want: u1Reader},
			{name: "other key", token: sign(t, jwt.SigningMethodRS256, k1, "", c), code: unauth, msg: invalid},
		})
	})

	t.Run("secret and rsa together", func(t *testing.T) {
		a := mustNew(t, Config{JWTSecret: testSecret, JWKSFile: jwks, JWTPublicKeyFile: pemPath})
		runJWTCases(t, a, []jwtCase{
			{name: "HS256 with the secret", token: sign(t, jwt.SigningMethodHS256, []byte(testSecret), "", c), want: u1Reader},
			{name: "RS256 by kid", token: sign(t, jwt.SigningMethodRS256, k2, "k2", c), want: u1Reader},
			{name: "RS256 by pem without kid", token: sign(t, jwt.SigningMethodRS256, k1, "", c), want: u1Reader},
			{name: "HS256 keyed with the public key", token: sign(t, jwt.SigningMethodHS256, pemBytes, "", c), code: unauth, msg: invalid},
		})
	})

	t.Run("only a secret", func(t *testing.T) {
		a := mustNew(t, Config{JWTSecret: testSecret})
		runJWTCases(t, a, []jwtCase{
			{name: "RS256 refused", token: sign(t, jwt.SigningMethodRS256, k1, "k1", c), code: unauth, msg: invalid},
		})
	})
}

func TestJWTConfigErrors(t *testing.T) {
	small := newRSAKey(t, 1024)
	good := newRSAKey(t, 2048)
	badN := jwkOf(&good.PublicKey, "k1")
	badN["n"] = "***"
	badE := jwkOf(&good.PublicKey, "k1")
	badE["e"] = "Ag" // 2
	noKid := jwkOf(&good.PublicKey, "")
	delete(noKid, "kid")

	tests := []struct {
		name string
		cfg  func(t *testing.T) Config
		want []string // fragments of the error
	}{
		{name: "short secret", cfg: func(*testing.T) Config { return Config{JWTSecret: "short"} }, want: []string{"configure JWT", "JWT secret: 5 bytes, want at least 32"}},
		{name: "negative leeway", cfg: func(*testing.T) Config { return Config{JWTSecret: testSecret, Leeway: -time.Second} }, want: []string{"leeway"}},
		{name: "missing pem", cfg: func(t *testing.T) Config { return Config{JWTPublicKeyFile: t.TempDir() + "/none.pem"} }, want: []string{"load JWT public key", "none.pem"}},
		{name: "pem garbage", cfg: func(t *testing.T) Config { return Config{JWTPublicKeyFile: writeFile(t, "k.pem", "not a key")} }, want: []string{"load JWT public key", "k.pem"}},
		{name: "pem small key", cfg: func(t *testing.T) Config {
			return Config{JWTPublicKeyFile: writeFile(t, "k.pem", string(publicPEM(t, &small.PublicKey)))}
		}, want: []string{"k.pem", "1024-bit key, want at least 2048"}},
		{name: "jwks not json", cfg: func(t *testing.T) Config { return Config{JWKSFile: writeFile(t, "jwks.json", "{")} }, want: []string{"load JWKS", "jwks.json"}},
		{name: "jwks without rsa keys", cfg: func(t *testing.T) Config {
			return Config{JWKSFile: jwksFile(t, map[string]string{"kty": "EC", "kid": "ec"})}
		}, want: []string{"jwks.json", "no RSA signing keys"}},
		{name: "jwks duplicate kid", cfg: func(t *testing.T) Config {
			return Config{JWKSFile: jwksFile(t, jwkOf(&good.PublicKey, "k1"), jwkOf(&good.PublicKey, "k1"))}
		}, want: []string{"jwks.json", `key 1: kid "k1" appears twice`}},
		{name: "jwks bad n", cfg: func(t *testing.T) Config { return Config{JWKSFile: jwksFile(t, badN)} }, want: []string{`key 0 (kid "k1"): `, `parameter "n"`}},
		{name: "jwks even exponent", cfg: func(t *testing.T) Config { return Config{JWKSFile: jwksFile(t, badE)} }, want: []string{"e: 2 is not a usable RSA exponent"}},
		{name: "jwks small key", cfg: func(t *testing.T) Config { return Config{JWKSFile: jwksFile(t, jwkOf(&small.PublicKey, "s"))} }, want: []string{"1024-bit key"}},
		{name: "jwks key without kid among several", cfg: func(t *testing.T) Config {
			return Config{JWKSFile: jwksFile(t, noKid, jwkOf(&good.PublicKey, "k2"))}
		}, want: []string{"without kid"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg(t))
			if err == nil || !containsAll(err.Error(), tc.want...) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
