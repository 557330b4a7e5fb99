package schemas

// RawRecord is one record as a source reader decoded it, before mapping.
type RawRecord struct {
	// Fields holds the record's values by source field name. Nested JSON
	// objects are flattened with dotted names ("offer.price"); numbers and
	// booleans are rendered as JSON renders them; null is absent.
	Fields map[string]string
	// Raw is the record's original text (a CSV line, a JSON object), kept
	// for the dead-letter output. Readers truncate it to MaxRawBytes.
	Raw string
	// Position locates the record for error messages: "file.csv:12".
	Position string
	// Err is a record-level decode error; the record goes to rejected/.
	Err error
}

// MaxRawBytes bounds RawRecord.Raw so a 10 MB field cannot bloat the
// dead-letter output.
const MaxRawBytes = 64 << 10
