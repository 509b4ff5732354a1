package neo4jstore

import (
	"flag"
	"fmt"
	"strings"
)

// The development defaults: the embedded Neo4j that `make run` starts.
const (
	DefaultURI      = "bolt://127.0.0.1:7687"
	DefaultUser     = "neo4j"
	DefaultPassword = "devpassword"
	DefaultDatabase = "neo4j"
)

// BindFlags defines -neo4j-uri, -neo4j-user, -neo4j-password and
// -neo4j-database on fs, each defaulting to its environment variable
// (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE) and then to the
// development database. It returns the Config they fill once fs is parsed.
// Every command that talks to Neo4j binds them here, so they read the same
// everywhere.
func BindFlags(fs *flag.FlagSet, getenv func(string) string) *Config {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	cfg := &Config{}
	fs.StringVar(&cfg.URI, "neo4j-uri", env("NEO4J_URI", DefaultURI), "Neo4j address: bolt://, neo4j://, bolt+s:// or neo4j+s:// (NEO4J_URI)")
	fs.StringVar(&cfg.User, "neo4j-user", env("NEO4J_USER", DefaultUser), "Neo4j user (NEO4J_USER)")
	fs.StringVar(&cfg.Password, "neo4j-password", env("NEO4J_PASSWORD", DefaultPassword), "Neo4j password (NEO4J_PASSWORD)")
	fs.StringVar(&cfg.Database, "neo4j-database", env("NEO4J_DATABASE", DefaultDatabase), "Neo4j database name (NEO4J_DATABASE)")
	return cfg
}

// uriSchemes are the schemes the driver speaks: direct (bolt) or routed
// (neo4j), plain, encrypted (+s) or encrypted with a self-signed
// certificate (+ssc).
var uriSchemes = []string{"bolt://", "neo4j://", "bolt+s://", "neo4j+s://", "bolt+ssc://", "neo4j+ssc://"}

// CheckURI returns an error naming NEO4J_URI when uri is not an address the
// driver speaks.
func CheckURI(uri string) error {
	for _, s := range uriSchemes {
		if strings.HasPrefix(uri, s) && len(uri) > len(s) {
			return nil
		}
	}
	return fmt.Errorf("NEO4J_URI %q: want bolt://, neo4j://, bolt+s:// or neo4j+s:// and a host", uri)
}
