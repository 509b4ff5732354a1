package model

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var relTypeName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// IsRelationTypeName reports whether typ has the form of a relationship
// type: upper-case letters, digits and _. Relationship types go into Cypher
// text (they cannot be parameters), so nothing else may.
func IsRelationTypeName(typ string) bool { return relTypeName.MatchString(typ) }

// RelationKey is the key of the n-th relationship of type typ from one node
// to another, counting from 0: "from|TYPE|to|n". It identifies a fact across
// reloads, imports and exports, and the mutations take it.
func RelationKey(from, typ, to string, n int) string {
	return fmt.Sprintf("%s|%s|%s|%d", from, typ, to, n)
}

// SplitRelationKey reads a key made by RelationKey; ok is false for any
// other text.
func SplitRelationKey(key string) (from, typ, to string, n int, ok bool) {
	parts := strings.Split(key, "|")
	if len(parts) != 4 || parts[0] == "" || parts[2] == "" || !relTypeName.MatchString(parts[1]) {
		return "", "", "", 0, false
	}
	n, err := strconv.Atoi(parts[3])
	if err != nil || n < 0 || strconv.Itoa(n) != parts[3] {
		return "", "", "", 0, false
	}
	return parts[0], parts[1], parts[2], n, true
}
