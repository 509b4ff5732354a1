package model

import (
	"reflect"
	"strings"
)

// relationCountPrefix starts the sort key of a relationCount sort, which
// SortSpec.Field carries as "RELATION_COUNT:TYPE:DIRECTION" so the sort's
// cursors name the relationship they count.
const relationCountPrefix = "RELATION_COUNT:"

// SortFieldOf returns the key one XSort input sorts by: its field, or the
// relationship count it names. Giving both, or neither, yields a key that
// no list sorts by, so the store refuses it with a clear error.
func SortFieldOf(v reflect.Value) string {
	name := ""
	if f := v.FieldByName("Field"); f.IsValid() {
		if f.Kind() == reflect.Pointer {
			if !f.IsNil() {
				name = f.Elem().String()
			}
		} else {
			name = f.String()
		}
	}
	var rc *RelationRef
	if f := v.FieldByName("RelationCount"); f.IsValid() {
		rc, _ = f.Interface().(*RelationRef)
	}
	switch {
	case rc != nil && name != "":
		return "field and relationCount"
	case rc != nil:
		dir := DirectionBoth
		if rc.Direction != nil {
			dir = *rc.Direction
		}
		return relationCountPrefix + string(rc.Type) + ":" + string(dir)
	}
	return name
}

// RelationCountSort reads a sort key SortFieldOf made of a relationCount:
// the relationship type and direction, checked against the vocabulary.
func RelationCountSort(key string) (typ string, dir Direction, ok bool, err error) {
	rest, found := strings.CutPrefix(key, relationCountPrefix)
	if !found {
		return "", "", false, nil
	}
	typ, d, _ := strings.Cut(rest, ":")
	dir = Direction(d)
	if !IsRelationType(typ) || !dir.IsValid() {
		return "", "", true, Errorf(CodeBadUserInput, "sort: relationCount: unknown relationship %q", rest)
	}
	return typ, dir, true, nil
}
