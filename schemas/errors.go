package schemas

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by RejectError, for errors.Is.
var (
	ErrMissingField     = errors.New("missing required field")
	ErrInvalidPrice     = errors.New("invalid price")
	ErrInvalidTimestamp = errors.New("invalid timestamp")
	ErrInvalidCurrency  = errors.New("invalid currency")
	ErrDecode           = errors.New("cannot decode record")
	ErrOutOfRange       = errors.New("value out of range")
)

// RejectError is why one record is rejected: it could not be decoded,
// mapped or it broke its schema's contract. Such records go to the
// dead-letter output as a RejectRow instead of failing the job. (A
// reader's own decode error is sources.DecodeError; Map wraps it in one.)
type RejectError struct {
	Source   string // source name
	SourceID string // the record's id; empty when it has none or could not be decoded
	Field    string // unified field name; empty for whole-record errors
	Reason   string // human-readable detail; Err's text when empty
	Position string // "file.jsonl:18" or whatever the reader could tell
	Err      error  // the cause; wraps one of the Err* sentinels
}

// Error renders the error as
//
//	shop: record 17 (file.jsonl:18): field price: invalid price "abc"
//
// leaving out the parts that are unknown.
func (e *RejectError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	sep := func() {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
	}
	switch {
	case e.SourceID != "" && e.Position != "":
		sep()
		b.WriteString("record " + e.SourceID + " (" + e.Position + ")")
	case e.SourceID != "":
		sep()
		b.WriteString("record " + e.SourceID)
	case e.Position != "":
		sep()
		b.WriteString(e.Position)
	}
	if e.Field != "" {
		sep()
		b.WriteString("field " + e.Field)
	}
	sep()
	b.WriteString(e.reason())
	return b.String()
}

func (e *RejectError) reason() string {
	switch {
	case e.Reason != "":
		return e.Reason
	case e.Err != nil:
		return e.Err.Error()
	}
	return "invalid record"
}

// Unwrap returns the cause, so errors.Is(err, ErrInvalidPrice) works.
func (e *RejectError) Unwrap() error { return e.Err }

// ConfigError is one problem in a configuration file. Load and Parse return
// all of them at once, joined with errors.Join and sorted by line.
type ConfigError struct {
	File string // as given to Load or Parse
	Line int    // 1-based; 0 when unknown (configs built in code)
	Path string // YAML key path: "sources.shop.csv"
	Err  error
}

// Error renders the error as
//
//	demo.yaml:12: sources.shop.csv: unknown key "delimter"
func (e *ConfigError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		b.WriteString(e.File + ":" + strconv.Itoa(e.Line) + ": ")
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }
