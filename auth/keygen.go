package auth

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

const (
	// MinKeyLength is the shortest key KeyLine accepts. Anything shorter is
	// within reach of guessing against an unsalted digest.
	MinKeyLength = 24
	keyBytes     = 32
)

// GenerateKey returns a new key: 32 bytes from random, base64url without
// padding. Its alphabet has no '.', so it can never look like a JWT.
func GenerateKey(random io.Reader) (string, error) {
	b := make([]byte, keyBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// KeyLine returns the keys-file line that grants key to name with role. It
// refuses keys that are short, contain blanks, or have the shape of a JWT,
// since Authenticate would never treat those as API keys.
func KeyLine(name string, role Role, key string) (string, error) {
	if err := checkName(name); err != nil {
		return "", fmt.Errorf("key line: %w", err)
	}
	if role < RoleReader || role > RoleAdmin {
		return "", fmt.Errorf("key line: role %v: want reader, curator or admin", role)
	}
	if len(key) < MinKeyLength {
		return "", fmt.Errorf("key line: key has %d characters, want at least %d", len(key), MinKeyLength)
	}
	if strings.ContainsAny(key, " \t\r\n") || looksLikeJWT(key) {
		return "", fmt.Errorf("key line: key must be one word and not shaped like a JWT")
	}
	return fmt.Sprintf("%s %s %s", name, role, HashKey(key)), nil
}
