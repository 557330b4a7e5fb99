package sources

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/linkbeam/linkbeam/schemas"
)

// fuzzDecode drives a decoder over arbitrary input and checks that it
// terminates, never panics and keeps the record invariants.
func fuzzDecode(t *testing.T, typ string, data []byte, src schemas.SourceConfig) {
	open, _ := Open(typ)
	dec, err := open(bytes.NewReader(data), "fuzz", src)
	if err != nil {
		return
	}
	for n := 0; ; n++ {
		if n > len(data)+1 {
			t.Fatalf("%d records from %d bytes: the decoder does not stop", n, len(data))
		}
		rec, err := dec.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if _, err2 := dec.Next(); err2 == nil {
				t.Fatalf("Next after the fatal error %v returned a record", err)
			}
			return
		}
		if len(rec.Raw) > schemas.MaxRawBytes || !utf8.ValidString(rec.Raw) {
			t.Fatalf("%s: bad Raw %q", rec.Position, rec.Raw)
		}
		if (rec.Err == nil) == (rec.Fields == nil) {
			t.Fatalf("%s: want exactly one of Err and Fields: %+v", rec.Position, rec)
		}
		var re *DecodeError
		if rec.Err != nil && !errors.As(rec.Err, &re) {
			t.Fatalf("%s: Err is %T", rec.Position, rec.Err)
		}
		for k, v := range rec.Fields {
			if src.CSV.Encoding == "" && src.JSON.Encoding == "" && (!utf8.ValidString(k) || !utf8.ValidString(v)) {
				t.Fatalf("%s: invalid UTF-8 accepted in field %q=%q", rec.Position, k, v)
			}
		}
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"id,title\n1,a\n",
		"\xEF\xBB\xBFid,t\r\n1,\"a\r\nb\"\r\n",
		"id,t\n1,\"abc\n2,def\n",
		"id,t\n1,a\"b\n2,\"x\"y\n",
		"id,t\n1\n1,2,3\n",
		"id,t\n1,caf\xe9\n",
		"id,id\n",
		"",
	} {
		f.Add([]byte(s), false, false, ",")
	}
	f.Add([]byte("1;a\n# c\n2;b\n"), true, true, ";")
	f.Fuzz(func(t *testing.T, data []byte, latin1, noHeader bool, delim string) {
		src := schemas.SourceConfig{CSV: schemas.CSVOptions{NoHeader: noHeader, Delimiter: delim, Comment: "#"}}
		if latin1 {
			src.CSV.Encoding = "latin1"
		}
		fuzzDecode(t, "csv", data, src)
	})
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{
		`{"id":1,"o":{"p":1.50},"t":["a",{"b":null}],"n":null}` + "\n",
		"\xEF\xBB\xBF{\"a\":1}\r\n\r\n{\"a\":2}",
		`{"a":NaN}` + "\n" + `[1]` + "\n" + `{"a":1}{"b":2}`,
		`{"a":1,"a":2}` + "\n" + `{"a.b":1,"a":{"b":2}}`,
		"{\"t\":\"caf\xe9\"}\n",
		`{"a":"\ud800"}`,
		"",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, latin1 bool) {
		src := schemas.SourceConfig{}
		if latin1 {
			src.JSON.Encoding = "latin1"
		}
		fuzzDecode(t, "jsonl", data, src)
	})
}
