package neo4jstore

import (
	"encoding/json"
	"strconv"
)

// jsonOut builds the answer of a compiled read as JSON text, value by
// value, in the order of the selection.
type jsonOut struct{ b []byte }

const hexDigits = "0123456789abcdef"

// str writes s quoted the way gqlgen writes strings.
func (w *jsonOut) str(s string) {
	w.b = append(w.b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		w.b = append(w.b, s[start:i]...)
		switch c {
		case '\t':
			w.b = append(w.b, `\t`...)
		case '\r':
			w.b = append(w.b, `\r`...)
		case '\n':
			w.b = append(w.b, `\n`...)
		case '\\':
			w.b = append(w.b, `\\`...)
		case '"':
			w.b = append(w.b, `\"`...)
		default:
			w.b = append(w.b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	w.b = append(w.b, s[start:]...)
	w.b = append(w.b, '"')
}

// optStr writes s, or null when it is nil.
func (w *jsonOut) optStr(s *string) {
	if s == nil {
		w.null()
		return
	}
	w.str(*s)
}

func (w *jsonOut) null() { w.b = append(w.b, "null"...) }

func (w *jsonOut) int(n int64) { w.b = strconv.AppendInt(w.b, n, 10) }

func (w *jsonOut) bool(v bool) { w.b = strconv.AppendBool(w.b, v) }

// float writes f as gqlgen does ("%g").
func (w *jsonOut) float(f float64) { w.b = strconv.AppendFloat(w.b, f, 'g', -1, 64) }

// value writes any JSON-encodable value (a JSON scalar's map).
func (w *jsonOut) value(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.b = append(w.b, b...)
	return nil
}

func (w *jsonOut) key(first bool, k string) {
	if !first {
		w.b = append(w.b, ',')
	}
	w.str(k)
	w.b = append(w.b, ':')
}

func (w *jsonOut) open(c byte)  { w.b = append(w.b, c) }
func (w *jsonOut) close(c byte) { w.b = append(w.b, c) }
func (w *jsonOut) comma()       { w.b = append(w.b, ',') }
