package sources

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() { Register("csv", openCSV) }

// csvDecoder reads delimited text with encoding/csv (RFC 4180 quoting,
// LazyQuotes off, multi-line quoted fields, CRLF or LF).
//
// The first row names the fields; names are trimmed of surrounding
// spaces and an empty name becomes col<N> (N is the 1-based column). With
// CSVOptions.NoHeader the fields are col1..colN and the first row's width
// fixes N. Duplicate names are fatal. Empty values are kept as "" (CSV
// cannot tell empty from null). Empty lines are skipped; a file with no
// rows or only a header has no records.
//
// Record errors: a row whose width differs from the header's
// (ErrFieldCount), a row with a misplaced quote (csv.ErrBareQuote,
// csv.ErrQuote; the reader resumes at the next line) and, with utf-8
// encoding, invalid UTF-8 (ErrInvalidUTF8, suggesting csv.encoding). A
// quoted field left open runs to the end of the file: that row is a record
// error and the next call to Next returns a fatal error naming the line
// where the quote opened.
type csvDecoder struct {
	r        *csv.Reader
	tap      *rawTap
	name     string
	header   []string
	utf8     bool  // the text is unchecked UTF-8
	prev     int64 // input offset after the previous row
	lastLine int   // line where the previous row ended
	fatal    error // returned by the next call of Next
}

func openCSV(r io.Reader, name string, src schemas.SourceConfig) (Decoder, error) {
	opts := src.CSV
	text, unchecked, err := textReader(r, opts.Encoding)
	if err != nil {
		return nil, fmt.Errorf("opening %s as csv: %w", name, err)
	}
	tap := &rawTap{r: text}
	cr := csv.NewReader(tap)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if cr.Comma, err = oneRune("delimiter", opts.Delimiter, ','); err != nil {
		return nil, fmt.Errorf("opening %s as csv: %w", name, err)
	}
	if cr.Comment, err = oneRune("comment", opts.Comment, 0); err != nil {
		return nil, fmt.Errorf("opening %s as csv: %w", name, err)
	}
	if !validDelim(cr.Comma) || cr.Comma == cr.Comment {
		return nil, fmt.Errorf("opening %s as csv: invalid delimiter %q", name, cr.Comma)
	}
	if cr.Comment != 0 && !validDelim(cr.Comment) {
		return nil, fmt.Errorf("opening %s as csv: invalid comment character %q", name, cr.Comment)
	}
	d := &csvDecoder{r: cr, tap: tap, name: name, utf8: unchecked}
	if !opts.NoHeader {
		if err := d.readHeader(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func oneRune(what, s string, def rune) (rune, error) {
	if s == "" {
		return def, nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if size != len(s) || r == utf8.RuneError {
		return 0, fmt.Errorf("csv %s %q must be one character", what, s)
	}
	return r, nil
}

// validDelim mirrors encoding/csv's rule for Comma and Comment.
func validDelim(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

func (d *csvDecoder) readHeader() error {
	row, err := d.r.Read()
	raw := d.take()
	if err == io.EOF {
		d.header = []string{} // empty file: no records
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the header of %s: %w", d.name, err)
	}
	if d.utf8 && !utf8.Valid(raw) {
		return fmt.Errorf("reading the header of %s: %w", d.name, encodingHint(invalidUTF8(raw), "csv.encoding"))
	}
	seen := make(map[string]int, len(row))
	d.header = make([]string, len(row))
	for i, h := range row {
		h = strings.TrimSpace(h)
		if h == "" {
			h = "col" + strconv.Itoa(i+1)
		}
		if j, dup := seen[h]; dup {
			return fmt.Errorf("reading the header of %s: column %d repeats the name %q of column %d", d.name, i+1, h, j+1)
		}
		seen[h] = i
		d.header[i] = h
	}
	return nil
}

func (d *csvDecoder) Next() (schemas.RawRecord, error) {
	if d.fatal != nil {
		return schemas.RawRecord{}, d.fatal
	}
	row, err := d.r.Read()
	raw := d.take()
	if err == io.EOF {
		return schemas.RawRecord{}, io.EOF
	}
	var pe *csv.ParseError
	if err != nil && !errors.As(err, &pe) {
		return schemas.RawRecord{}, fmt.Errorf("reading %s after line %d: %w", d.name, d.lastLine, err)
	}
	var line int
	if pe != nil {
		line, d.lastLine = pe.StartLine, pe.Line
	} else {
		line, _ = d.r.FieldPos(0)
		d.lastLine, _ = d.r.FieldPos(len(row) - 1)
	}
	rec := schemas.RawRecord{
		Position: d.name + ":" + strconv.Itoa(line),
		Raw:      rawText(trimNewlines(raw)),
	}
	if pe != nil {
		rec.Err = &DecodeError{Position: rec.Position, Err: pe}
		if errors.Is(pe, csv.ErrQuote) && pe.Line > pe.StartLine && d.tap.consumedAll(d.r.InputOffset()) {
			// A quoted field opened on StartLine swallowed every line up
			// to the end of the file: nothing after it can be trusted.
			d.fatal = fmt.Errorf("reading %s: the quoted field opened at %s:%d is still open at the end of the file (line %d): %w",
				d.name, d.name, pe.StartLine, pe.Line, csv.ErrQuote)
		}
		return rec, nil
	}
	if d.header == nil { // NoHeader: the first row fixes the width
		d.header = make([]string, len(row))
		for i := range row {
			d.header[i] = "col" + strconv.Itoa(i+1)
		}
	}
	if len(row) != len(d.header) {
		rec.Err = &DecodeError{Position: rec.Position,
			Err: fmt.Errorf("%w: %d, the header has %d", ErrFieldCount, len(row), len(d.header))}
		return rec, nil
	}
	if d.utf8 && !utf8.Valid(raw) {
		for i, v := range row {
			if !utf8.ValidString(v) {
				rec.Err = &DecodeError{Position: rec.Position, Field: d.header[i], Err: encodingHint(invalidUTF8([]byte(v)), "csv.encoding")}
				return rec, nil
			}
		}
		// The bad bytes are outside the fields' text (a skipped comment line).
	}
	rec.Fields = make(map[string]string, len(row))
	for i, v := range row {
		rec.Fields[d.header[i]] = v
	}
	return rec, nil
}

// take returns the input text of the row just read and forgets it.
func (d *csvDecoder) take() []byte {
	off := d.r.InputOffset()
	raw := d.tap.slice(d.prev, off)
	d.prev = off
	return raw
}

func trimNewlines(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// rawTap keeps the bytes csv.Reader has read and not yet claimed, so the
// decoder can recover each row's original text from InputOffset.
type rawTap struct {
	r    io.Reader
	buf  []byte // input bytes from offset base on
	base int64
	eof  bool
}

func (t *rawTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	if err == io.EOF {
		t.eof = true
	}
	return n, err
}

// slice returns input bytes [from, to) and drops the bytes before to. The
// result is valid until the next Read.
func (t *rawTap) slice(from, to int64) []byte {
	if from < t.base || to < from || to-t.base > int64(len(t.buf)) {
		return nil // cannot happen with offsets from csv.Reader
	}
	b := t.buf[from-t.base : to-t.base]
	t.buf = t.buf[to-t.base:]
	t.base = to
	return b
}

// consumedAll reports whether the input ended and every byte was consumed
// up to offset.
func (t *rawTap) consumedAll(offset int64) bool {
	return t.eof && offset == t.base+int64(len(t.buf))
}
