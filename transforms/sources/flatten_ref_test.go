package sources

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// flattenJSONRef is the reference implementation of flattenJSON, built
// on encoding/json's tokenizer: simple and obviously right, but slow.
// FuzzFlattenJSON checks that both agree.
//
// It decodes one JSON object into flat string fields: nested
// objects become dotted names, arrays stay compact JSON text, numbers keep
// their input text, booleans are "true"/"false" and nulls are absent.
// Errors wrap ErrInvalidUTF8, ErrInvalidJSON, ErrNotObject or
// ErrDuplicateField.
func flattenJSONRef(data []byte) (map[string]string, error) {
	if !utf8.Valid(data) {
		return nil, invalidUTF8(data)
	}
	f := refFlattener{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	f.dec.UseNumber()
	tok, err := f.dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%w: empty input", ErrInvalidJSON)
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalidJSON, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if json.Valid(data) {
			return nil, fmt.Errorf("%w: found %s", ErrNotObject, jsonKind(tok))
		}
		return nil, fmt.Errorf("%w: %s is not followed by valid JSON", ErrInvalidJSON, jsonKind(tok))
	}
	f.fields = make(map[string]string, 16)
	if err := f.object(""); err != nil {
		return nil, err
	}
	if _, err := f.dec.Token(); err != io.EOF {
		if err == nil {
			return nil, fmt.Errorf("%w: data after the object at byte %d", ErrInvalidJSON, f.dec.InputOffset())
		}
		return nil, fmt.Errorf("%w: after the object: %v", ErrInvalidJSON, err)
	}
	return f.fields, nil
}

type refFlattener struct {
	data   []byte
	dec    *json.Decoder
	fields map[string]string
}

// object reads the members of an object whose '{' was consumed.
func (f *refFlattener) object(prefix string) error {
	for f.dec.More() {
		tok, err := f.dec.Token()
		if err != nil {
			return refSyntaxErr(err)
		}
		key, ok := tok.(string)
		if !ok { // cannot happen: Token reports non-string keys as errors
			return fmt.Errorf("%w: object key is %s", ErrInvalidJSON, jsonKind(tok))
		}
		if err := f.value(prefix + key); err != nil {
			return err
		}
	}
	if _, err := f.dec.Token(); err != nil { // '}'
		return refSyntaxErr(err)
	}
	return nil
}

func (f *refFlattener) value(name string) error {
	start := f.dec.InputOffset()
	tok, err := f.dec.Token()
	if err != nil {
		return refSyntaxErr(err)
	}
	var s string
	switch v := tok.(type) {
	case nil:
		return nil
	case string:
		s = v
	case json.Number:
		s = string(v)
	case bool:
		s = "false"
		if v {
			s = "true"
		}
	case json.Delim:
		if v == '{' {
			return f.object(name + ".")
		}
		// '[': skip to the matching ']' and keep the array's text.
		for depth := 1; depth > 0; {
			tok, err := f.dec.Token()
			if err != nil {
				return refSyntaxErr(err)
			}
			if d, ok := tok.(json.Delim); ok {
				if d == '[' || d == '{' {
					depth++
				} else {
					depth--
				}
			}
		}
		text := f.data[start:f.dec.InputOffset()]
		text = text[bytes.IndexByte(text, '['):]
		var buf bytes.Buffer
		buf.Grow(len(text))
		if err := json.Compact(&buf, text); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalidJSON, err)
		}
		s = buf.String()
	}
	if _, dup := f.fields[name]; dup {
		return fmt.Errorf("%w %q", ErrDuplicateField, name)
	}
	f.fields[name] = s
	return nil
}

func refSyntaxErr(err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: unexpected end of input", ErrInvalidJSON)
	}
	return fmt.Errorf("%w: %v", ErrInvalidJSON, err)
}
