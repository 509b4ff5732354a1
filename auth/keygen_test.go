package auth

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

func TestGenerateKey(t *testing.T) {
	key, err := GenerateKey(bytes.NewReader(bytes.Repeat([]byte{0xff}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("_", 42) + "8"; key != want {
		t.Fatalf("GenerateKey = %q, want %q", key, want)
	}
	if _, err := GenerateKey(iotest.ErrReader(iotest.ErrTimeout)); err == nil {
		t.Fatal("GenerateKey ignored a failing reader")
	}
	if _, err := GenerateKey(bytes.NewReader(make([]byte, 10))); err == nil {
		t.Fatal("GenerateKey accepted 10 random bytes")
	}
}

func TestKeyLine(t *testing.T) {
	tests := []struct {
		name, keyName string
		role          Role
		key           string
		want          string // the whole line, or a fragment of the error
		wantErr       bool
	}{
		{name: "good", keyName: "ci", role: RoleCurator, key: keyCurator, want: "ci curator " + HashKey(keyCurator)},
		{name: "short key", keyName: "ci", role: RoleReader, key: strings.Repeat("k", 23), want: "23 characters, want at least 24", wantErr: true},
		{name: "key of minimum length", keyName: "ci", role: RoleReader, key: strings.Repeat("k", 24), want: "ci reader " + HashKey(strings.Repeat("k", 24))},
		{name: "key with a blank", keyName: "ci", role: RoleReader, key: "two words and enough chars", want: "one word", wantErr: true},
		{name: "key shaped like a JWT", keyName: "ci", role: RoleReader, key: "aaaaaaaaaa.bbbbbbbbbb.cccccccccc", want: "JWT", wantErr: true},
		{name: "role none", keyName: "ci", role: RoleNone, key: keyReader, want: "role none", wantErr: true},
		{name: "bad name", keyName: "c i", role: RoleReader, key: keyReader, want: `name "c i"`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := KeyLine(tc.keyName, tc.role, tc.key)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %q, %v; want an error containing %q", got, err, tc.want)
				}
				if strings.Contains(err.Error(), tc.key) {
					t.Fatalf("error %q contains the key", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			if _, err := parseKeyLine(got); err != nil {
				t.Fatalf("parseKeyLine(%q): %v", got, err)
			}
		})
	}
}
