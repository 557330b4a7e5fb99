package sources

import (
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/linkbeam/linkbeam/schemas"
)

// decodeAll opens typ over input and collects records until io.EOF or a
// fatal error. It checks the invariants every decoder keeps.
func decodeAll(t testing.TB, typ string, input []byte, src schemas.SourceConfig, name string) ([]schemas.RawRecord, error) {
	t.Helper()
	return decodeReader(t, typ, strings.NewReader(string(input)), src, name)
}

func decodeReader(t testing.TB, typ string, r io.Reader, src schemas.SourceConfig, name string) ([]schemas.RawRecord, error) {
	t.Helper()
	open, ok := Open(typ)
	if !ok {
		t.Fatalf("type %q is not registered", typ)
	}
	dec, err := open(r, name, src)
	if err != nil {
		return nil, err
	}
	var recs []schemas.RawRecord
	for i := 0; ; i++ {
		if i > 10_000_000 {
			t.Fatal("decoder does not stop")
		}
		rec, err := dec.Next()
		if err == io.EOF {
			if _, err := dec.Next(); err != io.EOF {
				t.Errorf("Next after io.EOF = %v, want io.EOF", err)
			}
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		checkRecord(t, rec)
		recs = append(recs, rec)
	}
}

func checkRecord(t testing.TB, rec schemas.RawRecord) {
	t.Helper()
	if len(rec.Raw) > schemas.MaxRawBytes {
		t.Errorf("%s: Raw has %d bytes, more than MaxRawBytes", rec.Position, len(rec.Raw))
	}
	if !utf8.ValidString(rec.Raw) {
		t.Errorf("%s: Raw is not valid UTF-8", rec.Position)
	}
	if rec.Position == "" {
		t.Errorf("record without a position: %+v", rec)
	}
	if (rec.Err == nil) == (rec.Fields == nil) {
		t.Errorf("%s: want exactly one of Err and Fields; Err=%v Fields=%v", rec.Position, rec.Err, rec.Fields)
	}
	if rec.Err != nil {
		var re *DecodeError
		if !errors.As(rec.Err, &re) {
			t.Errorf("%s: Err is %T, want *DecodeError", rec.Position, rec.Err)
		} else if re.Position != rec.Position {
			t.Errorf("DecodeError position %q, record position %q", re.Position, rec.Position)
		}
	}
}

// summary renders records compactly for table tests: "pos {k=v ...}" or
// "pos ERR <sentinel-matching text>".
type want struct {
	pos    string
	fields map[string]string // nil when an error is expected
	err    error             // sentinel for errors.Is
	raw    string            // checked when not empty
}

func checkRecords(t *testing.T, got []schemas.RawRecord, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, r := range got {
			t.Logf("got %s fields=%v err=%v raw=%q", r.Position, r.Fields, r.Err, r.Raw)
		}
		t.Fatalf("got %d records, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		r := got[i]
		if r.Position != w.pos {
			t.Errorf("record %d: position %q, want %q", i, r.Position, w.pos)
		}
		if w.raw != "" && r.Raw != w.raw {
			t.Errorf("record %d: Raw %q, want %q", i, r.Raw, w.raw)
		}
		if w.err != nil {
			if !errors.Is(r.Err, w.err) {
				t.Errorf("record %d (%s): err %v, want %v", i, r.Position, r.Err, w.err)
			}
			continue
		}
		if r.Err != nil {
			t.Errorf("record %d (%s): unexpected err %v", i, r.Position, r.Err)
			continue
		}
		if len(r.Fields) != len(w.fields) {
			t.Errorf("record %d (%s): fields %v, want %v", i, r.Position, r.Fields, w.fields)
			continue
		}
		for k, v := range w.fields {
			if got, ok := r.Fields[k]; !ok || got != v {
				t.Errorf("record %d (%s): field %q = %q (present %v), want %q", i, r.Position, k, got, ok, v)
			}
		}
	}
}

func fields(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}
