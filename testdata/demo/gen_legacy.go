//go:build ignore

// gen_legacy writes legacy_products.parquet, the demo's "legacy" source: an
// old ERP export with upper-case terse names, a separate currency column,
// no GTINs, a double price and a TIMESTAMP(MICROS) modification time.
// EXPECTED.md describes the records. Run from the repository root:
//
//	go run testdata/demo/gen_legacy.go
package main

import (
	"log"
	"math"
	"time"

	"github.com/parquet-go/parquet-go"
)

// legacyProduct is one row. Optional columns write "" and 0 as null.
type legacyProduct struct {
	SKU          string    `parquet:"sku"`
	Name         string    `parquet:"name,optional"`
	Description  string    `parquet:"description,optional"`
	Price        float64   `parquet:"price,optional"`
	Currency     string    `parquet:"currency,optional,dict"`
	Manufacturer string    `parquet:"manufacturer,optional,dict"`
	PartNumber   string    `parquet:"part_number,optional"`
	Modified     time.Time `parquet:"modified,timestamp(microsecond)"`
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		log.Fatal(err)
	}
	return t
}

var rows = []legacyProduct{
	{"LP-0101", "SAMSUNG QE55Q80C 55IN QLED 4K TV", "", 1049.00, "USD", "Samsung Electronics", "QE55Q80C", day("2023-11-02T10:00:00Z")},
	{"LP-0103", "LG OLED65C3 65IN OLED EVO", "LG OLED evo, a9 Gen6 AI processor", 2499.00, "USD", "LG Electronics", "OLED65C3PUA", day("2023-10-15T09:00:00Z")},
	{"LP-0104", "SONY XR55A80L BRAVIA XR OLED 55IN", "", 1799.00, "USD", "Sony", "XR55A80L", day("2023-09-20T09:00:00Z")},
	{"LP-0105", "HISENSE 65U8K MINI LED TV 65IN", "", 1299.00, "usd", "Hisense", "65U8K", day("2023-12-01T09:00:00Z")},
	{"LP-0107", "SONY WH-1000XM4 BT NC HEADPHONE BLK", "Over-ear, 30h battery", 299.99, "USD", "Sony", "WH-1000XM4B", day("2023-12-10T09:00:00Z")},
	{"LP-0109", "SONY WH-1000XM5 HEADPHONE BLACK", "", 399.99, "USD", "Sony", "WH1000XM5B", day("2023-12-10T09:05:00Z")},
	{"LP-0110", "BOSE QUIETCOMFORT 45 HDPHN BLK", "", 279.00, "USD", "Bose Corporation", "866724-0100", day("2023-11-24T09:00:00Z")},
	{"LP-0112", "SENNHEISER MOMENTUM 4 WIRELESS BLK", "", 279.00, "GBP", "Sennheiser", "509266", day("2023-12-05T09:00:00Z")},
	{"LP-0114", "BOSE QC ULTRA HEADPHONES BLACK", "", 429.00, "USD", "Bose Corporation", "880066-0100", day("2023-12-15T09:00:00Z")},
	{"LP-0115", "APPLE MACBOOK AIR 13 M2 8/256 MIDNIGHT", "", 1099.00, "USD", "Apple", "MLY33LL/A", day("2023-11-01T09:00:00Z")},
	{"LP-0117", "DELL XPS 13 9315 I5 8GB 512GB SILVER", "", 949.00, "USD", "Dell", "XPS9315-5123SLV", day("2023-10-01T09:00:00Z")},
	{"LP-0118", "LENOVO THINKPAD X1 CARBON G11 I7 16GB", "", 1899.00, "USD", "Lenovo", "21HM004G", day("2023-10-10T09:00:00Z")},
	{"LP-0121", "ACER ASPIRE 5 A515-57 15.6IN I5 8GB 512GB", "", 549.99, "USD", "Acer", "NX.K3KEK.008", day("2023-09-01T09:00:00Z")},
	{"LP-0122", "CANON EOS R6 MARK II BODY", "", 2499.00, "USD", "Canon", "5666C002", day("2023-11-11T09:00:00Z")},
	// Within-source duplicate: LP-0124 twice, the newer one second.
	{"LP-0124", "NIKON Z6 II BODY", "", 1799.95, "USD", "Nikon", "VOA060AE", day("2023-06-01T09:00:00Z")},
	{"LP-0125", "SONY ALPHA A7 IV BODY ILCE-7M4", "", 2498.00, "USD", "Sony", "ILCE7M4/B", day("2023-11-20T09:00:00Z")},
	{"LP-0126", "FUJIFILM X-T5 BODY SILVER", "", 1699.00, "USD", "Fujifilm", "16782301", day("2023-12-01T09:00:00Z")},
	{"LP-0127", "GOPRO HERO12 BLACK", "", 399.99, "USD", "GoPro", "CHDHX-121", day("2023-10-01T09:00:00Z")},
	{"LP-0129", "DJI OSMO POCKET 3", "", 519.00, "USD", "DJI", "CP.OS.00000301.01", day("2023-11-15T09:00:00Z")},
	{"LP-0131", "PANASONIC LUMIX S5 II BODY", "", 1999.99, "USD", "Panasonic", "DC-S5M2", day("2023-08-01T09:00:00Z")},
	{"LP-0133", "CANON POWERSHOT G7 X MARK III BLACK", "", 749.00, "USD", "Canon", "3637C001", day("2023-08-15T09:00:00Z")},
	{"LP-0134", "PHILIPS 55PUS8808 AMBILIGHT 4K TV", "", 899.00, "EUR", "Philips", "55PUS8808/12", day("2023-09-09T09:00:00Z")},
	{"LP-0124", "NIKON Z6II MIRRORLESS BODY", "", 1599.95, "USD", "Nikon", "VOA060AE", day("2023-12-01T09:00:00Z")},
	// Malformed records.
	{"LP-0190", "JBL FLIP 6 SPEAKER", "", math.NaN(), "USD", "JBL", "JBLFLIP6BLK", day("2023-12-01T09:00:00Z")},
	{"LP-0191", "SONY SRS-XB13 SPEAKER", "", -1.00, "USD", "Sony", "SRSXB13B", day("2023-12-01T09:00:00Z")},
	{"LP-0192", "", "", 99.00, "USD", "JBL", "JBLGO3BLK", day("2023-12-01T09:00:00Z")},
	{"LP-0193", "BOSE SOUNDLINK FLEX", "", 149.00, "EURO", "Bose Corporation", "865983-0100", day("2023-12-01T09:00:00Z")},
}

func main() {
	const path = "testdata/demo/legacy_products.parquet"
	if err := parquet.WriteFile(path, rows); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d rows to %s", len(rows), path)
}
