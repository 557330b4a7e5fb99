package transforms

import (
	"fmt"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.Function1x1(productSummary)
	register.Function1x1(rejectSummary)
	register.Function2x0(tallyCounts)
	register.Function2x1(countLine)
	register.Emitter2[string, int64]()
}

// productSummary is "source:id title price currency".
func productSummary(p schemas.Product) string {
	return fmt.Sprintf("%s %s %v %s", p.Key(), p.Title, p.Price, p.Currency)
}

// rejectSummary is "source id position [field]: reason | raw".
func rejectSummary(r schemas.RejectRow) string {
	return fmt.Sprintf("%s %s %s [%s]: %s | %s", r.Source, r.SourceID, r.Position, r.Field, r.Reason, r.Raw)
}

// tallyCounts splits a bundle's tally into "source read" and "source
// rejected" counts, for summing over bundles.
func tallyCounts(t SourceTally, emit func(string, int64)) {
	emit(t.Source+" read", t.Read)
	emit(t.Source+" rejected", t.Rejected)
}

func countLine(what string, n int64) string { return fmt.Sprintf("%s %d", what, n) }

// Harmonize's contract: a record maps onto the unified product with its
// source's mapping; one that fails decoding, mapping or the data contract
// goes to the dead letters with its source, id, position, the unified
// field at fault and the reason, and so does a record of a source the
// config does not map. Counters and tallies say per source how many were
// read, accepted and rejected.
func TestHarmonizeMapsOrRejects(t *testing.T) {
	dir := t.TempDir()
	cfg := parseTestConfig(t, dir, `
sources:
  shop:
    type: jsonl
    location: shop.jsonl
    schema: shop_v1
  feed:
    type: csv
    location: feed.csv
    schema: feed_v1
schemas:
  shop_v1:
    fields:
      id: id
      name: {to: title, transforms: [collapse_spaces]}
      cost: {to: price, currency: USD}
    contract:
      required: [id, title]
      max_price: 5000
  feed_v1:
    fields:
      item_id: id
      item_title: title
`)
	records := []SourceRecord{
		{Source: "shop", Position: "shop.jsonl:1", Raw: "r1",
			Fields: map[string]string{"id": "1", "name": "Sony   WH-1000XM4", "cost": "$329.99"}},
		{Source: "shop", Position: "shop.jsonl:2", Raw: "r2",
			Fields: map[string]string{"id": "2", "cost": "10"}},
		{Source: "shop", Position: "shop.jsonl:3", Raw: "r3",
			Fields: map[string]string{"id": "3", "name": "Dear", "cost": "a lot"}},
		{Source: "shop", Position: "shop.jsonl:4", Raw: "r4",
			Fields: map[string]string{"id": "4", "name": "Dearer", "cost": "9999"}},
		{Source: "shop", Position: "shop.jsonl:5", Raw: `{"id": `, DecodeError: "shop.jsonl:5: invalid JSON"},
		{Source: "feed", Position: "feed.csv:2", Raw: "A1,Bosch Serie 4",
			Fields: map[string]string{"item_id": "A1", "item_title": "Bosch Serie 4"}},
		{Source: "ghost", Position: "ghost.csv:2", Raw: "g1", Fields: map[string]string{"id": "g1"}},
	}
	p, s := beam.NewPipelineWithRoot()
	accepted, rejected, tallies := Harmonize(s, cfg, beam.CreateList(s, records))
	passert.Equals(s, beam.ParDo(s, productSummary, accepted),
		"shop:1 Sony WH-1000XM4 329.99 USD", "feed:A1 Bosch Serie 4 0 ")
	passert.Equals(s, beam.ParDo(s, rejectSummary, rejected),
		"shop 2 shop.jsonl:2 [title]: missing required field | r2",
		`shop 3 shop.jsonl:3 [price]: invalid price "a lot" | r3`,
		"shop 4 shop.jsonl:4 [price]: price 9999 is above the maximum 5000 | r4",
		`shop  shop.jsonl:5 []: shop.jsonl:5: invalid JSON | {"id": `,
		`ghost  ghost.csv:2 []: no mapping for source "ghost" | g1`)
	passert.Equals(s, beam.ParDo(s, countLine, stats.SumPerKey(s, beam.ParDo(s, tallyCounts, tallies))),
		"shop read 5", "shop rejected 4", "feed read 1", "feed rejected 0", "ghost read 1", "ghost rejected 1")
	res, err := ptest.RunWithMetrics(p)
	if err != nil {
		t.Fatal(err)
	}
	got := linkbeamCounters(res)
	want := map[string]int64{
		SourceCounter(MetricRead, "shop"): 5, SourceCounter(MetricAccepted, "shop"): 1, SourceCounter(MetricRejected, "shop"): 4,
		SourceCounter(MetricRead, "feed"): 1, SourceCounter(MetricAccepted, "feed"): 1, SourceCounter(MetricRejected, "feed"): 0,
		SourceCounter(MetricRead, "ghost"): 1, SourceCounter(MetricRejected, "ghost"): 1,
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("counter %s = %d, want %d", name, got[name], n)
		}
	}
}
