package schemas

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestFingerprint(t *testing.T) {
	base := Product{Source: "shop", SourceID: "1", Title: "Sony WH-1000XM4", Brand: "Sony",
		Price: 278, HasPrice: true, Currency: "USD", GTIN: "4548735711205", UpdatedAt: 1717236000e6}
	fp := Fingerprint(&base)
	// Pinned: records/ of earlier runs are compared with it, so a change
	// of the encoding is a change of format.
	if want := "acdf0100888a2669eb6a79fa83641d2d"; fp != want {
		t.Fatalf("Fingerprint = %q, want %q", fp, want)
	}
	same := base
	same.Source, same.SourceID = "legacy", "LP-1" // the key is not content
	if Fingerprint(&same) != fp {
		t.Error("fingerprint depends on the record key")
	}
	noPrice := base
	noPrice.HasPrice = false
	noPriceOther := noPrice
	noPriceOther.Price = 5
	if Fingerprint(&noPrice) == fp || Fingerprint(&noPrice) != Fingerprint(&noPriceOther) {
		t.Error("a price without HasPrice must count as no price, and HasPrice must count")
	}
	// Every content field changes it; moving text between fields too.
	edits := map[string]func(*Product){
		"title":        func(p *Product) { p.Title += "!" },
		"description":  func(p *Product) { p.Description = "x" },
		"brand":        func(p *Product) { p.Brand = "Bose" },
		"manufacturer": func(p *Product) { p.Manufacturer = "x" },
		"category":     func(p *Product) { p.Category = "x" },
		"price":        func(p *Product) { p.Price = 279 },
		"currency":     func(p *Product) { p.Currency = "EUR" },
		"model":        func(p *Product) { p.ModelNumber = "x" },
		"gtin":         func(p *Product) { p.GTIN = "x" },
		"url":          func(p *Product) { p.URL = "x" },
		"updated_at":   func(p *Product) { p.UpdatedAt++ },
		"shifted":      func(p *Product) { p.Title, p.Description = "Sony WH-", "1000XM4" },
	}
	for name, edit := range edits {
		p := base
		edit(&p)
		if Fingerprint(&p) == fp {
			t.Errorf("editing %s keeps the fingerprint", name)
		}
	}
}

func TestMasterFingerprint(t *testing.T) {
	m := MasterRow{MasterID: "m-1",
		ProductColumns: NewProductColumns(&Product{Title: "Sony WH-1000XM4", Price: 278, HasPrice: true, Currency: "USD"}),
		MemberCount:    3, Sources: []string{"shop"}, Provenance: []FieldProvenance{{Field: "title", Source: "shop"}}}
	fp := MasterFingerprint(&m)
	other := m
	other.MasterID, other.MemberCount, other.Sources, other.Provenance, other.CreatedGeneration = "m-2", 4, nil, nil, 7
	if MasterFingerprint(&other) != fp {
		t.Error("master fingerprint depends on more than the surviving fields")
	}
	other = m
	other.Price = nil
	if MasterFingerprint(&other) == fp {
		t.Error("a lost price keeps the master fingerprint")
	}
	other = m
	other.URL = "https://x"
	if MasterFingerprint(&other) == fp {
		t.Error("a changed url keeps the master fingerprint")
	}
}

func TestRecordRow(t *testing.T) {
	var p Product
	fillNonZero(reflect.ValueOf(&p).Elem())
	r := NewRecordRow(&p)
	if z := zeroFields(reflect.ValueOf(r)); len(z) > 0 {
		t.Errorf("NewRecordRow leaves %v unset", z)
	}
	if r.Fingerprint != Fingerprint(&p) {
		t.Error("records/ row without the record's fingerprint")
	}
	rows := roundTrip(t, []RecordRow{r, NewRecordRow(&Product{Source: "shop", SourceID: "2", Title: "t"})})
	for i, want := range []Product{p, {Source: "shop", SourceID: "2", Title: "t"}} {
		if got := rows[i].Product(); got != want {
			t.Errorf("records/ round trip of %+v = %+v", want, got)
		}
	}
}

func TestChangeRowParquet(t *testing.T) {
	rows := []ChangeRow{
		{RunID: "r2", Event: "merged", MasterID: "m-1", PreviousMasterIDs: []string{"m-2"}, RecordCount: 3, PreviousRecordCount: 1, SharedRecordCount: 1},
		{RunID: "r2", Event: "created", MasterID: "m-3", RecordCount: 1},
	}
	got := roundTrip(t, rows)
	got[1].PreviousMasterIDs = nil // read back as an empty slice
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("ChangeRow round trip = %+v", got)
	}
	if s := parquet.SchemaOf(ChangeRow{}).String(); !strings.Contains(s, "repeated binary previous_master_ids (STRING);") {
		t.Errorf("previous_master_ids is not a plain repeated column:\n%s", s)
	}
}

func BenchmarkFingerprint(b *testing.B) {
	p := Product{Source: "partner", SourceID: "P00012345", Title: "Sony WH-1000XM4 Wireless Noise Cancelling Headphones, Black",
		Description: "Industry-leading noise cancellation with Dual Noise Sensor technology and up to 30 hours of battery life.",
		Brand:       "Sony", Category: "Headphones", ModelNumber: "WH-1000XM4", Price: 278, HasPrice: true, Currency: "USD",
		GTIN: "4548735711205", URL: "https://shop.example/p/12345", UpdatedAt: 1717236000e6}
	for b.Loop() {
		Fingerprint(&p)
	}
}
