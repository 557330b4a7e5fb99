// Package sources decodes linkbeam's input feeds into schemas.RawRecord
// values. It holds one decoder per file format, registered by type name in
// init() (csv, jsonl, json, parquet, avro), and the paged REST reader
// (rest_api, see RESTReader). It does not import Beam: the pipeline's read
// transforms call Open and drive the Decoder.
//
// # Errors
//
// Decoders report problems at two levels. A record-level problem (a ragged
// CSV row, a JSON line that does not parse, invalid UTF-8) comes back as a
// RawRecord whose Err is a *DecodeError and whose Raw holds the offending
// text; decoding continues with the next record. A file-level problem (an
// unreadable Parquet footer, a JSON document whose syntax breaks mid-array,
// duplicate CSV header names) is returned as the error of Next and ends the
// file. Next returns io.EOF after the last record.
//
// # Positions
//
// RawRecord.Position locates a record for error messages:
//
//	csv, jsonl   "items.csv:12"            line where the record starts (1-based)
//	json         "items.json item 3"       element of the record array (1-based)
//	parquet      "items.parquet row 12"    row in the file (1-based)
//	avro         "items.avro record 12"    record in the file (1-based)
//	rest_api     "https://host/p page 2 item 7"  (no query string, no credentials)
//
// # Field values
//
// Every value is a string. Nested objects are flattened with dotted names
// ("offer.price"); arrays are kept as compact JSON text ("[\"a\",\"b\"]");
// numbers keep their text exactly as written in the input; null values are
// absent. Raw is the record's input text (the CSV row, the JSON object;
// for parquet and avro the fields as a JSON object), truncated to
// schemas.MaxRawBytes on a rune boundary and made valid UTF-8.
package sources

import (
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/linkbeam/linkbeam/schemas"
)

// Decoder streams the raw records of one input file.
type Decoder interface {
	// Next returns the next record. A record-level problem comes back as a
	// record with Err and Raw set, and decoding continues; a non-nil error
	// is fatal for the file; io.EOF ends the stream.
	Next() (schemas.RawRecord, error)
}

// OpenFunc opens a decoder over one file's content. name is the file name
// used in positions ("items.csv:12"). The decoder reads r lazily; the
// caller keeps ownership of r and closes it after the last Next.
type OpenFunc func(r io.Reader, name string, src schemas.SourceConfig) (Decoder, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]OpenFunc{}
)

// Register makes a decoder available under a source type name. It is
// meant to be called from init() and panics if typ is empty, open is nil
// or typ is already registered.
func Register(typ string, open OpenFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if typ == "" || open == nil {
		panic("sources: Register called with an empty type or a nil OpenFunc")
	}
	if _, dup := registry[typ]; dup {
		panic(fmt.Sprintf("sources: Register called twice for type %q", typ))
	}
	registry[typ] = open
}

// Open returns the decoder registered for a source type.
func Open(typ string) (OpenFunc, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	open, ok := registry[typ]
	return open, ok
}

// Types lists the registered file types, sorted. rest_api is not among
// them: it is read by RESTReader, not from a file.
func Types() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	types := make([]string, 0, len(registry))
	for typ := range registry {
		types = append(types, typ)
	}
	sort.Strings(types)
	return types
}
