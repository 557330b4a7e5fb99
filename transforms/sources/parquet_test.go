package sources

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/linkbeam/linkbeam/schemas"
)

type pqOffer struct {
	Price    float64 `parquet:"price"`
	Currency *string `parquet:"currency,optional"`
}

type pqRow struct {
	ID      string    `parquet:"id"`
	Title   *string   `parquet:"title,optional"`
	Count   int32     `parquet:"count"`
	Big     int64     `parquet:"big"`
	Ratio   float32   `parquet:"ratio"`
	Active  bool      `parquet:"active"`
	Updated time.Time `parquet:"updated,timestamp(millisecond)"`
	Day     int32     `parquet:"day,date"`
	Cost    int64     `parquet:"cost,decimal(2:18)"`
	Small   uint32    `parquet:"small"`
	Blob    []byte    `parquet:"blob"`
	Tags    []string  `parquet:"tags,list"`
	Offer   pqOffer   `parquet:"offer"`
}

func writeParquet[T any](t testing.TB, rows []T, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

func TestParquet(t *testing.T) {
	updated := time.Date(2024, 3, 1, 12, 30, 45, 123e6, time.UTC)
	rows := []pqRow{
		{ID: "a1", Title: ptr("Widget"), Count: -3, Big: 1 << 40, Ratio: 0.1, Active: true,
			Updated: updated, Day: 19783, Cost: 1250, Small: 4000000000, Blob: []byte{0xff, 0x00},
			Tags: []string{"x", "y \"q\""}, Offer: pqOffer{Price: 9.99, Currency: ptr("EUR")}},
		{ID: "a2", Offer: pqOffer{Price: math.Inf(1)}, Blob: []byte("text"), Cost: -5},
	}
	data := writeParquet(t, rows)
	for _, wrap := range []struct {
		name string
		r    func() io.Reader
	}{
		{"ReaderAt", func() io.Reader { return bytes.NewReader(data) }},
		{"plain Reader", func() io.Reader { return struct{ io.Reader }{bytes.NewReader(data)} }},
	} {
		t.Run(wrap.name, func(t *testing.T) {
			got, err := decodeReader(t, "parquet", wrap.r(), schemas.SourceConfig{}, "f.parquet")
			if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, got, []want{
				{pos: "f.parquet row 1", fields: fields(
					"id", "a1", "title", "Widget", "count", "-3", "big", "1099511627776", "ratio", "0.1",
					"active", "true", "updated", "2024-03-01T12:30:45.123Z", "day", "2024-03-01", "cost", "12.50",
					"small", "4000000000", "blob", "/wA=", "tags.list.element", `["x","y \"q\""]`,
					"offer.price", "9.99", "offer.currency", "EUR")},
				{pos: "f.parquet row 2", fields: fields(
					"id", "a2", "count", "0", "big", "0", "ratio", "0", "active", "false",
					"updated", "0001-01-01T00:00:00Z", "day", "1970-01-01", "cost", "-0.05", "small", "0", "blob", "text",
					"offer.price", "+Inf")},
			})
			if !strings.Contains(got[0].Raw, `"offer.price":"9.99"`) {
				t.Errorf("Raw %s", got[0].Raw)
			}
		})
	}
}

type pqSimple struct {
	ID    int64   `parquet:"id"`
	Price float64 `parquet:"price"`
}

func TestParquetRowGroupsAndBatches(t *testing.T) {
	const n = 1000
	rows := make([]pqSimple, n)
	for i := range rows {
		rows[i] = pqSimple{ID: int64(i), Price: float64(i) / 3}
	}
	data := writeParquet(t, rows, parquet.MaxRowsPerRowGroup(70))
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.RowGroups()) < 2 {
		t.Fatalf("want several row groups, got %d", len(f.RowGroups()))
	}
	got, err := decodeAll(t, "parquet", data, schemas.SourceConfig{}, "f.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d records, want %d", len(got), n)
	}
	for i, r := range got {
		if r.Fields["id"] != fmt.Sprint(i) || r.Position != fmt.Sprintf("f.parquet row %d", i+1) {
			t.Fatalf("record %d: %v at %s", i, r.Fields, r.Position)
		}
	}
	if got[1].Fields["price"] != "0.3333333333333333" {
		t.Errorf("price %q", got[1].Fields["price"])
	}
}

func TestParquetOSFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "items.parquet")
	if err := os.WriteFile(path, writeParquet(t, []pqSimple{{ID: 1, Price: 2.5}}), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := decodeReader(t, "parquet", f, schemas.SourceConfig{}, "items.parquet")
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, []want{{pos: "items.parquet row 1", fields: fields("id", "1", "price", "2.5"), raw: `{"id":"1","price":"2.5"}`}})
}

func TestParquetEmpty(t *testing.T) {
	got, err := decodeAll(t, "parquet", writeParquet[pqSimple](t, nil), schemas.SourceConfig{}, "f.parquet")
	if err != nil || len(got) != 0 {
		t.Fatalf("got %d records, err %v", len(got), err)
	}
}

type pqStrings struct {
	T string `parquet:"t"`
}

func TestParquetInvalidUTF8String(t *testing.T) {
	data := writeParquet(t, []pqStrings{{T: "caf\xe9"}, {T: "ok"}})
	got, err := decodeAll(t, "parquet", data, schemas.SourceConfig{}, "f.parquet")
	if err != nil {
		t.Fatal(err)
	}
	checkRecords(t, got, []want{
		{pos: "f.parquet row 1", err: ErrInvalidUTF8},
		{pos: "f.parquet row 2", fields: fields("t", "ok")},
	})
}

func TestParquetCorrupt(t *testing.T) {
	rows := make([]pqRow, 200)
	for i := range rows {
		rows[i] = pqRow{ID: fmt.Sprint(i), Title: ptr(strings.Repeat("t", i)), Tags: []string{"a", "b"}}
	}
	good := writeParquet(t, rows, parquet.Compression(&parquet.Snappy))
	cases := map[string][]byte{
		"empty":        {},
		"not parquet":  []byte("id,title\n1,a\n"),
		"magic only":   []byte("PAR1PAR1"),
		"truncated":    good[:len(good)/2],
		"no footer":    good[:len(good)-8],
		"bad footer":   append(append([]byte{}, good[:len(good)-8]...), 0xff, 0xff, 0xff, 0x7f, 'P', 'A', 'R', '1'),
		"zeroed tail":  append(append([]byte{}, good[:len(good)-200]...), make([]byte, 200)...),
		"garbage head": append([]byte("PAR1"), bytes.Repeat([]byte{0xAB}, 500)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeAll(t, "parquet", data, schemas.SourceConfig{}, "bad.parquet")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), "bad.parquet") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	// Flipped bytes anywhere must never panic; they may or may not be
	// detected.
	for off := 4; off < len(good)-8; off += 37 {
		data := append([]byte{}, good...)
		data[off] ^= 0x5a
		decodeAll(t, "parquet", data, schemas.SourceConfig{}, "bad.parquet")
	}
}
