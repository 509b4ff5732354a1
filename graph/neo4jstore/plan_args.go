package neo4jstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/coe-child-online/knowledge-graph/graph/model"
)

// gqlUnmarshaler is how the schema's scalars and enums read themselves
// from GraphQL input values (model.Date, the generated enums).
type gqlUnmarshaler interface{ UnmarshalGQL(v any) error }

var unmarshalerType = reflect.TypeFor[gqlUnmarshaler]()

// decodeArg reads an argument of a selection into T, a Go type of the
// model (*model.CountryWhere, []model.CountrySort, *model.Date...), for
// the request whose variables are vars. A value its type refuses (a
// malformed date, say) is a BAD_USER_INPUT error naming the argument.
func decodeArg[T any](sel *model.Selection, name string, vars map[string]any) (T, error) {
	var zero T
	in, ok := sel.Args[name]
	if !ok {
		return zero, nil
	}
	v, err := decodeInput(in.Resolve(vars), reflect.TypeFor[T](), name)
	if err != nil {
		return zero, err
	}
	return v.Interface().(T), nil
}

// decodeInput reads raw, a GraphQL input value as model.Input.Resolve
// gives it, into a value of type t. The validator has already checked it
// against the schema; what remains is what only the type can tell (dates)
// and the coercions GraphQL allows (a single value for a list, an integer
// for an ID).
func decodeInput(raw any, t reflect.Type, path string) (reflect.Value, error) {
	if raw == nil {
		return reflect.Zero(t), nil
	}
	bad := func(format string, args ...any) (reflect.Value, error) {
		return reflect.Value{}, model.Errorf(model.CodeBadUserInput, "argument %s: %s", path, fmt.Sprintf(format, args...))
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		v := reflect.New(t)
		if err := v.Interface().(gqlUnmarshaler).UnmarshalGQL(raw); err != nil {
			return bad("%s", model.ErrorMessage(err))
		}
		return v.Elem(), nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		v, err := decodeInput(raw, t.Elem(), path)
		if err != nil {
			return v, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(v)
		return p, nil
	case reflect.Slice:
		items, ok := raw.([]any)
		if !ok {
			items = []any{raw}
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, it := range items {
			v, err := decodeInput(it, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return v, err
			}
			s.Index(i).Set(v)
		}
		return s, nil
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok {
			return bad("want an object, got %T", raw)
		}
		return reflect.ValueOf(m), nil
	case reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			return bad("want an input object, got %T", raw)
		}
		v := reflect.New(t).Elem()
		for i := 0; i < t.NumField(); i++ {
			name := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
			if name == "" || name == "-" {
				continue
			}
			fv, err := decodeInput(m[name], t.Field(i).Type, path+"."+name)
			if err != nil {
				return fv, err
			}
			v.Field(i).Set(fv)
		}
		return v, nil
	case reflect.String:
		switch x := raw.(type) {
		case string:
			return reflect.ValueOf(x).Convert(t), nil
		case json.Number:
			return reflect.ValueOf(x.String()).Convert(t), nil
		}
		if n, ok := model.Number(raw); ok {
			return reflect.ValueOf(strconv.FormatInt(n, 10)).Convert(t), nil
		}
		return bad("want text, got %T", raw)
	case reflect.Int, reflect.Int64:
		n, ok := model.Number(raw)
		if !ok {
			return bad("want a whole number, got %v", raw)
		}
		return reflect.ValueOf(n).Convert(t), nil
	case reflect.Float64:
		switch x := raw.(type) {
		case float64:
			return reflect.ValueOf(x), nil
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				return bad("want a number, got %q", x)
			}
			return reflect.ValueOf(f), nil
		}
		if n, ok := model.Number(raw); ok {
			return reflect.ValueOf(float64(n)), nil
		}
		return bad("want a number, got %T", raw)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return bad("want true or false, got %T", raw)
		}
		return reflect.ValueOf(b), nil
	case reflect.Interface:
		return reflect.ValueOf(raw), nil
	}
	return reflect.Value{}, fmt.Errorf("argument %s: no decoder for %s", path, t)
}
