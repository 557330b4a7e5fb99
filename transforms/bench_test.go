package transforms

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// benchCandidateBatches packs n candidates of generated products into
// batches of about bulk.BatchBytes, as Block emits them, with the IDF of their
// titles. Each candidate has 12 block hashes drawn from n/4 blocks, so
// blocks hold a few dozen members.
func benchCandidateBatches(n int) ([][]byte, *matchers.IDF) {
	r := rand.New(rand.NewPCG(42, 1))
	brands := []string{"Sony", "Samsung", "LG", "Apple", "Bosch", "Canon"}
	kinds := []string{"TV", "Soundbar", "Laptop", "Camera", "Headphones", "Monitor"}
	colours := []string{"Black", "Silver", "White", "Blue"}
	idf := &matchers.IDF{DF: map[string]int32{}}
	var batches [][]byte
	var batch, run []byte
	runLen := 0
	for i := range n {
		p := schemas.Product{
			Source:   []string{"api", "legacy", "partner"}[i%3],
			SourceID: fmt.Sprintf("P%08d", r.IntN(10*n)),
			Title: fmt.Sprintf("%s %s %dX%04d %s %d in", brands[r.IntN(len(brands))], kinds[r.IntN(len(kinds))],
				r.IntN(90), r.IntN(10000), colours[r.IntN(len(colours))], 20+r.IntN(60)),
			Price: float64(r.IntN(200000)) / 100, HasPrice: true, Currency: "EUR",
		}
		c := bulk.Candidate{Key: p.Key(), Prep: MatchView(&p, nil)}
		idf.Add(c.Prep.TitleTokens)
		c.Blocks = make([]uint64, 12)
		for k := range c.Blocks {
			c.Blocks[k] = uint64(r.IntN(n/4 + 1))
		}
		run, runLen = bulk.AppendCandidate(run, &c), runLen+1
		if runLen == 2048 || i == n-1 { // Block's chunk of records
			batch, run, runLen = bulk.AppendCandidateRun(batch, runLen, run), run[:0], 0
		}
		if len(batch) >= bulk.BatchBytes {
			batches, batch = append(batches, batch), nil
		}
	}
	return append(batches, batch), idf
}

// Score's preparation of a shard: decoding, TF-IDF weighting and sorting
// the candidates, then indexing them by block.
func BenchmarkScoreDecodeAndIndex(b *testing.B) {
	const n = 200_000
	batches, idf := benchCandidateBatches(n)
	b.ResetTimer()
	for b.Loop() {
		cands, err := decodeCandidates(batches, idf, true)
		if err != nil {
			b.Fatal(err)
		}
		indexBlocks(cands, 20, 6)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/candidate")
}

func BenchmarkSortInPlace(b *testing.B) {
	const n = 200_000
	r := rand.New(rand.NewPCG(7, 7))
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("partner:P%08d", r.IntN(100*n))
	}
	xs := make([]member, n)
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		for i := range xs {
			xs[i] = member{masterID: keys[i], key: keys[i]}
		}
		b.StartTimer()
		bulk.SortInPlace(xs, func(a, b *member) int { return strings.Compare(a.masterID, b.masterID) })
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/member")
}
