package transforms

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
)

// Score's shard scoring against the definition it implements: the
// candidate pairs are the union of matchers.BlockPairs over the blocks
// (members in key order, oversized ones by title, odd hashes dropped when
// oversized), same-source pairs skipped; each is scored exactly once
// however many blocks pair it, and every emission is counted as a
// candidate, whatever the batches the pairs are spilled in. Titles collide
// often, so ties in the title order matter.
func TestScoreBlocksScoresEachCandidatePairOnce(t *testing.T) {
	const n, maxBlock, window, workers = 400, 12, 3, 2
	rng := rand.New(rand.NewPCG(3, 4))
	pool := make([]uint64, 60)
	for k := range pool {
		pool[k] = rng.Uint64()
	}
	model := matchers.DefaultModel()
	idf := &matchers.IDF{DF: map[string]int32{}}
	cands := make([]bulk.Candidate, n)
	for i := range cands {
		c := &cands[i]
		c.Key = fmt.Sprintf("k%04d", i)
		title := fmt.Sprintf("%c%c lamp", 'a'+rng.IntN(3), 'a'+rng.IntN(3))
		c.Prep = matchers.Prepare(matchers.Fields{Source: fmt.Sprint(rng.IntN(3)), Title: title}, nil)
		idf.Add(c.Prep.TitleTokens)
		for range 4 { // skewed: a few large blocks, many small ones
			c.Blocks = append(c.Blocks, pool[rng.IntN(rng.IntN(len(pool))+1)])
		}
		slices.Sort(c.Blocks)
		c.Blocks = slices.Compact(c.Blocks)
	}
	members := map[uint64][]int{}
	for i := range cands {
		prepare(&cands[i].Prep, idf)
		for _, h := range cands[i].Blocks {
			members[h] = append(members[h], i)
		}
	}
	want := map[[2]int]bool{}
	var emitted int64
	bigBlocks := 0
	for h, m := range members {
		if len(m) > maxBlock {
			bigBlocks++
			if h&1 == 1 {
				continue
			}
		}
		byTitle := func(a, b int) int { return strings.Compare(cands[m[a]].Prep.Title, cands[m[b]].Prep.Title) }
		matchers.BlockPairs(len(m), byTitle, maxBlock, window, func(a, b int) {
			emitted++
			i, j := min(m[a], m[b]), max(m[a], m[b])
			if cands[i].Prep.Source != cands[j].Prep.Source {
				want[[2]int{i, j}] = true
			}
		})
	}
	if bigBlocks < 5 || len(want) < 500 {
		t.Fatalf("weak test data: %d oversized blocks, %d pairs", bigBlocks, len(want))
	}

	fn := &scoreFn{Options: ScoreOptions{Model: *model, Threshold: model.Threshold, MaxBlockSize: maxBlock,
		Window: window, WritePairs: true, CrossSourceOnly: true}}
	if err := fn.Setup(t.Context()); err != nil {
		t.Fatal(err)
	}
	sb := indexBlocks(cands, maxBlock, window)
	got := map[[2]int]int{}
	var candidates, scored int64
	// Small batches, so that each worker spills many as it scores.
	store := spill.Store{Dir: t.TempDir()}
	batches := 0
	for w := range workers {
		r := &scoreResult{}
		r.spillTo(t.Context(), store, 0, 2048)
		fn.scoreBlocks(sb, w, workers, r)
		r.flush(true)
		if err := r.pairSpill.Err(); err != nil {
			t.Fatal(err)
		}
		candidates, scored = candidates+r.candidates, scored+r.scored
		batches += len(r.pairRefs)
		for _, ref := range r.pairRefs {
			batch, err := spill.Get(t.Context(), ref)
			if err == nil {
				err = bulk.ForEachEdge(batch, func(e *bulk.Edge) {
					var i, j int
					fmt.Sscanf(e.A, "k%d", &i)
					fmt.Sscanf(e.B, "k%d", &j)
					got[[2]int{i, j}]++
				})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for pair, count := range got {
		if count != 1 || !want[pair] {
			t.Errorf("pair %v scored %d times; a candidate pair: %v", pair, count, want[pair])
		}
	}
	if batches < 2*workers {
		t.Errorf("%d batches of pairs: the test spills too few to cover batching", batches)
	}
	if len(got) != len(want) || scored != int64(len(want)) || candidates != emitted {
		t.Errorf("%d pairs scored (counter %d), %d candidates; want %d and %d", len(got), scored, candidates, len(want), emitted)
	}
}
