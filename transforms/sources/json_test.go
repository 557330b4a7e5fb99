package sources

import (
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/schemas"
)

func TestJSON(t *testing.T) {
	path := func(p string) schemas.SourceConfig {
		return schemas.SourceConfig{JSON: schemas.JSONOptions{RecordsPath: p}}
	}
	tests := []struct {
		name  string
		in    string
		src   schemas.SourceConfig
		wants []want
		fatal string
	}{
		{name: "top-level array", in: "\xEF\xBB\xBF[ {\"id\":1,\"o\":{\"p\":2.50}},\n {\"id\":2,\"t\":[1, 2]} ]",
			wants: []want{
				{pos: "f.json item 1", fields: fields("id", "1", "o.p", "2.50"), raw: `{"id":1,"o":{"p":2.50}}`},
				{pos: "f.json item 2", fields: fields("id", "2", "t", "[1,2]")},
			}},
		{name: "records path", src: path("data.items"),
			in: `{"meta":{"items":[{"x":1}],"n":[1,[2,{"a":3}]]},"data":{"count":2,"items":[{"id":1},{"id":2}],"after":1}}`,
			wants: []want{
				{pos: "f.json item 1", fields: fields("id", "1")},
				{pos: "f.json item 2", fields: fields("id", "2")},
			}},
		{name: "element errors", in: `[{"id":1},42,null,[1],{"id":1,"id":2},{"t":"caf` + "\xe9" + `"},{"id":3}]`,
			wants: []want{
				{pos: "f.json item 1", fields: fields("id", "1")},
				{pos: "f.json item 2", err: ErrNotObject, raw: "42"},
				{pos: "f.json item 3", err: ErrNotObject},
				{pos: "f.json item 4", err: ErrNotObject},
				{pos: "f.json item 5", err: ErrDuplicateField},
				{pos: "f.json item 6", err: ErrInvalidUTF8},
				{pos: "f.json item 7", fields: fields("id", "3")},
			}},
		{name: "syntax error is fatal after earlier records", in: `[{"id":1},{"id":2,},{"id":3}]`,
			wants: []want{{pos: "f.json item 1", fields: fields("id", "1")}},
			fatal: "f.json: decoding item 2"},
		{name: "NaN is fatal", in: `[{"p":NaN}]`, fatal: "invalid character 'N'"},
		{name: "truncated document", in: `[{"id":1},{"id":`,
			wants: []want{{pos: "f.json item 1", fields: fields("id", "1")}},
			fatal: "unexpected EOF"},
		{name: "unterminated array", in: `[{"id":1}`,
			wants: []want{{pos: "f.json item 1", fields: fields("id", "1")}},
			fatal: "end of the records array"},
		{name: "empty array", in: "[]"},
		{name: "empty file", in: ""},
		{name: "whitespace file", in: " \n"},
		{name: "null records", src: path("items"), in: `{"items":null}`},
		{name: "missing path", src: path("data.items"), in: `{"data":{"other":[]}}`, fatal: `records_path "data.items": key "items" not found`},
		{name: "path through a non-object", src: path("data.items"), in: `{"data":[1]}`, fatal: `holds an array, not an object with key "items"`},
		{name: "path to a non-array", src: path("items"), in: `{"items":{"a":1}}`, fatal: "holds an object, not an array of records"},
		{name: "top level object without path", in: `{"items":[]}`, fatal: "the document holds an object, not an array"},
		{name: "latin1", in: "[{\"t\":\"\xe9\"}]", src: schemas.SourceConfig{JSON: schemas.JSONOptions{Encoding: "latin1"}},
			wants: []want{{pos: "f.json item 1", fields: fields("t", "é")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeAll(t, "json", []byte(tc.in), tc.src, "f.json")
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

func TestJSONHugeTitle(t *testing.T) {
	title := strings.Repeat("t", 10<<20)
	in := `{"items":[{"id":1,"title":"` + title + `"},{"id":2}]}`
	got, err := decodeAll(t, "json", []byte(in), schemas.SourceConfig{JSON: schemas.JSONOptions{RecordsPath: "items"}}, "f.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Fields["title"] != title || len(got[0].Raw) != schemas.MaxRawBytes {
		t.Fatalf("got %d records", len(got))
	}
}
