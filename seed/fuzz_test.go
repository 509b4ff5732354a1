package seed

import (
	"errors"
	"testing"
	"testing/fstest"
)

// FuzzReadCountries feeds arbitrary text as countries.csv: reading never
// panics, and it either succeeds or lists problems with their file.
func FuzzReadCountries(f *testing.F) {
	base := fstest.MapFS{}
	for _, name := range []string{FileRetrieved, FileEntities, FileNamesFr, FileRelations, FileTreatyParties} {
		b, err := Embedded().(interface{ ReadFile(string) ([]byte, error) }).ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		base[name] = &fstest.MapFile{Data: b}
	}
	f.Add("id,iso2,iso3,name,name_fr,coe_status,coe_accession,coe_left,sources\ncountry-al,AL,ALB,Albania,,member,1995-07-13,,https://example.org\n")
	f.Add("id,iso2\n\"unterminated")
	f.Add("")
	f.Fuzz(func(t *testing.T, csv string) {
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		fsys[FileCountries] = &fstest.MapFile{Data: []byte(csv)}
		_, err := Read(fsys)
		var verr *ValidationError
		if err != nil && !errors.As(err, &verr) {
			t.Fatalf("Read: %v is not a validation error", err)
		}
		if verr != nil {
			for _, p := range verr.Problems {
				if p.File == "" {
					t.Fatalf("problem without a file: %+v", p)
				}
			}
		}
	})
}
