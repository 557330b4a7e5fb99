package sources

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/linkbeam/linkbeam/internal/textenc"
	"github.com/linkbeam/linkbeam/schemas"
)

const readBufferSize = 64 << 10

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// textReader returns r decoded to UTF-8 text with a leading UTF-8 byte
// order mark removed, and whether the text still needs checking for
// invalid UTF-8 (the source's encoding is utf-8, passed through unchecked).
// encoding is a name textenc.Lookup accepts.
func textReader(r io.Reader, encoding string) (text *bufio.Reader, unchecked bool, err error) {
	enc, err := textenc.Lookup(encoding)
	if err != nil {
		return nil, false, err
	}
	br := bufio.NewReaderSize(r, readBufferSize)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	if !enc.IsUTF8() {
		br = bufio.NewReaderSize(enc.Reader(br), readBufferSize)
	}
	return br, enc.IsUTF8(), nil
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

// invalidUTF8 returns a record error cause naming the first invalid byte
// of b and its offset in b.
func invalidUTF8(b []byte) error {
	off := 0
	for off < len(b) {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	return fmt.Errorf("%w (byte 0x%02X at offset %d)", ErrInvalidUTF8, b[off], off)
}

// encodingHint adds the likely fix to an invalid UTF-8 error of a source
// whose encoding option (option: "csv.encoding") is utf-8: text that is
// not UTF-8 is almost always Windows-1252 or Latin-1. Other errors are
// returned as they are.
func encodingHint(err error, option string) error {
	if !errors.Is(err, ErrInvalidUTF8) {
		return err
	}
	return fmt.Errorf("%w; if this source is Latin-1 or Windows-1252, set %s: %s", err, option, textenc.Windows1252)
}
