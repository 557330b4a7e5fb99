package schemas

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"cloud.google.com/go/bigquery"
	"github.com/parquet-go/parquet-go"
)

func roundTrip[T any](t *testing.T, rows []T) []T {
	t.Helper()
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatalf("writing %T: %v", rows, err)
	}
	got, err := parquet.Read[T](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("reading %T: %v", rows, err)
	}
	return got
}

func TestRowsParquetRoundTrip(t *testing.T) {
	rejects := []RejectRow{
		{Source: "shop", SourceID: "17", Position: "f.jsonl:18", Field: "price", Reason: `invalid price "abc"`, Raw: `{"id":17}`},
		{Source: "shop", Position: "f.jsonl:19", Reason: "unexpected EOF", Raw: `{"id`},
	}
	if got := roundTrip(t, rejects); !reflect.DeepEqual(got, rejects) {
		t.Errorf("RejectRow round trip = %+v", got)
	}
	links := []LinkRow{{MasterID: "m1", Source: "shop", SourceID: "17", MatchProbability: 0.97}}
	if got := roundTrip(t, links); !reflect.DeepEqual(got, links) {
		t.Errorf("LinkRow round trip = %+v", got)
	}
	price := 1299.5
	masters := []MasterRow{{
		MasterID: "m1", ProductColumns: NewProductColumns(&Product{Title: "Sony WH-1000XM4", Brand: "Sony",
			Price: price, HasPrice: true, Currency: "USD", GTIN: "04548735711205", UpdatedAt: 1717236000 * 1e6}),
		MemberCount: 3, Sources: []string{"legacy", "shop"},
		Provenance: []FieldProvenance{{Field: "title", Source: "shop", SourceID: "SHP-1007", Rule: "source_priority"}},
	}, {
		MasterID: "m2", ProductColumns: NewProductColumns(&Product{Title: "No price, no time"}), MemberCount: 1,
		Sources: []string{"shop"},
	}}
	got := roundTrip(t, masters)
	// parquet-go reads an empty repeated column back as an empty slice.
	masters[1].Provenance = []FieldProvenance{}
	if !reflect.DeepEqual(got, masters) || *got[0].Price != price || got[1].Price != nil {
		t.Errorf("MasterRow round trip =\n%+v\nwant\n%+v", got, masters)
	}

	// An unknown update time is written as null, not as 1970.
	var buf bytes.Buffer
	if err := parquet.Write(&buf, masters); err != nil {
		t.Fatal(err)
	}
	type nullable struct {
		UpdatedAt *int64 `parquet:"updated_at,optional,timestamp(microsecond)"`
	}
	ts, err := parquet.Read[nullable](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if ts[0].UpdatedAt == nil || *ts[0].UpdatedAt != masters[0].UpdatedAt || ts[1].UpdatedAt != nil {
		t.Errorf("updated_at read back as %v, %v; want %d, null", ts[0].UpdatedAt, ts[1].UpdatedAt, masters[0].UpdatedAt)
	}
}

func TestMasterRowParquetSchema(t *testing.T) {
	s := parquet.SchemaOf(MasterRow{}).String()
	for _, want := range []string{
		"optional double price;",
		"optional int64 updated_at (TIMESTAMP(isAdjustedToUTC=true,unit=MICROS));",
		"repeated binary sources (STRING);",
		"repeated group provenance {",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("MasterRow schema lacks %q:\n%s", want, s)
		}
	}
}

func TestRowsBigQuerySchema(t *testing.T) {
	for _, row := range []any{RejectRow{}, LinkRow{}} {
		s, err := bigquery.InferSchema(row)
		if err != nil {
			t.Errorf("InferSchema(%T): %v", row, err)
			continue
		}
		for _, f := range s {
			if strings.ToLower(f.Name) != f.Name {
				t.Errorf("%T column %q is not named by its bigquery tag", row, f.Name)
			}
		}
	}
	// Documented on MasterRow: *float64 keeps it out of bigquery.InferSchema,
	// so masters are loaded from Parquet. Update the doc if this changes.
	if _, err := bigquery.InferSchema(MasterRow{}); err == nil {
		t.Error("InferSchema(MasterRow) works now; update the MasterRow doc comment")
	}
}

func TestNewRejectRow(t *testing.T) {
	raw := RawRecord{Raw: `{"sku":"9"}`, Position: "f:2"}
	err := errors.Join(
		&RejectError{Source: "shop", SourceID: "9", Field: "title", Err: ErrMissingField},
		&RejectError{Source: "shop", SourceID: "9", Field: "price", Reason: "price -5 is below the minimum 0", Err: ErrOutOfRange},
	)
	want := RejectRow{Source: "shop", SourceID: "9", Position: "f:2", Field: "title,price",
		Reason: "missing required field; price -5 is below the minimum 0", Raw: `{"sku":"9"}`}
	if got := NewRejectRow(err, raw); got != want {
		t.Errorf("NewRejectRow =\n%+v\nwant\n%+v", got, want)
	}
	got := NewRejectRow(errors.New("boom"), RawRecord{Raw: strings.Repeat("x", MaxRawBytes+10)})
	if got.Reason != "boom" || len(got.Raw) != MaxRawBytes {
		t.Errorf("NewRejectRow of a plain error = %+v", got)
	}
}

// The rows share their product columns through an embedded struct, so a
// null optional pointer inside an embedded struct must read back as nil:
// parquet-go v0.32.0 read it back as a pointer to 0.
func TestParquetEmbeddedNullPointer(t *testing.T) {
	type Columns struct {
		Title string   `parquet:"title"`
		Price *float64 `parquet:"price,optional"`
		URL   string   `parquet:"url"`
	}
	type outer struct {
		ID string `parquet:"id"`
		Columns
		Count int64 `parquet:"count"`
	}
	rows := []outer{
		{ID: "a", Columns: Columns{Title: "priced", Price: new(2.5)}, Count: 1},
		{ID: "b", Columns: Columns{Title: "no price"}, Count: 2},
		{ID: "c", Columns: Columns{Title: "zero price", Price: new(0.0)}, Count: 3},
	}
	got := roundTrip(t, rows)
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("round trip =\n%+v\nwant\n%+v", got, rows)
	}
	for i, r := range got {
		if (r.Price == nil) != (rows[i].Price == nil) {
			t.Errorf("row %s: price %v, want %v", r.ID, r.Price, rows[i].Price)
		}
	}
}

func TestPairRowKeys(t *testing.T) {
	p := PairRow{LeftSource: "shop", LeftID: "9", RightSource: "feed", RightID: "a:1"}
	if l, r := p.Keys(); l != "shop:9" || r != "feed:a:1" {
		t.Errorf("Keys() = %q, %q", l, r)
	}
	if k := p.PairKey(); k != [2]string{"feed:a:1", "shop:9"} {
		t.Errorf("PairKey() = %q, want the keys in order", k)
	}
}
