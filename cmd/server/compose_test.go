package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/coe-child-online/knowledge-graph/telemetry"
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
	if !strings.HasPrefix(cfg.Neo4j.URI, "bolt://neo4j:") {
		t.Errorf("NEO4J_URI = %q, want the neo4j service", cfg.Neo4j.URI)
	}
}

// TestMonitoringProfileWatchesRealMetrics checks the monitoring profile,
// which cannot run here: its services, its configuration files, and that
// every metric the dashboard and the alerts name is one the service exports.
func TestMonitoringProfileWatchesRealMetrics(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image    string   `yaml:"image"`
			Profiles []string `yaml:"profiles"`
			Volumes  []string `yaml:"volumes"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &compose); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"prometheus", "grafana"} {
		svc, ok := compose.Services[name]
		if !ok || len(svc.Profiles) != 1 || svc.Profiles[0] != "monitoring" {
			t.Errorf("%s: missing or not in the monitoring profile: %+v", name, svc)
		}
		for _, v := range svc.Volumes {
			host := strings.SplitN(v, ":", 2)[0]
			if _, err := os.Stat(filepath.Join("../..", host)); err != nil {
				t.Errorf("%s mounts %s, which does not exist", name, host)
			}
		}
	}

	// The metrics the service exports, once each has a sample.
	tel, err := telemetry.New(context.Background(), telemetry.Config{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	tel.Metrics.WatchPool(poolStub{})
	tel.Metrics.Request("Op", "OK", time.Millisecond, 1, 1)
	tel.Metrics.RateLimited()
	tel.Metrics.CountDroppedLogLines(func() int64 { return 0 })
	_, done := tel.Statement(context.Background(), "read", "RETURN 1")
	done(telemetry.Timing{}, nil)
	srv := httptest.NewServer(tel.Metrics.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	exported := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^(kg_[a-z_]+)`).FindAllStringSubmatch(string(body), -1) {
		exported[m[1]] = true
	}

	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	db, err := os.ReadFile("../../deploy/grafana/dashboards/knowledge-graph.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(db, &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	alerts, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(alerts, &rules); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}
	exprs := map[string]string{}
	for _, p := range dash.Panels {
		for i, tg := range p.Targets {
			exprs[fmt.Sprintf("panel %q target %d", p.Title, i)] = tg.Expr
		}
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			exprs["alert "+r.Alert] = r.Expr
		}
	}
	if len(dash.Panels) < 8 || len(exprs) < 10 {
		t.Errorf("the dashboard has %d panels and %d expressions in all", len(dash.Panels), len(exprs))
	}
	for where, expr := range exprs {
		for _, name := range regexp.MustCompile(`kg_[a-z_]+`).FindAllString(expr, -1) {
			if !exported[name] {
				t.Errorf("%s uses %s, which the service does not export", where, name)
			}
		}
	}
}

type poolStub struct{}

func (poolStub) InFlight() int64 { return 0 }
func (poolStub) PoolSize() int   { return 1 }
