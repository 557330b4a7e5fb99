package sources

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/schemas"
)

func TestCSV(t *testing.T) {
	latin1 := schemas.SourceConfig{CSV: schemas.CSVOptions{Encoding: "latin1"}}
	tests := []struct {
		name  string
		in    string
		src   schemas.SourceConfig
		wants []want
		fatal string // substring of the fatal error; "" for none
	}{
		{name: "basic", in: "id,title,price\n1,Widget,9.99\n2,\"Gadget, large\",\n",
			wants: []want{
				{pos: "f.csv:2", fields: fields("id", "1", "title", "Widget", "price", "9.99"), raw: "1,Widget,9.99"},
				{pos: "f.csv:3", fields: fields("id", "2", "title", "Gadget, large", "price", ""), raw: `2,"Gadget, large",`},
			}},
		{name: "no trailing newline", in: "id,t\n1,a",
			wants: []want{{pos: "f.csv:2", fields: fields("id", "1", "t", "a"), raw: "1,a"}}},
		{name: "BOM and CRLF", in: "\xEF\xBB\xBFid,title\r\n1,a\r\n2,b\r\n",
			wants: []want{
				{pos: "f.csv:2", fields: fields("id", "1", "title", "a"), raw: "1,a"},
				{pos: "f.csv:3", fields: fields("id", "2", "title", "b")},
			}},
		{name: "multi-line quoted field", in: "id,desc\n1,\"line one\r\nline \"\"two\"\"\"\n2,x\n",
			wants: []want{
				{pos: "f.csv:2", fields: fields("id", "1", "desc", "line one\nline \"two\""), raw: "1,\"line one\r\nline \"\"two\"\"\""},
				{pos: "f.csv:4", fields: fields("id", "2", "desc", "x")},
			}},
		{name: "empty lines skipped", in: "id,t\n\n1,a\n\n\n2,b\n",
			wants: []want{
				{pos: "f.csv:3", fields: fields("id", "1", "t", "a")},
				{pos: "f.csv:6", fields: fields("id", "2", "t", "b")},
			}},
		{name: "ragged rows", in: "id,t,p\n1,a\n2,b,3,extra\n3,c,4\n",
			wants: []want{
				{pos: "f.csv:2", err: ErrFieldCount, raw: "1,a"},
				{pos: "f.csv:3", err: ErrFieldCount, raw: "2,b,3,extra"},
				{pos: "f.csv:4", fields: fields("id", "3", "t", "c", "p", "4")},
			}},
		{name: "truncated last row", in: "id,t,p\n1,a,2\n2,b",
			wants: []want{
				{pos: "f.csv:2", fields: fields("id", "1", "t", "a", "p", "2")},
				{pos: "f.csv:3", err: ErrFieldCount, raw: "2,b"},
			}},
		{name: "bare quote", in: "id,t\n1,a\"b\n2,c\n",
			wants: []want{
				{pos: "f.csv:2", err: csv.ErrBareQuote, raw: "1,a\"b"},
				{pos: "f.csv:3", fields: fields("id", "2", "t", "c")},
			}},
		{name: "text after closing quote", in: "id,t\n1,\"ab\"x\n2,c\n",
			wants: []want{
				{pos: "f.csv:2", err: csv.ErrQuote},
				{pos: "f.csv:3", fields: fields("id", "2", "t", "c")},
			}},
		{name: "open quote resyncs mid-file", in: "id,t\n1,\"abc\n2,def\n3,\"ghi\",x\n4,z\n",
			wants: []want{
				{pos: "f.csv:2", err: csv.ErrQuote, raw: "1,\"abc\n2,def\n3,\"ghi\",x"},
				{pos: "f.csv:5", fields: fields("id", "4", "t", "z")},
			}},
		{name: "open quote runs to EOF", in: "id,t\n0,ok\n1,\"abc\n2,def\n3,ghi\n",
			wants: []want{
				{pos: "f.csv:2", fields: fields("id", "0", "t", "ok")},
				{pos: "f.csv:3", err: csv.ErrQuote, raw: "1,\"abc\n2,def\n3,ghi"},
			},
			fatal: "quoted field opened at f.csv:3 is still open at the end of the file"},
		{name: "invalid UTF-8", in: "id,title\n1,caf\xe9\n2,ok\n",
			wants: []want{
				{pos: "f.csv:2", err: ErrInvalidUTF8, raw: "1,caf\uFFFD"},
				{pos: "f.csv:3", fields: fields("id", "2", "title", "ok")},
			}},
		{name: "latin1", in: "id,title\n1,caf\xe9 cr\xe8me \xbd\n", src: latin1,
			wants: []want{{pos: "f.csv:2", fields: fields("id", "1", "title", "café crème ½"), raw: "1,café crème ½"}}},
		// 0x93, 0x94 and 0x80 are curly quotes and the euro sign in
		// Windows-1252 but C1 controls in Latin-1.
		{name: "windows-1252", in: "id,title\n1,\x93Caf\xe9\x94 \x80 5\n",
			src:   schemas.SourceConfig{CSV: schemas.CSVOptions{Encoding: "windows-1252"}},
			wants: []want{{pos: "f.csv:2", fields: fields("id", "1", "title", "“Café” € 5"), raw: "1,“Café” € 5"}}},
		{name: "cp1252 in upper case", in: "id,title\n1,\x93a\x94\n",
			src:   schemas.SourceConfig{CSV: schemas.CSVOptions{Encoding: "CP1252"}},
			wants: []want{{pos: "f.csv:2", fields: fields("id", "1", "title", "“a”")}}},
		{name: "latin-1 C1 bytes", in: "id,title\n1,\x93Caf\xe9\x94 \x80 5\n",
			src:   schemas.SourceConfig{CSV: schemas.CSVOptions{Encoding: "ISO-8859-1"}},
			wants: []want{{pos: "f.csv:2", fields: fields("id", "1", "title", "\u0093Café\u0094 \u0080 5")}}},
		{name: "latin1 with BOM", in: "\xEF\xBB\xBFid\n\xff\n", src: latin1,
			wants: []want{{pos: "f.csv:2", fields: fields("id", "ÿ")}}},
		{name: "empty file", in: ""},
		{name: "only a BOM", in: "\xEF\xBB\xBF"},
		{name: "header only", in: "id,title\n"},
		{name: "header only no newline", in: "id,title"},
		{name: "duplicate header", in: "id,title,id\n1,a,2\n", fatal: `column 3 repeats the name "id" of column 1`},
		{name: "duplicate header after trim", in: "id, id\n", fatal: "repeats the name"},
		{name: "empty header names", in: "id,,\n1,a,b\n",
			wants: []want{{pos: "f.csv:2", fields: fields("id", "1", "col2", "a", "col3", "b")}}},
		{name: "header names trimmed", in: " id , title \n1,a\n",
			wants: []want{{pos: "f.csv:2", fields: fields("id", "1", "title", "a")}}},
		{name: "bad header quote", in: "id,\"title\n1,a\n", fatal: "reading the header of f.csv"},
		{name: "invalid UTF-8 in header", in: "id,t\xff\n1,a\n",
			fatal: "invalid UTF-8 (byte 0xFF at offset 4); if this source is Latin-1 or Windows-1252, set csv.encoding: windows-1252"},
		{name: "no header", in: "1,a\n2,b\n3\n", src: schemas.SourceConfig{CSV: schemas.CSVOptions{NoHeader: true}},
			wants: []want{
				{pos: "f.csv:1", fields: fields("col1", "1", "col2", "a")},
				{pos: "f.csv:2", fields: fields("col1", "2", "col2", "b")},
				{pos: "f.csv:3", err: ErrFieldCount},
			}},
		{name: "delimiter and comment", in: "# exported\nid;title\n# note\n1;a,b\n",
			src:   schemas.SourceConfig{CSV: schemas.CSVOptions{Delimiter: ";", Comment: "#"}},
			wants: []want{{pos: "f.csv:4", fields: fields("id", "1", "title", "a,b")}}},
		{name: "tab delimiter", in: "id\ttitle\n1\ta\n",
			src:   schemas.SourceConfig{CSV: schemas.CSVOptions{Delimiter: "\t"}},
			wants: []want{{pos: "f.csv:2", fields: fields("id", "1", "title", "a")}}},
		{name: "duplicate ids pass through", in: "id,t\n1,a\n1,a\n",
			wants: []want{
				{pos: "f.csv:2", fields: fields("id", "1", "t", "a")},
				{pos: "f.csv:3", fields: fields("id", "1", "t", "a")},
			}},
		{name: "bad delimiter", in: "a\n", src: schemas.SourceConfig{CSV: schemas.CSVOptions{Delimiter: ";;"}}, fatal: "must be one character"},
		{name: "quote delimiter", in: "a\n", src: schemas.SourceConfig{CSV: schemas.CSVOptions{Delimiter: `"`}}, fatal: "invalid delimiter"},
		{name: "bad encoding", in: "a\n", src: schemas.SourceConfig{CSV: schemas.CSVOptions{Encoding: "utf-16"}}, fatal: `unknown encoding "utf-16" (want utf-8, latin-1 or windows-1252`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeAll(t, "csv", []byte(tc.in), tc.src, "f.csv")
			if tc.fatal == "" && err != nil {
				t.Fatalf("fatal error %v", err)
			}
			if tc.fatal != "" && (err == nil || !strings.Contains(err.Error(), tc.fatal)) {
				t.Fatalf("fatal error %v, want one containing %q", err, tc.fatal)
			}
			checkRecords(t, got, tc.wants)
		})
	}
}

func TestCSVRecordErrorMessages(t *testing.T) {
	got, err := decodeAll(t, "csv", []byte("id,title\n1,a,b\n2,Caf\xe9 cr\xe8me\n3,x\"y\n"), schemas.SourceConfig{}, "items.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"items.csv:2: wrong number of fields: 3, the header has 2",
		`items.csv:3: field "title": invalid UTF-8 (byte 0xE9 at offset 3); if this source is Latin-1 or Windows-1252, set csv.encoding: windows-1252`,
		`items.csv:4: parse error on line 4, column 4: bare " in non-quoted-field`,
	}
	for i, w := range want {
		if got[i].Err.Error() != w {
			t.Errorf("record %d: %q, want %q", i, got[i].Err, w)
		}
	}
	var pe *csv.ParseError
	if !errors.As(got[2].Err, &pe) || pe.Line != 4 {
		t.Errorf("errors.As(*csv.ParseError) = %v", pe)
	}
}

func TestCSVHugeField(t *testing.T) {
	title := strings.Repeat("x", 10<<20)
	in := "id,title\n1," + title + "\n2,\"" + title + "\"\n3,small\n"
	got, err := decodeAll(t, "csv", []byte(in), schemas.SourceConfig{}, "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d records", len(got))
	}
	for _, r := range got[:2] {
		if r.Fields["title"] != title {
			t.Errorf("%s: title has %d bytes", r.Position, len(r.Fields["title"]))
		}
		if len(r.Raw) != schemas.MaxRawBytes {
			t.Errorf("%s: Raw has %d bytes, want MaxRawBytes", r.Position, len(r.Raw))
		}
	}
	if got[2].Raw != "3,small" || got[2].Position != "f.csv:4" {
		t.Errorf("after the huge rows: %q at %s", got[2].Raw, got[2].Position)
	}
}

func TestCSVRawTruncatedOnRuneBoundary(t *testing.T) {
	title := strings.Repeat("é", schemas.MaxRawBytes) // 2 bytes a rune
	got, err := decodeAll(t, "csv", []byte("id,title\n1,"+title+"\n"), schemas.SourceConfig{}, "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	// "1," is 2 bytes, so the cut falls on a rune boundary at MaxRawBytes.
	if n := len(got[0].Raw); n != schemas.MaxRawBytes {
		t.Errorf("Raw has %d bytes", n)
	}
	got, _ = decodeAll(t, "csv", []byte("id,title\n12,"+title+"\n"), schemas.SourceConfig{}, "f.csv")
	if n := len(got[0].Raw); n != schemas.MaxRawBytes-1 {
		t.Errorf("Raw has %d bytes, want MaxRawBytes-1 (cut before a split rune)", n)
	}
}

// TestCSVInvalidUTF8DeadLetter follows a Windows-1252 row read as utf-8
// to its dead-letter row, whose reason must say how to fix the source,
// and checks that the fix works.
func TestCSVInvalidUTF8DeadLetter(t *testing.T) {
	in := []byte("id,title\n1,\x93Caf\xe9\x94\n")
	schema := schemas.SchemaConfig{Name: "items", Fields: map[string]schemas.FieldMapping{"id": {To: "id"}, "title": {To: "title"}}}
	src := schemas.SourceConfig{Name: "shop", Type: "csv", Schema: "items"}
	m, err := schemas.NewMapper(src, schema)
	if err != nil {
		t.Fatal(err)
	}

	got, err := decodeAll(t, "csv", in, src, "items.csv")
	if err != nil || len(got) != 1 {
		t.Fatalf("%d records, err %v", len(got), err)
	}
	_, err = m.MapChecked(got[0])
	row := schemas.NewRejectRow(err, got[0])
	const reason = `items.csv:2: field "title": invalid UTF-8 (byte 0x93 at offset 0); ` +
		`if this source is Latin-1 or Windows-1252, set csv.encoding: windows-1252`
	if row.Reason != reason || row.Source != "shop" || row.Position != "items.csv:2" {
		t.Errorf("dead letter %+v, want reason %q", row, reason)
	}

	src.CSV.Encoding = "windows-1252"
	got, err = decodeAll(t, "csv", in, src, "items.csv")
	if err != nil || len(got) != 1 {
		t.Fatalf("%d records, err %v", len(got), err)
	}
	p, err := m.MapChecked(got[0])
	if err != nil || p.Title != "“Café”" {
		t.Errorf("with csv.encoding windows-1252: title %q, err %v", p.Title, err)
	}
}
