package export

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// zipTime is the modification time of every file in a CSV archive: a fixed
// time keeps the archive the same for the same document. 1980 is the
// earliest a zip entry can record.
func zipTime() time.Time { return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) }

// WriteCSVZip writes the files of WriteCSV to w as a zip archive.
func WriteCSVZip(w io.Writer, doc model.GraphDocument) error {
	files, err := WriteCSV(doc)
	if err != nil {
		return fmt.Errorf("write csv zip: %w", err)
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: zipTime()}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("write csv zip: %s: %w", f.Name, err)
		}
		if _, err := fw.Write(f.Data); err != nil {
			return fmt.Errorf("write csv zip: %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write csv zip: %w", err)
	}
	return nil
}

// WriteCSVDir writes the files of WriteCSV into dir, creating it if needed
// and replacing files of the same name. Files of an earlier export that
// this one does not write, such as a label no longer present, stay.
func WriteCSVDir(dir string, doc model.GraphDocument) error {
	// Build every file first, so a document that cannot be written leaves
	// the directory alone.
	files, err := WriteCSV(doc)
	if err != nil {
		return fmt.Errorf("write csv dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write csv dir: %w", err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return fmt.Errorf("write csv dir: %w", err)
		}
	}
	return nil
}
