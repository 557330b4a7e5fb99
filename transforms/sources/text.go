package sources

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/linkbeam/linkbeam/schemas"
	"golang.org/x/text/encoding/charmap"
)

const readBufferSize = 64 << 10

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// textReader returns r decoded to UTF-8 text with a leading UTF-8 byte
// order mark removed. encoding is "utf-8" (also "" and "utf8") or "latin1"
// (also "latin-1", "iso-8859-1"); utf-8 input is passed through unchecked,
// latin1 bytes are decoded with charmap.ISO8859_1 and so are always valid.
func textReader(r io.Reader, encoding string) (*bufio.Reader, error) {
	latin1 := false
	switch strings.ToLower(encoding) {
	case "", "utf-8", "utf8":
	case "latin1", "latin-1", "iso-8859-1", "iso8859-1":
		latin1 = true
	default:
		return nil, fmt.Errorf("unsupported encoding %q (want utf-8 or latin1)", encoding)
	}
	br := bufio.NewReaderSize(r, readBufferSize)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	if latin1 {
		br = bufio.NewReaderSize(charmap.ISO8859_1.NewDecoder().Reader(br), readBufferSize)
	}
	return br, nil
}

// rawText makes a record's original text fit for RawRecord.Raw: at most
// schemas.MaxRawBytes, cut on a rune boundary, with invalid UTF-8 replaced
// by U+FFFD (the record's Err says the bytes were invalid).
func rawText(b []byte) string {
	b = truncateRunes(b, schemas.MaxRawBytes)
	if utf8.Valid(b) {
		return string(b)
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	return string(truncateRunes([]byte(s), schemas.MaxRawBytes))
}

// rawTextString is rawText for a string; it returns s itself when it
// already fits.
func rawTextString(s string) string {
	if len(s) <= schemas.MaxRawBytes && utf8.ValidString(s) {
		return s
	}
	return rawText([]byte(s))
}

func truncateRunes(b []byte, max int) []byte {
	if len(b) <= max {
		return b
	}
	n := max
	for n > 0 && n > max-utf8.UTFMax && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n]
}

// invalidUTF8 returns a record error cause naming the byte offset of the
// first invalid sequence in b.
func invalidUTF8(b []byte) error {
	off := 0
	for off < len(b) {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	return fmt.Errorf("%w at byte %d", ErrInvalidUTF8, off)
}
