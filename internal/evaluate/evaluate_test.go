package evaluate

import (
	"math"
	"strings"
	"testing"

	"github.com/linkbeam/linkbeam/schemas"
)

// Entities: e1 = {a:1, b:1, c:1}, e2 = {a:2, b:2}. Masters: m1 = {a:1, b:1},
// m2 = {c:1, a:2, b:2}. Predicted pairs: 1 in m1 (true), 3 in m2 (b:2-a:2
// true, c:1-a:2 and c:1-b:2 false). Truth has 3 + 1 = 4 pairs: tp 2, fp 2,
// fn 2.
func TestLinks(t *testing.T) {
	truth, err := ReadTruth(strings.NewReader("source,source_id,entity_id\na,1,e1\nb,1,e1\nc,1,e1\na,2,e2\nb,2,e2\n"), "", "")
	if err != nil {
		t.Fatal(err)
	}
	links := []schemas.LinkRow{
		{MasterID: "m1", Source: "a", SourceID: "1"}, {MasterID: "m1", Source: "b", SourceID: "1"},
		{MasterID: "m2", Source: "c", SourceID: "1"}, {MasterID: "m2", Source: "a", SourceID: "2"},
		{MasterID: "m2", Source: "b", SourceID: "2"},
	}
	m := Links(links, truth)
	if m.TruePositives != 2 || m.FalsePositives != 2 || m.FalseNegatives != 2 || m.Precision != 0.5 || m.Recall != 0.5 {
		t.Errorf("entity truth: %v, want tp 2 fp 2 fn 2", m)
	}

	// Cross-source truth (Abt-Buy style): only a-b pairs count. m1 has
	// one a-b pair (true); m2 has a:2-b:2 (true); c is neither side.
	// Truth pairs: (a:1,b:1), (a:2,b:2), (a:3,b:3): tp 2, fp 0, fn 1.
	cross, err := ReadTruth(strings.NewReader("idA,idB\n1,1\n2,2\n3,3\n"), "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	m = Links(links, cross)
	if m.TruePositives != 2 || m.FalsePositives != 0 || m.FalseNegatives != 1 {
		t.Errorf("cross-source truth: %v, want tp 2 fp 0 fn 1", m)
	}
}

func TestSweepThresholds(t *testing.T) {
	th := DefaultSweepThresholds()
	if len(th) != 99 || th[0] != 0.01 || th[49] != 0.5 || th[98] != 0.99 {
		t.Fatalf("%d thresholds from %v to %v, want 99 from 0.01 to 0.99", len(th), th[0], th[len(th)-1])
	}
	for i := 1; i < len(th); i++ {
		if math.Abs(th[i]-th[i-1]-0.01) > 1e-12 {
			t.Fatalf("step %v between %v and %v", th[i]-th[i-1], th[i-1], th[i])
		}
	}
	if got := WithThreshold(th, 0.5); len(got) != 99 {
		t.Errorf("the run's threshold 0.5 is already swept: %d thresholds", len(got))
	}
	if got := WithThreshold(th, 0.555); len(got) != 100 || got[55] != 0.555 || got[54] != 0.55 || got[56] != 0.56 {
		t.Errorf("0.555 added at %v", got[53:58])
	}
	points := []SweepPoint{{Threshold: 0.1, PairMetrics: PairMetrics{F1: 0.5}},
		{Threshold: 0.2, PairMetrics: PairMetrics{F1: 0.8}}, {Threshold: 0.3, PairMetrics: PairMetrics{F1: 0.8}}}
	if best := BestSweepPoint(points); best.Threshold != 0.2 {
		t.Errorf("best of %v: %v, want the lowest threshold with F1 0.8", points, best)
	}
}
