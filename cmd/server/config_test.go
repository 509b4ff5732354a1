package main

import (
	"strings"
	"testing"
	"time"
)

// TestBadSettingsNameTheirVariable gives each kind of setting a value it
// cannot take, by environment and by flag: the error names the variable or
// the flag, and no default stands in for it.
func TestBadSettingsNameTheirVariable(t *testing.T) {
	tests := []struct {
		env   map[string]string
		args  []string
		names string
	}{
		{map[string]string{"MAX_TOKENS": "5k"}, nil, "MAX_TOKENS"},
		{map[string]string{"MAX_TOKENS": "99"}, nil, "MAX_TOKENS"},
		{map[string]string{"MAX_BODY_BYTES": "1e6"}, nil, "MAX_BODY_BYTES"},
		{map[string]string{"RATE_LIMIT_COST_PER_MINUTE": "-1"}, nil, "RATE_LIMIT_COST_PER_MINUTE"},
		{map[string]string{"MAX_DEPTH": " "}, nil, "MAX_DEPTH"},
		{map[string]string{"EXPORT_MAX_FACTS": "0"}, nil, "EXPORT_MAX_FACTS"},
		{map[string]string{"CACHE_MAX_AGE": "-1"}, nil, "CACHE_MAX_AGE"},
		{map[string]string{"CACHE_MAX_AGE": "1h"}, nil, "CACHE_MAX_AGE"},
		{map[string]string{"NEO4J_MAX_POOL_SIZE": "lots"}, nil, "NEO4J_MAX_POOL_SIZE"},
		{map[string]string{"METRICS": "maybe"}, nil, "METRICS"},
		{map[string]string{"ANONYMOUS_READS": "on"}, nil, "ANONYMOUS_READS"},
		{map[string]string{"CORS_ALLOW_CREDENTIALS": "yes please"}, nil, "CORS_ALLOW_CREDENTIALS"},
		{map[string]string{"QUERY_TIMEOUT": "10"}, nil, "QUERY_TIMEOUT"},
		{map[string]string{"REQUEST_TIMEOUT": "-1s"}, nil, "REQUEST_TIMEOUT"},
		{map[string]string{"SLOW_QUERY_THRESHOLD": "fast"}, nil, "SLOW_QUERY_THRESHOLD"},
		{map[string]string{"LOG_LEVEL": "loud"}, nil, "LOG_LEVEL"},
		{map[string]string{"MODE": "staging"}, nil, "MODE"},
		{map[string]string{"NEO4J_URI": "http://127.0.0.1:7474"}, nil, "NEO4J_URI"},
		{map[string]string{"CORS_ORIGINS": "*"}, nil, "CORS_ORIGINS"},
		{map[string]string{"PPROF_ADDR": "0.0.0.0:6060"}, nil, "PPROF_ADDR"},
		{nil, []string{"-max-tokens", "many"}, "-max-tokens"},
		{nil, []string{"-metrics", "perhaps"}, "-metrics"},
		{nil, []string{"-request-timeout", "0"}, "-request-timeout"},
		{nil, []string{"extra"}, "extra"},
	}
	for _, tt := range tests {
		_, err := loadConfig(tt.args, func(k string) string { return tt.env[k] })
		if err == nil || !strings.Contains(err.Error(), tt.names) {
			t.Errorf("env %v args %v: error %v, want one naming %s", tt.env, tt.args, err, tt.names)
		}
	}
}

func TestSettingsAreRead(t *testing.T) {
	env := map[string]string{"MAX_TOKENS": "6000", "METRICS": "false", "SLOW_QUERY_THRESHOLD": "0", "MODE": "development",
		"QUERY_TIMEOUT": "4s", "NEO4J_MAX_POOL_SIZE": "8", "NEO4J_URI": "neo4j+s://db.example:7687", "CORS_ORIGINS": "https://a.example, https://b.example"}
	cfg, err := loadConfig([]string{"-max-depth", "9"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	h := cfg.HTTP
	if h.MaxTokens != 6000 || h.Metrics || cfg.SlowQuery != 0 || !h.Development || cfg.Neo4j.QueryTimeout != 4*time.Second ||
		cfg.Neo4j.MaxPoolSize != 8 || cfg.Neo4j.URI != "neo4j+s://db.example:7687" || h.Limits.MaxDepth != 9 || len(h.CORSOrigins) != 2 {
		t.Errorf("config read as %+v", cfg)
	}
	def, err := loadConfig(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if def.HTTP.Development || !def.HTTP.Metrics || def.HTTP.MaxTokens != 5000 || def.SlowQuery != 500*time.Millisecond || def.Neo4j.URI != "bolt://127.0.0.1:7687" {
		t.Errorf("defaults read as %+v", def)
	}
}

func TestKeyLifetimeConfig(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		env   string
		want  time.Duration
		fails bool
	}{
		{"default", nil, "", 24 * time.Hour, false},
		{"environment", nil, "2h", 2 * time.Hour, false},
		{"flag over environment", []string{"-idempotency-key-ttl", "90m"}, "2h", 90 * time.Minute, false},
		{"not a duration", nil, "a day", 0, true},
		{"zero", []string{"-idempotency-key-ttl", "0s"}, "", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := loadConfig(c.args, func(k string) string {
				if k == "IDEMPOTENCY_KEY_TTL" {
					return c.env
				}
				return ""
			})
			switch {
			case c.fails && (err == nil || !strings.Contains(err.Error(), "IDEMPOTENCY_KEY_TTL")):
				t.Errorf("args %v env %q: error %v, want one naming IDEMPOTENCY_KEY_TTL", c.args, c.env, err)
			case !c.fails && (err != nil || cfg.Neo4j.KeyLifetime != c.want):
				t.Errorf("args %v env %q: lifetime %s, error %v; want %s", c.args, c.env, cfg.Neo4j.KeyLifetime, err, c.want)
			}
		})
	}
}
