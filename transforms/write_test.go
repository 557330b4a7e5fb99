package transforms

import (
	"cmp"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/parquet-go/parquet-go"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

// checkParquet reads the Parquet file at path back with parquet-go and
// reports whether it holds exactly want, in order (compared as JSON, so
// that pointers compare by value).
func checkParquet[T any](t *testing.T, path string, want []T) {
	t.Helper()
	got, err := parquet.ReadFile[T](path)
	if err != nil {
		t.Errorf("reading back %s: %v", path, err)
		return
	}
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(g) != string(w) {
		t.Errorf("%s holds\n  %s\nwant\n  %s", path, g, w)
	}
}

// columns are a master's product columns.
func columns(p schemas.Product) schemas.ProductColumns { return schemas.NewProductColumns(&p) }

// testMasterShards are two shards of masters and links as Survive emits
// them.
func testMasterShards() []MasterShard {
	return []MasterShard{
		{Shard: 0, Masters: []schemas.MasterRow{
			{MasterID: "m-a", ProductColumns: columns(schemas.Product{Title: "Sony WH-1000XM4", Brand: "Sony",
				Category: "Headphones", Price: 329.99, HasPrice: true, Currency: "USD", UpdatedAt: 1_700_000_000_000_000}),
				MemberCount: 2, Sources: []string{"feed", "shop"},
				Provenance: []schemas.FieldProvenance{{Field: "title", Source: "shop", SourceID: "1", Rule: "source_priority"}}},
			{MasterID: "m-b", ProductColumns: columns(schemas.Product{Title: "Bosch Serie 4", Category: "TV/Video"}),
				MemberCount: 1, Sources: []string{"feed"},
				Provenance: []schemas.FieldProvenance{{Field: "title", Source: "feed", SourceID: "A1"}}},
		}, Links: []schemas.LinkRow{
			{MasterID: "m-b", Source: "feed", SourceID: "A1", MatchProbability: 1},
			{MasterID: "m-a", Source: "feed", SourceID: "A2", MatchProbability: 0.91},
			{MasterID: "m-a", Source: "shop", SourceID: "1", MatchProbability: 0.91},
		}},
		{Shard: 3, Masters: []schemas.MasterRow{
			{MasterID: "m-c", ProductColumns: columns(schemas.Product{Title: "LG OLED55C3", Category: "Headphones"}),
				MemberCount: 1, Sources: []string{"shop"},
				Provenance: []schemas.FieldProvenance{{Field: "title", Source: "shop", SourceID: "3"}}},
		}, Links: []schemas.LinkRow{
			{MasterID: "m-c", Source: "shop", SourceID: "3", MatchProbability: 1},
		}},
	}
}

// WriteMasters' contract: each shard's masters and links land in
// masters/ and links/ under the shard's number, exactly as given.
func TestWriteMastersWritesEachShard(t *testing.T) {
	dir := t.TempDir()
	shards := testMasterShards()
	p, s := beam.NewPipelineWithRoot()
	store := spill.Store{Dir: filepath.Join(t.TempDir(), spill.DirName)}
	written := WriteMasters(s, dir, "zstd", spillMasterShards(t, s, store, shards))
	passert.Equals(s, written,
		dir+"/masters/part-00000.parquet", dir+"/links/part-00000.parquet",
		dir+"/masters/part-00003.parquet", dir+"/links/part-00003.parquet")
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	for _, ms := range shards {
		checkParquet(t, filepath.Join(dir, MastersDir, partName(ms.Shard)), ms.Masters)
		checkParquet(t, filepath.Join(dir, LinksDir, partName(ms.Shard)), ms.Links)
	}
}

// WriteRejects' contract: every dead letter lands in one of the
// rejected/ shards, the shard of its source, position and raw text,
// sorted by source, position, reason and raw text.
func TestWriteRejectsWritesEveryRow(t *testing.T) {
	dir := t.TempDir()
	rows := []schemas.RejectRow{
		{Source: "shop", SourceID: "2", Position: "shop.jsonl:2", Field: "title", Reason: "required field is missing", Raw: "r2"},
		{Source: "shop", Position: "shop.jsonl:5", Reason: "invalid JSON", Raw: `{"id": `},
		{Source: "feed", SourceID: "A9", Position: "items.csv:10", Field: "price", Reason: "not a number", Raw: "A9,x,y"},
		{Source: "feed", SourceID: "A7", Position: "items.csv:8", Field: "price", Reason: "not a number", Raw: "A7,x,y"},
		{Source: "feed", SourceID: "A8", Position: "items.csv:9", Field: "title", Reason: "required field is missing", Raw: "A8,,1"},
		{Source: "legacy", SourceID: "7", Position: "legacy.parquet:7", Field: "id,title", Reason: "a; b", Raw: "{}"},
	}
	want := map[int][]schemas.RejectRow{}
	for _, r := range rows {
		sh := bulk.ShardOf(r.Source+"\x00"+r.Position+"\x00"+r.Raw, rejectShards)
		want[sh] = append(want[sh], r)
	}
	var paths []string
	for sh := range want {
		slices.SortFunc(want[sh], func(a, b schemas.RejectRow) int {
			return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Position, b.Position),
				strings.Compare(a.Reason, b.Reason), strings.Compare(a.Raw, b.Raw))
		})
		paths = append(paths, dir+"/"+RejectedDir+"/"+partName(sh))
	}
	if len(want) < 2 {
		t.Fatalf("the rows fall in %d shard: pick rows that spread", len(want))
	}
	p, s := beam.NewPipelineWithRoot()
	passert.Equals(s, WriteRejects(s, dir, "snappy", beam.CreateList(s, rows)), beam.CreateList(s, paths))
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	for sh, rows := range want {
		checkParquet(t, filepath.Join(dir, RejectedDir, partName(sh)), rows)
	}
}

// WritePairs' contract: each score shard's pairs, from however many
// batches, land in one file of pairs/ under the shard's number, each pair
// with its smaller record key on the left, sorted, marked where the
// records' model numbers or GTINs agree.
func TestWritePairsWritesEachShard(t *testing.T) {
	dir := t.TempDir()
	store := spill.Store{Dir: filepath.Join(dir, spill.DirName)}
	shards := map[int][]bulk.Edge{
		1: {{A: "shop:2", B: "feed:A1", P: 0.4}, {A: "feed:A1", B: "shop:1", P: 0.93, MA: []string{"KDL46", "X"}, MB: []string{"KDL46"}},
			{A: "feed:A0", B: "shop:1", P: 0.1, MA: []string{"KDL40"}, MB: []string{"KDL46"}}},
		2: {{A: "legacy:x:1", B: "shop:9", P: 0.5}},
	}
	want := map[int][]schemas.PairRow{
		1: {{LeftSource: "feed", LeftID: "A0", RightSource: "shop", RightID: "1", MatchProbability: 0.1},
			{LeftSource: "feed", LeftID: "A1", RightSource: "shop", RightID: "1", MatchProbability: 0.93, IdentifiersAgree: true},
			{LeftSource: "feed", LeftID: "A1", RightSource: "shop", RightID: "2", MatchProbability: 0.4}},
		2: {{LeftSource: "legacy", LeftID: "x:1", RightSource: "shop", RightID: "9", MatchProbability: 0.5}},
	}
	batches := map[int][]byte{}
	for sh, edges := range shards {
		for i := range edges {
			batches[sh] = bulk.AppendEdge(batches[sh], &edges[i])
		}
	}
	p, s := beam.NewPipelineWithRoot()
	// Shard 1 in two batches: its first pair alone, then the others.
	first := bulk.AppendEdge(nil, &shards[1][0])
	rest := map[int][]byte{1: batches[1][len(first):], 2: batches[2]}
	refs := beam.Flatten(s, spillShards(t, s, store, spillPairs, map[int][]byte{1: first}),
		spillShards(t, s, store, spillPairs, rest))
	written := WritePairs(s, dir, "none", refs)
	passert.Equals(s, written, dir+"/pairs/part-00001.parquet", dir+"/pairs/part-00002.parquet")
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	for sh, rows := range want {
		checkParquet(t, filepath.Join(dir, PairsDir, partName(sh)), rows)
	}
}
