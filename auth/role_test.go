package auth

import "testing"

func TestParseRole(t *testing.T) {
	tests := []struct {
		name, in string
		want     Role
		wantErr  string
	}{
		{name: "reader", in: "reader", want: RoleReader},
		{name: "curator", in: "curator", want: RoleCurator},
		{name: "admin", in: "admin", want: RoleAdmin},
		{name: "case does not matter", in: "Admin", want: RoleAdmin},
		{name: "none is not grantable", in: "none", wantErr: `role "none": want reader, curator or admin`},
		{name: "unknown", in: "root", wantErr: `role "root": want reader, curator or admin`},
		{name: "empty", in: "", wantErr: `role "": want reader, curator or admin`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRole(tc.in)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("ParseRole(%q) error = %v, want %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseRole(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			if back, err := ParseRole(got.String()); err != nil || back != got {
				t.Fatalf("ParseRole(%v.String()) = %v, %v; want a round trip", got, back, err)
			}
		})
	}
}

func TestRoleOrderAndString(t *testing.T) {
	if !(RoleNone < RoleReader && RoleReader < RoleCurator && RoleCurator < RoleAdmin) {
		t.Fatal("roles are not ordered none < reader < curator < admin")
	}
	for r, want := range map[Role]string{RoleNone: "none", RoleReader: "reader", RoleCurator: "curator", RoleAdmin: "admin", Role(9): "Role(9)"} {
		if got := r.String(); got != want {
			t.Errorf("Role(%d).String() = %q, want %q", int(r), got, want)
		}
	}
}

func TestClientID(t *testing.T) {
	tests := []struct {
		name string
		p    Principal
		want string
	}{
		{name: "api key", p: Principal{Name: "ci", Role: RoleAdmin, Method: MethodAPIKey}, want: "key:ci"},
		{name: "jwt", p: Principal{Name: "user-1", Role: RoleReader, Method: MethodJWT}, want: "jwt:user-1"},
		{name: "anonymous", p: Principal{Role: RoleReader, Method: MethodAnonymous}, want: ""},
		{name: "zero", p: Principal{}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.ClientID(); got != tc.want {
				t.Fatalf("ClientID() = %q, want %q", got, tc.want)
			}
		})
	}
}
