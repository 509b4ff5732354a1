package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
)

// trustedDocuments is the allow-list of operations for production
// dashboards: a JSON object mapping the SHA-256 hash (hex) of each operation's
// text to the text. Only those run; clients may send just the hash, as
// automatic persisted queries do.
type trustedDocuments map[string]string

func loadTrustedDocuments(path string) (trustedDocuments, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trusted documents: %w", err)
	}
	var docs trustedDocuments
	if err := json.Unmarshal(b, &docs); err != nil {
		return nil, fmt.Errorf("trusted documents %s: want a JSON object of hash to query: %w", path, err)
	}
	for h, q := range docs {
		if got := hashQuery(q); got != h {
			return nil, fmt.Errorf("trusted documents %s: the entry %s holds a query whose hash is %s", path, h, got)
		}
	}
	return docs, nil
}

func hashQuery(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}
