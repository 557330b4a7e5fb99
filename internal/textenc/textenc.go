// Package textenc owns the text encodings a file source may declare
// (csv.encoding, json.encoding): their names, for the config validator,
// and their decoders to UTF-8, for the readers. It sits below both
// schemas and transforms/sources so neither restates the list.
//
// htmlindex and ianaindex do not fit: htmlindex follows WHATWG and reads
// "latin1" and "iso-8859-1" as windows-1252, and ianaindex knows neither
// "latin-1", "iso8859-1", "cp1252" nor "utf8".
package textenc

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// Encoding is a text encoding a source can be read in.
type Encoding struct {
	Name  string     // canonical name: utf-8, latin-1 or windows-1252
	table *[256]rune // byte -> rune; nil for UTF-8, which is read as is
}

// Windows1252 is the encoding to suggest for text that is not UTF-8: it
// is what "Latin-1" exports almost always are, and it reads true Latin-1
// the same except for the C1 control bytes 0x80-0x9F, which product text
// does not use.
const Windows1252 = "windows-1252"

// encodings lists the supported encodings, canonical name first.
var encodings = []struct {
	names []string
	table *[256]rune
}{
	{[]string{"utf-8", "utf8"}, nil},
	{[]string{"latin-1", "latin1", "iso-8859-1", "iso8859-1"}, byteTable(charmap.ISO8859_1)},
	{[]string{Windows1252, "cp1252"}, byteTable(charmap.Windows1252)},
}

// Lookup returns the encoding called name, in any case; "" is UTF-8. An
// unknown name's error lists every accepted one.
func Lookup(name string) (Encoding, error) {
	if name == "" {
		return Encoding{Name: "utf-8"}, nil
	}
	for _, e := range encodings {
		for _, n := range e.names {
			if strings.EqualFold(name, n) {
				return Encoding{Name: e.names[0], table: e.table}, nil
			}
		}
	}
	var canonical, aliases []string
	for _, e := range encodings {
		canonical = append(canonical, e.names[0])
		aliases = append(aliases, e.names[1:]...)
	}
	return Encoding{}, fmt.Errorf("unknown encoding %q (want %s or %s; also written %s)", name,
		strings.Join(canonical[:len(canonical)-1], ", "), canonical[len(canonical)-1], strings.Join(aliases, ", "))
}

// IsUTF8 reports whether text in e needs no decoding (and so must be
// checked for invalid UTF-8 by the reader).
func (e Encoding) IsUTF8() bool { return e.table == nil }

// Reader returns r's text decoded to UTF-8; UTF-8 is returned unchanged
// and unchecked. Every byte of the single-byte encodings decodes to a rune,
// so their output is always valid UTF-8.
func (e Encoding) Reader(r io.Reader) io.Reader {
	if e.table == nil {
		return r
	}
	return transform.NewReader(r, singleByte{e.table})
}

// byteTable returns cm's byte-to-rune table. The bytes windows-1252 leaves
// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), which charmap decodes to
// U+FFFD, become the C1 control of the same number as in WHATWG's
// windows-1252: the text keeps the byte rather than silently losing it.
func byteTable(cm *charmap.Charmap) *[256]rune {
	var t [256]rune
	for b := range t {
		t[b] = cm.DecodeByte(byte(b))
		if t[b] == utf8.RuneError {
			t[b] = rune(b)
		}
	}
	return &t
}

// singleByte decodes a single-byte encoding with a byte-to-rune table.
type singleByte struct{ table *[256]rune }

func (d singleByte) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for ; nSrc < len(src); nSrc++ {
		r := d.table[src[nSrc]]
		if r < utf8.RuneSelf {
			if nDst == len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = byte(r)
			nDst++
			continue
		}
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
	}
	return nDst, nSrc, nil
}

func (singleByte) Reset() {}
