package auth

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	// DefaultLeeway absorbs clock skew between the issuer and this server.
	DefaultLeeway = 30 * time.Second
	// minSecretBytes follows RFC 7518 §3.2: an HS256 key must be at least
	// as long as the hash output.
	minSecretBytes = 32
)

var errNoSubject = errors.New("token has no sub claim")

// jwtVerifier checks tokens against the configured keys. Each algorithm is
// tied to one key type, so a token can never choose how it is verified:
// an HS256 token is checked only against the secret, never against an RSA
// public key that an attacker can read.
type jwtVerifier struct {
	secret []byte
	pemKey *rsa.PublicKey
	jwks   *jwks
	parser *jwt.Parser
}

type tokenClaims struct {
	jwt.RegisteredClaims
	// any, not string: issuers disagree on the shape, and an unexpected one
	// should be ignored rather than fail the whole token.
	Role  any `json:"role"`
	Roles any `json:"roles"`
}

// newJWTVerifier returns nil when no JWT key is configured.
func newJWTVerifier(cfg Config) (*jwtVerifier, error) {
	v := &jwtVerifier{}
	var methods []string
	if cfg.JWTSecret != "" {
		if len(cfg.JWTSecret) < minSecretBytes {
			return nil, fmt.Errorf("JWT secret: %d bytes, want at least %d", len(cfg.JWTSecret), minSecretBytes)
		}
		v.secret = []byte(cfg.JWTSecret)
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if cfg.JWTPublicKeyFile != "" {
		key, err := loadPEMKey(cfg.JWTPublicKeyFile)
		if err != nil {
			return nil, err
		}
		v.pemKey = key
	}
	if cfg.JWKSFile != "" {
		keys, err := loadJWKS(cfg.JWKSFile)
		if err != nil {
			return nil, err
		}
		v.jwks = keys
	}
	if v.pemKey != nil || v.jwks != nil {
		methods = append(methods, jwt.SigningMethodRS256.Alg())
	}
	if len(methods) == 0 {
		return nil, nil
	}
	leeway := cfg.Leeway
	if leeway < 0 {
		return nil, fmt.Errorf("JWT leeway %v: want zero (for the default %v) or more", leeway, DefaultLeeway)
	}
	if leeway == 0 {
		leeway = DefaultLeeway
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(methods),
		jwt.WithLeeway(leeway),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v.parser = jwt.NewParser(opts...)
	return v, nil
}

func (v *jwtVerifier) verify(token string) (Principal, error) {
	var c tokenClaims
	if _, err := v.parser.ParseWithClaims(token, &c, v.key); err != nil {
		return Principal{}, err
	}
	if c.Subject == "" {
		return Principal{}, errNoSubject
	}
	return Principal{Name: c.Subject, Role: roleFromClaims(c.Role, c.Roles), Method: MethodJWT}, nil
}

// key picks the verification key from the algorithm's own key type. The
// parser has already refused algorithms outside the configured set; the
// type switch keeps that guarantee even if the two ever drift apart.
func (v *jwtVerifier) key(t *jwt.Token) (any, error) {
	switch m := t.Method.(type) {
	case *jwt.SigningMethodHMAC:
		if m != jwt.SigningMethodHS256 || v.secret == nil {
			return nil, fmt.Errorf("algorithm %s is not accepted", m.Alg())
		}
		return v.secret, nil
	case *jwt.SigningMethodRSA:
		if m != jwt.SigningMethodRS256 || (v.pemKey == nil && v.jwks == nil) {
			return nil, fmt.Errorf("algorithm %s is not accepted", m.Alg())
		}
		kid, _ := t.Header["kid"].(string)
		return v.rsaKey(t, kid)
	}
	return nil, fmt.Errorf("algorithm %s is not accepted", t.Method.Alg())
}

// rsaKey prefers the JWKS key named by kid, then the PEM key, which has no
// kid of its own. A set with a single key also serves tokens without kid.
func (v *jwtVerifier) rsaKey(t *jwt.Token, kid string) (any, error) {
	if k, ok := v.jwks.named(t, kid); ok {
		return k, nil
	}
	if v.pemKey != nil {
		return v.pemKey, nil
	}
	if k, ok := v.jwks.onlyKey(kid); ok {
		return k, nil
	}
	return nil, fmt.Errorf("no key with kid %q", kid)
}

// roleFromClaims returns the highest known role in role and roles. Unknown
// names are skipped so an issuer's other roles do no harm; a signed token
// with no known role still proves who the caller is, which is enough to read.
func roleFromClaims(role, roles any) Role {
	best := RoleReader
	consider := func(v any) {
		s, ok := v.(string)
		if !ok {
			return
		}
		if r, err := ParseRole(strings.TrimSpace(s)); err == nil && r > best {
			best = r
		}
	}
	for _, claim := range []any{role, roles} {
		if list, ok := claim.([]any); ok {
			for _, v := range list {
				consider(v)
			}
			continue
		}
		consider(claim)
	}
	return best
}

// tokenReason is the short reason a client sees. Expiry and not-yet-valid
// are worth telling, as the client can act on them; every other failure is
// "invalid token", so probing learns nothing about which check failed.
func tokenReason(err error) string {
	for _, other := range []error{
		jwt.ErrTokenMalformed, jwt.ErrTokenUnverifiable, jwt.ErrTokenSignatureInvalid,
		jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidAudience, jwt.ErrTokenRequiredClaimMissing,
		jwt.ErrInvalidType, errNoSubject,
	} {
		if errors.Is(err, other) {
			return "invalid token"
		}
	}
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the token has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "the token is not valid yet"
	}
	return "invalid token"
}

// looksLikeJWT tells tokens from API keys by shape: three base64url
// segments separated by dots, the signature possibly empty so that an
// unsigned token is refused as a token rather than as an unknown key.
func looksLikeJWT(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for _, c := range p {
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
			if !ok {
				return false
			}
		}
	}
	return true
}
