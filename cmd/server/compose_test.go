package main

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestComposeFileWiresTheService checks docker-compose.yml, which cannot run
// here: the Neo4j image and its health check, and that every variable given
// to the service is one the service reads.
func TestComposeFileWiresTheService(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       any               `yaml:"build"`
			Environment map[string]string `yaml:"environment"`
			DependsOn   map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Healthcheck map[string]any `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	neo, ok := compose.Services["neo4j"]
	if !ok || neo.Image != "neo4j:5.26-community" || neo.Healthcheck["test"] == nil {
		t.Errorf("neo4j service: image %q, health check %v; want neo4j:5.26-community with a health check", neo.Image, neo.Healthcheck["test"])
	}
	svc, ok := compose.Services["graphql"]
	if !ok || svc.Build == nil {
		t.Fatalf("graphql service missing or not built from the Dockerfile")
	}
	if svc.DependsOn["seed"].Condition != "service_completed_successfully" {
		t.Errorf("graphql starts before the seed is loaded: depends_on %+v", svc.DependsOn)
	}
	if compose.Services["seed"].DependsOn["neo4j"].Condition != "service_healthy" {
		t.Errorf("seed runs before Neo4j is healthy")
	}
	seen := map[string]bool{}
	getenv := func(key string) string {
		seen[key] = true
		return svc.Environment[key]
	}
	cfg, err := loadConfig(nil, getenv)
	if err != nil {
		t.Fatalf("the service rejects the compose environment: %v", err)
	}
	for key := range svc.Environment {
		if !seen[key] {
			t.Errorf("compose sets %s, which the service does not read", key)
		}
	}
	if !strings.HasPrefix(cfg.Neo4jURI, "bolt://neo4j:") {
		t.Errorf("NEO4J_URI = %q, want the neo4j service", cfg.Neo4jURI)
	}
}
