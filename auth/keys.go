package auth

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

const (
	hashPrefix    = "sha256:"
	maxNameLength = 64
)

// HashKey returns the form in which a key is stored: "sha256:<hex>". A
// plain digest is enough because generated keys carry 256 random bits, far
// beyond the reach of a dictionary.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hashPrefix + hex.EncodeToString(sum[:])
}

// LineError is a problem with one entry of a keys file or keys value. For a
// value, Line counts the ';'-separated entries.
type LineError struct {
	Source string
	Line   int
	Err    error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

type keyEntry struct {
	name   string
	role   Role
	digest [sha256.Size]byte
	// where is "file:line", so a duplicate can point at the first one.
	where string
}

// keySet holds the API keys from every source, with names and digests
// unique across all of them: two entries for one key would make its role
// depend on order.
type keySet struct {
	entries  []keyEntry
	byName   map[string]string
	byDigest map[[sha256.Size]byte]string
}

func newKeySet() *keySet {
	return &keySet{byName: map[string]string{}, byDigest: map[[sha256.Size]byte]string{}}
}

func (s *keySet) add(e keyEntry) error {
	if first, ok := s.byName[e.name]; ok {
		return fmt.Errorf("duplicate name %q (first at %s)", e.name, first)
	}
	if first, ok := s.byDigest[e.digest]; ok {
		return fmt.Errorf("key %q has the same hash as the key at %s", e.name, first)
	}
	s.byName[e.name] = e.where
	s.byDigest[e.digest] = e.where
	s.entries = append(s.entries, e)
	return nil
}

// lookup finds the entry whose digest matches key. Every entry is compared
// in constant time so the time taken says nothing about how close a guess
// came.
func (s *keySet) lookup(key string) (keyEntry, bool) {
	sum := sha256.Sum256([]byte(key))
	found := -1
	for i := range s.entries {
		if subtle.ConstantTimeCompare(sum[:], s.entries[i].digest[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return keyEntry{}, false
	}
	return s.entries[found], true
}

// loadFile adds the entries of a keys file.
func (s *keySet) loadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read keys file: %w", err)
	}
	defer f.Close()
	return s.parse(path, f)
}

// parse adds one entry per line of r; blank lines and text after '#' are
// skipped. Every bad line is reported, not just the first, so one run of
// the server shows everything to fix.
func (s *keySet) parse(source string, r io.Reader) error {
	var errs []error
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		if err := s.addLine(source, n, sc.Text()); err != nil {
			errs = append(errs, err)
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("read %s: %w", source, err))
	}
	return errors.Join(errs...)
}

// parseValue adds the ';'-separated entries of an environment value.
func (s *keySet) parseValue(source, value string) error {
	var errs []error
	for i, part := range strings.Split(value, ";") {
		if err := s.addLine(source, i+1, part); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *keySet) addLine(source string, n int, line string) error {
	line, _, _ = strings.Cut(line, "#")
	if strings.TrimSpace(line) == "" {
		return nil
	}
	where := fmt.Sprintf("%s:%d", source, n)
	e, err := parseKeyLine(line)
	if err == nil {
		e.where = where
		err = s.add(e)
	}
	if err != nil {
		return &LineError{Source: source, Line: n, Err: err}
	}
	return nil
}

// parseKeyLine parses "<name> <role> sha256:<64 hex>". Messages never quote
// the third field: an operator who pasted a key where its hash belongs must
// not find the key in the logs.
func parseKeyLine(line string) (keyEntry, error) {
	f := strings.Fields(line)
	if len(f) != 3 {
		return keyEntry{}, fmt.Errorf("want \"<name> <role> sha256:<64 hex digits>\", got %d fields", len(f))
	}
	if err := checkName(f[0]); err != nil {
		return keyEntry{}, err
	}
	role, err := ParseRole(f[1])
	if err != nil {
		return keyEntry{}, err
	}
	digest, err := parseHash(f[2])
	if err != nil {
		return keyEntry{}, err
	}
	return keyEntry{name: f[0], role: role, digest: digest}, nil
}

func parseHash(s string) ([sha256.Size]byte, error) {
	var d [sha256.Size]byte
	hexPart, ok := strings.CutPrefix(s, hashPrefix)
	if !ok || len(hexPart) != 2*sha256.Size {
		return d, errors.New("hash: want sha256: followed by 64 hex digits")
	}
	if _, err := hex.Decode(d[:], []byte(hexPart)); err != nil {
		return d, errors.New("hash: want sha256: followed by 64 hex digits")
	}
	return d, nil
}

// checkName keeps names to characters that are safe in logs, metrics labels
// and rate-limit keys.
func checkName(name string) error {
	if name == "" || len(name) > maxNameLength {
		return fmt.Errorf("name %q: want 1 to %d characters", name, maxNameLength)
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-' || c == '@'
		if !ok {
			return fmt.Errorf("name %q: use letters, digits, '.', '_', '-' or '@'", name)
		}
	}
	return nil
}
