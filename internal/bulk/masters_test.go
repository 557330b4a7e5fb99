package bulk

import (
	"errors"
	"reflect"
	"testing"

	"github.com/linkbeam/linkbeam/schemas"
)

// A masters batch decodes to the shard that was appended, a price's
// absence included, and a batch cut short is schemas.ErrCorruptBatch.
func TestMastersRoundTrip(t *testing.T) {
	masters := []schemas.MasterRow{
		{MasterID: "m-a", ProductColumns: schemas.NewProductColumns(&schemas.Product{Title: "Sony WH-1000XM4",
			Brand: "Sony", Category: "Headphones", Price: 329.99, HasPrice: true, Currency: "USD", UpdatedAt: 17}),
			MemberCount: 2, Sources: []string{"feed", "shop"}, CreatedGeneration: 3,
			Provenance: []schemas.FieldProvenance{{Field: "title", Source: "shop", SourceID: "1", Rule: "source_priority"},
				{Field: "price", Source: "feed", SourceID: "A2"}}},
		{MasterID: "m-b", ProductColumns: schemas.NewProductColumns(&schemas.Product{Title: "Bosch", Price: 0, HasPrice: true}),
			MemberCount: 1, Sources: []string{"feed"}},
		{MasterID: "m-c", MemberCount: 1},
	}
	links := []schemas.LinkRow{{MasterID: "m-a", Source: "feed", SourceID: "A2", MatchProbability: 0.91},
		{MasterID: "m-a", Source: "shop", SourceID: "1", MatchProbability: 0.91},
		{MasterID: "m-b", Source: "feed", SourceID: "A1", MatchProbability: 1}}
	batch := AppendMasters(nil, masters, links)
	gotMasters, gotLinks, err := DecodeMasters(batch)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotMasters, masters) || !reflect.DeepEqual(gotLinks, links) {
		t.Errorf("decoded\n  %+v\n  %+v\nwant\n  %+v\n  %+v", gotMasters, gotLinks, masters, links)
	}
	if m, l, err := DecodeMasters(AppendMasters(nil, nil, nil)); m != nil || l != nil || err != nil {
		t.Errorf("an empty shard: %v, %v, %v", m, l, err)
	}
	for _, cut := range []int{1, 9, len(batch) / 2} {
		if _, _, err := DecodeMasters(batch[:len(batch)-cut]); !errors.Is(err, schemas.ErrCorruptBatch) {
			t.Errorf("a batch cut by %d: %v, want ErrCorruptBatch", cut, err)
		}
	}
}
