package matchers

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

var benchSink int

var benchTitle = bkPrep("sony", "sony bravia xr a80j 65 inch 4k hdr oled smart google tv 2021", "xr65a80j")

func BenchmarkTitleLSHKeys(b *testing.B) {
	for _, r := range []TitleLSHRule{{Bands: 8, Rows: 4}, {Bands: 16, Rows: 4}, {Bands: 32, Rows: 5}, {Bands: 12, Rows: 4, Words: true}} {
		b.Run(fmt.Sprintf("%dx%d/words=%t", r.Bands, r.Rows, r.Words), func(b *testing.B) {
			dst := make([]string, 0, 64)
			b.ReportAllocs()
			for b.Loop() {
				dst = r.Keys(benchTitle, dst[:0])
			}
			benchSink += len(dst)
		})
	}
}

func BenchmarkBlockingKeys(b *testing.B) {
	for _, r := range []BlockingRule{ModelNumberRule{}, GTINRule{}, BrandTitleRule{}, TitleTokensRule{}} {
		b.Run(r.Name(), func(b *testing.B) {
			dst := make([]string, 0, 64)
			b.ReportAllocs()
			for b.Loop() {
				dst = r.Keys(benchTitle, dst[:0])
			}
			benchSink += len(dst)
		})
	}
}

func BenchmarkBlockPairs(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	titles := make([]string, 20000)
	for i := range titles {
		titles[i] = fmt.Sprintf("%c%c laptop %d", 'a'+rng.IntN(26), 'a'+rng.IntN(26), rng.IntN(1000))
	}
	for _, bc := range []struct{ n, maxBlock, window int }{
		{200, 200, 20},   // the default cap: all 19,900 pairs
		{20000, 200, 20}, // an oversized block: sorted neighbourhood
	} {
		b.Run(fmt.Sprintf("n=%d/max=%d/w=%d", bc.n, bc.maxBlock, bc.window), func(b *testing.B) {
			compare := func(i, j int) int { return strings.Compare(titles[i], titles[j]) }
			pairs := 0
			b.ReportAllocs()
			for b.Loop() {
				BlockPairs(bc.n, compare, bc.maxBlock, bc.window, func(i, j int) { pairs++ })
			}
			benchSink += pairs
			b.ReportMetric(float64(BlockPairCount(bc.n, bc.maxBlock, bc.window))*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

func BenchmarkIsCanonicalPair(b *testing.B) {
	keysOf := func(p *Prepared) [][]string {
		var out [][]string
		for _, r := range []BlockingRule{ModelNumberRule{}, BrandTitleRule{}, TitleTokensRule{}, TitleLSHRule{}} {
			out = append(out, r.Keys(p, nil))
		}
		return out
	}
	a := keysOf(benchTitle)
	c := keysOf(bkPrep("sony", "sony xr65a80j bravia xr 65 oled 4k uhd smart tv a80j"))
	key := a[2][len(a[2])-1]
	b.ReportAllocs()
	for b.Loop() {
		if IsCanonicalPair(a, c, 2, key) {
			benchSink++
		}
	}
}

// benchGraph is a 1M-node match graph shaped like a catalogue: entities of
// 1-4 records whose records link with high probability, plus three
// blocking-neighbour edges per node with low, sometimes high, probability.
var benchGraph = sync.OnceValues(func() ([]Edge, []int32) {
	const n = 1 << 20
	rng := rand.New(rand.NewPCG(2, 2))
	var edges []Edge
	sources := make([]int32, n)
	for start := 0; start < n; {
		size := min(1+rng.IntN(4), n-start)
		for i := start; i < start+size; i++ {
			sources[i] = int32(i - start)
			for j := start; j < i; j++ {
				edges = append(edges, Edge{A: int32(j), B: int32(i), P: 0.8 + 0.2*rng.Float64()})
			}
		}
		start += size
	}
	for i := 0; i < n; i++ {
		for range 3 {
			j := (i + 1 + rng.IntN(1000)) % n
			edges = append(edges, Edge{A: int32(i), B: int32(j), P: rng.Float64() * rng.Float64()})
		}
	}
	rng.Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
	return edges, sources
})

func BenchmarkCluster(b *testing.B) {
	edges, sources := benchGraph()
	n := len(sources)
	for _, bc := range []struct {
		name string
		opts ClusterOptions
	}{
		{"components", ClusterOptions{Threshold: 0.5}},
		{"best_first_max50", ClusterOptions{Threshold: 0.5, MaxClusterSize: 50}},
		{"min_linkage", ClusterOptions{Threshold: 0.5, MaxClusterSize: 50, MinLinkage: 0.5}},
		{"min_linkage_all_edges", ClusterOptions{MaxClusterSize: 50, MinLinkage: 0.5}},
		{"one_per_source", ClusterOptions{Threshold: 0.5, MaxClusterSize: 50, OnePerSource: true, Sources: sources}},
		{"one_per_source_all_edges", ClusterOptions{OnePerSource: true, Sources: sources}},
	} {
		b.Run(fmt.Sprintf("%s/nodes=%d/edges=%d", bc.name, n, len(edges)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchSink += int(Cluster(n, edges, bc.opts)[n-1])
			}
		})
	}
}

func BenchmarkProbability(b *testing.B) {
	const d = 12
	m := &Model{Version: 1, Threshold: 0.5}
	x := make([]float64, d)
	for j := range d {
		m.Features = append(m.Features, fmt.Sprintf("f%d", j))
		m.Weights = append(m.Weights, float64(j)-5.5)
		m.Mean = append(m.Mean, 0.5)
		m.Std = append(m.Std, 0.25)
		x[j] = float64(j) / d
	}
	b.ReportAllocs()
	s := 0.0
	for b.Loop() {
		s += m.Probability(x)
	}
	benchSink += int(s)
}

func BenchmarkTrain(b *testing.B) {
	w := []float64{2, -1, 0.5, 0, 1, -2, 0.3, 0.7, -0.4, 1.5}
	X, y := trSynthetic(100000, w, -0.5, 3)
	b.Run(fmt.Sprintf("rows=%d/features=%d", len(X), len(w)), func(b *testing.B) {
		for b.Loop() {
			if _, err := Train(X, y, TrainOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
