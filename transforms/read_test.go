package transforms

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.Function2x0(readSummary)
}

// readSummary emits a record as "source position: field=value ...", its
// fields sorted, or "source position: decode error | raw text" when the
// reader could not decode it.
func readSummary(r SourceRecord, emit func(string)) {
	if r.DecodeError != "" {
		emit(fmt.Sprintf("%s %s: %s | %s", r.Source, r.Position, r.DecodeError, r.Raw))
		return
	}
	var fields []string
	for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
		fields = append(fields, k+"="+r.Fields[k])
	}
	emit(fmt.Sprintf("%s %s: %s", r.Source, r.Position, strings.Join(fields, " ")))
}

// writeTestFiles writes each name → content under dir, creating folders.
func writeTestFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// parseTestConfig parses a YAML config as if it were dir/linkbeam.yaml,
// so that relative locations resolve under dir.
func parseTestConfig(t *testing.T, dir, yaml string) *schemas.Config {
	t.Helper()
	cfg, err := schemas.Parse([]byte(yaml), filepath.Join(dir, "linkbeam.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// readTestConfig has a JSON lines source of two files and a CSV source.
const readTestConfig = `
sources:
  shop:
    type: jsonl
    location: shop/*.jsonl
    schema: shop_v1
  feed:
    type: csv
    location: feed/items.csv
    schema: feed_v1
schemas:
  shop_v1:
    fields:
      id: id
      name: title
      cost: {to: price, currency: USD}
  feed_v1:
    fields:
      item_id: id
      item_title: title
      item_price: {to: price, currency: USD}
`

// Read's contract: every file a source's location matches is read, and
// every record in it leaves Read once, tagged with its source and
// position: decoded into its fields, or with the reader's reason and its
// raw text when it does not decode (Harmonize then rejects it).
func TestReadEmitsEveryRecord(t *testing.T) {
	dir := t.TempDir()
	writeTestFiles(t, dir, map[string]string{
		"shop/a.jsonl": `{"id": "1", "name": "Sony WH-1000XM4", "cost": "$329.99"}
{"id": "2", "name": "broken
`,
		"shop/b.jsonl": `{"id": "3", "name": "LG OLED55C3", "offer": {"cost": 1299}}
`,
		"shop/notes.txt": `not a source file: the glob leaves it out`,
		"feed/items.csv": `item_id,item_title,item_price
A1,"Samsung QN55Q80C",997.00
A2,a row with,too many,fields
A3,Bosch Serie 4,
`,
	})
	cfg := parseTestConfig(t, dir, readTestConfig)
	p, s := beam.NewPipelineWithRoot()
	records := Read(s, cfg, []string{"feed", "shop"})
	passert.Equals(s, beam.ParDo(s, readSummary, records),
		"shop a.jsonl:1: cost=$329.99 id=1 name=Sony WH-1000XM4",
		`shop a.jsonl:2: a.jsonl:2: invalid JSON: unexpected end of input | {"id": "2", "name": "broken`,
		"shop b.jsonl:1: id=3 name=LG OLED55C3 offer.cost=1299",
		"feed items.csv:2: item_id=A1 item_price=997.00 item_title=Samsung QN55Q80C",
		"feed items.csv:3: items.csv:3: wrong number of fields: 4, the header has 3 | A2,a row with,too many,fields",
		"feed items.csv:4: item_id=A3 item_price= item_title=Bosch Serie 4")
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}

// A location that matches no file fails the job, naming the location: an
// expected feed that is missing is not an empty feed.
func TestReadFailsOnAMissingFeed(t *testing.T) {
	dir := t.TempDir()
	writeTestFiles(t, dir, map[string]string{"feed/items.csv": "item_id,item_title,item_price\nA1,x,1\n"})
	cfg := parseTestConfig(t, dir, readTestConfig)
	p, s := beam.NewPipelineWithRoot()
	Read(s, cfg, []string{"feed", "shop"})
	err := ptest.Run(p)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "shop", "*.jsonl")) {
		t.Errorf("run: %v, want an error naming the shop location", err)
	}
}

func TestSourceBytes(t *testing.T) {
	dir := t.TempDir()
	writeTestFiles(t, dir, map[string]string{"feed/a.csv": "0123456789", "feed/b.csv": "01234", "feed/c.txt": "not matched"})
	n, err := SourceBytes(context.Background(), filepath.Join(dir, "feed", "*.csv"))
	if err != nil || n != 15 {
		t.Errorf("SourceBytes = %d, %v; want 15", n, err)
	}
	if _, err := SourceBytes(context.Background(), filepath.Join(dir, "none", "*.csv")); err == nil {
		t.Error("SourceBytes of a location matching nothing: no error")
	}
}

func TestShardsFor(t *testing.T) {
	for _, c := range []struct {
		bytes int64
		want  int
	}{
		{0, DefaultShards},
		{8 * ShardInputBytes, 8},   // the generated 1M catalogue (203 MiB) keeps 8
		{8*ShardInputBytes + 1, 9}, // a part of a shard's worth takes a shard
		{2032 << 20, 64},           // the generated 10M catalogue
		{100 * ShardInputBytes, 100},
	} {
		if got := ShardsFor(c.bytes); got != c.want {
			t.Errorf("ShardsFor(%d) = %d, want %d", c.bytes, got, c.want)
		}
	}
}
