package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// ratio compares the service with another system on one query, graph and
// concurrency: throughput ratio (above 1: the service serves more) and p99
// ratio (below 1: the service's tail is shorter).
type ratio struct {
	Graph       string  `json:"graph"`
	Query       string  `json:"query"`
	Concurrency int     `json:"concurrency"`
	Versus      string  `json:"versus"`
	Throughput  float64 `json:"throughput_ratio,omitempty"`
	P50         float64 `json:"p50_ratio,omitempty"`
	P99         float64 `json:"p99_ratio,omitempty"`
}

type latest struct {
	Date         string             `json:"date"`
	Machine      string             `json:"machine"`
	Method       string             `json:"method"`
	Measurements []measurement      `json:"measurements"`
	Ratios       []ratio            `json:"ratios"`
	PeakRSSMB    map[string]float64 `json:"peak_rss_mb"`
	ScaleRatios  []ratio            `json:"scale_ratios"`
	Goals        []goal             `json:"goals"`
}

// The goals of the compiled reads (bench/README.md), checked on the seed
// graph and the 1M graph at every concurrency measured there.
const (
	goalVsLibrary = 2.0  // service req/s ÷ @neo4j/graphql req/s, at least
	goalVsRaw     = 0.9  // service req/s ÷ raw driver req/s, at least
	goalScale     = 2.0  // p50 on the 1M graph ÷ p50 on the seed graph, at most
	goalPeakMB    = 71.0 // the service's peak resident memory before the planner
)

// goal is one goal on one query, graph and concurrency: what was measured
// against what was wanted, and whether it holds.
type goal struct {
	Graph       string  `json:"graph"`
	Query       string  `json:"query"`
	Concurrency int     `json:"concurrency"`
	Goal        string  `json:"goal"`
	Got         float64 `json:"got"`
	Want        float64 `json:"want"`
	Met         bool    `json:"met"`
}

// goalGraphs are the graphs the goals are checked on.
var goalGraphs = map[string]bool{"seed": true, "1M": true}

// checkGoals checks every goal the measurements allow.
func checkGoals(l latest, by map[string]measurement) []goal {
	var out []goal
	add := func(g goal, met bool) {
		g.Met = met
		out = append(out, g)
	}
	for _, m := range l.Measurements {
		if m.System != systemService || !goalGraphs[m.Graph] {
			continue
		}
		base := goal{Graph: m.Graph, Query: m.Query, Concurrency: m.Concurrency}
		n, ok := by[fmt.Sprintf("%s|%s|%d|%s", m.Graph, m.Query, m.Concurrency, systemNeo4jGraphQL)]
		h, hok := by[fmt.Sprintf("%s|%s|%d|%s", m.Graph, m.Query, m.Concurrency, systemCypher)]
		switch {
		case !ok && hok && h.RPS > 0:
			// The library has no equivalent: the goal is set against
			// hand-written Cypher through the raw driver instead.
			g := base
			g.Goal, g.Got, g.Want = "req/s ÷ hand-written Cypher", round(m.RPS/h.RPS), goalVsLibrary
			add(g, g.Got >= g.Want)
			g.Goal, g.Got, g.Want = "p99 ÷ hand-written Cypher's", round(m.P99ms/h.P99ms), 1
			add(g, g.Got < g.Want)
		case ok && n.RPS > 0:
			g := base
			g.Goal, g.Got, g.Want = "req/s ÷ @neo4j/graphql", round(m.RPS/n.RPS), goalVsLibrary
			add(g, g.Got >= g.Want)
			g.Goal, g.Got, g.Want = "p99 ÷ @neo4j/graphql's", round(m.P99ms/n.P99ms), 1
			add(g, g.Got < g.Want)
		default:
			g := base
			g.Goal = "req/s ÷ @neo4j/graphql (not measured: the answers differ or the library failed)"
			add(g, false)
		}
		if r, ok := by[fmt.Sprintf("%s|%s|%d|%s", m.Graph, m.Query, m.Concurrency, systemRaw)]; ok && r.RPS > 0 {
			g := base
			g.Goal, g.Got, g.Want = "req/s ÷ raw driver", round(m.RPS/r.RPS), goalVsRaw
			add(g, g.Got >= g.Want)
		}
		if m.Graph == "1M" {
			if s, ok := by[fmt.Sprintf("seed|%s|%d|%s", m.Query, m.Concurrency, systemService)]; ok && s.P50ms > 0 {
				g := base
				g.Goal, g.Got, g.Want = "p50 on 1M ÷ p50 on seed", round(m.P50ms/s.P50ms), goalScale
				add(g, g.Got <= g.Want)
			}
		}
	}
	if mb, ok := l.PeakRSSMB["service"]; ok {
		add(goal{Graph: "all", Query: "all", Goal: "service peak resident MB", Got: mb, Want: goalPeakMB}, mb <= goalPeakMB)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Query != b.Query {
			return a.Query < b.Query
		}
		if a.Graph != b.Graph {
			return graphRank(a.Graph) < graphRank(b.Graph)
		}
		return a.Concurrency < b.Concurrency
	})
	return out
}

func report(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	in := fs.String("in", "bench/results/runs", "folder of run files")
	rss := fs.String("rss", "bench/results/runs/rss.json", "peak memory of the servers (JSON: name -> MB)")
	out := fs.String("out", "bench/results", "folder for latest.json and results.md")
	if err := fs.Parse(args); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(*in, "*.json"))
	if err != nil {
		return err
	}
	l := latest{Date: time.Now().UTC().Format(time.RFC3339), Machine: machine(),
		Method: "see bench/README.md", PeakRSSMB: map[string]float64{}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if filepath.Base(f) == filepath.Base(*rss) {
			if err := json.Unmarshal(b, &l.PeakRSSMB); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			continue
		}
		var ms []measurement
		if err := json.Unmarshal(b, &ms); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		l.Measurements = append(l.Measurements, ms...)
	}
	if len(l.Measurements) == 0 {
		return fmt.Errorf("no measurements in %s", *in)
	}
	key := func(m measurement) string {
		return fmt.Sprintf("%s|%s|%d|%s", m.Graph, m.Query, m.Concurrency, m.System)
	}
	by := map[string]measurement{}
	for _, m := range l.Measurements {
		by[key(m)] = m
	}
	for _, m := range l.Measurements {
		if m.System != systemService {
			continue
		}
		for _, other := range []string{systemNeo4jGraphQL, systemRaw, systemCypher} {
			o, ok := by[fmt.Sprintf("%s|%s|%d|%s", m.Graph, m.Query, m.Concurrency, other)]
			if !ok || o.RPS == 0 || o.P99ms == 0 {
				continue
			}
			l.Ratios = append(l.Ratios, ratio{Graph: m.Graph, Query: m.Query, Concurrency: m.Concurrency, Versus: other,
				Throughput: round(m.RPS / o.RPS), P99: round(m.P99ms / o.P99ms)})
		}
		// How a query's latency on a synthetic graph compares with the
		// seed graph at the same concurrency.
		if m.Graph != "seed" {
			if s, ok := by[fmt.Sprintf("seed|%s|%d|%s", m.Query, m.Concurrency, systemService)]; ok && s.P50ms > 0 {
				l.ScaleRatios = append(l.ScaleRatios, ratio{Graph: m.Graph, Query: m.Query, Concurrency: m.Concurrency,
					Versus: "seed", P50: round(m.P50ms / s.P50ms)})
			}
		}
	}
	l.Goals = checkGoals(l, by)
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "latest.json"), b, 0o644); err != nil {
		return err
	}
	md := table(l, by)
	if err := os.WriteFile(filepath.Join(*out, "results.md"), []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Fprint(stdout, md)
	return nil
}

func round(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

func machine() string {
	host, _ := os.Hostname()
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores (%s), %s", host, runtime.NumCPU(), cpu, runtime.Version())
}

func table(l latest, by map[string]measurement) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark results\n\n%s on %s. Requests per second (higher is better) and latency in ms; round trips are Cypher statements per request.\n\n", l.Date, l.Machine)
	graphs, queries, concs := map[string]bool{}, map[string]bool{}, map[int]bool{}
	for _, m := range l.Measurements {
		graphs[m.Graph], queries[m.Query], concs[m.Concurrency] = true, true, true
	}
	order := func(m map[string]bool) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Slice(out, func(i, j int) bool {
			return graphRank(out[i]) < graphRank(out[j]) || (graphRank(out[i]) == graphRank(out[j]) && out[i] < out[j])
		})
		return out
	}
	var cs []int
	for c := range concs {
		cs = append(cs, c)
	}
	sort.Ints(cs)
	cell := func(m measurement, ok bool) string {
		if !ok {
			return "– | – | –"
		}
		return fmt.Sprintf("%.0f | %.1f | %.1f", m.RPS, m.P50ms, m.P99ms)
	}
	for _, g := range order(graphs) {
		fmt.Fprintf(&b, "## Graph: %s\n\n", g)
		b.WriteString("| query | c | service req/s | p50 | p99 | @neo4j/graphql req/s | p50 | p99 | raw driver req/s | p50 | p99 | service ÷ @neo4j/graphql | service ÷ raw | round trips | errors |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, q := range order(queries) {
			for _, c := range cs {
				s, ok := by[fmt.Sprintf("%s|%s|%d|%s", g, q, c, systemService)]
				if !ok {
					continue
				}
				n, nok := by[fmt.Sprintf("%s|%s|%d|%s", g, q, c, systemNeo4jGraphQL)]
				r, rok := by[fmt.Sprintf("%s|%s|%d|%s", g, q, c, systemRaw)]
				vsN, vsR := "–", "–"
				if nok && n.RPS > 0 {
					vsN = fmt.Sprintf("%.2f×", s.RPS/n.RPS)
				} else if s.SameData != nil && !*s.SameData {
					vsN = "answers differ"
				}
				if rok && r.RPS > 0 {
					vsR = fmt.Sprintf("%.2f×", s.RPS/r.RPS)
				}
				errs := s.Errors + n.Errors + r.Errors
				fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %d | %d |\n", q, c, cell(s, true), cell(n, nok), cell(r, rok), vsN, vsR, s.RoundTrips, errs)
			}
		}
		b.WriteString("\n")
	}
	if len(l.ScaleRatios) > 0 {
		b.WriteString("## Scale: service p50 on each synthetic graph ÷ p50 on the seed graph\n\n| query | c | graph | ratio |\n|---|---|---|---|\n")
		sort.Slice(l.ScaleRatios, func(i, j int) bool {
			a, c := l.ScaleRatios[i], l.ScaleRatios[j]
			if a.Query != c.Query {
				return a.Query < c.Query
			}
			return graphRank(a.Graph) < graphRank(c.Graph)
		})
		for _, r := range l.ScaleRatios {
			fmt.Fprintf(&b, "| %s | %d | %s | %.2f |\n", r.Query, r.Concurrency, r.Graph, r.P50)
		}
		b.WriteString("\n")
	}
	if len(l.Goals) > 0 {
		met := 0
		for _, g := range l.Goals {
			if g.Met {
				met++
			}
		}
		fmt.Fprintf(&b, "## Goals\n\n%d of %d goals met (service ≥ %.1f× @neo4j/graphql req/s with a lower p99, ≥ %.1f× the raw driver, 1M p50 ≤ %.0f× the seed graph's, peak memory ≤ %.0f MB). Missed:\n\n",
			met, len(l.Goals), goalVsLibrary, goalVsRaw, goalScale, goalPeakMB)
		b.WriteString("| query | graph | c | goal | measured | wanted |\n|---|---|---|---|---|---|\n")
		for _, g := range l.Goals {
			if !g.Met {
				fmt.Fprintf(&b, "| %s | %s | %d | %s | %.2f | %.2f |\n", g.Query, g.Graph, g.Concurrency, g.Goal, g.Got, g.Want)
			}
		}
		b.WriteString("\n")
	}
	if len(l.PeakRSSMB) > 0 {
		b.WriteString("## Peak memory (resident set, MB)\n\n| process | MB |\n|---|---|\n")
		var names []string
		for k := range l.PeakRSSMB {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(&b, "| %s | %.0f |\n", k, l.PeakRSSMB[k])
		}
	}
	return b.String()
}

func graphRank(g string) int {
	switch g {
	case "seed":
		return 0
	case "10k":
		return 1
	case "100k":
		return 2
	case "1M":
		return 3
	}
	return 4
}
