package sources

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2/ocf"

	"github.com/linkbeam/linkbeam/schemas"
)

const avroSchema = `{
  "type": "record", "name": "Product", "namespace": "shop",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "title", "type": ["null", "string"], "default": null},
    {"name": "qty", "type": "int"},
    {"name": "views", "type": "long"},
    {"name": "ratio", "type": "float"},
    {"name": "price", "type": ["null", "double", "string"]},
    {"name": "active", "type": "boolean"},
    {"name": "updated", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    {"name": "cost", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
    {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "BLUE"]}},
    {"name": "blob", "type": "bytes"},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "attrs", "type": {"type": "map", "values": ["null", "long"]}},
    {"name": "offer", "type": ["null", {"type": "record", "name": "Offer", "fields": [
      {"name": "currency", "type": "string"},
      {"name": "seller", "type": {"type": "record", "name": "Seller", "fields": [{"name": "id", "type": "long"}]}}
    ]}]}
  ]
}`

func writeAvro(t testing.TB, schema string, records []map[string]any, opts ...ocf.EncoderFunc) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := ocf.NewEncoder(schema, &buf, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func avroRecord(id string) map[string]any {
	return map[string]any{
		"id": id, "title": nil, "qty": 0, "views": int64(0), "ratio": float32(0), "price": nil, "active": false,
		"updated": time.Unix(0, 0).UTC(), "day": time.Unix(0, 0).UTC(), "cost": big.NewRat(0, 1),
		"color": "RED", "blob": []byte{}, "tags": []any{}, "attrs": map[string]any{}, "offer": nil,
	}
}

func TestAvro(t *testing.T) {
	full := avroRecord("p1")
	full["title"] = "Widget"
	full["qty"] = -2
	full["views"] = int64(1) << 40
	full["ratio"] = float32(0.1)
	full["price"] = 9.99
	full["active"] = true
	full["updated"] = time.Date(2024, 3, 1, 12, 30, 45, 123e6, time.UTC)
	full["day"] = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	full["cost"] = big.NewRat(1250, 100)
	full["color"] = "BLUE"
	full["blob"] = []byte{0xff, 0x00}
	full["tags"] = []any{"a", "b"}
	full["attrs"] = map[string]any{"w": int64(3)}
	full["offer"] = map[string]any{"shop.Offer": map[string]any{"currency": "EUR", "seller": map[string]any{"id": int64(7)}}}
	other := avroRecord("p2")
	other["price"] = "n/a"
	other["blob"] = []byte("text")

	for _, codec := range []ocf.CodecName{ocf.Null, ocf.Deflate, ocf.Snappy, ocf.ZStandard} {
		t.Run(string(codec), func(t *testing.T) {
			data := writeAvro(t, avroSchema, []map[string]any{full, other}, ocf.WithCodec(codec))
			got, err := decodeAll(t, "avro", data, schemas.SourceConfig{}, "f.avro")
			if err != nil {
				t.Fatal(err)
			}
			checkRecords(t, got, []want{
				{pos: "f.avro record 1", fields: fields(
					"id", "p1", "title", "Widget", "qty", "-2", "views", "1099511627776", "ratio", "0.1",
					"price", "9.99", "active", "true", "updated", "2024-03-01T12:30:45.123Z", "day", "2024-03-01",
					"cost", "12.50", "color", "BLUE", "blob", "/wA=", "tags", `["a","b"]`, "attrs", `{"w":3}`,
					"offer.currency", "EUR", "offer.seller.id", "7")},
				{pos: "f.avro record 2", fields: fields(
					"id", "p2", "qty", "0", "views", "0", "ratio", "0", "price", "n/a", "active", "false",
					"updated", "1970-01-01T00:00:00Z", "day", "1970-01-01", "cost", "0.00", "color", "RED",
					"blob", "text", "tags", "[]", "attrs", "{}")},
			})
		})
	}
}

func TestAvroInvalidUTF8(t *testing.T) {
	bad := avroRecord("caf\xe9")
	data := writeAvro(t, avroSchema, []map[string]any{bad, avroRecord("ok")})
	got, err := decodeAll(t, "avro", data, schemas.SourceConfig{}, "f.avro")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Err == nil || got[1].Err != nil {
		t.Fatalf("got %+v", got)
	}
	if !strings.Contains(got[0].Err.Error(), `f.avro record 1: field "id": invalid UTF-8`) {
		t.Errorf("error %v", got[0].Err)
	}
}

func TestAvroCorrupt(t *testing.T) {
	recs := make([]map[string]any, 300)
	for i := range recs {
		recs[i] = avroRecord(strings.Repeat("x", i))
	}
	good := writeAvro(t, avroSchema, recs, ocf.WithBlockLength(50))
	cases := map[string][]byte{
		"empty":      {},
		"not avro":   []byte("id,title\n1,a\n"),
		"magic only": []byte("Obj\x01"),
		"truncated":  good[:len(good)*2/3],
		"bad sync":   append(append([]byte{}, good[:len(good)-16]...), bytes.Repeat([]byte{1}, 16)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := decodeAll(t, "avro", data, schemas.SourceConfig{}, "bad.avro")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), "bad.avro") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	for off := 0; off < len(good); off += 499 { // must never panic
		data := append([]byte{}, good...)
		data[off] ^= 0x5a
		decodeAll(t, "avro", data, schemas.SourceConfig{}, "bad.avro")
	}
}
