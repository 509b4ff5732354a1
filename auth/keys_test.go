package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Keys used across the tests; each is at least MinKeyLength long.
const (
	keyReader  = "reader-key-0123456789abcdef"
	keyCurator = "curator-key-0123456789abcdef"
	keyAdmin   = "admin-key-0123456789abcdef"
)

func TestHashKey(t *testing.T) {
	// sha256 of the empty string, a published test vector.
	want := "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := HashKey(""); got != want {
		t.Fatalf("HashKey(\"\") = %q, want %q", got, want)
	}
}

type entrySummary struct{ Name, Role, Where string }

func summarize(s *keySet) []entrySummary {
	var out []entrySummary
	for _, e := range s.entries {
		out = append(out, entrySummary{e.name, e.role.String(), e.where})
	}
	return out
}

func TestKeysFileGood(t *testing.T) {
	content := strings.Join([]string{
		"# API keys: name role hash",
		"",
		"ci-reader reader " + HashKey(keyReader),
		"   ",
		"curator@example.org curator " + HashKey(keyCurator) + "  # added for the import job",
		// Upper-case hex is accepted; tabs separate as well as spaces.
		"ops.admin\tadmin\tsha256:" + strings.ToUpper(HashKey(keyAdmin)[len("sha256:"):]),
	}, "\n")
	path := writeFile(t, "keys.txt", content)

	s := newKeySet()
	if err := s.loadFile(path); err != nil {
		t.Fatalf("loadFile: %v", err)
	}
	want := []entrySummary{
		{"ci-reader", "reader", path + ":3"},
		{"curator@example.org", "curator", path + ":5"},
		{"ops.admin", "admin", path + ":6"},
	}
	if diff := cmp.Diff(want, summarize(s)); diff != "" {
		t.Fatalf("entries (-want +got):\n%s", diff)
	}
	for key, name := range map[string]string{keyReader: "ci-reader", keyCurator: "curator@example.org", keyAdmin: "ops.admin"} {
		if e, ok := s.lookup(key); !ok || e.name != name {
			t.Errorf("lookup(key of %s) = %q, %v; want %q", name, e.name, ok, name)
		}
	}
	if e, ok := s.lookup("not-a-key-0123456789abcdef"); ok {
		t.Errorf("lookup(unknown key) found %q, want nothing", e.name)
	}
}

func TestKeysFileBadLines(t *testing.T) {
	good := "first reader " + HashKey(keyReader)
	tests := []struct {
		name string
		line string // written as line 3, after a comment and a good line
		want string // the error after "keys.txt:3: "
	}{
		{name: "too few fields", line: "ci reader", want: `want "<name> <role> sha256:<64 hex digits>", got 2 fields`},
		{name: "too many fields", line: "ci reader x " + HashKey(keyAdmin), want: "got 4 fields"},
		{name: "unknown role", line: "ci root " + HashKey(keyAdmin), want: `role "root": want reader, curator or admin`},
		{name: "hash without prefix", line: "ci admin " + HashKey(keyAdmin)[len("sha256:"):], want: "hash: want sha256: followed by 64 hex digits"},
		{name: "other algorithm", line: "ci admin md5:d41d8cd98f00b204e9800998ecf8427e", want: "hash: want sha256: followed by 64 hex digits"},
		{name: "short hash", line: "ci admin " + HashKey(keyAdmin)[:60], want: "hash: want sha256: followed by 64 hex digits"},
		{name: "not hex", line: "ci admin sha256:" + strings.Repeat("zz", 32), want: "hash: want sha256: followed by 64 hex digits"},
		{name: "bad name", line: "c/i admin " + HashKey(keyAdmin), want: `name "c/i": use letters, digits`},
		{name: "long name", line: strings.Repeat("n", 65) + " admin " + HashKey(keyAdmin), want: "want 1 to 64 characters"},
		{name: "duplicate name", line: "first admin " + HashKey(keyAdmin), want: `duplicate name "first" (first at `},
		{name: "duplicate hash", line: "second admin " + HashKey(keyReader), want: `key "second" has the same hash as the key at `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "keys.txt", "# keys\n"+good+"\n"+tc.line+"\n")
			_, err := New(Config{KeysFile: path})
			if err == nil {
				t.Fatalf("New accepted line %q, want error %q", tc.line, tc.want)
			}
			if !containsAll(err.Error(), path+":3: ", tc.want) {
				t.Fatalf("got error %q, want it to contain %q and %q", err, path+":3: ", tc.want)
			}
			var le *LineError
			if !errors.As(err, &le) || le.Source != path || le.Line != 3 {
				t.Fatalf("got error %#v, want a *LineError for %s line 3", err, path)
			}
		})
	}
}

func TestKeysFileReportsEveryBadLine(t *testing.T) {
	path := writeFile(t, "keys.txt", "a root "+HashKey(keyReader)+"\nb reader nohash\n")
	_, err := New(Config{KeysFile: path})
	if err == nil || !containsAll(err.Error(), path+":1: role", path+":2: hash") {
		t.Fatalf("got error %v, want both lines 1 and 2 named", err)
	}
}

func TestKeysErrorsNeverQuoteTheKey(t *testing.T) {
	// An operator pasting the key itself where its hash belongs.
	path := writeFile(t, "keys.txt", "ci admin "+keyAdmin+"\n")
	_, err := New(Config{KeysFile: path})
	if err == nil {
		t.Fatal("New accepted a raw key as a hash")
	}
	if strings.Contains(err.Error(), keyAdmin) {
		t.Fatalf("error %q contains the key", err)
	}
}

func TestKeysFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.txt")
	_, err := New(Config{KeysFile: path})
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("got error %v, want a not-exist error naming %s", err, path)
	}
}

func TestKeysValue(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		value   string
		want    []string // names loaded
		wantErr string
	}{
		{
			name:  "entries separated by semicolons",
			value: "a reader " + HashKey(keyReader) + "; b admin " + HashKey(keyAdmin) + ";",
			want:  []string{"a", "b"},
		},
		{
			name:  "file and value together",
			file:  "a reader " + HashKey(keyReader) + "\n",
			value: "b curator " + HashKey(keyCurator),
			want:  []string{"a", "b"},
		},
		{
			name:    "bad entry names its position",
			value:   "a reader " + HashKey(keyReader) + ";b boss " + HashKey(keyAdmin),
			wantErr: `API keys value:2: role "boss"`,
		},
		{
			name:    "duplicate across file and value",
			file:    "a reader " + HashKey(keyReader) + "\n",
			value:   "a admin " + HashKey(keyAdmin),
			wantErr: `API keys value:1: duplicate name "a" (first at `,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Keys: tc.value}
			if tc.file != "" {
				cfg.KeysFile = writeFile(t, "keys.txt", tc.file)
			}
			a, err := New(cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			var got []string
			for _, e := range a.keys.entries {
				got = append(got, e.name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("names (-want +got):\n%s", diff)
			}
		})
	}
}
