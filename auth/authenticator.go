package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// Config says which credentials are accepted. Every field is optional; with
// none set, every caller is anonymous.
type Config struct {
	// KeysFile holds one API key per line: "<name> <role> sha256:<hex>".
	KeysFile string
	// Keys holds more entries of the same form, separated by ';'.
	Keys string
	// JWTSecret enables HS256 tokens; at least 32 bytes.
	JWTSecret string
	// JWTPublicKeyFile enables RS256 tokens signed by this PEM key.
	JWTPublicKeyFile string
	// JWKSFile enables RS256 tokens signed by the set's keys, chosen by kid.
	JWKSFile string
	// Issuer and Audience, when set, must match the iss and aud claims.
	Issuer, Audience string
	// Leeway is the allowed clock skew for exp, nbf and iat; zero means
	// DefaultLeeway.
	Leeway time.Duration
	// AnonymousReads gives callers without credentials the reader role.
	AnonymousReads bool
}

// Authenticator turns a request's credentials into a Principal. It is safe
// for concurrent use and never changes after New.
type Authenticator struct {
	keys           *keySet
	jwt            *jwtVerifier
	anonymousReads bool
}

// New loads the configured keys. Its errors name the file and line at fault.
func New(cfg Config) (*Authenticator, error) {
	keys := newKeySet()
	if cfg.KeysFile != "" {
		if err := keys.loadFile(cfg.KeysFile); err != nil {
			return nil, fmt.Errorf("load API keys: %w", err)
		}
	}
	if cfg.Keys != "" {
		if err := keys.parseValue("API keys value", cfg.Keys); err != nil {
			return nil, fmt.Errorf("load API keys: %w", err)
		}
	}
	v, err := newJWTVerifier(cfg)
	if err != nil {
		return nil, fmt.Errorf("configure JWT: %w", err)
	}
	return &Authenticator{keys: keys, jwt: v, anonymousReads: cfg.AnonymousReads}, nil
}

// Enabled reports whether any API key or JWT key is configured, that is,
// whether any caller can be more than anonymous.
func (a *Authenticator) Enabled() bool {
	return len(a.keys.entries) > 0 || a.jwt != nil
}

// Authenticate returns the caller of r. A request without credentials is
// anonymous; one with credentials that do not check out gets a
// *model.Error with CodeUnauthenticated, and the request should be refused
// rather than served as anonymous, so a client with a broken key finds out.
func (a *Authenticator) Authenticate(r *http.Request) (Principal, error) {
	cred, present, err := credential(r.Header)
	if err != nil {
		return Principal{}, err
	}
	if !present {
		role := RoleNone
		if a.anonymousReads {
			role = RoleReader
		}
		return Principal{Role: role, Method: MethodAnonymous}, nil
	}
	if looksLikeJWT(cred) {
		if a.jwt == nil {
			return Principal{}, unauthenticated("this server does not accept tokens", errors.New("no JWT key configured"))
		}
		p, err := a.jwt.verify(cred)
		if err != nil {
			return Principal{}, unauthenticated(tokenReason(err), fmt.Errorf("verify token: %w", err))
		}
		return p, nil
	}
	e, ok := a.keys.lookup(cred)
	if !ok {
		return Principal{}, unauthenticated("unknown API key", nil)
	}
	return Principal{Name: e.name, Role: e.role, Method: MethodAPIKey}, nil
}

// credential extracts the one credential of a request. Two different
// credentials are refused rather than one picked, since either choice
// would surprise someone.
func credential(h http.Header) (cred string, present bool, err error) {
	authz, keys := h.Values("Authorization"), h.Values("X-API-Key")
	if len(authz) > 1 || len(keys) > 1 {
		return "", true, unauthenticated("send one credential per request", nil)
	}
	if len(authz) == 1 {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(authz[0]), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return "", true, unauthenticated("use the Bearer scheme in the Authorization header", nil)
		}
		cred = strings.TrimSpace(rest)
		if cred == "" {
			return "", true, unauthenticated("the Authorization header has no credential", nil)
		}
	}
	if len(keys) == 1 {
		k := strings.TrimSpace(keys[0])
		if k == "" {
			return "", true, unauthenticated("the X-API-Key header is empty", nil)
		}
		if cred != "" && cred != k {
			return "", true, unauthenticated("send one credential per request", nil)
		}
		cred = k
	}
	return cred, cred != "", nil
}

// unauthenticated builds the client-visible error. cause goes to the logs
// only and must never contain the credential.
func unauthenticated(msg string, cause error) *model.Error {
	return &model.Error{Code: model.CodeUnauthenticated, Message: msg, Err: cause}
}
