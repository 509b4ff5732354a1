package auth

// How a Principal was established.
const (
	MethodAnonymous = "anonymous"
	MethodAPIKey    = "api-key"
	MethodJWT       = "jwt"
)

// Principal is the caller of one request.
type Principal struct {
	// Name is the key's name or the token's subject; empty when anonymous.
	Name string
	Role Role
	// Method is MethodAnonymous, MethodAPIKey or MethodJWT.
	Method string
}

// Anonymous reports whether the caller presented no credential.
func (p Principal) Anonymous() bool {
	return p.Method == "" || p.Method == MethodAnonymous
}

// ClientID identifies the caller for rate limiting: "key:<name>",
// "jwt:<sub>", or "" for anonymous callers, whom the limiter tells apart by
// address instead. The prefixes keep a key and a subject of the same name
// from sharing a budget.
func (p Principal) ClientID() string {
	switch p.Method {
	case MethodAPIKey:
		return "key:" + p.Name
	case MethodJWT:
		return "jwt:" + p.Name
	}
	return ""
}
