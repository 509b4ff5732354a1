// Command curate brings data into the graph and takes it out:
//
//	curate import-chart -treaty 201 [-source URL] [-apply] chart.csv
//	curate import-seed [-apply] DIR
//	curate import-graph [-apply] graph.json
//	curate export -format json|csv|graphml [-id ID -depth N -limit N] -out PATH
//	curate quality
//
// Imports print the difference with the graph and write nothing unless
// -apply is given; then they write it in one transaction, recorded in the
// audit trail under -actor, under an idempotency key: -idempotency-key, or
// one made up and printed. Running the same import again with the same key
// writes nothing a second time, so after an interrupted run it is safe to
// repeat. quality prints what the graph lacks and where the sources disagree
// (Query.dataQuality). It connects to Neo4j with the database's own
// credentials, so it acts with the admin role.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/coe-child-online/knowledge-graph/export"
	"github.com/coe-child-online/knowledge-graph/graph/model"
	"github.com/coe-child-online/knowledge-graph/graph/neo4jstore"
	"github.com/coe-child-online/knowledge-graph/importer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, time.Now)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "curate:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  curate import-chart -treaty NUMBER [-source URL] [-apply [-idempotency-key KEY]] FILE.csv
  curate import-seed [-apply [-idempotency-key KEY]] DIR
  curate import-graph [-apply [-idempotency-key KEY]] FILE.json
  curate export [-format json|csv|graphml] [-id ID [-depth N] [-limit N]] -out PATH
  curate quality`

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, now func() time.Time) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	cmd := args[0]
	fl := flag.NewFlagSet("curate "+cmd, flag.ContinueOnError)
	fl.SetOutput(stdout)
	neo4j := neo4jstore.BindFlags(fl, getenv)
	timeout := fl.Duration("timeout", 2*time.Minute, "deadline for the whole command")
	actorName := fl.String("actor", env("USER", "curate"), "who the audit trail names for the changes")
	apply := fl.Bool("apply", false, "write the changes (imports); without it they are only shown")
	treaty := fl.String("treaty", "", "import-chart: the treaty number (\"201\", \"CETS 201\") or instrument id")
	sourceURL := fl.String("source", "", "import-chart: where the chart comes from (default: the Treaty Office chart of the treaty)")
	format := fl.String("format", "json", "export: json, csv (a folder of files) or graphml")
	id := fl.String("id", "", "export: only this node's neighbourhood")
	depth := fl.Int("depth", 1, "export with -id: how many relationships away (1 to 3)")
	limitNodes := fl.Int("limit", 100, "export with -id: at most this many nodes (1 to 500)")
	out := fl.String("out", "", "export: the file (or folder, for csv) to write; - for standard output")
	idemKey := fl.String("idempotency-key", "", "imports with -apply: the key the write is made under; a rerun with the key of an earlier run writes nothing twice (default: a new key, printed)")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}

	var work func(ctx context.Context, store *neo4jstore.Store) error
	// inputs gives what an import reads, for the fingerprint of its write.
	var inputs func() (any, error)
	actor := model.Actor{Name: *actorName, Role: "admin"}
	switch cmd {
	case "import-chart":
		file, err := oneArg(fl, "the chart's CSV file")
		if err != nil {
			return err
		}
		if *treaty == "" {
			return errors.New("import-chart: give the treaty with -treaty, such as -treaty 201")
		}
		var src *model.Source
		if *sourceURL != "" {
			src = &model.Source{URL: sourceURL, Title: *sourceURL}
		}
		inputs = func() (any, error) {
			b, err := os.ReadFile(file)
			return map[string]any{"treaty": *treaty, "source": *sourceURL, "file": digest(b)}, err
		}
		work = func(ctx context.Context, store *neo4jstore.Store) error {
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			defer f.Close()
			diff, err := importer.TreatyChart(ctx, store, actor, *treaty, f, file, src, *apply, now())
			if err != nil {
				return err
			}
			return importer.WriteDiff(stdout, diff, *apply)
		}
	case "import-seed":
		dir, err := oneArg(fl, "the folder of seed files")
		if err != nil {
			return err
		}
		inputs = func() (any, error) { return dirDigest(dir) }
		work = func(ctx context.Context, store *neo4jstore.Store) error {
			diff, err := importer.SeedFiles(ctx, store, actor, os.DirFS(dir), *apply)
			if err != nil {
				return err
			}
			return importer.WriteDiff(stdout, diff, *apply)
		}
	case "import-graph":
		file, err := oneArg(fl, "the JSON export")
		if err != nil {
			return err
		}
		inputs = func() (any, error) {
			b, err := os.ReadFile(file)
			return digest(b), err
		}
		work = func(ctx context.Context, store *neo4jstore.Store) error {
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := store.EnsureSchema(ctx); err != nil {
				return err
			}
			diff, err := importer.Graph(ctx, store, actor, f, file, *apply)
			if err != nil {
				return err
			}
			return importer.WriteDiff(stdout, diff, *apply)
		}
	case "export":
		if fl.NArg() > 0 {
			return fmt.Errorf("export: unexpected argument %q; name the output with -out", fl.Arg(0))
		}
		if *out == "" {
			return errors.New("export: name the output with -out (a file, a folder for csv, or - for standard output)")
		}
		if *depth < 1 || *depth > 3 || *limitNodes < 1 || *limitNodes > 500 {
			return errors.New("export: -depth goes from 1 to 3 and -limit from 1 to 500")
		}
		work = func(ctx context.Context, store *neo4jstore.Store) error {
			doc, err := store.Document(ctx, *id, *depth, *limitNodes)
			if err != nil {
				return err
			}
			if err := writeExport(doc, *format, *out, stdout); err != nil {
				return err
			}
			if *out != "-" {
				fmt.Fprintf(stdout, "exported %d nodes and %d relationships to %s\n", len(doc.Nodes), len(doc.Edges), *out)
			}
			return nil
		}
	case "quality":
		if fl.NArg() > 0 {
			return fmt.Errorf("quality: unexpected argument %q", fl.Arg(0))
		}
		work = func(ctx context.Context, store *neo4jstore.Store) error {
			data, err := store.QualityData(ctx)
			if err != nil {
				return err
			}
			return export.WriteQuality(stdout, model.Quality(data))
		}
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}

	var key *model.WriteKey
	if *idemKey != "" && (inputs == nil || !*apply) {
		return fmt.Errorf("%s: -idempotency-key goes with an import and -apply", cmd)
	}
	if inputs != nil && *apply {
		var err error
		if key, err = writeKey(cmd, actor, *idemKey, inputs); err != nil {
			return err
		}
		ctx = model.WithWriteKey(ctx, key)
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	neo4j.QueryTimeout = *timeout
	store, err := neo4jstore.Connect(ctx, *neo4j)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	err = work(ctx, store)
	var merr *model.Error
	if errors.As(err, &merr) {
		// The client message is the useful part; the driver's cause is
		// for the logs of the service, not for a person at a terminal.
		if merr.IdempotencyKey != "" && merr.Code != model.CodeKeyReused {
			return fmt.Errorf("%s: %s\nRun the same command again with -idempotency-key %s: it writes the import at most once", cmd, merr.Message, merr.IdempotencyKey)
		}
		return fmt.Errorf("%s: %s", cmd, merr.Message)
	}
	if err == nil && key != nil {
		if key.Replayed {
			fmt.Fprintf(stdout, "already written under the idempotency key %s; nothing was written again\n", key.Key)
		} else {
			fmt.Fprintf(stdout, "written under the idempotency key %s\n", key.Key)
		}
	}
	return err
}

// writeKey names an import's write: with the given key, or a new one, and
// the fingerprint of the command, the actor and what the import reads.
func writeKey(cmd string, actor model.Actor, given string, inputs func() (any, error)) (*model.WriteKey, error) {
	key := given
	if key == "" {
		key = model.NewIdempotencyKey()
	} else if err := model.CheckIdempotencyKey("-idempotency-key", key); err != nil {
		return nil, fmt.Errorf("%s: %s", cmd, model.ErrorMessage(err))
	}
	in, err := inputs()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	fp, err := model.Fingerprint("curate "+cmd, actor, in)
	if err != nil {
		return nil, err
	}
	return &model.WriteKey{Key: key, Fingerprint: fp}, nil
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// dirDigest fingerprints the files of a folder by name and content.
func dirDigest(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = digest(b)
	}
	return out, nil
}

func oneArg(fl *flag.FlagSet, what string) (string, error) {
	if fl.NArg() != 1 {
		return "", fmt.Errorf("%s: give %s as the one argument after the flags", fl.Name(), what)
	}
	return fl.Arg(0), nil
}

func writeExport(doc model.GraphDocument, format, out string, stdout io.Writer) error {
	if format == "csv" {
		if out == "-" {
			return export.WriteCSVZip(stdout, doc)
		}
		return export.WriteCSVDir(out, doc)
	}
	write := map[string]func(io.Writer, model.GraphDocument) error{"json": export.WriteJSON, "graphml": export.WriteGraphML}[format]
	if write == nil {
		return fmt.Errorf("export: -format %q: want json, csv or graphml", format)
	}
	if out == "-" {
		return write(stdout, doc)
	}
	// Written beside the target and renamed, so a failure leaves no half
	// file under the name asked for.
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp, doc); err != nil {
		tmp.Close()
		return fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
