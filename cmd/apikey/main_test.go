package main

import (
	"bytes"
	"crypto/rand"
	"errors"
	"flag"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coe-child-online/knowledge-graph/auth"
	"github.com/google/go-cmp/cmp"
)

func TestRunKeyAuthenticates(t *testing.T) {
	tests := []struct {
		name string
		role string
		want auth.Role
	}{
		{name: "reader", role: "reader", want: auth.RoleReader},
		{name: "curator", role: "curator", want: auth.RoleCurator},
		{name: "admin", role: "admin", want: auth.RoleAdmin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run([]string{"-name", "ci-" + tc.role, "-role", tc.role}, &out, rand.Reader); err != nil {
				t.Fatalf("run: %v", err)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != 2 {
				t.Fatalf("printed %d lines, want 2:\n%s", len(lines), out.String())
			}
			key, line := lines[0], lines[1]
			if len(key) < auth.MinKeyLength {
				t.Fatalf("key has %d characters, want at least %d", len(key), auth.MinKeyLength)
			}
			if strings.Contains(line, key) {
				t.Fatalf("keys-file line %q contains the key", line)
			}
			// The printed line must load as a keys file and let the key in.
			a, err := auth.New(auth.Config{Keys: line})
			if err != nil {
				t.Fatalf("keys-file line %q does not parse: %v", line, err)
			}
			r := httptest.NewRequest("POST", "/graphql", nil)
			r.Header.Set("X-API-Key", key)
			got, err := a.Authenticate(r)
			if err != nil {
				t.Fatalf("Authenticate with the printed key: %v", err)
			}
			want := auth.Principal{Name: "ci-" + tc.role, Role: tc.want, Method: auth.MethodAPIKey}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("principal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunDeterministic(t *testing.T) {
	var out bytes.Buffer
	random := bytes.NewReader(make([]byte, 32))
	if err := run([]string{"-name", "ci", "-role", "reader"}, &out, random); err != nil {
		t.Fatal(err)
	}
	key := strings.Repeat("A", 43)
	want := key + "\nci reader " + auth.HashKey(key) + "\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Fatalf("output (-want +got):\n%s", diff)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		random func() *bytes.Reader
		want   string
	}{
		{name: "no flags", args: nil, want: "usage: apikey"},
		{name: "no role", args: []string{"-name", "ci"}, want: "usage: apikey"},
		{name: "no name", args: []string{"-role", "admin"}, want: "usage: apikey"},
		{name: "extra argument", args: []string{"-name", "ci", "-role", "admin", "extra"}, want: "usage: apikey"},
		{name: "unknown flag", args: []string{"-nme", "ci"}, want: "flag provided but not defined"},
		{name: "unknown role", args: []string{"-name", "ci", "-role", "root"}, want: `role "root": want reader, curator or admin`},
		{name: "bad name", args: []string{"-name", "c i", "-role", "admin"}, want: `name "c i"`},
		{name: "random runs dry", args: []string{"-name", "ci", "-role", "admin"}, random: func() *bytes.Reader { return bytes.NewReader(make([]byte, 8)) }, want: "generate key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			random := bytes.NewReader(make([]byte, 32))
			if tc.random != nil {
				random = tc.random()
			}
			var out bytes.Buffer
			err := run(tc.args, &out, random)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if out.Len() != 0 {
				t.Fatalf("printed %q on error, want nothing", out.String())
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	if err := run([]string{"-h"}, &bytes.Buffer{}, rand.Reader); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h = %v, want flag.ErrHelp", err)
	}
}

func TestRunWriteError(t *testing.T) {
	if err := run([]string{"-name", "ci", "-role", "admin"}, failWriter{}, rand.Reader); err == nil || !strings.Contains(err.Error(), "write key") {
		t.Fatalf("got %v, want a write error", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
