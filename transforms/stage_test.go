package transforms

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

func TestMain(m *testing.M) { ptest.Main(m) }

func init() {
	register.Function4x1(survivorVersions)
	register.Function4x1(assignedMasters)
	register.Function3x1(matchedPairs)
	register.Function1x2(shardRefKV)
	register.Function4x1(masterSummaries)
}

// masterNames maps the master id a cluster would get from each of keys,
// as its smallest record key, back to the key, so tests read masters by
// name.
func masterNames(keys ...string) map[string]string {
	names := map[string]string{}
	for _, key := range keys {
		names[MasterID(key)] = key
	}
	return names
}

// linkbeamCounters returns the committed counters of Namespace a run
// reported, by name, summed over the steps that report each.
func linkbeamCounters(res beam.PipelineResult) map[string]int64 {
	got := map[string]int64{}
	for _, c := range res.Metrics().AllMetrics().Counters() {
		if c.Key.Namespace == Namespace {
			got[c.Key.Name] += c.Committed
		}
	}
	return got
}

// shardRef is a spilled batch of one shard, as a test creates it.
type shardRef struct {
	Shard int
	Ref   spill.Ref
}

func shardRefKV(r shardRef) (int, spill.Ref) { return r.Shard, r.Ref }

// spillShards spills each shard's batch to store under stage, as a
// packing stage does, and returns the PCollection<KV<int,spill.Ref>> of
// their references.
func spillShards(t *testing.T, s beam.Scope, store spill.Store, stage string, batches map[int][]byte) beam.PCollection {
	t.Helper()
	var refs []shardRef
	for sh, b := range batches {
		ref, err := store.Put(context.Background(), stage, sh, b)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, shardRef{Shard: sh, Ref: ref})
	}
	return beam.ParDo(s, shardRefKV, beam.CreateList(s, refs))
}

// spillMasterShards spills each shard as Survive does and returns the
// PCollection<KV<int,spill.Ref>> of their references.
func spillMasterShards(t *testing.T, s beam.Scope, store spill.Store, shards []MasterShard) beam.PCollection {
	t.Helper()
	batches := map[int][]byte{}
	for _, ms := range shards {
		batches[ms.Shard] = bulk.AppendMasters(nil, ms.Masters, ms.Links)
	}
	return spillShards(t, s, store, spillMasters, batches)
}

// masterSummaries reads one masters batch of Survive and emits each
// master as "first record key: title, price, member count, sources" and
// each link as "record → first record key".
func masterSummaries(ctx context.Context, _ int, ref spill.Ref, emit func(string)) error {
	masters, links, err := bulk.GetMasters(ctx, ref)
	if err != nil {
		return err
	}
	names := masterNames("a:1", "b:1", "c:1")
	for _, m := range masters {
		price := "no price"
		if m.Price != nil {
			price = fmt.Sprint(*m.Price)
		}
		emit(fmt.Sprintf("%s: %s, %s, %d, %v", names[m.MasterID], m.Title, price, m.MemberCount, m.Sources))
	}
	for _, l := range links {
		emit(schemas.RecordKey(l.Source, l.SourceID) + " → " + names[l.MasterID])
	}
	return nil
}

// matchedPairs reads one spilled edge batch of Score and emits each edge
// as "a b".
func matchedPairs(ctx context.Context, ref spill.Ref, emit func(string)) error {
	batch, err := spill.Get(ctx, ref)
	if err != nil {
		return err
	}
	return bulk.ForEachEdge(batch, func(e *bulk.Edge) { emit(e.A + " " + e.B) })
}

// assignedMasters reads one spilled assignment batch of Cluster and emits
// each assignment as "record → the master's first record key".
func assignedMasters(ctx context.Context, shard int, ref spill.Ref, emit func(string)) error {
	batch, err := spill.Get(ctx, ref)
	if err != nil {
		return err
	}
	assigned := map[string]bulk.Assignment{}
	if err := bulk.DecodeAssignments(batch, assigned); err != nil {
		return err
	}
	names := masterNames("a:1", "a:2", "b:1", "b:2", "b:3", "c:1")
	for key, a := range assigned {
		if bulk.ShardOf(key, 4) != shard {
			return fmt.Errorf("%s is in shard %d, its key's shard is %d", key, shard, bulk.ShardOf(key, 4))
		}
		emit(key + " → " + names[a.MasterID])
	}
	return nil
}

// survivorVersions reads one spilled survivor batch of Dedupe and emits
// each survivor as "shard source:id@updated_at title".
func survivorVersions(ctx context.Context, shard int, ref spill.Ref, emit func(string)) error {
	batch, err := spill.Get(ctx, ref)
	if err != nil {
		return err
	}
	products, err := bulk.DecodeProducts(batch, nil)
	if err != nil {
		return err
	}
	for _, p := range products {
		if bulk.ShardOf(p.Key(), 4) != shard {
			return fmt.Errorf("%s is in shard %d, its key's shard is %d", p.Key(), shard, bulk.ShardOf(p.Key(), 4))
		}
		emit(fmt.Sprintf("%s@%d %s", p.Key(), p.UpdatedAt, p.Title))
	}
	return nil
}

// Dedupe's contract: one survivor per (source, source id), the newest by
// updated_at, ties broken by content whatever the read order; each
// survivor in its key's shard; superseded versions counted per source.
func TestDedupeKeepsNewestVersionPerKey(t *testing.T) {
	store := spill.Store{Dir: filepath.Join(t.TempDir(), spill.DirName)}
	products := []schemas.Product{
		{Source: "shop", SourceID: "1", Title: "old", UpdatedAt: 10},
		{Source: "shop", SourceID: "1", Title: "new", UpdatedAt: 20},
		{Source: "shop", SourceID: "1", Title: "older", UpdatedAt: 5},
		{Source: "feed", SourceID: "1", Title: "other source, same id", UpdatedAt: 1},
		{Source: "feed", SourceID: "2", Title: "tie b", UpdatedAt: 7},
		{Source: "feed", SourceID: "2", Title: "tie a", UpdatedAt: 7},
		{Source: "feed", SourceID: "3", Title: "alone"},
	}
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1, 0}} {
		p, s := beam.NewPipelineWithRoot()
		var in []schemas.Product
		for _, i := range order {
			in = append(in, products[i])
		}
		survivors := Dedupe(s, store, beam.CreateList(s, in), 4)
		passert.Equals(s, beam.ParDo(s, survivorVersions, survivors),
			"shop:1@20 new", "feed:1@1 other source, same id", "feed:2@7 tie b", "feed:3@0 alone")
		res, err := ptest.RunWithMetrics(p)
		if err != nil {
			t.Fatalf("order %v: %v", order, err)
		}
		got := linkbeamCounters(res)
		if got[SourceCounter(MetricSuperseded, "shop")] != 2 || got[SourceCounter(MetricSuperseded, "feed")] != 1 {
			t.Errorf("order %v: superseded counters %v, want shop 2 and feed 1", order, got)
		}
	}
}

// Cluster's contract: matched pairs become clusters named after their
// smallest record key, assigned per record in the record's dedupe shard;
// with one record per source, the weaker edge that would put two records
// of one source together is refused; records without an edge get no
// assignment (masters of their own).
func TestClusterAssignsMatchedRecords(t *testing.T) {
	ctx := context.Background()
	store := spill.Store{Dir: filepath.Join(t.TempDir(), spill.DirName)}
	var batch []byte
	for _, e := range []bulk.Edge{
		{A: "a:1", B: "b:1", P: 0.9},
		{A: "b:1", B: "c:1", P: 0.8},
		{A: "a:2", B: "b:2", P: 0.95},
		{A: "a:2", B: "b:3", P: 0.6}, // b:3 would join b:2's cluster: refused under one per source
	} {
		batch = bulk.AppendEdge(batch, &e)
	}
	ref, err := store.Put(ctx, spillEdges, 0, batch)
	if err != nil {
		t.Fatal(err)
	}
	p, s := beam.NewPipelineWithRoot()
	assignments := Cluster(s, ClusterOptions{Threshold: 0.5, OnePerSource: true, Shards: 4, Spill: store},
		beam.Create(s, ref))
	passert.Equals(s, beam.ParDo(s, assignedMasters, assignments),
		"a:1 → a:1", "b:1 → a:1", "c:1 → a:1", "a:2 → a:2", "b:2 → a:2")
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}

// Block and Score's contract: records meet only in the blocks their keys
// share, each candidate pair is scored once with the model, and the pairs
// at or above the threshold leave as edges; the counters say how many
// pairs were candidates, scored and matched.
func TestBlockAndScoreMatchSharedModelNumbers(t *testing.T) {
	store := spill.Store{Dir: filepath.Join(t.TempDir(), spill.DirName)}
	products := []schemas.Product{
		{Source: "shop", SourceID: "1", Title: "Sony WH-1000XM4 Wireless Headphones Black", Brand: "Sony",
			ModelNumber: "WH-1000XM4", Price: 329.99, HasPrice: true, Currency: "USD"},
		{Source: "feed", SourceID: "1", Title: "Sony WH1000XM4 wireless headphones, black", Brand: "Sony",
			ModelNumber: "WH1000XM4", Price: 329.99, HasPrice: true, Currency: "USD"},
		{Source: "feed", SourceID: "2", Title: "Samsung QN55Q80C 55in QLED TV", Brand: "Samsung",
			ModelNumber: "QN55Q80C", Price: 997, HasPrice: true, Currency: "USD"},
		{Source: "shop", SourceID: "2", Title: "Samsung QN65Q80C 65in QLED TV", Brand: "Samsung",
			ModelNumber: "QN65Q80C", Price: 1297, HasPrice: true, Currency: "USD"},
	}
	cfg := &schemas.Config{}
	cfg.Matching.Blocking = schemas.BlockingConfig{Rules: []schemas.BlockingRuleConfig{{Rule: "model_number"}},
		MaxBlockSize: 100, Window: 10}
	model := matchers.DefaultModel()
	p, s := beam.NewPipelineWithRoot()
	survivors := Dedupe(s, store, beam.CreateList(s, products), 2)
	candidates := Block(s, BlockOptions{Blocking: cfg.Matching.Blocking, Shards: 2, RecordShards: 2, Spill: store}, survivors)
	edges, _ := Score(s, ScoreOptions{Model: *model, Threshold: model.Threshold,
		MaxBlockSize: 100, Window: 10, Spill: store}, candidates)
	passert.Equals(s, beam.ParDo(s, matchedPairs, edges), "feed:1 shop:1")
	res, err := ptest.RunWithMetrics(p)
	if err != nil {
		t.Fatal(err)
	}
	got := linkbeamCounters(res)
	// The Sony pair is counted in every block it shares and scored once;
	// the Samsungs share no key.
	if got[MetricCandidatePairs] < 1 || got[MetricScoredPairs] != 1 || got[MetricMatchedPairs] != 1 {
		t.Errorf("counters %v: want at least one candidate pair, one scored, one matched", got)
	}
}

// Survive's contract: each record joins its cluster's master (a record
// without an assignment is a master of its own), and each master field
// comes from the member the survivorship rules pick, here the most recent
// one that has a value.
func TestSurviveBuildsGoldenRecords(t *testing.T) {
	store := spill.Store{Dir: filepath.Join(t.TempDir(), spill.DirName)}
	products := []schemas.Product{
		{Source: "a", SourceID: "1", Title: "Old title", Price: 5, HasPrice: true, Currency: "USD", UpdatedAt: 10},
		{Source: "b", SourceID: "1", Title: "New title", UpdatedAt: 20},
		{Source: "c", SourceID: "1", Title: "Alone", UpdatedAt: 5},
	}
	const shards = 2
	batches := map[int][]byte{}
	for _, key := range []string{"a:1", "b:1"} {
		sh := bulk.ShardOf(key, shards)
		batches[sh] = bulk.AppendAssignment(batches[sh], key, bulk.Assignment{MasterID: MasterID("a:1"), P: 0.9})
	}
	p, s := beam.NewPipelineWithRoot()
	survivors := Dedupe(s, store, beam.CreateList(s, products), shards)
	assignments := spillShards(t, s, store, spillAssignments, batches)
	masters := Survive(s, SurviveOptions{Survivorship: schemas.SurvivorshipConfig{Default: []string{"most_recent"}},
		Priorities: map[string]int{}, Shards: shards, Spill: store}, survivors, assignments)
	passert.Equals(s, beam.ParDo(s, masterSummaries, masters),
		"a:1: New title, 5, 2, [a b]", "c:1: Alone, no price, 1, [c]",
		"a:1 → a:1", "b:1 → a:1", "c:1 → c:1")
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}

// titleCountProducts: three records share the title "Acme Garden Hose",
// two "Zeta Desk Lamp"; none has a code.
func titleCountProducts() []schemas.Product {
	return []schemas.Product{
		{Source: "a", SourceID: "1", Title: "Acme Garden Hose"},
		{Source: "b", SourceID: "1", Title: "Acme garden  hose"},
		{Source: "c", SourceID: "1", Title: "ACME Garden Hose"},
		{Source: "a", SourceID: "2", Title: "Zeta Desk Lamp"},
		{Source: "b", SourceID: "2", Title: "Zeta Desk Lamp"},
	}
}

// titleCountModel weighs title_tfidf_uncoded_tf alone: an identical title
// the pair alone shares gives logit 4 - 3 = 1 (p 0.73), one three records
// share 4/2 - 3 = -1 (p 0.27), under the threshold 0.5.
func titleCountModel() *matchers.Model {
	return &matchers.Model{Version: matchers.ModelVersion, Features: []string{"title_tfidf_uncoded_tf"},
		Weights: []float64{4}, Bias: -3, Threshold: 0.5}
}

// Block counts the records per title across every batch and Score weighs
// each candidate with the merged counts, for a model that reads them: the
// title three records share does not match, the one two share does.
// Without the counts every pair would match.
func TestBlockAndScoreCountTitles(t *testing.T) {
	store := spill.Store{Dir: filepath.Join(t.TempDir(), spill.DirName)}
	cfg := schemas.BlockingConfig{Rules: []schemas.BlockingRuleConfig{{Rule: "title_tokens", MinLen: 4}},
		MaxBlockSize: 100, Window: 10}
	model := titleCountModel()
	p, s := beam.NewPipelineWithRoot()
	survivors := Dedupe(s, store, beam.CreateList(s, titleCountProducts()), 3)
	candidates := Block(s, BlockOptions{Blocking: cfg, Shards: 2, RecordShards: 3, Spill: store,
		TitleCounts: matchers.NeedsTitleCounts(model.Features)}, survivors)
	edges, _ := Score(s, ScoreOptions{Model: *model, Threshold: model.Threshold,
		MaxBlockSize: 100, Window: 10, Spill: store}, candidates)
	passert.Equals(s, beam.ParDo(s, matchedPairs, edges), "a:2 b:2")
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}
