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

func TestEveryLanguageHasASortName(t *testing.T) {
	stored := map[string]bool{}
	for _, k := range storageKeys {
		stored[k] = true
	}
	for _, lang := range model.AllLanguage {
		k, ok := sortNameKeys[lang]
		if !ok {
			t.Errorf("the API offers %s, but nodes store no sort name for it: lists by name in %s would use English names", lang, lang)
			continue
		}
		if !stored[k] {
			t.Errorf("sort name %q of %s is not among the storage keys", k, lang)
		}
	}
}
