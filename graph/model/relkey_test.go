package model

import "testing"

func TestRelationKeysReadBack(t *testing.T) {
	key := RelationKey("country-mu", "RATIFIED", "cets-201", 2)
	if key != "country-mu|RATIFIED|cets-201|2" {
		t.Fatalf("RelationKey = %q", key)
	}
	from, typ, to, n, ok := SplitRelationKey(key)
	if !ok || from != "country-mu" || typ != "RATIFIED" || to != "cets-201" || n != 2 {
		t.Errorf("SplitRelationKey(%q) = %q %q %q %d %v", key, from, typ, to, n, ok)
	}
	for _, bad := range []string{"", "a|B|c", "a|b|c|0", "|B|c|0", "a|B||0", "a|B|c|x", "a|B|c|-1", "a|B|c|01", "a|B|c|0|d", "e:4:abc:12"} {
		if _, _, _, _, ok := SplitRelationKey(bad); ok {
			t.Errorf("SplitRelationKey(%q) accepted a key that RelationKey never makes", bad)
		}
	}
}
