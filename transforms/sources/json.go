package sources

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() { Register("json", openJSON) }

// jsonDecoder reads one JSON document holding an array of record objects,
// either the document itself or the array at JSONOptions.RecordsPath (a
// dotted path of object keys, "data.items"). The document is streamed with
// json.Decoder tokens: only one element is in memory at a time.
//
// An element that is not an object, or holds invalid UTF-8 or a duplicate
// field, is a record error. A syntax error cannot be resynchronised, so it
// is fatal for the file (records before it have been returned). A missing
// RecordsPath is fatal; a null one, like an empty file, holds no records. Whatever follows the
// array in the document is not read.
type jsonDecoder struct {
	dec  *json.Decoder
	name string
	path string
	item int
	open bool // the records array's '[' has been consumed
	done bool
}

func openJSON(r io.Reader, name string, src schemas.SourceConfig) (Decoder, error) {
	br, _, err := textReader(r, src.JSON.Encoding)
	if err != nil {
		return nil, fmt.Errorf("opening %s as json: %w", name, err)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	return &jsonDecoder{dec: dec, name: name, path: src.JSON.RecordsPath}, nil
}

func (d *jsonDecoder) Next() (schemas.RawRecord, error) {
	if d.done {
		return schemas.RawRecord{}, io.EOF
	}
	if !d.open {
		found, err := d.seekArray()
		if err != nil {
			d.done = true
			return schemas.RawRecord{}, err
		}
		if !found {
			d.done = true
			return schemas.RawRecord{}, io.EOF
		}
		d.open = true
	}
	if !d.dec.More() {
		d.done = true
		if _, err := d.dec.Token(); err != nil { // ']'
			return schemas.RawRecord{}, d.fatal("reading the end of the records array", err)
		}
		return schemas.RawRecord{}, io.EOF
	}
	var raw json.RawMessage
	if err := d.dec.Decode(&raw); err != nil {
		d.done = true
		return schemas.RawRecord{}, d.fatal(fmt.Sprintf("decoding item %d", d.item+1), err)
	}
	d.item++
	text := string(raw)
	rec := schemas.RawRecord{
		Position: d.name + " item " + strconv.Itoa(d.item),
		Raw:      rawTextString(text),
	}
	fields, err := flattenJSON(text)
	if err != nil {
		rec.Err = &DecodeError{Position: rec.Position, Err: encodingHint(err, "json.encoding")}
	} else {
		rec.Fields = fields
	}
	return rec, nil
}

// seekArray consumes tokens up to and including the '[' of the records
// array. found is false when the path holds null.
func (d *jsonDecoder) seekArray() (found bool, err error) {
	var keys []string
	if d.path != "" {
		keys = strings.Split(d.path, ".")
	}
	for i := 0; ; i++ {
		at := "the document"
		if i > 0 {
			at = fmt.Sprintf("records_path %q at %q", d.path, strings.Join(keys[:i], "."))
		}
		tok, err := d.dec.Token()
		if err == io.EOF && i == 0 {
			return false, nil // an empty file, like an empty csv, has no records
		}
		if err != nil {
			return false, d.fatal("reading "+at, err)
		}
		if i == len(keys) {
			switch tok {
			case json.Delim('['):
				return true, nil
			case nil:
				return false, nil
			}
			return false, fmt.Errorf("reading %s: %s holds %s, not an array of records", d.name, at, jsonKind(tok))
		}
		if tok != json.Delim('{') {
			return false, fmt.Errorf("reading %s: %s holds %s, not an object with key %q", d.name, at, jsonKind(tok), keys[i])
		}
		if err := d.seekKey(keys[i]); err != nil {
			if errors.Is(err, errKeyNotFound) {
				return false, fmt.Errorf("reading %s: records_path %q: key %q not found in %s", d.name, d.path, keys[i], at)
			}
			return false, d.fatal("reading "+at, err)
		}
	}
}

var errKeyNotFound = errors.New("key not found")

// seekKey consumes an object's members, whose '{' was consumed, up to and
// including the key.
func (d *jsonDecoder) seekKey(key string) error {
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return err
		}
		if tok == key {
			return nil
		}
		if err := skipValue(d.dec); err != nil {
			return err
		}
	}
	return errKeyNotFound
}

// skipValue consumes one value token by token, without building it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

func (d *jsonDecoder) fatal(what string, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%s: %s (near byte %d): %w", d.name, what, d.dec.InputOffset(), err)
}
