// Command apikey generates an API key. It prints two lines: the key, to
// hand to the client once, and the keys-file line with its hash, to store.
// Only the hash is kept by the server, so a lost key is replaced, not
// recovered.
//
//	apikey -name ci-importer -role curator
package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/coe-child-online/knowledge-graph/auth"
)

const usage = "usage: apikey -name NAME -role reader|curator|admin"

func main() {
	err := run(os.Args[1:], os.Stdout, rand.Reader)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, usage)
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "apikey:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout io.Writer, random io.Reader) error {
	fs := flag.NewFlagSet("apikey", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("name", "", "who the key is for, as it appears in logs")
	roleName := fs.String("role", "", "reader, curator or admin")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w\n%s", err, usage)
	}
	if fs.NArg() > 0 || *name == "" || *roleName == "" {
		return errors.New(usage)
	}
	role, err := auth.ParseRole(*roleName)
	if err != nil {
		return err
	}
	key, err := auth.GenerateKey(random)
	if err != nil {
		return err
	}
	line, err := auth.KeyLine(*name, role, key)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%s\n%s\n", key, line); err != nil {
		return fmt.Errorf("write key: %w", err)
	}
	return nil
}
