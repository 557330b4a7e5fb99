package sources

import (
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/schemas"
)

func TestJSONL(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		src   schemas.SourceConfig
		wants []want
		fatal string
	}{
		{name: "flatten", in: `{"id":"1","offer":{"price":1.50,"currency":"EUR","seller":{"id":7}},"tags":["a", "b"],"dims":[{"w":1},[2]],"ok":true,"no":false,"gone":null,"empty":{}}` + "\n",
			wants: []want{{pos: "f.jsonl:1", fields: fields(
				"id", "1", "offer.price", "1.50", "offer.currency", "EUR", "offer.seller.id", "7",
				"tags", `["a","b"]`, "dims", `[{"w":1},[2]]`, "ok", "true", "no", "false")}}},
		{name: "numbers kept exactly", in: `{"a":1e400,"b":-0.000,"c":12345678901234567890123,"d":1E+2}`,
			wants: []want{{pos: "f.jsonl:1", fields: fields("a", "1e400", "b", "-0.000", "c", "12345678901234567890123", "d", "1E+2")}}},
		{name: "escapes", in: `{"t":"caf\u00e9 \"q\" <b>\n","k\u00e9":"x"}`,
			wants: []want{{pos: "f.jsonl:1", fields: fields("t", "café \"q\" <b>\n", "ké", "x")}}},
		{name: "blank lines, CRLF and BOM", in: "\xEF\xBB\xBF{\"id\":1}\r\n\r\n   \n\t\n{\"id\":2}\r\n",
			wants: []want{
				{pos: "f.jsonl:1", fields: fields("id", "1"), raw: `{"id":1}`},
				{pos: "f.jsonl:5", fields: fields("id", "2")},
			}},
		{name: "no trailing newline", in: "{\"id\":1}\n{\"id\":2}",
			wants: []want{{pos: "f.jsonl:1", fields: fields("id", "1")}, {pos: "f.jsonl:2", fields: fields("id", "2")}}},
		{name: "syntax errors continue", in: "{\"id\":1\n{\"id\":2,}\n{id:3}\n{\"id\":4}\n",
			wants: []want{
				{pos: "f.jsonl:1", err: ErrInvalidJSON, raw: `{"id":1`},
				{pos: "f.jsonl:2", err: ErrInvalidJSON},
				{pos: "f.jsonl:3", err: ErrInvalidJSON},
				{pos: "f.jsonl:4", fields: fields("id", "4")},
			}},
		{name: "not objects", in: "[1,2]\n42\n\"s\"\nnull\ntrue\n",
			wants: []want{
				{pos: "f.jsonl:1", err: ErrNotObject},
				{pos: "f.jsonl:2", err: ErrNotObject},
				{pos: "f.jsonl:3", err: ErrNotObject},
				{pos: "f.jsonl:4", err: ErrNotObject},
				{pos: "f.jsonl:5", err: ErrNotObject},
			}},
		{name: "NaN and Infinity", in: "{\"p\":NaN}\n{\"p\":Infinity}\n{\"p\":-Inf}\n",
			wants: []want{
				{pos: "f.jsonl:1", err: ErrInvalidJSON},
				{pos: "f.jsonl:2", err: ErrInvalidJSON},
				{pos: "f.jsonl:3", err: ErrInvalidJSON},
			}},
		{name: "two objects on a line", in: "{\"a\":1} {\"b\":2}\n{\"a\":1}x\n",
			wants: []want{{pos: "f.jsonl:1", err: ErrInvalidJSON}, {pos: "f.jsonl:2", err: ErrInvalidJSON}}},
		{name: "invalid UTF-8", in: "{\"t\":\"caf\xe9\"}\n{\"t\":\"ok\"}\n",
			wants: []want{
				{pos: "f.jsonl:1", err: ErrInvalidUTF8, raw: "{\"t\":\"caf\uFFFD\"}"},
				{pos: "f.jsonl:2", fields: fields("t", "ok")},
			}},
		{name: "latin1", in: "{\"t\":\"caf\xe9\"}\n", src: schemas.SourceConfig{JSON: schemas.JSONOptions{Encoding: "latin1"}},
			wants: []want{{pos: "f.jsonl:1", fields: fields("t", "café")}}},
		{name: "windows-1252", in: "{\"t\":\"\x93caf\xe9\x94 \x80\"}\n", src: schemas.SourceConfig{JSON: schemas.JSONOptions{Encoding: "cp1252"}},
			wants: []want{{pos: "f.jsonl:1", fields: fields("t", "“café” €")}}},
		{name: "duplicate fields", in: "{\"id\":1,\"id\":2}\n{\"a.b\":1,\"a\":{\"b\":2}}\n",
			wants: []want{{pos: "f.jsonl:1", err: ErrDuplicateField}, {pos: "f.jsonl:2", err: ErrDuplicateField}}},
		{name: "wrong types pass through", in: `{"id":12,"price":"cheap","title":{"en":"x"},"brand":["a"]}`,
			wants: []want{{pos: "f.jsonl:1", fields: fields("id", "12", "price", "cheap", "title.en", "x", "brand", `["a"]`)}}},
		{name: "duplicate ids pass through", in: "{\"id\":1}\n{\"id\":1}\n",
			wants: []want{{pos: "f.jsonl:1", fields: fields("id", "1")}, {pos: "f.jsonl:2", fields: fields("id", "1")}}},
		{name: "empty object", in: "{}\n", wants: []want{{pos: "f.jsonl:1", fields: fields()}}},
		{name: "empty file", in: ""},
		{name: "only blank lines", in: "\n\r\n \n"},
		{name: "bad encoding", in: "{}", src: schemas.SourceConfig{JSON: schemas.JSONOptions{Encoding: "ebcdic"}}, fatal: `unknown encoding "ebcdic"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeAll(t, "jsonl", []byte(tc.in), tc.src, "f.jsonl")
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

func TestJSONLHugeTitle(t *testing.T) {
	title := strings.Repeat("t", 10<<20)
	in := `{"id":1,"title":"` + title + `"}` + "\n" + `{"id":2}` + "\n"
	got, err := decodeAll(t, "jsonl", []byte(in), schemas.SourceConfig{}, "f.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Fields["title"] != title {
		t.Fatalf("got %d records", len(got))
	}
	if len(got[0].Raw) != schemas.MaxRawBytes {
		t.Errorf("Raw has %d bytes", len(got[0].Raw))
	}
	if got[1].Position != "f.jsonl:2" || got[1].Fields["id"] != "2" {
		t.Errorf("after the huge line: %+v", got[1])
	}
}

func TestJSONLErrorMessages(t *testing.T) {
	got, err := decodeAll(t, "jsonl", []byte("\n{\"a\":NaN}\n{\"t\":\"caf\xe9\"}\n"), schemas.SourceConfig{}, "items.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"items.jsonl:2: invalid JSON: invalid character 'N' looking for beginning of value at byte 5",
		"items.jsonl:3: invalid UTF-8 (byte 0xE9 at offset 9); if this source is Latin-1 or Windows-1252, set json.encoding: windows-1252",
	}
	for i, w := range want {
		if got[i].Err.Error() != w {
			t.Errorf("record %d: %q, want %q", i, got[i].Err, w)
		}
	}
}
