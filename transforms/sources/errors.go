package sources

import (
	"errors"
	"fmt"
)

// Sentinel causes of record-level errors, for errors.Is. CSV quoting
// problems wrap encoding/csv's own sentinels (csv.ErrQuote,
// csv.ErrBareQuote) instead.
var (
	// ErrFieldCount: a CSV row has more or fewer fields than the header.
	ErrFieldCount = errors.New("wrong number of fields")
	// ErrInvalidUTF8: the record's text is not valid UTF-8 (and the
	// source's encoding is utf-8). Readers never replace bad bytes silently.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrInvalidJSON: a JSON record does not parse (this includes NaN and
	// Infinity, which JSON does not have).
	ErrInvalidJSON = errors.New("invalid JSON")
	// ErrNotObject: a JSON record is valid JSON but not an object.
	ErrNotObject = errors.New("not a JSON object")
	// ErrDuplicateField: two values of one record flatten to the same field
	// name ({"id":1,"id":2} or {"a.b":1,"a":{"b":2}}).
	ErrDuplicateField = errors.New("duplicate field")
)

// DecodeError says why a decoder in this package could not decode one raw
// record: it is the type of schemas.RawRecord.Err for every record they
// reject. The mapper turns it into a schemas.RejectError.
type DecodeError struct {
	Position string // where the record starts: "items.csv:12"
	Field    string // the field at fault, when known
	Err      error  // the cause; wraps one of the sentinels above
}

func (e *DecodeError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: field %q: %v", e.Position, e.Field, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Position, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }
