// Command harness drives the benchmark of bench/README.md: for each query of
// bench/mix.json it checks that the service and @neo4j/graphql return the
// same data, then measures both over HTTP and the raw driver replaying the
// service's own statements, at several concurrency levels. `report` merges
// the runs into bench/results/latest.json and a table.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: harness run|report [flags]")
	}
	switch args[0] {
	case "run":
		return runMix(ctx, args[1:], stdout)
	case "report":
		return report(args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q (want run or report)", args[0])
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 {
			return nil, fmt.Errorf("concurrency %q: want whole numbers from 1 to 256", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// runConfig is what one `run` measures.
type runConfig struct {
	graph        string
	vars         string
	mixPath      string
	serviceURL   string
	neo4jGQLURL  string
	neo4jURI     string
	neo4jUser    string
	neo4jPass    string
	concurrency  []int
	duration     time.Duration
	out          string
	profileQuery string
	pprofURL     string
	profileOut   string
}

func parseRun(args []string) (runConfig, error) {
	var c runConfig
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&c.graph, "graph", "seed", "name of the graph measured (seed, 10k, 100k, 1M)")
	fs.StringVar(&c.vars, "vars", "seed", "which variables of the mix to use: seed or synthetic")
	fs.StringVar(&c.mixPath, "mix", "bench/mix.json", "the query mix")
	fs.StringVar(&c.serviceURL, "service", "http://127.0.0.1:18080/graphql", "the service's GraphQL endpoint")
	fs.StringVar(&c.neo4jGQLURL, "neo4j-graphql", "", "the @neo4j/graphql server's endpoint (skipped when empty)")
	fs.StringVar(&c.neo4jURI, "neo4j-uri", os.Getenv("NEO4J_URI"), "Neo4j for the raw driver")
	fs.StringVar(&c.neo4jUser, "neo4j-user", os.Getenv("NEO4J_USER"), "Neo4j user")
	fs.StringVar(&c.neo4jPass, "neo4j-password", os.Getenv("NEO4J_PASSWORD"), "Neo4j password")
	conc := fs.String("concurrency", "1,4,16", "comma-separated concurrency levels")
	fs.DurationVar(&c.duration, "duration", 4*time.Second, "how long each measurement runs")
	fs.StringVar(&c.out, "out", "", "file to write this run's measurements to (JSON)")
	fs.StringVar(&c.profileQuery, "profile-query", "", "take a CPU profile of the service while this query runs at the highest concurrency")
	fs.StringVar(&c.pprofURL, "pprof", "", "the service's pprof address (http://host:port)")
	fs.StringVar(&c.profileOut, "profile-out", "bench/results/cpu.pprof", "where the CPU profile goes")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.concurrency, err = parseInts(*conc); err != nil {
		return c, err
	}
	if c.out == "" {
		return c, errors.New("-out is required")
	}
	if c.vars != "seed" && c.vars != "synthetic" {
		return c, fmt.Errorf("-vars %q: want seed or synthetic", c.vars)
	}
	if c.duration <= 0 || c.duration > time.Minute {
		return c, fmt.Errorf("-duration %s: want up to a minute", c.duration)
	}
	return c, nil
}
