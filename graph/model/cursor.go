package model

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// CursorVersion numbers what cursors hold. Version 1 holds names as their
// collation keys (NameSortKey); cursors without a version hold names as
// written, a position in an order no list uses any more.
const CursorVersion = 1

// CursorList names the list a cursor belongs to, so a cursor from another
// list (another field, filter or sort order) is refused rather than misread.
type CursorList struct {
	// Name is the list's signature, such as "list:Country,NAME@EN".
	Name string
	// Names is set when the list is ordered by name: its cursors hold names
	// as collation keys, which cursors older than CursorVersion 1 do not.
	Names bool
}

type cursorJSON struct {
	List    string `json:"l"`
	Keys    []any  `json:"k"`
	Version int    `json:"v,omitempty"`
}

// Encode returns the cursor of the row whose sort keys are keys.
func (c CursorList) Encode(keys []any) string {
	b, _ := json.Marshal(cursorJSON{List: c.Name, Keys: keys, Version: CursorVersion})
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor of this list. Anything else (not a cursor, one of
// another list, one from before names had collation keys) is a
// BAD_USER_INPUT error naming the argument `after`.
func (c CursorList) Decode(s string) (*Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var cj cursorJSON
	if err == nil {
		err = json.Unmarshal(b, &cj)
	}
	if err != nil || len(cj.Keys) == 0 {
		return nil, Errorf(CodeBadUserInput, "after: %q is not a cursor this API returned", s)
	}
	if c.Names && cj.Version < CursorVersion {
		return nil, Errorf(CodeBadUserInput, "after: the cursor dates from before lists were ordered by name in a language's alphabetical order; read the list again from its first page")
	}
	if cj.List != c.Name {
		return nil, Errorf(CodeBadUserInput, "after: the cursor belongs to another list or sort order")
	}
	return &Cursor{Keys: cj.Keys}, nil
}

// NameOrder is the cursor list of a connection ordered by name: its
// cursors fit only the same list in the same language.
func NameOrder(list string, lang Language) CursorList {
	return CursorList{Name: list + "@" + string(lang), Names: true}
}

// RelationFieldList is the cursor list of a typed relationship field, such
// as "rel:Project.Targets": the object type, then the field's Go method
// name.
func RelationFieldList(object, field string) string {
	if field == "" {
		return "rel:" + object + "."
	}
	return "rel:" + object + "." + strings.ToUpper(field[:1]) + field[1:]
}
