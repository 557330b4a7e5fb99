package textenc

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"", "utf-8"},
		{"utf-8", "utf-8"},
		{"UTF8", "utf-8"},
		{"latin-1", "latin-1"},
		{"Latin1", "latin-1"},
		{"ISO-8859-1", "latin-1"},
		{"iso8859-1", "latin-1"},
		{"windows-1252", "windows-1252"},
		{"Windows-1252", "windows-1252"},
		{"CP1252", "windows-1252"},
	}
	for _, tc := range tests {
		e, err := Lookup(tc.name)
		if err != nil || e.Name != tc.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tc.name, e.Name, err, tc.want)
		}
		if e.IsUTF8() != (tc.want == "utf-8") {
			t.Errorf("Lookup(%q).IsUTF8() = %v", tc.name, e.IsUTF8())
		}
	}
	if _, err := Lookup(Windows1252); err != nil {
		t.Errorf("the suggested encoding is not accepted: %v", err)
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, name := range []string{"utf-16", "latin", "ascii", "windows1252 ", "8859-1"} {
		_, err := Lookup(name)
		const want = ` (want utf-8, latin-1 or windows-1252; also written utf8, latin1, iso-8859-1, iso8859-1, cp1252)`
		if err == nil || err.Error() != `unknown encoding "`+name+`"`+want {
			t.Errorf("Lookup(%q) error %v", name, err)
		}
	}
}

func TestDecode(t *testing.T) {
	// Bytes and runes checked against the Unicode mapping tables
	// (8859-1.TXT, CP1252.TXT).
	in := []byte{'a', 0x80, 0x93, 0x94, 0x81, 0x9D, 0xA3, 0xE9, 0xFF}
	tests := []struct {
		encoding string
		want     string
	}{
		// Latin-1: every byte is the code point of the same number; 0x80-0x9F are C1 controls.
		{"latin-1", "a\u0080\u0093\u0094\u0081\u009D£éÿ"},
		// Windows-1252: euro sign and curly double quotes; the undefined 0x81 and 0x9D keep their byte.
		{"windows-1252", "a€“”\u0081\u009D£éÿ"},
		// UTF-8 is passed through unchecked.
		{"utf-8", string(in)},
	}
	for _, tc := range tests {
		e, err := Lookup(tc.encoding)
		if err != nil {
			t.Fatal(err)
		}
		// One byte at a time exercises the transformer's resumption.
		got, err := io.ReadAll(e.Reader(iotest.OneByteReader(bytes.NewReader(in))))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s: %q, want %q", tc.encoding, got, tc.want)
		}
	}
}

func TestDecodeLong(t *testing.T) {
	// Longer than transform.Reader's buffers, every output rune 2 or 3 bytes.
	e, _ := Lookup("cp1252")
	in := bytes.Repeat([]byte{0xE9, 0x80}, 10_000)
	got, err := io.ReadAll(e.Reader(bytes.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("é€", 10_000); string(got) != want {
		t.Errorf("got %d bytes, want %d", len(got), len(want))
	}
}
