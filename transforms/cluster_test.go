package transforms

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/linkbeam/linkbeam/internal/bulk"
)

// loadGraph numbers records in key order whatever order the batches and
// edges come in, keeps every edge with its ends, probability and tie
// order, and takes each record's identifiers from the first edge naming
// it.
func TestLoadGraphNumbersRecordsByKey(t *testing.T) {
	edges := [][]bulk.Edge{
		{{A: "shop:9", B: "feed:2", P: 0.9, Tie: 0.5, GA: "g9", GB: "g2"}, {A: "feed:1", B: "shop:9", P: 0.7, GB: "other"}},
		{},
		{{A: "feed:2", B: "shop:3", P: 0.8, MA: []string{"M2"}, MB: []string{"M2"}}},
	}
	var batches [][]byte
	for _, es := range edges {
		var b []byte
		for k := range es {
			b = bulk.AppendEdge(b, &es[k])
		}
		batches = append(batches, b)
	}
	g, err := loadGraph(batches)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"feed:1", "feed:2", "shop:3", "shop:9"}; !slices.Equal(g.keys, want) {
		t.Fatalf("keys %v, want %v", g.keys, want)
	}
	var got []string
	for _, e := range g.edges {
		got = append(got, fmt.Sprintf("%s-%s %.1f %.1f %v", g.keys[e.A], g.keys[e.B], e.P, e.Tie, e.Confirmed))
	}
	want := []string{"shop:9-feed:2 0.9 0.5 false", "feed:1-shop:9 0.7 0.0 false", "feed:2-shop:3 0.8 0.0 true"}
	if !slices.Equal(got, want) {
		t.Errorf("edges %q, want %q", got, want)
	}
	// shop:9 is named first with GTIN g9, then with "other".
	ids := fmt.Sprint(g.ids)
	if want := "[{ []} {g2 []} { [M2]} {g9 []}]"; ids != want {
		t.Errorf("identifiers %s, want %s", ids, want)
	}
	if _, err := loadGraph([][]byte{{0xff}}); err == nil {
		t.Error("a corrupt batch loaded")
	}
}

// Cluster's load of a large run's edges (records in key order).
func BenchmarkLoadGraph(b *testing.B) {
	const n = 800_000 // edges, about a 1M-record run's
	r := rand.New(rand.NewPCG(1, 1))
	var batches [][]byte
	var batch []byte
	for range n {
		e := bulk.Edge{A: fmt.Sprintf("api:P%08d", r.IntN(2*n)), B: fmt.Sprintf("partner:P%08d", r.IntN(2*n)), P: r.Float64()}
		if batch = bulk.AppendEdge(batch, &e); len(batch) > bulk.BatchBytes {
			batches, batch = append(batches, batch), nil
		}
	}
	batches = append(batches, batch)
	for b.Loop() {
		if _, err := loadGraph(slices.Clone(batches)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/edge")
}
