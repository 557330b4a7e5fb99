package matchers

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

func TestPrepare(t *testing.T) {
	tests := []struct {
		name string
		in   Fields
		want Prepared
	}{{
		name: "abt",
		in: Fields{Source: "abt", Title: "Sony Turntable - PSLX350H",
			Description: "Sony Turntable - PSLX350H/ Belt Drive System/ 33-1/3 and 45 RPM Speeds"},
		want: Prepared{Source: "abt", Title: "sony turntable pslx350h",
			TitleTokens: []string{"sony", "turntable", "pslx350h"}, Brand: "sony", Models: []string{"PSLX350H"}},
	}, {
		name: "buy with manufacturer and price",
		in: Fields{Source: "buy", Title: "Linksys EtherFast EZXS88W Ethernet Switch - EZXS88W",
			Manufacturer: "LINKSYS", Price: 49.99, HasPrice: true, Currency: " usd "},
		want: Prepared{Source: "buy", Title: "linksys etherfast ezxs88w ethernet switch ezxs88w",
			TitleTokens: []string{"linksys", "etherfast", "ezxs88w", "ethernet", "switch", "ezxs88w"},
			Brand:       "linksys", Models: []string{"EZXS88W"}, Price: 49.99, HasPrice: true, Currency: "USD"},
	}, {
		name: "explicit fields first",
		in: Fields{Title: "LaserJet Toner 85A", Brand: "Hewlett-Packard", Manufacturer: "Canon",
			ModelNumber: "CE-285A", GTIN: "0 36000 29145 2"},
		want: Prepared{Title: "laserjet toner 85a", TitleTokens: []string{"laserjet", "toner", "85a"},
			Brand: "hp", Models: []string{"CE285A"}, GTIN: "00036000291452"},
	}, {
		name: "description stands in for a missing title",
		in:   Fields{Title: "  ", Description: "Canon NB-4L Lithium Ion Battery"},
		want: Prepared{Title: "canon nb4l lithium ion battery",
			TitleTokens: []string{"canon", "nb4l", "lithium", "ion", "battery"}, Brand: "canon", Models: []string{"NB4L"}},
	}, {
		name: "GTIN from the title, placeholder brand, bad price",
		in: Fields{Title: "Sony DUALSHOCK 2 Controller - Emerald Finish - 711719706205",
			Brand: "Unknown", Price: -3, HasPrice: true},
		want: Prepared{Title: "sony dualshock 2 controller emerald finish 711719706205",
			TitleTokens: []string{"sony", "dualshock", "2", "controller", "emerald", "finish", "711719706205"},
			Brand:       "sony", Models: []string{"711719706205"}, GTIN: "00711719706205"},
	}, {
		name: "the brand is not a model",
		in:   Fields{Title: "Twenty20 VholdR Mount Adhesive - 2200MA"},
		want: Prepared{Title: "twenty20 vholdr mount adhesive 2200ma",
			TitleTokens: []string{"twenty20", "vholdr", "mount", "adhesive", "2200ma"},
			Brand:       "twenty20", Models: []string{"2200MA"}},
	}, {
		name: "empty",
		in:   Fields{Price: math.NaN(), HasPrice: true},
		want: Prepared{},
	}}
	for _, tt := range tests {
		got := Prepare(tt.in, nil)
		if got.Source != tt.want.Source || got.Title != tt.want.Title ||
			!slices.Equal(got.TitleTokens, tt.want.TitleTokens) || got.Brand != tt.want.Brand ||
			!slices.Equal(got.Models, tt.want.Models) || got.GTIN != tt.want.GTIN ||
			got.Price != tt.want.Price || got.HasPrice != tt.want.HasPrice ||
			got.Currency != tt.want.Currency || got.TFIDF != nil {
			t.Errorf("%s: Prepare =\n%+v\nwant\n%+v", tt.name, got, tt.want)
		}
	}
}

func TestPrepareCustomBrands(t *testing.T) {
	idx := NewBrandIndex([]string{"Acme Gadgets|Acme"})
	if got := Prepare(Fields{Title: "Acme Rocket Skates RS-100"}, idx).Brand; got != "acme gadgets" {
		t.Errorf("Brand = %q, want the custom brand", got)
	}
	if got := Prepare(Fields{Title: "Rocket Skates", Manufacturer: "ACME"}, idx).Brand; got != "acme gadgets" {
		t.Errorf("Brand = %q, want the custom brand's canonical name", got)
	}
}

// TestPrepareAbtBuyBrands checks brand agreement on the labelled Abt-Buy
// pairs: Abt has no brand column (detected from the title), Buy has a
// manufacturer column.
func TestPrepareAbtBuyBrands(t *testing.T) {
	abt, buy, pairs := abtBuy(t)
	agree, missing := 0, 0
	for _, p := range pairs {
		a := Prepare(Fields{Title: abt[p[0]][1], Description: abt[p[0]][2]}, nil)
		b := Prepare(Fields{Title: buy[p[1]][1], Description: buy[p[1]][2], Manufacturer: buy[p[1]][3]}, nil)
		switch {
		case a.Brand == "" || b.Brand == "":
			missing++
		case a.Brand == b.Brand:
			agree++
		}
	}
	t.Logf("brands on %d true pairs: agree %d, missing %d, differ %d", len(pairs), agree, missing, len(pairs)-agree-missing)
	if float64(agree) < 0.95*float64(len(pairs)) {
		t.Errorf("brand agreement on true pairs %d/%d, want >= 95%%", agree, len(pairs))
	}
}

// PrepareFields is Prepare without the derived sets, which Reindex adds:
// the two paths give the same view, and comparing an unindexed view gives
// the same similarity.
func TestPrepareFieldsThenReindex(t *testing.T) {
	f := Fields{Source: "shop", Title: "Sony WH-1000XM4 Wireless Headphones Black 30h",
		Brand: "Sony", ModelNumber: "WH1000XM4", Price: 278, HasPrice: true, Currency: "usd"}
	want := Prepare(f, nil)
	got := PrepareFields(f, nil)
	if got.titleSet != nil || got.colours != 0 {
		t.Errorf("PrepareFields computed the derived sets: %v, %v", got.titleSet, got.colours)
	}
	other := Prepare(Fields{Source: "feed", Title: "Sony WH1000XM4 headphones, black"}, nil)
	if a, b := titleContainment(&got, &other), titleContainment(&want, &other); a != b || a == 0 {
		t.Errorf("containment of the unindexed view %v, of the indexed %v", a, b)
	}
	got.Reindex()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PrepareFields + Reindex:\n%+v\nPrepare:\n%+v", got, want)
	}
}
