package schemas

import (
	"errors"
	"testing"
)

func TestProductCodecRoundTrip(t *testing.T) {
	in := []Product{
		{Source: "shop", SourceID: "1", Title: "Sony WH-1000XM4", Price: 349.99, HasPrice: true,
			Currency: "USD", UpdatedAt: 1700000000000000, GTIN: "00027242919419"},
		{Source: "legacy", SourceID: "x", Title: "ünïcödé – title", UpdatedAt: -5},
		{},
	}
	var buf []byte
	for i := range in {
		buf = AppendProduct(buf, &in[i])
	}
	rest := buf
	for i := range in {
		var got Product
		var err error
		if rest, err = DecodeProduct(rest, &got); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if got != in[i] {
			t.Errorf("record %d: got %+v, want %+v", i, got, in[i])
		}
	}
	if len(rest) != 0 {
		t.Errorf("%d trailing bytes", len(rest))
	}
}

// The encoding is the same byte for byte as before the codec followed
// ProductFields: the strings, then the price, then the update time.
func TestProductEncodingIsStable(t *testing.T) {
	p := Product{Source: "s", SourceID: "1", Title: "t", Description: "d", Brand: "b", Manufacturer: "m",
		Category: "c", Price: 1.5, HasPrice: true, Currency: "USD", ModelNumber: "x", GTIN: "9", URL: "u", UpdatedAt: 3}
	const want = "\x01s\x011\x01t\x01d\x01b\x01m\x01c\x03USD\x01x\x019\x01u" + // strings
		"\x01" + "\x00\x00\x00\x00\x00\x00\xf8\x3f" + // HasPrice, 1.5
		"\x06" // zigzag varint 3
	if got := string(AppendProduct(nil, &p)); got != want {
		t.Errorf("AppendProduct = %q, want %q", got, want)
	}
}

func TestDecodeProductTruncated(t *testing.T) {
	p := Product{Source: "shop", SourceID: "1", Title: "t", HasPrice: true, Price: 1}
	buf := AppendProduct(nil, &p)
	for n := 0; n < len(buf); n++ {
		var got Product
		if _, err := DecodeProduct(buf[:n], &got); !errors.Is(err, ErrCorruptBatch) {
			t.Fatalf("prefix of %d bytes: err = %v, want ErrCorruptBatch", n, err)
		}
	}
}

// CountProducts counts what DecodeProduct would decode, and a batch cut
// anywhere inside its last product is ErrCorruptBatch.
func TestCountProducts(t *testing.T) {
	ps := []Product{{Source: "shop", SourceID: "1", Title: "t", HasPrice: true, Price: 1, UpdatedAt: -300},
		{}, {Description: "a longer description than one byte of length can say: " + string(make([]byte, 200))}}
	var buf []byte
	for i, p := range ps {
		if n, err := CountProducts(buf); n != i || err != nil {
			t.Errorf("a batch of %d products: %d, %v", i, n, err)
		}
		buf = AppendProduct(buf, &p)
	}
	last := len(buf) - len(AppendProduct(nil, &ps[2]))
	for cut := last + 1; cut < len(buf); cut++ {
		if _, err := CountProducts(buf[:cut]); !errors.Is(err, ErrCorruptBatch) {
			t.Fatalf("cut at %d of %d: %v, want ErrCorruptBatch", cut, len(buf), err)
		}
	}
}

func FuzzDecodeProduct(f *testing.F) {
	p := Product{Source: "s", SourceID: "1", Title: "t", Price: 2, HasPrice: true}
	f.Add(AppendProduct(nil, &p))
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var got Product
		rest, err := DecodeProduct(b, &got)
		if err != nil {
			return
		}
		// CountProducts sees the one product that decoded, and the rest.
		_, restErr := CountProducts(rest)
		if n, err := CountProducts(b[:len(b)-len(rest)]); n != 1 || err != nil {
			t.Fatalf("CountProducts of one product: %d, %v", n, err)
		}
		if n, err := CountProducts(b); (err == nil) != (restErr == nil) || (err == nil && n < 1) {
			t.Fatalf("CountProducts of the batch: %d, %v; of its rest: %v", n, err, restErr)
		}
		// What decodes must survive a round trip unchanged.
		var again Product
		if _, err := DecodeProduct(AppendProduct(nil, &got), &again); err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		if again != got && got.Price == got.Price { // NaN != NaN
			t.Fatalf("round trip changed %+v into %+v", got, again)
		}
	})
}

// BenchmarkProductCodec encodes and decodes 10,000 products an op.
func BenchmarkProductCodec(b *testing.B) {
	p := Product{Source: "shop", SourceID: "SHP-1007", Title: "Sony WH-1000XM4 Wireless Noise Cancelling Headphones",
		Description: "Industry-leading noise cancellation", Brand: "Sony", Manufacturer: "Sony Corporation",
		Category: "Headphones", Price: 349.99, HasPrice: true, Currency: "USD", ModelNumber: "WH1000XM4/B",
		GTIN: "00027242919419", URL: "https://shop.example/p/1007", UpdatedAt: 1700000000000000}
	var buf []byte
	for b.Loop() {
		buf = buf[:0]
		for range 10000 {
			buf = AppendProduct(buf, &p)
		}
		for src := buf; len(src) > 0; {
			var got Product
			var err error
			if src, err = DecodeProduct(src, &got); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestAppendRecordKey(t *testing.T) {
	got := AppendRecordKey([]byte{9}, "shop", "A-1")
	want := append([]byte{9, 8}, "shop:A-1"...) // a uvarint length of 8, then the key
	if string(got) != string(want) || string(got) != string(AppendString([]byte{9}, RecordKey("shop", "A-1"))) {
		t.Errorf("AppendRecordKey = %q, want %q", got, want)
	}
}
