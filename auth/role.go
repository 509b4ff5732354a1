package auth

import (
	"fmt"
	"strings"
)

// Role is what a caller may do. Roles are ordered, so a higher role includes
// every right of a lower one and checks are plain comparisons.
type Role int

const (
	// RoleNone may do nothing: an anonymous caller when anonymous reads are off.
	RoleNone Role = iota
	// RoleReader may read.
	RoleReader
	// RoleCurator may also change facts.
	RoleCurator
	// RoleAdmin may also import and delete.
	RoleAdmin
)

// String returns the role's name as written in keys files and tokens.
func (r Role) String() string {
	switch r {
	case RoleNone:
		return "none"
	case RoleReader:
		return "reader"
	case RoleCurator:
		return "curator"
	case RoleAdmin:
		return "admin"
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// ParseRole parses one of the roles a credential can carry. "none" is not
// among them: a credential that grants nothing has no reason to exist.
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(s) {
	case "reader":
		return RoleReader, nil
	case "curator":
		return RoleCurator, nil
	case "admin":
		return RoleAdmin, nil
	}
	return RoleNone, fmt.Errorf("role %q: want reader, curator or admin", s)
}
