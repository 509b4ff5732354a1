// Package export writes a model.GraphDocument in the formats people take the
// graph away in, and reads the JSON form back for a restore or an import:
//
//   - JSON, the lossless form: WriteJSON and ReadJSON, which checks a
//     document and reports every problem with its line;
//   - CSV, one file per node label and per relationship type, for
//     spreadsheets: WriteCSV, WriteCSVZip and WriteCSVDir;
//   - GraphML, for graph tools such as Gephi and yEd: WriteGraphML.
//
// Every writer is deterministic: the same document gives the same bytes, so
// exports can be compared and kept under version control.
package export
