package auth

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// minRSABits refuses keys that no current issuer should still use; a
// weaker key would make every token signed with it forgeable in practice.
const minRSABits = 2048

// loadPEMKey reads an RSA public key: PKIX, PKCS #1 or a certificate.
func loadPEMKey(path string) (*rsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load JWT public key: %w", err)
	}
	key, err := jwt.ParseRSAPublicKeyFromPEM(data)
	if err != nil {
		return nil, fmt.Errorf("load JWT public key: %s: %w", path, err)
	}
	if key.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("load JWT public key: %s: %d-bit key, want at least %d", path, key.N.BitLen(), minRSABits)
	}
	return key, nil
}

type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// loadJWKS reads the RSA signing keys of a JWKS file, by kid. Keys of other
// types or for other uses are skipped rather than refused, since issuers
// publish their encryption and EC keys in the same set.
func loadJWKS(path string) (map[string]*rsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load JWKS: %w", err)
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("load JWKS: %s: %w", path, err)
	}
	keys := map[string]*rsa.PublicKey{}
	var errs []error
	for i, k := range set.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "RS256") {
			continue
		}
		if _, dup := keys[k.Kid]; dup {
			errs = append(errs, fmt.Errorf("key %d: kid %q appears twice", i, k.Kid))
			continue
		}
		pub, err := k.rsaKey()
		if err != nil {
			errs = append(errs, fmt.Errorf("key %d (kid %q): %w", i, k.Kid, err))
			continue
		}
		keys[k.Kid] = pub
	}
	if _, ok := keys[""]; ok && len(keys) > 1 {
		// Without a kid a token could not say which of several keys signed it.
		errs = append(errs, errors.New("a key without kid is allowed only when it is the only RSA signing key"))
	}
	if len(errs) == 0 && len(keys) == 0 {
		errs = append(errs, errors.New("no RSA signing keys"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("load JWKS: %s: %w", path, err)
	}
	return keys, nil
}

func (k jwk) rsaKey() (*rsa.PublicKey, error) {
	n, err := decodeB64URL(k.N)
	if err != nil {
		return nil, fmt.Errorf("n: %w", err)
	}
	e, err := decodeB64URL(k.E)
	if err != nil {
		return nil, fmt.Errorf("e: %w", err)
	}
	if len(e) == 0 || len(e) > 4 {
		return nil, fmt.Errorf("e: %d bytes, want 1 to 4", len(e))
	}
	exp := 0
	for _, b := range e {
		exp = exp<<8 | int(b)
	}
	if exp < 3 || exp%2 == 0 {
		return nil, fmt.Errorf("e: %d is not a usable RSA exponent", exp)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}
	if pub.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("n: %d-bit key, want at least %d", pub.N.BitLen(), minRSABits)
	}
	return pub, nil
}

// decodeB64URL accepts padded values too: some publishers pad, and the
// padding carries no meaning.
func decodeB64URL(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("missing")
	}
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
