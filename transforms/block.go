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
	registerBatchFn((*markChangedFn)(nil))
	registerBatchFn((*blockChangedFn)(nil))
}

// BlockOptions configure Block.
type BlockOptions struct {
	Blocking schemas.BlockingConfig
	Shards   int // block shards candidates are routed to
	// RecordShards is the number of record shards the survivors are keyed
	// by (Dedupe's shards): with Previous, each receives the change marks.
	RecordShards int
	// Previous, when set, is a previous output whose decisions Score keeps
	// (ScoreOptions.Previous).
	Previous string
	Spill    spill.Store
	// TitleCounts: the partial IDF tables also count the records per
	// normalised title (matchers.TitleCounts), for a model whose features
	// read them (matchers.NeedsTitleCounts).
	TitleCounts bool
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
// BENCHMARKS.md), and scoring is the longest bundle of the job. With
// opts.TitleCounts the partial tables also count the records per
// normalised title.
//
// It takes the PCollection<KV<int,spill.Ref>> of survivor batches from
// Dedupe and returns a PCollection<KV<int,spill.Ref>> of block shard →
// tagged batch (bulk.KindCandidates or bulk.KindIDF).
//
// With opts.Previous, only the blocks that a new or changed record
// touches need candidate pairs: every other pair is of two unchanged
// records and keeps its previous decision. Block first marks the records
// whose key and fingerprint are not in the previous records/ and collects
// their block hashes (markChangedFn), and every record shard receives all
// the marks (a join rather than a side input, as above). An unchanged
// record then travels only with the marked blocks it is in, and, where it
// has none in a shard, as a stub that carries only its key, identifiers
// and text sketch: the previous edges Score keeps need those of both ends,
// the sketch to order their ties as a full run does.
func Block(s beam.Scope, opts BlockOptions, survivors beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.Block")
	fn := blockFn{Blocking: opts.Blocking, Shards: opts.Shards, Spill: opts.Spill, TitleCounts: opts.TitleCounts}
	if opts.Previous == "" {
		return beam.ParDo(s, &fn, survivors)
	}
	marks := beam.ParDo(s, &markChangedFn{Blocking: opts.Blocking, RecordShards: opts.RecordShards,
		Previous: opts.Previous, Spill: opts.Spill}, survivors)
	return beam.ParDo(s, &blockChangedFn{Block: fn}, beam.CoGroupByKey(s, survivors, marks))
}

// blocker computes a record's matching view and block hashes.
type blocker struct {
	rules  []matchers.BlockingRule
	brands *matchers.BrandIndex
}

func newBlocker(cfg schemas.BlockingConfig) (blocker, error) {
	rules, err := BlockingRules(cfg)
	return blocker{rules: rules, brands: matchers.DefaultBrandIndex()}, err
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

// hashes appends to dst the hash of each blocking key of prep, which may
// repeat; keys is scratch space, returned for reuse. The hash's low bit
// says whether Score drops the block when it is oversized (Score sees only
// hashes).
func (b *blocker) hashes(prep *matchers.Prepared, keys []string, dst []uint64) ([]string, []uint64) {
	keys = keys[:0]
	for _, r := range b.rules {
		keys = r.Keys(prep, keys)
	}
	for _, k := range keys {
		h := matchers.FNV1a(k) &^ 1
		if matchers.DropsOversized(k) {
			h |= 1
		}
		dst = append(dst, h)
	}
	return keys, dst
}

type blockFn struct {
	Blocking    schemas.BlockingConfig
	Shards      int
	Spill       spill.Store
	TitleCounts bool

	blocker blocker // read-only once set up: records are blocked on several goroutines
	buf     bulk.Buffers
}

func (fn *blockFn) Setup() error {
	var err error
	fn.blocker, err = newBlocker(fn.Blocking)
	return err
}

func (fn *blockFn) ProcessElement(ctx context.Context, _ int, ref spill.Ref, emit func(int, spill.Ref)) error {
	return fn.blockBatch(ctx, ref, nil, emit)
}

// blockBatch blocks the survivors batch ref; marks, when not nil, are
// the sorted change marks of an incremental run.
func (fn *blockFn) blockBatch(ctx context.Context, ref spill.Ref, marks *bulk.ChangeMarks, emit func(int, spill.Ref)) error {
	products, err := bulk.GetProducts(ctx, ref)
	if err != nil {
		return fmt.Errorf("block: %w", err)
	}
	// A batch is a whole dedupe shard and prism runs the stage as one
	// bundle, so the records are prepared on every core, in chunks whose
	// output is emitted in order.
	const chunk = 2048
	parts := make([]blockedChunk, (len(products)+chunk-1)/chunk)
	bulk.Parallel(len(parts), func(c int) {
		parts[c] = fn.block(products[c*chunk:min(len(products), (c+1)*chunk)], marks)
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

func (fn *blockFn) block(products []schemas.Product, marks *bulk.ChangeMarks) blockedChunk {
	out := blockedChunk{byShard: make([][]byte, fn.Shards), counts: make([]int, fn.Shards), idf: &matchers.IDF{DF: map[string]int32{}}}
	var keys []string
	var all []uint64
	hashes := make([][]uint64, fn.Shards)
	for i := range products {
		p := &products[i]
		c := bulk.Candidate{Key: p.Key(), Prep: blockView(p, fn.blocker.brands)}
		c.Unchanged = marks != nil && !marks.Changed(c.Key)
		out.idf.Add(c.Prep.TitleTokens)
		if fn.TitleCounts {
			out.idf.AddTitle(c.Prep.TitleTokens)
		}
		keys, all = fn.blocker.hashes(&c.Prep, keys, all[:0])
		for sh := range hashes {
			hashes[sh] = hashes[sh][:0]
		}
		for _, h := range all {
			sh := h % uint64(fn.Shards)
			hashes[sh] = append(hashes[sh], h)
		}
		for sh, hs := range hashes {
			if len(hs) == 0 {
				continue
			}
			slices.Sort(hs)
			c.Blocks = slices.Compact(hs)
			if c.Unchanged {
				c.Blocks = slices.DeleteFunc(c.Blocks, func(h uint64) bool { return !marks.Touches(h) })
			}
			if len(c.Blocks) == 0 {
				stub := bulk.Candidate{Key: c.Key, Unchanged: true,
					Prep: matchers.Prepared{Source: c.Prep.Source, GTIN: c.Prep.GTIN, Models: c.Prep.Models, Text: c.Prep.Text}}
				out.byShard[sh] = bulk.AppendCandidate(out.byShard[sh], &stub)
			} else {
				out.byShard[sh] = bulk.AppendCandidate(out.byShard[sh], &c)
			}
			out.counts[sh]++
		}
	}
	return out
}

// markChangedFn finds the records of a survivors batch that are new or
// changed since the previous records/ and sends their marks to every
// record shard.
type markChangedFn struct {
	Blocking     schemas.BlockingConfig
	RecordShards int
	Previous     string
	Spill        spill.Store

	blocker   blocker
	unchanged unchangedSet
}

func (fn *markChangedFn) Setup(ctx context.Context) error {
	var err error
	if fn.blocker, err = newBlocker(fn.Blocking); err != nil {
		return err
	}
	if fn.unchanged, err = loadUnchanged(ctx, fn.Previous); err != nil {
		return fmt.Errorf("block: %w", err)
	}
	return nil
}

func (fn *markChangedFn) ProcessElement(ctx context.Context, shard int, ref spill.Ref, emit func(int, spill.Ref)) error {
	products, err := bulk.GetProducts(ctx, ref)
	if err != nil {
		return fmt.Errorf("block: %w", err)
	}
	const chunk = 2048
	parts := make([]bulk.ChangeMarks, (len(products)+chunk-1)/chunk)
	bulk.Parallel(len(parts), func(c int) {
		m := &parts[c]
		var keys []string
		for i := c * chunk; i < min(len(products), (c+1)*chunk); i++ {
			p := &products[i]
			if fn.unchanged.has(p) {
				continue
			}
			prep := blockView(p, fn.blocker.brands)
			m.MarkKey(p.Key())
			keys, m.Blocks = fn.blocker.hashes(&prep, keys, m.Blocks)
		}
	})
	var marks bulk.ChangeMarks
	for _, m := range parts {
		marks.Keys = append(marks.Keys, m.Keys...)
		marks.Blocks = append(marks.Blocks, m.Blocks...)
	}
	if len(marks.Keys) == 0 {
		return nil
	}
	marks.Sort()
	out := bulk.NewSpiller(ctx, fn.Spill, spillChangeMarks, func(_ int, ref spill.Ref) {
		for sh := range fn.RecordShards {
			emit(sh, ref)
		}
	})
	out.Put(shard, bulk.AppendChangeMarks(nil, &marks))
	return out.Err()
}

// blockChangedFn blocks a record shard's survivors with the change marks
// of every shard (Block with Previous).
type blockChangedFn struct {
	Block blockFn
}

func (fn *blockChangedFn) Setup() error { return fn.Block.Setup() }

func (fn *blockChangedFn) ProcessElement(ctx context.Context, shard int, survivors, marks func(*spill.Ref) bool, emit func(int, spill.Ref)) error {
	var m bulk.ChangeMarks
	if err := bulk.Read(ctx, marks, func(b []byte) error { return bulk.DecodeChangeMarks(b, &m) }); err != nil {
		return fmt.Errorf("block shard %d: change marks: %w", shard, err)
	}
	m.Sort()
	var ref spill.Ref
	for survivors(&ref) {
		if err := fn.Block.blockBatch(ctx, ref, &m, emit); err != nil {
			return err
		}
	}
	return nil
}

// MatchView builds a product's matching view (matchers.Prepare over its fields).
func MatchView(p *schemas.Product, brands *matchers.BrandIndex) matchers.Prepared {
	return matchers.Prepare(fieldsOf(p), brands)
}

// blockView is MatchView without the token sets only comparisons read
// (matchers.PrepareFields): Block computes keys and encodes the view, and
// Score rebuilds the sets of the candidates it pairs.
func blockView(p *schemas.Product, brands *matchers.BrandIndex) matchers.Prepared {
	return matchers.PrepareFields(fieldsOf(p), brands)
}

func fieldsOf(p *schemas.Product) matchers.Fields {
	return matchers.Fields{
		Source: p.Source, Title: p.Title, Description: p.Description, Brand: p.Brand,
		Manufacturer: p.Manufacturer, ModelNumber: p.ModelNumber, GTIN: p.GTIN,
		Price: p.Price, HasPrice: p.HasPrice, Currency: p.Currency,
	}
}
