// Package schemas holds linkbeam's unified product record, the job
// configuration, source schema mappings, data contracts and the output row
// types written to Parquet and BigQuery.
package schemas

import "strings"

// Product is the unified product record every source is mapped to.
//
// Fields are exported because Beam's schema coder drops unexported ones.
// ProductFields (fields.go) lists them for the codec, fingerprints,
// mapping and survivorship: adding a field means adding it there and to
// the output rows' ProductColumns (its tests say where).
type Product struct {
	Source       string // source name from the config
	SourceID     string // the record's id inside its source
	Title        string
	Description  string
	Brand        string
	Manufacturer string
	Category     string
	Price        float64 // meaningful only when HasPrice
	HasPrice     bool
	Currency     string // ISO 4217 code, upper case; empty when unknown
	ModelNumber  string
	GTIN         string
	URL          string
	UpdatedAt    int64 // Unix microseconds, UTC; 0 when unknown
}

// Key identifies a record across sources: source and source id joined by a
// separator that cannot occur in a source name.
func (p *Product) Key() string { return RecordKey(p.Source, p.SourceID) }

// keySeparator joins a RecordKey's parts.
const keySeparator = ":"

// RecordKey builds the key of Product.Key from its parts.
func RecordKey(source, sourceID string) string { return source + keySeparator + sourceID }

// KeySource returns the source of a RecordKey.
func KeySource(key string) string {
	source, _, _ := strings.Cut(key, keySeparator)
	return source
}

// PairKey is the key of a pair of records: their record keys in order,
// a < b, as the job scores them.
func PairKey(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}
