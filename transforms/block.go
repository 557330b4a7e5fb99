package transforms

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn4x1[context.Context, []byte, func(int, []byte), func([]byte), error](&blockFn{})
}

// Block computes each surviving record's matching view and blocking keys,
// and routes the record to the shard of each of its keys, carrying the
// 64-bit hashes of the keys that live there (a collision merges two blocks:
// extra candidates, never lost ones). A record whose keys share a shard
// travels there once.
//
// It takes the PCollection<[]byte> of survivor batches from Dedupe and
// returns a PCollection<KV<int,[]byte>> of candidate batches by block
// shard, and a PCollection<[]byte> of partial IDF tables (one per input
// batch) that Score merges into the corpus IDF for TF-IDF similarity.
//
// previous, when set, is a previous output whose decisions Score keeps
// (ScoreOptions.Previous): candidates whose record is unchanged since its
// records/ are marked so.
func Block(s beam.Scope, cfg *schemas.Config, survivors beam.PCollection, shards int, previous string) (candidates, idf beam.PCollection) {
	s = s.Scope("linkbeam.Block")
	return beam.ParDo2(s, &blockFn{Blocking: cfg.Matching.Blocking, Shards: shards, Previous: previous}, survivors)
}

type blockFn struct {
	Blocking schemas.BlockingConfig
	Shards   int
	Previous string

	rules     []matchers.BlockingRule
	brands    *matchers.BrandIndex
	unchanged unchangedSet
	buf       shardBuffers
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

func (fn *blockFn) ProcessElement(ctx context.Context, batch []byte, emit func(int, []byte), emitIDF func([]byte)) error {
	products, err := decodeProducts(batch, nil)
	if err != nil {
		return fmt.Errorf("block: %w", err)
	}
	idf := &matchers.IDF{DF: map[string]int32{}}
	var keys []string
	byShard := map[int][]uint64{}
	for i := range products {
		p := &products[i]
		c := candidate{Key: p.Key(), Prep: Prepare(p, fn.brands), Unchanged: fn.unchanged.has(p)}
		idf.Add(c.Prep.TitleTokens)
		keys = keys[:0]
		for _, r := range fn.rules {
			keys = r.Keys(&c.Prep, keys)
		}
		clear(byShard)
		for _, k := range keys {
			h := keyHash(k)
			sh := int(h % uint64(fn.Shards))
			byShard[sh] = append(byShard[sh], h)
		}
		for sh, hs := range byShard {
			slices.Sort(hs)
			c.Blocks = slices.Compact(hs)
			fn.buf.add(sh, func(b []byte) []byte { return appendCandidate(b, &c) }, emit)
		}
	}
	fn.buf.flush(emit)
	b, err := idf.MarshalBinary()
	if err != nil {
		return err
	}
	emitIDF(b)
	return nil
}

// Prepare builds a product's matching view.
func Prepare(p *schemas.Product, brands *matchers.BrandIndex) matchers.Prepared {
	return matchers.Prepare(matchers.Fields{
		Source: p.Source, Title: p.Title, Description: p.Description, Brand: p.Brand,
		Manufacturer: p.Manufacturer, ModelNumber: p.ModelNumber, GTIN: p.GTIN,
		Price: p.Price, HasPrice: p.HasPrice, Currency: p.Currency,
	}, brands)
}
