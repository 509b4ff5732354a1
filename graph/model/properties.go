package model

// reservedProperties are the property names the store keeps for itself on
// nodes and relationships: the named fields of an entity, its sources, and
// the bookkeeping of loads and as-of dates. Free properties may not use them.
var reservedProperties = map[string]bool{
	"id": true, "name": true, "nameFr": true, "shortName": true, "acronym": true, "aliases": true,
	"aliasText": true, "nameKeys": true, "sourceUrls": true, "sourceTitles": true, "sourceRetrieved": true,
	"jsonKeys": true, "managedBy": true, "relKey": true, "validFrom": true, "validUntil": true,
	"version": true, "updatedAt": true, "elisionText": true, "sortNameEn": true, "sortNameFr": true,
	"variants": true, "statedFigures": true,
}

// IsReservedProperty reports whether name is one of the store's own property
// names, which an entity's or relationship's free properties may not use.
func IsReservedProperty(name string) bool { return reservedProperties[name] }
