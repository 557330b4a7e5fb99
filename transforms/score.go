package transforms

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*scoreFn)(nil))
	register.Emitter1[spill.Ref]()
}

// ScoreOptions configure candidate generation and scoring.
type ScoreOptions struct {
	Model        matchers.Model
	Threshold    float64 // pairs with a match probability at or above it become edges
	MaxBlockSize int
	Window       int
	WritePairs   bool // also return every scored pair, not only edges
	// CrossSourceOnly skips pairs of records from one source: under
	// clustering.one_per_source such a pair can never merge, so scoring it
	// is wasted work (a third of the candidates on Abt-Buy).
	CrossSourceOnly bool
	// Previous, when set, is a previous output decided under the same
	// ScoringHash: a pair of two candidates Block marked unchanged is not
	// scored, and the edges/ of Previous between such candidates are kept
	// (MetricKeptEdges).
	Previous string
	Spill    spill.Store // where the batches of edges and pairs go
}

// Score forms the candidate pairs inside every block, scores each distinct
// pair once with the match model, and keeps the pairs at or above the
// threshold.
//
// It takes the PCollection<KV<int,spill.Ref>> of tagged candidate and IDF
// batches from Block, and returns a PCollection<spill.Ref> of batches of
// edges (bulk.Edge) and, with WritePairs, a PCollection<KV<int,spill.Ref>>
// of every scored pair packed per shard as edges (empty otherwise). All
// batches are spilled to Options.Spill.
//
// Blocks larger than MaxBlockSize are not expanded in full: their members
// are sorted by normalised title and each is paired with the next Window
// members (sorted neighbourhood), which bounds the pairs to n×Window.
// A pair that several blocks of a shard pair is scored once: in the first
// (smallest key hash) ordinary block the two share, else in the first
// oversized block that has them within the window. Pairs that share blocks
// in different shards may be scored once per shard, and Cluster keeps one.
func Score(s beam.Scope, opts ScoreOptions, candidates beam.PCollection) (edges, pairs beam.PCollection) {
	s = s.Scope("linkbeam.Score")
	return beam.ParDo2(s, &scoreFn{Options: opts}, beam.GroupByKey(s, candidates))
}

type scoreFn struct {
	Options ScoreOptions

	features  *matchers.FeatureSet
	scorer    *matchers.Scorer
	kept      []schemas.EdgeRow // the edges of Options.Previous
	candPairs beam.Counter
	scored    beam.Counter
	keptEdges beam.Counter
	matched   beam.Counter
	oversized beam.Counter
}

func (fn *scoreFn) Setup(ctx context.Context) error {
	fs, err := matchers.NewFeatureSet(fn.Options.Model.Features)
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	fn.features = fs
	if fn.scorer, err = matchers.NewScorer(&fn.Options.Model, fn.Options.Threshold); err != nil {
		return fmt.Errorf("score: %w", err)
	}
	fn.candPairs = beam.NewCounter(Namespace, MetricCandidatePairs)
	fn.scored = beam.NewCounter(Namespace, MetricScoredPairs)
	fn.keptEdges = beam.NewCounter(Namespace, MetricKeptEdges)
	fn.matched = beam.NewCounter(Namespace, MetricMatchedPairs)
	fn.oversized = beam.NewCounter(Namespace, MetricOversizedBlock)
	if fn.Options.Previous != "" {
		if fn.kept, err = readPrevious[schemas.EdgeRow](ctx, fn.Options.Previous, EdgesDir); err != nil {
			return fmt.Errorf("score: previous edges: %w", err)
		}
	}
	return nil
}

// shardBlocks indexes the candidates of one shard by block.
type shardBlocks struct {
	cands   []bulk.Candidate
	members [][]int32 // members per block id, in record key order
	blockOf [][]int32 // ordinary block ids per candidate, ascending
	// bigOf lists, per candidate, the windowed oversized blocks it is in
	// with its position in their neighbourhood order, by ascending id.
	bigOf   [][]bigMember
	big     []bool // oversized per block id; its members are in neighbourhood order
	dropBig []bool // per block id: an oversized block is dropped, not windowed
	window  int
	// Per candidate, what every candidate pair looks at before scoring,
	// kept apart from the large candidates: tens of millions of pairs
	// read them in random order, and a cache miss costs more than the test.
	source    []uint16 // index of the record's source
	unchanged []bool
	titleKey  []uint64 // the title's first 8 bytes, big-endian: orders most titles without reading them
	// prepared, when not nil, prepares each candidate on first use (prep);
	// nil when decodeCandidates prepared them all.
	prepared []sync.Once
	idf      *matchers.IDF
}

// prep returns candidate i's matching view, ready to compare.
func (sb *shardBlocks) prep(i int32) *matchers.Prepared {
	p := &sb.cands[i].Prep
	if sb.prepared != nil {
		sb.prepared[i].Do(func() { prepare(p, sb.idf) })
	}
	return p
}

// prepare rebuilds a decoded matching view's token lists and weighs its
// title with the corpus IDF and title counts.
func prepare(p *matchers.Prepared, idf *matchers.IDF) {
	p.Reindex()
	idf.Weigh(p)
}

func (fn *scoreFn) ProcessElement(ctx context.Context, shard int, batches func(*spill.Ref) bool, emit func(spill.Ref), emitPairs func(int, spill.Ref)) error {
	idf := &matchers.IDF{DF: map[string]int32{}}
	var raw [][]byte
	err := bulk.Read(ctx, batches, func(batch []byte) error {
		kind, payload, err := bulk.Untag(batch)
		switch kind {
		case bulk.KindCandidates:
			raw = append(raw, payload)
		case bulk.KindIDF:
			var p matchers.IDF
			if err := p.UnmarshalBinary(payload); err != nil {
				return fmt.Errorf("idf: %w", err)
			}
			idf.Merge(&p)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("score shard %d: %w", shard, err)
	}
	// In an incremental run most candidates are unchanged records that
	// share a block with a changed one but pair with none (a sorted
	// neighbourhood pairs a few of a block's members): each is prepared
	// for comparison only when first paired.
	lazy := fn.Options.Previous != ""
	cands, err := decodeCandidates(raw, idf, !lazy)
	if err != nil {
		return fmt.Errorf("score shard %d: %w", shard, err)
	}
	sb := indexBlocks(cands, fn.Options.MaxBlockSize, fn.Options.Window)
	if lazy {
		sb.prepared, sb.idf = make([]sync.Once, len(cands)), idf
	}
	var nBig int64
	for _, b := range sb.big {
		if b {
			nBig++
		}
	}
	fn.oversized.Inc(ctx, nBig)

	// Blocks are independent: score them on every core, since prism runs
	// a stage as one bundle. Each worker spills its edges and pairs as
	// their batches fill, so they do not pile up in memory beside the
	// candidates; the references are emitted here, where emitting is
	// allowed.
	workers := runtime.GOMAXPROCS(0)
	results := make([]scoreResult, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := &results[w]
			r.spillTo(ctx, fn.Options.Spill, shard, bulk.BatchBytes)
			fn.scoreBlocks(sb, w, workers, r)
			r.flush(true)
		}(w)
	}
	wg.Wait()
	var cand, scored, matched int64
	var errs []error
	for _, r := range results {
		cand += r.candidates
		scored += r.scored
		matched += r.matched
		errs = append(errs, r.edgeSpill.Err(), r.pairSpill.Err())
		for _, ref := range r.edgeRefs {
			emit(ref)
		}
		for _, ref := range r.pairRefs {
			emitPairs(shard, ref)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("score shard %d: %w", shard, err)
	}
	out, kept := appendKeptEdges(nil, sb, fn.kept)
	fn.candPairs.Inc(ctx, cand)
	fn.scored.Inc(ctx, scored)
	fn.keptEdges.Inc(ctx, kept)
	fn.matched.Inc(ctx, matched)
	if len(out) > 0 {
		edges := bulk.NewSpiller(ctx, fn.Options.Spill, spillEdges, func(_ int, ref spill.Ref) { emit(ref) })
		edges.Put(shard, out)
		return edges.Err()
	}
	return nil
}

// decodeCandidates decodes the batches on every core (one bundle holds the
// whole shard on prism), each candidate made ready to compare (prepare)
// when prepared is set, and returns the candidates in record key order.
func decodeCandidates(batches [][]byte, idf *matchers.IDF, prepared bool) ([]bulk.Candidate, error) {
	var runs []bulk.CandidateRun
	for _, b := range batches {
		var err error
		if runs, err = bulk.CandidateRuns(runs, b); err != nil {
			return nil, err
		}
	}
	offsets := make([]int, len(runs)+1)
	for i, r := range runs {
		offsets[i+1] = offsets[i] + r.N
	}
	cands := make([]bulk.Candidate, offsets[len(runs)])
	errs := make([]error, len(runs))
	bulk.Parallel(len(runs), func(i int) {
		into := cands[offsets[i]:offsets[i+1]]
		errs[i] = bulk.DecodeRun(runs[i], into)
		// The decoded candidates copy what they keep: a batch is freed once
		// its last run is decoded, not held beside them to the end.
		runs[i] = bulk.CandidateRun{}
		if errs[i] != nil || !prepared {
			return
		}
		for k := range into {
			prepare(&into[k].Prep, idf)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	internLabels(cands)
	bulk.SortInPlace(cands, func(a, b *bulk.Candidate) int { return strings.Compare(a.Key, b.Key) })
	return cands, nil
}

// internLabels makes the candidates' equal sources, brands and currencies
// one string each. Scoring compares them for every pair, and two copies
// of "USD" cost a load of each from wherever its candidate was decoded:
// one string is equal by its pointer, without reading memory.
func internLabels(cands []bulk.Candidate) {
	seen := map[string]string{}
	intern := func(s *string) {
		if v, ok := seen[*s]; ok {
			*s = v
		} else {
			seen[*s] = *s
		}
	}
	for i := range cands {
		p := &cands[i].Prep
		intern(&p.Source)
		intern(&p.Brand)
		intern(&p.Currency)
	}
}

func indexBlocks(cands []bulk.Candidate, maxBlock, window int) *shardBlocks {
	// (block hash, candidate) for every membership, sorted: each run of
	// one hash is a block, its candidates in record key order. The
	// memberships are bucketed by the hash's top bits, filled in
	// candidate order, and each bucket radix-sorted by the other bits
	// (stable, so candidates stay in order) on every core.
	const bucketBits = 8
	bucketOf := func(h uint64) int { return int(h >> (64 - bucketBits)) }
	start := make([]int, 1<<bucketBits+1)
	for _, c := range cands {
		for _, h := range c.Blocks {
			start[bucketOf(h)+1]++
		}
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	all := make([]bulk.Membership, start[len(start)-1])
	next := slices.Clone(start[:len(start)-1])
	for i, c := range cands {
		for _, h := range c.Blocks {
			b := bucketOf(h)
			all[next[b]] = bulk.Membership{Block: h, Cand: int32(i)}
			next[b]++
		}
	}
	bulk.Parallel(1<<bucketBits, func(b int) {
		bucket := all[start[b]:start[b+1]]
		bulk.SortMemberships(bucket, make([]bulk.Membership, len(bucket)), 64-bucketBits)
	})
	sb := &shardBlocks{cands: cands, blockOf: make([][]int32, len(cands)), window: window,
		source: make([]uint16, len(cands)), unchanged: make([]bool, len(cands)), titleKey: make([]uint64, len(cands))}
	sources := map[string]uint16{}
	for i := range cands {
		p := &cands[i].Prep
		id, ok := sources[p.Source]
		if !ok {
			id = uint16(len(sources))
			sources[p.Source] = id
		}
		sb.source[i] = id
		sb.unchanged[i] = cands[i].Unchanged
		var prefix [8]byte
		copy(prefix[:], p.Title)
		sb.titleKey[i] = binary.BigEndian.Uint64(prefix[:])
	}
	// A block of one record pairs nothing: it gets no id, which keeps the
	// per-candidate lists that every pair merges short. Members and block
	// lists are windows of two flat arrays, sized in a first pass.
	forEachBlock := func(fn func(m []bulk.Membership)) {
		for start := 0; start < len(all); {
			end := start + 1
			for end < len(all) && all[end].Block == all[start].Block {
				end++
			}
			if end-start > 1 {
				fn(all[start:end])
			}
			start = end
		}
	}
	isBig := func(m []bulk.Membership) bool { return maxBlock > 0 && len(m) > maxBlock }
	ordinaryOf := make([]int32, len(cands))
	total, ordinary := 0, 0
	forEachBlock(func(m []bulk.Membership) {
		total += len(m)
		if !isBig(m) {
			ordinary += len(m)
			for _, x := range m {
				ordinaryOf[x.Cand]++
			}
		}
	})
	flatBlocks := make([]int32, 0, ordinary)
	for i, n := range ordinaryOf {
		sb.blockOf[i] = flatBlocks[len(flatBlocks) : len(flatBlocks) : len(flatBlocks)+int(n)]
		flatBlocks = flatBlocks[:len(flatBlocks)+int(n)]
	}
	flatMembers := make([]int32, 0, total)
	forEachBlock(func(block []bulk.Membership) {
		id := int32(len(sb.members))
		from := len(flatMembers)
		for _, x := range block {
			flatMembers = append(flatMembers, x.Cand)
		}
		big := isBig(block)
		if !big {
			for _, x := range block {
				sb.blockOf[x.Cand] = append(sb.blockOf[x.Cand], id) // ids ascend with the hash
			}
		}
		sb.members = append(sb.members, flatMembers[from:len(flatMembers):len(flatMembers)])
		sb.big = append(sb.big, big)
		sb.dropBig = append(sb.dropBig, block[0].Block&1 == 1)
	})
	sb.orderBig()
	for i := range cands {
		cands[i].Blocks = nil // now in blockOf and bigOf; free for the scoring that follows
	}
	return sb
}

// bigMember is a candidate's place in a windowed oversized block.
type bigMember struct{ block, pos int32 }

// windowed reports whether block id is paired by sorted neighbourhood.
func (sb *shardBlocks) windowed(id int) bool {
	return sb.big[id] && !sb.dropBig[id] && sb.window > 0
}

// orderBig sorts the members of every windowed oversized block into
// neighbourhood order (by title; matchers.NeighbourhoodOrder) on every
// core, and lists each candidate's positions in them (bigOf).
func (sb *shardBlocks) orderBig() {
	var ids []int
	count := make([]int32, len(sb.cands))
	for id := range sb.members {
		if sb.windowed(id) {
			ids = append(ids, id)
			for _, c := range sb.members[id] {
				count[c]++
			}
		}
	}
	bulk.Parallel(len(ids), func(k int) {
		m := sb.members[ids[k]]
		slices.SortFunc(m, func(i, j int32) int {
			if c := cmp.Compare(sb.titleKey[i], sb.titleKey[j]); c != 0 {
				return c // the first 8 bytes decide most titles without reading them
			}
			return cmp.Or(strings.Compare(sb.cands[i].Prep.Title, sb.cands[j].Prep.Title), cmp.Compare(i, j))
		})
	})
	total := 0
	for _, n := range count {
		total += int(n)
	}
	flat := make([]bigMember, 0, total)
	sb.bigOf = make([][]bigMember, len(sb.cands))
	for i, n := range count {
		sb.bigOf[i] = flat[len(flat) : len(flat) : len(flat)+int(n)]
		flat = flat[:len(flat)+int(n)]
	}
	for _, id := range ids { // ascending, so each list ascends by block
		for pos, c := range sb.members[id] {
			sb.bigOf[c] = append(sb.bigOf[c], bigMember{int32(id), int32(pos)})
		}
	}
}

// scoreResult is what a scoring worker produces. Its batches of edges and
// pairs are spilled as they fill (spill.Store.Put is safe on several
// goroutines) and their references kept, to be emitted by ProcessElement:
// emitting is not safe off its goroutine.
type scoreResult struct {
	edges, pairs                []byte // batches being filled
	edgeRefs, pairRefs          []spill.Ref
	edgeSpill, pairSpill        bulk.Spiller // into edgeRefs and pairRefs
	shard, batchBytes           int          // a batch is spilled once it holds batchBytes
	candidates, scored, matched int64
}

// spillTo makes r spill shard's batches of batchBytes to store.
func (r *scoreResult) spillTo(ctx context.Context, store spill.Store, shard, batchBytes int) {
	r.shard, r.batchBytes = shard, batchBytes
	r.edgeSpill = bulk.NewSpiller(ctx, store, spillEdges, func(_ int, ref spill.Ref) { r.edgeRefs = append(r.edgeRefs, ref) })
	r.pairSpill = bulk.NewSpiller(ctx, store, spillPairs, func(_ int, ref spill.Ref) { r.pairRefs = append(r.pairRefs, ref) })
}

// flush spills the batches of edges and pairs that are full, or with
// final whatever they hold, and reuses their buffers.
func (r *scoreResult) flush(final bool) {
	if len(r.edges) > 0 && (final || len(r.edges) >= r.batchBytes) {
		r.edgeSpill.Put(r.shard, r.edges)
		r.edges = r.edges[:0]
	}
	if len(r.pairs) > 0 && (final || len(r.pairs) >= r.batchBytes) {
		r.pairSpill.Put(r.shard, r.pairs)
		r.pairs = r.pairs[:0]
	}
}

// scoreBlocks scores the blocks whose id ≡ w (mod workers). Each pair is
// scored in the first block that pairs it: the first ordinary block it
// shares, else the first windowed oversized block where the two are
// within the window.
func (fn *scoreFn) scoreBlocks(sb *shardBlocks, w, workers int, r *scoreResult) {
	x := make([]float64, 0, len(fn.Options.Model.Features))
	skip := func(i, j int32) bool {
		return fn.Options.CrossSourceOnly && sb.source[i] == sb.source[j] || // never merged
			sb.unchanged[i] && sb.unchanged[j] // kept from the previous run
	}
	noLimit := int32(len(sb.members))
	for id := w; id < len(sb.members); id += workers {
		m := sb.members[id]
		if len(m) < 2 {
			continue
		}
		r.flush(false)
		if !sb.big[id] {
			for a := 0; a < len(m); a++ {
				for b := a + 1; b < len(m); b++ {
					r.candidates++
					i, j := m[a], m[b]
					if skip(i, j) || sharesOrdinaryBelow(sb, i, j, int32(id)) {
						continue
					}
					fn.scorePair(sb, i, j, &x, r)
				}
			}
			continue
		}
		if !sb.windowed(id) {
			continue
		}
		matchers.WindowPairs(m, sb.window, func(i, j int32) {
			r.candidates++
			if skip(i, j) || sharesOrdinaryBelow(sb, i, j, noLimit) || windowedBelow(sb, i, j, int32(id)) {
				return
			}
			fn.scorePair(sb, i, j, &x, r)
		})
	}
}

// scorePair scores candidates i and j into r: an edge at or above the
// threshold, and every pair with WritePairs.
func (fn *scoreFn) scorePair(sb *shardBlocks, i, j int32, x *[]float64, r *scoreResult) {
	r.scored++
	a, b := sb.prep(i), sb.prep(j)
	var p float64
	if fn.Options.WritePairs { // every pair's exact probability
		*x = fn.features.Compute(a, b, (*x)[:0])
		p = fn.Options.Model.Probability(*x)
	} else {
		p, _, *x = fn.scorer.Match(a, b, *x)
	}
	if p < fn.Options.Threshold && !fn.Options.WritePairs {
		return
	}
	e := newEdge(sb, i, j, p)
	if p >= fn.Options.Threshold {
		r.matched++
		r.edges = bulk.AppendEdge(r.edges, &e)
	}
	if fn.Options.WritePairs {
		r.pairs = bulk.AppendEdge(r.pairs, &e)
	}
}

// windowedBelow reports whether candidates i and j are within the window
// of each other in a windowed oversized block whose id is below limit:
// that block paired them first.
func windowedBelow(sb *shardBlocks, i, j, limit int32) bool {
	a, b := sb.bigOf[i], sb.bigOf[j]
	for x, y := 0, 0; x < len(a) && y < len(b) && a[x].block < limit && b[y].block < limit; {
		switch {
		case a[x].block < b[y].block:
			x++
		case a[x].block > b[y].block:
			y++
		default:
			if d := a[x].pos - b[y].pos; d <= int32(sb.window) && d >= -int32(sb.window) {
				return true
			}
			x++
			y++
		}
	}
	return false
}

func newEdge(sb *shardBlocks, i, j int32, p float64) bulk.Edge {
	a, b := &sb.cands[i], &sb.cands[j]
	return bulk.Edge{A: a.Key, B: b.Key, P: p, Tie: a.Prep.Text.Similarity(&b.Prep.Text), GA: a.Prep.GTIN, GB: b.Prep.GTIN, MA: a.Prep.Models, MB: b.Prep.Models}
}

// sharesOrdinaryBelow reports whether candidates i and j share an
// ordinary (not oversized) block whose id is below limit: a pair is scored
// in the first ordinary block it shares, so the pair of block id is skipped
// when this holds for id. The block lists ascend, so the merge stops at
// limit.
func sharesOrdinaryBelow(sb *shardBlocks, i, j, limit int32) bool {
	a, b := sb.blockOf[i], sb.blockOf[j]
	for x, y := 0, 0; x < len(a) && y < len(b) && a[x] < limit && b[y] < limit; {
		switch {
		case a[x] < b[y]:
			x++
		case a[x] > b[y]:
			y++
		default:
			return true
		}
	}
	return false
}
