package sources

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/linkbeam/linkbeam/schemas"
)

const benchRows = 100_000

func benchInput(b *testing.B, jsonl bool) []byte {
	b.Helper()
	var buf bytes.Buffer
	if !jsonl {
		buf.WriteString("id,title,brand,category,price,currency,gtin,url\n")
	}
	for i := range benchRows {
		title := fmt.Sprintf("Acme Widget %d, stainless steel, 40 cm", i)
		if jsonl {
			fmt.Fprintf(&buf, `{"id":"p%d","title":%q,"brand":"Acme","category":"Home > Kitchen","offer":{"price":%d.99,"currency":"EUR"},"gtin":"%013d","url":"https://shop.example/p/%d","tags":["steel","kitchen"]}`+"\n",
				i, title, i%500, i, i)
		} else {
			fmt.Fprintf(&buf, "p%d,\"%s\",Acme,Home > Kitchen,%d.99,EUR,%013d,https://shop.example/p/%d\n", i, title, i%500, i, i)
		}
	}
	return buf.Bytes()
}

func benchDecode(b *testing.B, typ string, data []byte) {
	open, _ := Open(typ)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	records := 0
	for b.Loop() {
		dec, err := open(bytes.NewReader(data), "bench", schemas.SourceConfig{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			rec, err := dec.Next()
			if err == io.EOF {
				break
			}
			if err != nil || rec.Err != nil {
				b.Fatal(err, rec.Err)
			}
			records++
		}
	}
	if records != b.N*benchRows {
		b.Fatalf("%d records in %d runs", records, b.N)
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkCSV(b *testing.B)   { benchDecode(b, "csv", benchInput(b, false)) }
func BenchmarkJSONL(b *testing.B) { benchDecode(b, "jsonl", benchInput(b, true)) }
