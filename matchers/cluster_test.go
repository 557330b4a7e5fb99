package matchers

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestUnionFind(t *testing.T) {
	u := NewUnionFind(6)
	if u.Len() != 6 {
		t.Fatalf("Len = %d", u.Len())
	}
	steps := []struct {
		a, b   int32
		merged bool
		size   int32
	}{
		{0, 1, true, 2},
		{2, 3, true, 2},
		{1, 0, false, 2},
		{1, 3, true, 4},
		{3, 0, false, 4},
		{5, 5, false, 1},
	}
	for _, s := range steps {
		root, merged := u.Union(s.a, s.b)
		if merged != s.merged || u.Size(s.a) != s.size || u.Find(s.a) != root || u.Find(s.b) != root {
			t.Errorf("Union(%d,%d) = %d,%v size %d; want merged %v size %d", s.a, s.b, root, merged, u.Size(s.a), s.merged, s.size)
		}
	}
	if u.Find(4) != 4 || u.Find(0) == u.Find(4) {
		t.Error("4 should be alone")
	}
}

func TestUnionFindCompressesPaths(t *testing.T) {
	u := NewUnionFind(5)
	u.parent = []int32{0, 0, 1, 2, 3} // a hand-built chain 4→3→2→1→0
	if u.Find(4) != 0 {
		t.Fatal("wrong root")
	}
	if want := []int32{0, 0, 0, 0, 0}; !slices.Equal(u.parent, want) {
		t.Errorf("parents after Find = %v, want %v", u.parent, want)
	}
}

func TestClusterBestFirst(t *testing.T) {
	// 2-3 is the strongest link, then 0-1; 1-2 would chain the two pairs.
	edges := []Edge{{A: 0, B: 1, P: .9}, {A: 1, B: 2, P: .8}, {A: 3, B: 2, P: .95}, {A: 3, B: 4, P: .6}, {A: 4, B: 0, P: .3}}
	tests := []struct {
		name string
		opts ClusterOptions
		want []int32
	}{
		{"components", ClusterOptions{}, []int32{0, 0, 0, 0, 0}},
		{"components above threshold", ClusterOptions{Threshold: .7}, []int32{0, 0, 0, 0, 4}},
		{"threshold is inclusive", ClusterOptions{Threshold: .6}, []int32{0, 0, 0, 0, 0}},
		{"max size 2", ClusterOptions{MaxClusterSize: 2}, []int32{0, 0, 2, 2, 4}},
		{"max size 3", ClusterOptions{MaxClusterSize: 3}, []int32{0, 0, 2, 2, 2}},
		{"max size 4", ClusterOptions{MaxClusterSize: 4}, []int32{0, 0, 0, 0, 4}},
		{"max size 1 merges nothing", ClusterOptions{MaxClusterSize: 1}, []int32{0, 1, 2, 3, 4}},
		{"one per source", ClusterOptions{OnePerSource: true, Sources: []int32{0, 1, 0, 1, 0}}, []int32{0, 0, 2, 2, 4}},
		{"one per source, three sources", ClusterOptions{OnePerSource: true, Sources: []int32{0, 1, 2, 1, 0}}, []int32{0, 0, 2, 2, 2}},
		{"unknown sources never conflict", ClusterOptions{OnePerSource: true, Sources: []int32{-1, -1, -1, -1, -1}}, []int32{0, 0, 0, 0, 0}},
		{"threshold and size", ClusterOptions{Threshold: .85, MaxClusterSize: 3}, []int32{0, 0, 2, 2, 4}},
	}
	for _, tt := range tests {
		got := Cluster(5, edges, tt.opts)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if edges[2] != (Edge{A: 3, B: 2, P: .95}) {
		t.Error("Cluster modified its input")
	}
}

// TestClusterSpansBlocks: a component found piecewise in many blocks (each
// block sees one link of a chain) is one cluster, whatever the edge order.
func TestClusterSpansBlocks(t *testing.T) {
	const n = 1000
	var edges []Edge
	for i := int32(0); i+1 < n; i += 2 { // block i links i and i+1 ...
		edges = append(edges, Edge{A: i, B: i + 1, P: .9})
	}
	for i := int32(1); i+1 < n/2; i += 2 { // ... block i+1 links i and i+1 for the first half
		edges = append(edges, Edge{A: i + 1, B: i, P: .9})
	}
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
	got := Cluster(n, edges, ClusterOptions{Threshold: .5})
	for i, r := range got {
		want := int32(0)
		if i >= n/2 {
			want = int32(i) &^ 1
		}
		if r != want {
			t.Fatalf("node %d: representative %d, want %d", i, r, want)
		}
	}
}

func TestClusterEdgeCases(t *testing.T) {
	if got := Cluster(0, nil, ClusterOptions{MaxClusterSize: 3}); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
	edges := []Edge{{A: 1, B: 1, P: 1}, {A: 0, B: 1, P: math.NaN()}, {A: 2, B: 1, P: .7}, {A: 1, B: 2, P: .7}, {A: 1, B: 2, P: .7}}
	for _, opts := range []ClusterOptions{{}, {MaxClusterSize: 2}} {
		if got := Cluster(3, edges, opts); !slices.Equal(got, []int32{0, 1, 1}) {
			t.Errorf("%+v: self, NaN and duplicate edges: %v", opts, got)
		}
	}
	for _, tt := range []struct {
		name string
		f    func()
		msg  string
	}{
		{"edge out of range", func() { Cluster(2, []Edge{{A: 0, B: 2, P: 1}}, ClusterOptions{}) }, "outside 2 nodes"},
		{"negative edge end", func() { Cluster(2, []Edge{{A: -1, B: 0, P: 1}}, ClusterOptions{MaxClusterSize: 5}) }, "outside 2 nodes"},
		{"missing sources", func() { Cluster(2, nil, ClusterOptions{OnePerSource: true}) }, "needs 2 Sources"},
		{"sparse source ids", func() { Cluster(2, nil, ClusterOptions{OnePerSource: true, Sources: []int32{0, 1 << 20}}) }, "not a dense source index"},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), tt.msg) {
					t.Errorf("%s: panic %v, want %q", tt.name, r, tt.msg)
				}
			}()
			tt.f()
		}()
	}
}

// clReference is Cluster written the slow, obvious way: clusters as
// explicit member sets.
func clReference(n int, edges []Edge, opts ClusterOptions) []int32 {
	of := make([][]int32, n) // node -> its cluster's members
	for i := range of {
		of[i] = []int32{int32(i)}
	}
	kept := slices.Clone(edges)
	slices.SortStableFunc(kept, func(x, y Edge) int {
		confirmed := 0
		if opts.ConfirmedFirst {
			confirmed = cmp.Compare(b2i(y.Confirmed), b2i(x.Confirmed))
		}
		return cmp.Or(confirmed, cmp.Compare(y.P, x.P), cmp.Compare(y.Tie, x.Tie), cmp.Compare(min(x.A, x.B), min(y.A, y.B)), cmp.Compare(max(x.A, x.B), max(y.A, y.B)))
	})
	for _, e := range kept {
		a, b := of[e.A], of[e.B]
		if !(e.P >= opts.Threshold) || slices.Contains(a, e.B) {
			continue
		}
		if opts.MaxClusterSize > 0 && len(a)+len(b) > opts.MaxClusterSize {
			continue
		}
		clash := false
		linkage := 0.0 // sum over cross pairs of their strongest accepted edge
		for _, x := range a {
			for _, y := range b {
				if opts.OnePerSource && opts.Sources[x] >= 0 && opts.Sources[x] == opts.Sources[y] {
					clash = true
				}
				best := 0.0
				for _, f := range edges {
					if f.P >= opts.Threshold && (f.A == x && f.B == y || f.A == y && f.B == x) {
						best = max(best, f.P)
					}
				}
				linkage += best
			}
		}
		if clash {
			continue
		}
		if opts.MinLinkage > 0 && len(a)*len(b) > 1 && linkage < opts.MinLinkage*float64(len(a)*len(b)) {
			continue
		}
		merged := append(slices.Clone(a), b...)
		for _, x := range merged {
			of[x] = merged
		}
	}
	rep := make([]int32, n)
	for i := range rep {
		rep[i] = slices.Min(of[i])
	}
	return rep
}

func TestClusterMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	for trial := 0; trial < 300; trial++ {
		n := 2 + rng.IntN(40)
		wide := trial%3 == 0 // source ids past 63: the member-list guard
		if wide {
			n = max(n, 80)
		}
		edges := make([]Edge, rng.IntN(3*n))
		for i := range edges {
			// Coarse probabilities make ties, which must still be
			// deterministic; eighths add up exactly in any order.
			a, b := int32(rng.IntN(n)), int32(rng.IntN(n))
			edges[i] = Edge{A: a, B: b, P: float64(rng.IntN(9)) / 8, Confirmed: pairConfirmed(a, b), Tie: pairTie(a, b)}
		}
		nSources := 1 + rng.IntN(5)
		sources := make([]int32, n)
		for i := range sources {
			sources[i] = int32(rng.IntN(nSources+1)) - 1 // -1 is unknown
			if wide && sources[i] >= 0 {
				sources[i] += 64
			}
		}
		opts := ClusterOptions{
			Threshold:      float64(rng.IntN(5)) / 10,
			MaxClusterSize: rng.IntN(6),
			OnePerSource:   rng.IntN(2) == 0,
			Sources:        sources,
			MinLinkage:     float64(rng.IntN(4)) / 4,
			ConfirmedFirst: rng.IntN(2) == 0,
		}
		want := clReference(n, edges, opts)
		got := Cluster(n, edges, opts)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d, n=%d %+v:\n got %v\nwant %v", trial, n, opts, got, want)
		}
		// The order of edges does not matter.
		rng.Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
		if again := Cluster(n, edges, opts); !slices.Equal(again, got) {
			t.Fatalf("trial %d: shuffled edges changed the result", trial)
		}
	}
}

func TestSortEdgesBestFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for _, n := range []int{10, 1023, 1024, 5000} {
		e := make([]Edge, n)
		for i := range e {
			p := rng.Float64()
			switch rng.IntN(4) {
			case 0:
				p = float64(rng.IntN(4)) / 4 // ties
			case 1:
				p = -p // out-of-range scores still sort
			}
			a, b := int32(rng.IntN(300)), int32(rng.IntN(1<<30))
			e[i] = Edge{A: min(a, b), B: max(a, b), P: p, Tie: float32(rng.IntN(3)) / 2}
		}
		want := slices.Clone(e)
		slices.SortFunc(want, compareEdgesBestFirst)
		sortEdgesBestFirst(e)
		if !slices.Equal(e, want) {
			t.Errorf("n=%d: radix order differs from the comparison order", n)
		}
	}
}

func TestClusterMatchesReferenceLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 19))
	const n = 600
	edges := make([]Edge, 4000) // past the radix-sort cutoff
	for i := range edges {
		a, b := int32(rng.IntN(n)), int32(rng.IntN(n))
		edges[i] = Edge{A: a, B: b, P: float64(rng.IntN(65)) / 64, Confirmed: pairConfirmed(a, b), Tie: pairTie(a, b)}
	}
	sources := make([]int32, n)
	for i := range sources {
		sources[i] = int32(rng.IntN(6))
	}
	for _, opts := range []ClusterOptions{
		{Threshold: 0.3, MaxClusterSize: 7},
		{Threshold: 0.1, OnePerSource: true, Sources: sources},
		{MaxClusterSize: 20, OnePerSource: true, Sources: sources},
		{Threshold: 0.3, MaxClusterSize: 50, MinLinkage: 0.5},
		{Threshold: 0.3, MaxClusterSize: 50, MinLinkage: 0.5, ConfirmedFirst: true},
	} {
		if got, want := Cluster(n, edges, opts), clReference(n, edges, opts); !slices.Equal(got, want) {
			t.Errorf("%+v: differs from the reference", opts)
		}
	}
}

func ExampleCluster() {
	// Two products, each listed by shops 0 and 1, and a look-alike edge
	// between them (records 1 and 2).
	edges := []Edge{{A: 0, B: 1, P: 0.97}, {A: 2, B: 3, P: 0.95}, {A: 1, B: 2, P: 0.81}}
	fmt.Println(Cluster(4, edges, ClusterOptions{Threshold: 0.8}))
	fmt.Println(Cluster(4, edges, ClusterOptions{Threshold: 0.8, OnePerSource: true, Sources: []int32{0, 1, 0, 1}}))
	// Output:
	// [0 0 0 0]
	// [0 0 2 2]
}

// pairConfirmed marks a third of the pairs confirmed, the same for every
// edge of one pair, as records' identifiers are.
func pairConfirmed(a, b int32) bool { return (min(a, b)*7+max(a, b))%3 == 0 }

// pairTie is a coarse text similarity of a pair, the same for every edge
// of one pair, as records' sketches are: often equal, so both the tie and
// the record order break ties.
func pairTie(a, b int32) float32 { return float32((min(a, b)*5+max(a, b))%3) / 2 }

// Edges of equal P go by Tie, the larger first, before record order: a
// record whose title reads exactly like two candidates' merges with the
// one whose text is more alike, whichever has the smaller index.
func TestClusterTieBreak(t *testing.T) {
	// 0 (source 0) ties with 1 and 2 (both source 1); one per source.
	opts := ClusterOptions{Threshold: 0.06, OnePerSource: true, Sources: []int32{0, 1, 1}}
	for _, c := range []struct {
		tie1, tie2 float32
		want       []int32
	}{
		{0, 0, []int32{0, 0, 2}},      // no text evidence: record order
		{0.25, 0.5, []int32{0, 1, 0}}, // 2 reads more alike
		{0.5, 0.25, []int32{0, 0, 2}}, // 1 does
		{0.5, 0.5, []int32{0, 0, 2}},  // equal: record order again
	} {
		edges := []Edge{{A: 0, B: 1, P: 0.8, Tie: c.tie1}, {A: 0, B: 2, P: 0.8, Tie: c.tie2}}
		if got := Cluster(3, edges, opts); !slices.Equal(got, c.want) {
			t.Errorf("ties %v, %v: Cluster = %v, want %v", c.tie1, c.tie2, got, c.want)
		}
	}
	// A higher P still comes first, however unalike the text.
	edges := []Edge{{A: 0, B: 1, P: 0.81, Tie: 0}, {A: 0, B: 2, P: 0.8, Tie: 1}}
	if got, want := Cluster(3, edges, opts), []int32{0, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("P before Tie: Cluster = %v, want %v", got, want)
	}
	if !opts.Before(Edge{A: 0, B: 2, P: 0.8, Tie: 0.5}, Edge{A: 0, B: 1, P: 0.8, Tie: 0.25}) {
		t.Error("Before does not order equal P by Tie")
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestClusterConfirmedFirst(t *testing.T) {
	// 0 has no code and reads exactly like 1, a look-alike of another
	// product; 1 and 2 share a model number (confirmed), and 3 is 0's
	// true partner, worded differently. Sources: 0 and 3 differ, 1 and 3
	// are one source. Best-first by P alone merges 0-1 first; then 1-2
	// fails min_linkage (0-2 has no edge) and 0-3 fails one_per_source.
	edges := []Edge{{A: 0, B: 1, P: 0.965}, {A: 1, B: 2, P: 0.907, Confirmed: true}, {A: 0, B: 3, P: 0.6}}
	opts := ClusterOptions{Threshold: 0.06, OnePerSource: true, Sources: []int32{0, 1, 2, 1}, MinLinkage: 0.5}
	if got, want := Cluster(4, edges, opts), []int32{0, 0, 2, 3}; !slices.Equal(got, want) {
		t.Fatalf("by P: Cluster = %v, want %v", got, want)
	}
	opts.ConfirmedFirst = true
	if got, want := Cluster(4, edges, opts), []int32{0, 1, 1, 0}; !slices.Equal(got, want) {
		t.Fatalf("confirmed first: Cluster = %v, want %v", got, want)
	}
	if !opts.Before(edges[1], edges[0]) || opts.Before(edges[0], edges[1]) || !opts.Before(edges[0], edges[2]) {
		t.Error("Before does not put the confirmed edge first, then by P")
	}
}

func TestIdentifiersAgree(t *testing.T) {
	for _, c := range []struct {
		ga, gb string
		ma, mb []string
		want   bool
	}{
		{"00012345678905", "00012345678905", nil, nil, true},
		{"", "", nil, nil, false},
		{"00012345678905", "00012345678912", []string{"KDL46"}, []string{"KDL46"}, true}, // a shared model number
		{"", "", []string{"KDL46", "BRAVIA"}, []string{"BRAVIA"}, true},
		{"", "", []string{"KDL46"}, []string{"KDL46B"}, false}, // a stem shared is partial, not agreement
		{"", "", []string{"KDL46"}, nil, false},
	} {
		if got := IdentifiersAgree(c.ga, c.gb, c.ma, c.mb); got != c.want {
			t.Errorf("IdentifiersAgree(%q, %q, %v, %v) = %v, want %v", c.ga, c.gb, c.ma, c.mb, got, c.want)
		}
	}
}

func TestClusterIdentifiersCannotLink(t *testing.T) {
	// 0 and 2 carry different GTINs; 1 has none and matches both. The
	// stronger edge 0-1 wins, and 1-2 would put two GTINs in one cluster.
	edges := []Edge{{A: 0, B: 1, P: 0.9}, {A: 1, B: 2, P: 0.8}, {A: 2, B: 3, P: 0.7}}
	rep := Cluster(4, edges, ClusterOptions{Threshold: 0.5, Identifiers: []int32{0, -1, 1, -1}})
	want := []int32{0, 0, 2, 2}
	if !slices.Equal(rep, want) {
		t.Fatalf("Cluster = %v, want %v", rep, want)
	}
}

// TestClusterLinkageStopsChains: a product line (models 10500, 10510, ...)
// whose neighbours look alike but whose far ends do not must not chain into
// one cluster, while records that all match each other merge whole.
func TestClusterLinkageStopsChains(t *testing.T) {
	// line6: consecutive models 0.6, two apart 0.3, further apart 0.05.
	var line6 []Edge
	for i := int32(0); i < 6; i++ {
		for j := i + 1; j < 6; j++ {
			p := 0.05
			switch j - i {
			case 1:
				p = 0.6
			case 2:
				p = 0.3
			}
			line6 = append(line6, Edge{A: i, B: j, P: p})
		}
	}
	all := func(n int32, p float64, except ...Edge) []Edge {
		var e []Edge
		for i := int32(0); i < n; i++ {
			for j := i + 1; j < n; j++ {
				if !slices.ContainsFunc(except, func(x Edge) bool { return x.A == i && x.B == j }) {
					e = append(e, Edge{A: i, B: j, P: p})
				}
			}
		}
		return e
	}
	tests := []struct {
		name       string
		n          int
		edges      []Edge
		minLinkage float64
		want       []int32
	}{
		{"product line chains without linkage", 6, line6, 0, []int32{0, 0, 0, 0, 0, 0}},
		// 0-1 merges; {0,1}+{2} averages (0.3+0.6)/2 = 0.45, refused; and so on.
		{"product line stays in pairs", 6, line6, 0.5, []int32{0, 0, 2, 2, 4, 4}},
		{"a looser bar lets triples form", 6, line6, 0.4, []int32{0, 0, 0, 3, 3, 3}},
		{"true duplicates merge whole", 4, all(4, 0.9), 0.5, []int32{0, 0, 0, 0}},
		// {0,1,2}+{3} averages (0+0.9+0.9)/3 = 0.6: one missing pair is tolerated.
		{"one unscored pair among duplicates", 4, all(4, 0.9, Edge{A: 0, B: 3, P: 0}), 0.5, []int32{0, 0, 0, 0}},
		// A pair is judged by its edge alone, even below the bar.
		{"a lone pair needs only the threshold", 2, []Edge{{A: 0, B: 1, P: 0.3}}, 0.5, []int32{0, 0}},
	}
	for _, tt := range tests {
		opts := ClusterOptions{Threshold: 0.2, MaxClusterSize: 50, MinLinkage: tt.minLinkage}
		if got := Cluster(tt.n, tt.edges, opts); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
