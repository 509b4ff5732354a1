package neo4jstore

import (
	"testing"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

func TestStorageKeysAreReserved(t *testing.T) {
	for _, k := range storageKeys {
		if !model.IsReservedProperty(k) {
			t.Errorf("the store writes property %q, which model does not reserve: a seed property of that name would overwrite it", k)
		}
	}
}
