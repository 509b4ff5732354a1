// Command seed checks the seed files and loads them into Neo4j: constraints
// and indexes first, then every node and relationship in one transaction.
// Loading twice changes nothing; a changed file set updates the graph to
// match it. With -check it only validates. With -synthetic N it writes a
// benchmark graph of the same shape instead, beside the seed graph.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fl := flag.NewFlagSet("seed", flag.ContinueOnError)
	fl.SetOutput(stdout)
	neo4j := neo4jstore.BindFlags(fl, getenv)
	dir := fl.String("dir", "", "folder of seed files to load (default: the files built into the program)")
	check := fl.Bool("check", false, "validate the seed files and print their counts without writing")
	timeout := fl.Duration("timeout", 2*time.Minute, "deadline for the whole load")
	synthetic := fl.Int("synthetic", 0, "write a synthetic graph with this many countries, projects and resources (about 30 relationships each) instead of the seed files")
	randSeed := fl.Uint64("rand-seed", 1, "with -synthetic: the random seed, so one value always gives the same graph")
	wipe := fl.Bool("wipe", false, "delete everything in the database first, curated facts and the audit trail included (for tests and fresh starts)")
	if err := fl.Parse(args); err != nil {
		return err
	}

	if *synthetic < 0 {
		return fmt.Errorf("-synthetic %d: want a positive count", *synthetic)
	}
	if *wipe && *check {
		return fmt.Errorf("-wipe goes with a load, not with -check")
	}
	if *synthetic > 0 && (*check || *dir != "") {
		return fmt.Errorf("-synthetic goes with neither -check nor -dir")
	}

	var files fs.FS = seed.Embedded()
	source := "built-in seed files"
	if *dir != "" {
		files = os.DirFS(*dir)
		source = *dir
	}
	var data *seed.Data
	var err error
	if *synthetic > 0 {
		data = seed.Synthetic(*synthetic, rand.New(rand.NewPCG(*randSeed, 0)))
		source = fmt.Sprintf("synthetic graph (n=%d, seed %d)", *synthetic, *randSeed)
	} else {
		data, err = seed.Read(files)
	}
	if err != nil {
		var verr *seed.ValidationError
		if errors.As(err, &verr) {
			return fmt.Errorf("%s: nothing was written.\n%w", source, err)
		}
		return err
	}
	if *check {
		labels, rels := data.Counts()
		fmt.Fprintf(stdout, "%s: valid\n%s", source, seed.FormatCounts(labels, rels))
		return nil
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	neo4j.QueryTimeout = *timeout
	store, err := neo4jstore.Connect(ctx, *neo4j)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	start := time.Now()
	if *wipe {
		if err := store.Wipe(ctx); err != nil {
			return err
		}
	}
	if *synthetic > 0 {
		if err := store.EnsureSchema(ctx); err != nil {
			return err
		}
		if err := store.BulkCreate(ctx, "synthetic", data.Entities, data.Relations, 10000); err != nil {
			return err
		}
	} else if err := seed.Load(ctx, store, data); err != nil {
		return err
	}
	took := time.Since(start).Round(time.Millisecond)
	labels, rels, err := store.Counts(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "loaded %s into %s in %s; the graph now holds:\n%s", source, store.URI(), took, seed.FormatCounts(labels, rels))
	return nil
}
