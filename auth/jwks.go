package auth

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
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

// jwks is the RSA signing keys of a JWKS file. keyfunc decodes the keys
// and finds a token's key by kid, checking the key's alg against the
// token's. What it does not do is kept here, checked once at start:
//   - only RS256 signing keys are taken: issuers publish encryption and EC
//     keys in the same set, which are skipped rather than refused;
//   - keys under 2048 bits or with an unusable exponent are refused, since
//     every token signed with them would be forgeable;
//   - a kid that appears twice is refused (keyfunc would take the first);
//   - a token without kid is served only by a set of one key: keyfunc
//     would try every key, so a token would not have to say which signed it.
type jwks struct {
	keys keyfunc.Keyfunc
	// only is the set's key when it has exactly one, for tokens without
	// kid; kidless says that key has no kid of its own.
	only    any
	kidless bool
}

// loadJWKS reads the RSA signing keys of a JWKS file. Errors name the file
// and the index and kid of each key refused.
func loadJWKS(path string) (*jwks, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load JWKS: %w", err)
	}
	var set struct {
		Keys []jwkset.JWKMarshal `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("load JWKS: %s: %w", path, err)
	}
	store := jwkset.NewMemoryStorage()
	out := &jwks{}
	seen := map[string]bool{}
	var errs []error
	for i, m := range set.Keys {
		if m.KTY != jwkset.KtyRSA || (m.USE != "" && m.USE != jwkset.UseSig) || (m.ALG != "" && m.ALG != jwkset.AlgRS256) {
			continue
		}
		if seen[m.KID] {
			errs = append(errs, fmt.Errorf("key %d: kid %q appears twice", i, m.KID))
			continue
		}
		seen[m.KID] = true
		k, err := jwkset.NewJWKFromMarshal(m, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
		if err != nil {
			errs = append(errs, fmt.Errorf("key %d (kid %q): %w", i, m.KID, err))
			continue
		}
		pub, ok := k.Key().(*rsa.PublicKey)
		if !ok {
			errs = append(errs, fmt.Errorf("key %d (kid %q): not an RSA public key", i, m.KID))
			continue
		}
		if err := checkRSAKey(pub); err != nil {
			errs = append(errs, fmt.Errorf("key %d (kid %q): %w", i, m.KID, err))
			continue
		}
		_ = store.KeyWrite(context.Background(), k)
		out.only = pub
	}
	if seen[""] && len(seen) > 1 {
		errs = append(errs, errors.New("a key without kid is allowed only when it is the only RSA signing key"))
	}
	if len(errs) == 0 && len(seen) == 0 {
		errs = append(errs, errors.New("no RSA signing keys"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("load JWKS: %s: %w", path, err)
	}
	kf, err := keyfunc.New(keyfunc.Options{Storage: store, UseWhitelist: []jwkset.USE{jwkset.UseSig, ""}})
	if err != nil {
		return nil, fmt.Errorf("load JWKS: %s: %w", path, err)
	}
	out.keys = kf
	if len(seen) != 1 {
		out.only = nil
	}
	out.kidless = seen[""]
	return out, nil
}

func checkRSAKey(pub *rsa.PublicKey) error {
	if pub.E < 3 || pub.E%2 == 0 {
		return fmt.Errorf("e: %d is not a usable RSA exponent", pub.E)
	}
	if pub.N.BitLen() < minRSABits {
		return fmt.Errorf("n: %d-bit key, want at least %d", pub.N.BitLen(), minRSABits)
	}
	return nil
}

// named returns the key a token names by kid; a token without kid names
// a set's one key that has no kid either.
func (s *jwks) named(t *jwt.Token, kid string) (any, bool) {
	switch {
	case s == nil:
		return nil, false
	case kid == "":
		return s.only, s.kidless
	}
	k, err := s.keys.Keyfunc(t)
	return k, err == nil
}

// onlyKey returns the set's key when it has exactly one, for a token
// without kid.
func (s *jwks) onlyKey(kid string) (any, bool) {
	if s == nil || kid != "" || s.only == nil {
		return nil, false
	}
	return s.only, true
}
