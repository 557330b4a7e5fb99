package schemas

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// testSchema maps a feed that uses every kind of mapping.
var testSchema = SchemaConfig{
	Name: "test",
	Fields: map[string]FieldMapping{
		"sku":      {To: "id"},
		"name":     {To: "title", Transforms: []string{"collapse_spaces"}},
		"desc":     {To: "description", Transforms: []string{"strip_html"}},
		"brand":    {To: "brand", Transforms: []string{"upper"}},
		"maker":    {To: "manufacturer", Transforms: []string{"lower"}},
		"cat":      {To: "category"},
		"cost":     {To: "price", Transforms: []string{"price"}, Currency: "usd"},
		"cur":      {To: "currency"},
		"mpn":      {To: "model_number", Transforms: []string{"upper", "digits"}},
		"ean":      {To: "gtin"},
		"link":     {To: "url"},
		"modified": {To: "updated_at", Transforms: []string{"timestamp"}, Format: "02/01/2006 15:04"},
	},
}

func TestMap(t *testing.T) {
	m, err := NewMapper(SourceConfig{Name: "shop"}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		fields map[string]string
		want   Product
	}{{
		name: "all fields",
		fields: map[string]string{
			"sku": " A-1 ", "name": "  Sony \t WH-1000XM4\n Black ", "desc": "<p>Noise&nbsp;cancelling</p><ul><li>30 h</li><li>Fast &amp; light</li></ul>",
			"brand": "Sony", "maker": "SONY Corp", "cat": "Headphones", "cost": "1.299,00 €", "mpn": "wh-1000xm4",
			"ean": "4 548736 112110", "link": "https://x/1", "modified": "01/03/2024 10:15", "unmapped": "ignored",
		},
		want: Product{Source: "shop", SourceID: "A-1", Title: "Sony WH-1000XM4 Black", Description: "Noise cancelling 30 h Fast & light",
			Brand: "SONY", Manufacturer: "sony corp", Category: "Headphones", Price: 1299, HasPrice: true, Currency: "EUR",
			ModelNumber: "10004", GTIN: "4548736112110", URL: "https://x/1", UpdatedAt: 1709288100 * 1e6},
	}, {
		name:   "default currency",
		fields: map[string]string{"sku": "A-2", "cost": "12"},
		want:   Product{Source: "shop", SourceID: "A-2", Price: 12, HasPrice: true, Currency: "USD"},
	}, {
		name:   "currency field wins",
		fields: map[string]string{"sku": "A-3", "cost": "£12", "cur": "eur"},
		want:   Product{Source: "shop", SourceID: "A-3", Price: 12, HasPrice: true, Currency: "EUR"},
	}, {
		name:   "empty currency field loses",
		fields: map[string]string{"sku": "A-4", "cost": "£12", "cur": " "},
		want:   Product{Source: "shop", SourceID: "A-4", Price: 12, HasPrice: true, Currency: "GBP"},
	}, {
		name:   "empty values stay unset",
		fields: map[string]string{"sku": "A-5", "cost": "", "modified": "  ", "name": ""},
		want:   Product{Source: "shop", SourceID: "A-5"},
	}, {
		name:   "nothing mapped",
		fields: map[string]string{"other": "x"},
		want:   Product{Source: "shop"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Map(RawRecord{Fields: tt.fields, Position: "f:1"})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Map =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestMapErrors(t *testing.T) {
	m, err := NewMapper(SourceConfig{Name: "shop"}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		raw  RawRecord
		is   error
		msg  string
	}{
		{"bad price", RawRecord{Fields: map[string]string{"sku": "17", "cost": "abc"}, Position: "file.jsonl:18"},
			ErrInvalidPrice, `shop: record 17 (file.jsonl:18): field price: invalid price "abc"`},
		{"bad timestamp", RawRecord{Fields: map[string]string{"sku": "17", "modified": "2024-03-01"}, Position: "file.jsonl:18"},
			ErrInvalidTimestamp, `shop: record 17 (file.jsonl:18): field updated_at: invalid timestamp "2024-03-01": want format 02/01/2006 15:04`},
		{"decode error", RawRecord{Err: io.ErrUnexpectedEOF, Position: "file.jsonl:19"},
			ErrDecode, `shop: file.jsonl:19: unexpected EOF`},
		{"reader's decode error", RawRecord{Err: &RejectError{Reason: "wrong number of fields", Err: ErrDecode}, Position: "f.csv:3"},
			ErrDecode, `shop: f.csv:3: wrong number of fields`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.Map(tt.raw)
			var re *RejectError
			if !errors.As(err, &re) || !errors.Is(err, tt.is) || err.Error() != tt.msg {
				t.Errorf("Map error = %v (%T)\nwant %q wrapping %v", err, err, tt.msg, tt.is)
			}
		})
	}
	// The decode error keeps the reader's cause too.
	_, err = m.Map(RawRecord{Err: io.ErrUnexpectedEOF})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("decode error %v does not wrap the reader's error", err)
	}
}

func TestMapMinorUnits(t *testing.T) {
	// Prices in cents with each record's currency column, falling back to
	// USD; the expected prices are the decimal literals, which must come
	// out exactly.
	cents, err := NewMapper(SourceConfig{Name: "shop"}, SchemaConfig{Name: "cents", Fields: map[string]FieldMapping{
		"sku": {To: "id"}, "name": {To: "title"}, "cents": {To: "price", Currency: "USD", MinorUnits: true}, "cur": {To: "currency"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	yen, err := NewMapper(SourceConfig{Name: "jp"}, SchemaConfig{Name: "yen", Fields: map[string]FieldMapping{
		"sku": {To: "id"}, "name": {To: "title"}, "amount": {To: "price", Currency: "jpy", MinorUnits: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		m         *Mapper
		fields    map[string]string
		price     float64
		currency  string
		reason    string // the error's reason; "" for none
		wantError error
	}{
		{name: "USD", m: cents, fields: map[string]string{"cents": "1299"}, price: 12.99, currency: "USD"},
		{name: "USD under a dollar, leading zeros", m: cents, fields: map[string]string{"cents": " 007 "}, price: 0.07, currency: "USD"},
		{name: "zero", m: cents, fields: map[string]string{"cents": "0"}, price: 0, currency: "USD"},
		{name: "record currency EUR", m: cents, fields: map[string]string{"cents": "5", "cur": "eur"}, price: 0.05, currency: "EUR"},
		{name: "record currency JPY", m: cents, fields: map[string]string{"cents": "1299", "cur": "JPY"}, price: 1299, currency: "JPY"},
		{name: "record currency KWD", m: cents, fields: map[string]string{"cents": "1299", "cur": "KWD"}, price: 1.299, currency: "KWD"},
		{name: "record currency CLF", m: cents, fields: map[string]string{"cents": "12345", "cur": "CLF"}, price: 1.2345, currency: "CLF"},
		{name: "empty currency cell falls back", m: cents, fields: map[string]string{"cents": "250", "cur": ""}, price: 2.5, currency: "USD"},
		{name: "mapping currency JPY", m: yen, fields: map[string]string{"amount": "1299"}, price: 1299, currency: "JPY"},
		{name: "largest exact amount", m: yen, fields: map[string]string{"amount": "9007199254740992"}, price: 1 << 53, currency: "JPY"},

		{name: "decimal", m: cents, fields: map[string]string{"cents": "12.99"}, wantError: ErrInvalidPrice,
			reason: `invalid price "12.99": minor_units wants a whole number of minor units, 0 or more`},
		{name: "negative", m: cents, fields: map[string]string{"cents": "-1299"}, wantError: ErrInvalidPrice,
			reason: `invalid price "-1299": minor_units wants a whole number of minor units, 0 or more`},
		{name: "exponent", m: yen, fields: map[string]string{"amount": "1e3"}, wantError: ErrInvalidPrice,
			reason: `invalid price "1e3": minor_units wants a whole number of minor units, 0 or more`},
		{name: "currency sign", m: cents, fields: map[string]string{"cents": "$12"}, wantError: ErrInvalidPrice,
			reason: `invalid price "$12": minor_units wants a whole number of minor units, 0 or more`},
		{name: "too large to be exact", m: yen, fields: map[string]string{"amount": "9007199254740993"}, wantError: ErrInvalidPrice,
			reason: `invalid price "9007199254740993": too large`},
		{name: "beyond uint64", m: yen, fields: map[string]string{"amount": "99999999999999999999"}, wantError: ErrInvalidPrice,
			reason: `invalid price "99999999999999999999": too large`},
		{name: "currency without a minor unit", m: cents, fields: map[string]string{"cents": "1299", "cur": "XAU"}, wantError: ErrInvalidCurrency,
			reason: `invalid currency "XAU" for the price 1299 in minor units: want an ISO 4217 currency with a minor unit`},
		{name: "unknown currency", m: cents, fields: map[string]string{"cents": "1299", "cur": "XYZ"}, wantError: ErrInvalidCurrency,
			reason: `invalid currency "XYZ" for the price 1299 in minor units: want an ISO 4217 currency with a minor unit`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fields["sku"] = "A-1"
			got, err := tt.m.Map(RawRecord{Fields: tt.fields, Position: "f:2"})
			if tt.wantError != nil {
				var re *RejectError
				if !errors.As(err, &re) || !errors.Is(err, tt.wantError) || re.Field != "price" || re.SourceID != "A-1" || re.reason() != tt.reason {
					t.Errorf("Map error = %v (%T), want reason %q wrapping %v", err, err, tt.reason, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Price != tt.price || !got.HasPrice || got.Currency != tt.currency {
				t.Errorf("Map = price %v %s (HasPrice %v), want %v %s", got.Price, got.Currency, got.HasPrice, tt.price, tt.currency)
			}
		})
	}
	got, err := cents.Map(RawRecord{Fields: map[string]string{"sku": "A-2", "cents": " "}})
	if err != nil || got.HasPrice {
		t.Errorf("empty cents: %+v, %v; want no price", got, err)
	}
}

func TestMapChecked(t *testing.T) {
	m, err := NewMapper(SourceConfig{Name: "shop"}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.MapChecked(RawRecord{Fields: map[string]string{"sku": "9", "cost": "-5", "cur": "XXY"}, Position: "f:2"})
	want := "shop: record 9 (f:2): field title: missing required field\n" +
		"shop: record 9 (f:2): field price: price -5 is below the minimum 0\n" +
		`shop: record 9 (f:2): field currency: unknown currency "XXY"`
	if err == nil || err.Error() != want {
		t.Errorf("MapChecked error =\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, ErrMissingField) || !errors.Is(err, ErrOutOfRange) || !errors.Is(err, ErrInvalidCurrency) {
		t.Errorf("MapChecked error %v does not wrap all three sentinels", err)
	}
}

func TestNewMapperRejectsBadSchema(t *testing.T) {
	_, err := NewMapper(SourceConfig{Name: "s"}, SchemaConfig{Name: "x", Fields: map[string]FieldMapping{
		"a": {To: "id"}, "b": {To: "titel"}, "c": {To: "price", Transforms: []string{"slugify"}},
	}})
	want := `schemas.x.fields.b: unknown unified field "titel" (want id, title, description, brand, manufacturer, category, price, currency, model_number, gtin, url or updated_at)
schemas.x.fields.c.transforms[0]: unknown transform "slugify" (want trim, lower, upper, collapse_spaces, digits, strip_html, price or timestamp)
schemas.x.fields: no source field maps to title`
	if err == nil || err.Error() != want {
		t.Errorf("NewMapper error =\n%v\nwant\n%s", err, want)
	}
}

func TestStringTransforms(t *testing.T) {
	tests := []struct {
		f       func(string) string
		in, out string
	}{
		{collapseSpaces, "a  b", "a b"},
		{collapseSpaces, " a\tb\n", "a b"},
		{collapseSpaces, "a\u00a0\u00a0b", "a b"},
		{collapseSpaces, "a b", "a b"},
		{collapseSpaces, "", ""},
		{collapseSpaces, "   ", ""},
		{stripHTML, "plain", "plain"},
		{stripHTML, "Fish &amp; chips", "Fish & chips"},
		{stripHTML, "Hi <b>there</b>!", "Hi there!"},
		{stripHTML, "<p>one</p><p>two</p>", "one two"},
		{stripHTML, "a<br/>b", "a b"},
		{stripHTML, "<!-- x > y -->kept", "kept"},
		{stripHTML, "size < 5 & > 2", "size < 5 & > 2"},
		{stripHTML, "<A HREF='x'>link</A>s", "links"},
		{stripHTML, "broken <b", "broken"},
		{keepDigits, "4 548736-112110", "4548736112110"},
		{keepDigits, "123", "123"},
		{keepDigits, "abc", ""},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.out {
			t.Errorf("%s(%q) = %q, want %q", funcName(tt.f), tt.in, got, tt.out)
		}
	}
}

func funcName(f func(string) string) string {
	switch reflect.ValueOf(f).Pointer() {
	case reflect.ValueOf(collapseSpaces).Pointer():
		return "collapseSpaces"
	case reflect.ValueOf(stripHTML).Pointer():
		return "stripHTML"
	}
	return "keepDigits"
}

// benchRecord is a typical, already clean record: the common case.
var benchRecord = RawRecord{Fields: map[string]string{
	"sku": "SHP-1007", "name": "Sony WH-1000XM4 Wireless Noise Cancelling Headphones",
	"desc": "Industry-leading noise cancelling.", "brand": "SONY", "maker": "sony",
	"cat": "Headphones", "cost": "$1,299.00", "mpn": "1000", "ean": "4548736112110",
	"link": "https://shop.example.com/p/SHP-1007", "modified": "01/03/2024 10:15",
}, Position: "products.jsonl:6"}

func TestMapAllocations(t *testing.T) {
	m, err := NewMapper(SourceConfig{Name: "shop"}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = m.Map(benchRecord) }); n != 0 {
		t.Errorf("Map of a clean record allocates %v times, want 0", n)
	}
}

func BenchmarkMap(b *testing.B) {
	m, err := NewMapper(SourceConfig{Name: "shop"}, testSchema)
	if err != nil {
		b.Fatal(err)
	}
	dirty := RawRecord{Fields: map[string]string{}}
	for k, v := range benchRecord.Fields {
		dirty.Fields[k] = "  " + strings.ToLower(v) + "  "
	}
	dirty.Fields["desc"] = "<p>Industry-leading&nbsp;noise cancelling.</p>"
	dirty.Fields["cost"] = "1.299,00 €"
	dirty.Fields["modified"] = "01/03/2024 10:15"
	for _, bc := range []struct {
		name string
		raw  RawRecord
	}{{"clean", benchRecord}, {"dirty", dirty}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Map(bc.raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
