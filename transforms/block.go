package transforms

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*blockFn)(nil))
}

// Block computes each surviving record's matching view and blocking keys,
// and routes the record to the shard of each of its keys, carrying the
// 64-bit hashes of the keys that live there (a collision merges two blocks:
// extra candidates, never lost ones). A record whose keys share a shard
// travels there once.
//
// Each input batch also yields a partial IDF table, sent to every shard,
// which Score merges into the corpus IDF for TF-IDF similarity. It travels
// with the candidates rather than as a side input: prism's scheduler
// busy-polls a stage with side inputs for as long as its bundle runs (see
// BENCHMARKS.md), and scoring is the longest bundle of the job.
//
// It takes the PCollection<KV<int,spill.Ref>> of survivor batches from
// Dedupe and returns a PCollection<KV<int,spill.Ref>> of block shard →
// tagged batch (bulk.KindCandidates or bulk.KindIDF).
//
// previous, when set, is a previous output whose decisions Score keeps
// (ScoreOptions.Previous): candidates whose record is unchanged since its
// records/ are marked so.
func Block(s beam.Scope, cfg *schemas.Config, store spill.Store, survivors beam.PCollection, shards int, previous string) beam.PCollection {
	s = s.Scope("linkbeam.Block")
	return beam.ParDo(s, &blockFn{Blocking: cfg.Matching.Blocking, Shards: shards, Previous: previous, Spill: store}, survivors)
}

type blockFn struct {
	Blocking schemas.BlockingConfig
	Shards   int
	Previous string
	Spill    spill.Store

	// Read-only once set up: records are blocked on several goroutines.
	rules     []matchers.BlockingRule
	brands    *matchers.BrandIndex
	unchanged unchangedSet
	buf       bulk.Buffers
}

func (fn *blockFn) Setup(ctx context.Context) error {
	rules, err := BlockingRules(fn.Blocking)
	if err != nil {
		return err
	}
	fn.rules = rules
	fn.brands = matchers.DefaultBrandIndex()
	if fn.Previous != "" {
		if fn.unchanged, err = loadUnchanged(ctx, fn.Previous); err != nil {
			return fmt.Errorf("block: %w", err)
		}
	}
	return nil
}

// BlockingRules builds the configured blocking rules.
func BlockingRules(cfg schemas.BlockingConfig) ([]matchers.BlockingRule, error) {
	var rules []matchers.BlockingRule
	for i, r := range cfg.Rules {
		rule, err := matchers.ParseBlockingRule(matchers.BlockingRuleSpec{
			Rule: r.Rule, Tokens: r.Tokens, Bands: r.Bands, Rows: r.Rows, MinLen: r.MinLen})
		if err != nil {
			return nil, fmt.Errorf("blocking rule %d: %w", i, err)
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

func (fn *blockFn) ProcessElement(ctx context.Context, _ int, ref spill.Ref, emit func(int, spill.Ref)) error {
	batch, err := spill.Get(ctx, ref)
	if err != nil {
		return fmt.Errorf("block: %w", err)
	}
	products, err := bulk.DecodeProducts(batch, nil)
	if err != nil {
		return fmt.Errorf("block: %w", err)
	}
	// A batch is a whole dedupe shard and prism runs the stage as one
	// bundle, so the records are prepared on every core, in chunks whose
	// output is emitted in order.
	const chunk = 2048
	parts := make([]blockedChunk, (len(products)+chunk-1)/chunk)
	bulk.Parallel(len(parts), func(c int) {
		parts[c] = fn.block(products[c*chunk : min(len(products), (c+1)*chunk)])
	})
	out := bulk.NewSpiller(ctx, fn.Spill, spillCandidates, emit)
	idf := &matchers.IDF{DF: map[string]int32{}}
	for _, part := range parts {
		idf.Merge(part.idf)
		for sh, packed := range part.byShard {
			if len(packed) > 0 {
				fn.buf.Add(sh, func(b []byte) []byte {
					if len(b) == 0 {
						b = bulk.KindCandidates.Tag(b)
					}
					return bulk.AppendCandidateRun(b, part.counts[sh], packed)
				}, out.Put)
			}
		}
	}
	fn.buf.Flush(out.Put)
	b, err := idf.MarshalBinary()
	if err != nil {
		return err
	}
	tagged := append(bulk.KindIDF.Tag(nil), b...)
	for sh := range fn.Shards {
		out.Put(sh, tagged)
	}
	return out.Err()
}

// blockedChunk is the output of blocking a run of records: the packed
// candidates per shard, how many, and the IDF of their titles.
type blockedChunk struct {
	byShard [][]byte
	counts  []int
	idf     *matchers.IDF
}

func (fn *blockFn) block(products []schemas.Product) blockedChunk {
	out := blockedChunk{byShard: make([][]byte, fn.Shards), counts: make([]int, fn.Shards), idf: &matchers.IDF{DF: map[string]int32{}}}
	var keys []string
	hashes := make([][]uint64, fn.Shards)
	for i := range products {
		p := &products[i]
		c := bulk.Candidate{Key: p.Key(), Prep: MatchView(p, fn.brands), Unchanged: fn.unchanged.has(p)}
		out.idf.Add(c.Prep.TitleTokens)
		keys = keys[:0]
		for _, r := range fn.rules {
			keys = r.Keys(&c.Prep, keys)
		}
		for sh := range hashes {
			hashes[sh] = hashes[sh][:0]
		}
		for _, k := range keys {
			h := matchers.FNV1a(k) &^ 1
			if matchers.DropsOversized(k) {
				h |= 1 // Score sees only hashes: the low bit says drop when oversized
			}
			sh := h % uint64(fn.Shards)
			hashes[sh] = append(hashes[sh], h)
		}
		for sh, hs := range hashes {
			if len(hs) == 0 {
				continue
			}
			slices.Sort(hs)
			c.Blocks = slices.Compact(hs)
			out.byShard[sh] = bulk.AppendCandidate(out.byShard[sh], &c)
			out.counts[sh]++
		}
	}
	return out
}

// MatchView builds a product's matching view (matchers.Prepare over its fields).
func MatchView(p *schemas.Product, brands *matchers.BrandIndex) matchers.Prepared {
	return matchers.Prepare(matchers.Fields{
		Source: p.Source, Title: p.Title, Description: p.Description, Brand: p.Brand,
		Manufacturer: p.Manufacturer, ModelNumber: p.ModelNumber, GTIN: p.GTIN,
		Price: p.Price, HasPrice: p.HasPrice, Currency: p.Currency,
	}, brands)
}
