package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
)

// parser walks a JSON text that is known to be well formed, one value at a
// time, so that every value can be tied to the line it starts on.
type parser struct {
	data     []byte
	newlines []int // byte offsets of every '\n' in data
	dec      *json.Decoder
	problems []Problem
}

func newParser(data []byte) *parser {
	p := &parser{data: data}
	for i, c := range data {
		if c == '\n' {
			p.newlines = append(p.newlines, i)
		}
	}
	p.dec = json.NewDecoder(bytes.NewReader(data))
	// Properties keep the difference between 2 and 2.0; see plain.
	p.dec.UseNumber()
	return p
}

func (p *parser) add(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// lineAt returns the 1-based line of the byte at off.
func (p *parser) lineAt(off int) int { return sort.SearchInts(p.newlines, off) + 1 }

// next returns the offset of the next value. The decoder's offset stops
// after the previous token, before the separators that lead to the value.
func (p *parser) next() int {
	i := int(p.dec.InputOffset())
	for i < len(p.data) {
		switch p.data[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
			continue
		}
		break
	}
	return i
}

func (p *parser) nextLine() int { return p.lineAt(p.next()) }

func (p *parser) nextByte() byte {
	if i := p.next(); i < len(p.data) {
		return p.data[i]
	}
	return 0
}

// null consumes the next value if it is null. A null member counts as left
// out, as it does for encoding/json.
func (p *parser) null() (bool, error) {
	if p.nextByte() != 'n' {
		return false, nil
	}
	return true, p.skip()
}

func (p *parser) skip() error {
	var raw json.RawMessage
	return p.dec.Decode(&raw)
}

// decode reads the next value into dst. A value of the wrong type is a
// problem of the document, at line; the decoder has then still consumed the
// whole value, so reading goes on.
func (p *parser) decode(line int, what string, dst any) error {
	err := p.dec.Decode(dst)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		p.add(line, "%s: want %s, got %s", what, kindName(te.Type), te.Value)
		return nil
	}
	return err
}

func kindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "a list of strings"
		}
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// object reads the object that comes next, calling member with each
// member's name and the line of its value. Names outside fields (when
// fields is not nil) and names given twice are problems. ok is false when
// the value is not an object; it has then been skipped.
func (p *parser) object(what string, fields []string, member func(name string, line int) error) (ok bool, err error) {
	line := p.nextLine()
	if p.nextByte() != '{' {
		p.add(line, "%s: want an object", what)
		return false, p.skip()
	}
	if _, err := p.dec.Token(); err != nil {
		return false, err
	}
	seen := map[string]bool{}
	for p.dec.More() {
		keyLine := p.nextLine()
		tok, err := p.dec.Token()
		if err != nil {
			return false, err
		}
		name, _ := tok.(string)
		switch {
		case fields != nil && !slices.Contains(fields, name):
			p.add(keyLine, "unknown field %q in %s", name, what)
			err = p.skip()
		case seen[name]:
			p.add(keyLine, "field %q given twice in %s", name, what)
			err = p.skip()
		default:
			seen[name] = true
			err = member(name, p.nextLine())
		}
		if err != nil {
			return false, err
		}
	}
	_, err = p.dec.Token()
	return err == nil, err
}

// array reads the array that comes next, calling element with the line each
// element starts on.
func (p *parser) array(what string, element func(line int) error) error {
	if p.nextByte() != '[' {
		p.add(p.nextLine(), "%s: want a list", what)
		return p.skip()
	}
	if _, err := p.dec.Token(); err != nil {
		return err
	}
	for p.dec.More() {
		if err := element(p.nextLine()); err != nil {
			return err
		}
	}
	_, err := p.dec.Token()
	return err
}
