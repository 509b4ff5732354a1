package model

// FeedFilter selects the change feed's entries: about one entity (as the
// node, or as an end of a relationship) when Entity is set; only
// relationship changes of these types when RelationTypes is not empty.
type FeedFilter struct {
	Entity        *string
	RelationTypes []string
}

// ChangeEvent is one entry of the change feed with its cursor.
type ChangeEvent struct {
	Change Change
	Cursor string
}
