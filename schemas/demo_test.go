package schemas

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/linkbeam/linkbeam/matchers"
)

// The demo test reads the three demo sources with minimal readers (the
// production ones live in transforms/sources), maps and checks every
// record, and compares the outcome with testdata/demo/EXPECTED.md and
// truth.csv.

const demoConfig = "../testdata/demo.yaml"

func readJSONL(t *testing.T, path string) []RawRecord {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []RawRecord
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		rec := RawRecord{Raw: sc.Text(), Position: fmt.Sprintf("%s:%d", filepath.Base(path), line)}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			rec.Err = err
		} else {
			rec.Fields = map[string]string{}
			for k, v := range obj {
				switch v := v.(type) {
				case string:
					rec.Fields[k] = v
				case json.Number:
					rec.Fields[k] = v.String()
				case nil:
				default:
					rec.Fields[k] = fmt.Sprint(v)
				}
			}
		}
		recs = append(recs, rec)
	}
	return recs
}

func readCSV(t *testing.T, path string) []RawRecord {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var recs []RawRecord
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		rec := RawRecord{Position: fmt.Sprintf("%s:%d", filepath.Base(path), line)}
		if err != nil {
			rec.Err = err // csv.ErrFieldCount for the ragged row; Read carries on
		} else {
			rec.Fields = map[string]string{}
			for i, v := range row {
				rec.Fields[header[i]] = v
			}
		}
		recs = append(recs, rec)
	}
	return recs
}

// legacyRow mirrors the struct in testdata/demo/gen_legacy.go.
type legacyRow struct {
	SKU          string    `parquet:"sku"`
	Name         string    `parquet:"name,optional"`
	Description  string    `parquet:"description,optional"`
	Price        float64   `parquet:"price,optional"`
	Currency     string    `parquet:"currency,optional"`
	Manufacturer string    `parquet:"manufacturer,optional"`
	PartNumber   string    `parquet:"part_number,optional"`
	Modified     time.Time `parquet:"modified,timestamp(microsecond)"`
}

func readLegacy(t *testing.T, path string) []RawRecord {
	rows, err := parquet.ReadFile[legacyRow](path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []RawRecord
	for i, r := range rows {
		fields := map[string]string{
			"sku": r.SKU, "name": r.Name, "description": r.Description, "currency": r.Currency,
			"manufacturer": r.Manufacturer, "part_number": r.PartNumber,
			"price":    strconv.FormatFloat(r.Price, 'f', -1, 64), // NaN stays "NaN"
			"modified": r.Modified.UTC().Format(time.RFC3339Nano),
		}
		for k, v := range fields {
			if v == "" { // null
				delete(fields, k)
			}
		}
		recs = append(recs, RawRecord{Fields: fields, Position: fmt.Sprintf("%s:row %d", filepath.Base(path), i+1)})
	}
	return recs
}

type demoOutcome struct {
	records  map[string]int                // source -> records read
	rejected map[string]error              // position -> error
	winners  map[string]map[string]Product // source -> id -> newest valid version
	versions map[string]int                // source -> valid versions superseded by a newer one
}

func runDemo(t *testing.T) (*Config, demoOutcome) {
	t.Helper()
	c, err := Load(demoConfig)
	if err != nil {
		t.Fatalf("demo config: %v", err)
	}
	out := demoOutcome{map[string]int{}, map[string]error{}, map[string]map[string]Product{}, map[string]int{}}
	for _, name := range c.SourceNames() {
		src := c.Sources[name]
		var recs []RawRecord
		switch src.Type {
		case "jsonl":
			recs = readJSONL(t, src.Location)
		case "csv":
			recs = readCSV(t, src.Location)
		case "parquet":
			recs = readLegacy(t, src.Location)
		}
		m, err := NewMapper(src, c.Schemas[src.Schema])
		if err != nil {
			t.Fatal(err)
		}
		out.records[name] = len(recs)
		out.winners[name] = map[string]Product{}
		for _, raw := range recs {
			p, err := m.MapChecked(raw)
			if err != nil {
				out.rejected[name+" "+raw.Position] = err
				continue
			}
			old, dup := out.winners[name][p.SourceID]
			if dup {
				out.versions[name]++
				if old.UpdatedAt > p.UpdatedAt {
					continue
				}
			}
			out.winners[name][p.SourceID] = p
		}
	}
	return c, out
}

func TestDemoConfig(t *testing.T) {
	c, err := Load(demoConfig)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.SourceNames(), []string{"legacy", "marketplace", "shop"}; !slices.Equal(got, want) {
		t.Errorf("sources = %v, want %v", got, want)
	}
	for name, want := range map[string]struct {
		prio int
		freq string
		loc  string
	}{
		"shop":        {1, "hourly", "../testdata/demo/products_v1.jsonl"},
		"marketplace": {2, "daily", "../testdata/demo/items_v2.csv"},
		"legacy":      {3, "weekly", "../testdata/demo/legacy_products.parquet"},
	} {
		s := c.Sources[name]
		if s.Priority != want.prio || s.Frequency != want.freq || s.Location != mustAbs(t, want.loc) {
			t.Errorf("source %s = %+v, want priority %d, frequency %s, location %s", name, s, want.prio, want.freq, want.loc)
		}
	}
	if got := c.Survivorship.Fields["price"]; !slices.Equal(got, []string{"most_recent"}) {
		t.Errorf("price survivorship = %v", got)
	}
	if len(c.Matching.Blocking.Rules) != len(matchers.DefaultBlockingRules) || c.Matching.Model != "default" {
		t.Errorf("matching is not at its defaults: %+v", c.Matching)
	}
}

func TestDemoRecords(t *testing.T) {
	_, out := runDemo(t)

	// Counts, as in the table at the top of EXPECTED.md.
	for src, want := range map[string]struct{ records, malformed, superseded, valid int }{
		"shop":        {30, 5, 2, 23},
		"marketplace": {32, 5, 2, 25},
		"legacy":      {27, 4, 1, 22},
	} {
		malformed := 0
		for k := range out.rejected {
			if strings.HasPrefix(k, src+" ") {
				malformed++
			}
		}
		got := struct{ records, malformed, superseded, valid int }{out.records[src], malformed, out.versions[src], len(out.winners[src])}
		if got != want {
			t.Errorf("%s: records, malformed, superseded, valid = %v, want %v", src, got, want)
		}
	}

	// The malformed records and why, as in EXPECTED.md.
	wantRejects := map[string]struct {
		is  error
		msg string
	}{
		"shop products_v1.jsonl:26":             {ErrDecode, "shop: products_v1.jsonl:26: unexpected EOF"},
		"shop products_v1.jsonl:27":             {ErrInvalidPrice, `shop: record SHP-1091 (products_v1.jsonl:27): field price: invalid price "call for price"`},
		"shop products_v1.jsonl:28":             {ErrMissingField, "shop: record SHP-1092 (products_v1.jsonl:28): field title: missing required field"},
		"shop products_v1.jsonl:29":             {ErrOutOfRange, "shop: record SHP-1093 (products_v1.jsonl:29): field price: price -49.99 is below the minimum 0"},
		"shop products_v1.jsonl:30":             {ErrInvalidTimestamp, `shop: record SHP-1094 (products_v1.jsonl:30): field updated_at: invalid timestamp "last Tuesday"`},
		"marketplace items_v2.csv:29":           {ErrDecode, "marketplace: items_v2.csv:29: record on line 29: wrong number of fields"},
		"marketplace items_v2.csv:30":           {ErrInvalidPrice, `marketplace: record 20491 (items_v2.csv:30): field price: invalid price "ask seller"`},
		"marketplace items_v2.csv:31":           {ErrMissingField, "marketplace: record 20492 (items_v2.csv:31): field title: missing required field"},
		"marketplace items_v2.csv:32":           {ErrOutOfRange, "marketplace: record 20493 (items_v2.csv:32): field price: price -15 is below the minimum 0"},
		"marketplace items_v2.csv:33":           {ErrInvalidTimestamp, `marketplace: record 20494 (items_v2.csv:33): field updated_at: invalid timestamp "31/02/2024 10:00": day out of range`},
		"legacy legacy_products.parquet:row 24": {ErrInvalidPrice, `legacy: record LP-0190 (legacy_products.parquet:row 24): field price: invalid price "NaN"`},
		"legacy legacy_products.parquet:row 25": {ErrOutOfRange, "legacy: record LP-0191 (legacy_products.parquet:row 25): field price: price -1 is below the minimum 0"},
		"legacy legacy_products.parquet:row 26": {ErrMissingField, "legacy: record LP-0192 (legacy_products.parquet:row 26): field title: missing required field"},
		"legacy legacy_products.parquet:row 27": {ErrInvalidCurrency, `legacy: record LP-0193 (legacy_products.parquet:row 27): field currency: currency "EURO" is not allowed (want USD, EUR, GBP)`},
	}
	for _, pos := range slices.Sorted(maps.Keys(out.rejected)) {
		err := out.rejected[pos]
		want, ok := wantRejects[pos]
		switch {
		case !ok:
			t.Errorf("unexpected reject %s: %v", pos, err)
		case !errors.Is(err, want.is) || err.Error() != want.msg:
			t.Errorf("reject %s:\n got %v\nwant %s (%v)", pos, err, want.msg, want.is)
		}
	}
	for pos := range wantRejects {
		if out.rejected[pos] == nil {
			t.Errorf("%s was not rejected", pos)
		}
	}

	// The valid, deduplicated records are exactly those of truth.csv.
	truth := readTruth(t)
	var got, want []string
	for src, ids := range out.winners {
		for id := range ids {
			got = append(got, src+","+id)
		}
	}
	for k := range truth {
		want = append(want, k)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("valid records:\n got %v\nwant %v", got, want)
	}

	// Spot checks from EXPECTED.md.
	us := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMicro()
	}
	for _, c := range []struct {
		src, id  string
		price    float64
		currency string
		updated  int64
	}{
		{"shop", "SHP-1007", 278, "USD", us("2024-06-01T10:00:00Z")},
		{"shop", "SHP-1015", 1099, "USD", us("2024-05-20T08:00:00Z")},
		{"shop", "SHP-1003", 2299, "USD", us("2024-04-18T12:00:00Z")},
		{"shop", "SHP-1006", 449, "USD", us("2024-05-11T08:00:00Z")},
		{"shop", "SHP-1010", 329, "USD", us("2024-05-03T12:00:00Z")},
		{"marketplace", "20409", 379, "USD", us("2024-06-15T12:30:00Z")},
		{"marketplace", "20422", 2449, "USD", us("2024-06-01T10:00:00Z")},
		{"marketplace", "20407", 269, "USD", us("2024-06-20T14:00:00Z")},
		{"marketplace", "20405", 999, "EUR", us("2024-05-05T11:11:00Z")},
		{"marketplace", "20413", 34.99, "GBP", us("2024-05-01T10:00:00Z")},
		{"legacy", "LP-0124", 1599.95, "USD", us("2023-12-01T09:00:00Z")},
		{"legacy", "LP-0105", 1299, "USD", us("2023-12-01T09:00:00Z")},
		{"legacy", "LP-0112", 279, "GBP", us("2023-12-05T09:00:00Z")},
	} {
		p := out.winners[c.src][c.id]
		if !p.HasPrice || p.Price != c.price || p.Currency != c.currency || p.UpdatedAt != c.updated {
			t.Errorf("%s %s: price %v %q (has %v), updated %d; want %v %q, %d",
				c.src, c.id, p.Price, p.Currency, p.HasPrice, p.UpdatedAt, c.price, c.currency, c.updated)
		}
	}
	xm4 := out.winners["shop"]["SHP-1007"]
	if want := "Industry-leading noise cancelling with Dual Noise Sensor technology. Up to 30 hours battery Speak-to-chat"; xm4.Description != want {
		t.Errorf("SHP-1007 description = %q, want %q", xm4.Description, want)
	}
	if xm4.Title != "Sony WH-1000XM4 Wireless Noise Cancelling Headphones" || xm4.ModelNumber != "WH1000XM4/B" || xm4.GTIN != "4548735711205" {
		t.Errorf("SHP-1007 = %+v", xm4)
	}
	if g := out.winners["marketplace"]["20410"].GTIN; g != "0017817835015" {
		t.Errorf("20410 GTIN = %q", g)
	}
	if p := out.winners["legacy"]["LP-0107"]; p.Manufacturer != "Sony" || p.ModelNumber != "WH-1000XM4B" || p.GTIN != "" {
		t.Errorf("LP-0107 = %+v", p)
	}
}

// readTruth reads truth.csv into "source,source_id" -> entity_id and
// checks the entity counts EXPECTED.md states.
func readTruth(t *testing.T) map[string]string {
	f, err := os.Open("../testdata/demo/truth.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], []string{"source", "source_id", "entity_id"}) {
		t.Fatalf("truth.csv header = %v", rows[0])
	}
	truth := map[string]string{}
	members := map[string]map[string]int{} // entity -> source -> records
	for _, r := range rows[1:] {
		k := r[0] + "," + r[1]
		if _, dup := truth[k]; dup {
			t.Errorf("truth.csv lists %s twice", k)
		}
		truth[k] = r[2]
		if members[r[2]] == nil {
			members[r[2]] = map[string]int{}
		}
		members[r[2]][r[0]]++
	}
	var multi, three, pairs int
	for _, bySource := range members {
		n := 0
		for _, c := range bySource {
			n += c
		}
		if n > 1 {
			multi++
		}
		if len(bySource) == 3 {
			three++
		}
		pairs += n * (n - 1) / 2
	}
	if len(truth) != 70 || len(members) != 34 || multi != 25 || three != 10 || pairs != 48 {
		t.Errorf("truth.csv: %d records, %d entities, %d with several records, %d in all sources, %d pairs; EXPECTED.md says 70, 34, 25, 10, 48",
			len(truth), len(members), multi, three, pairs)
	}
	return truth
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.FromSlash(p))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
