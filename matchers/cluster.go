package matchers

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Edge is a scored candidate pair of nodes (record indices).
type Edge struct {
	A, B int32
	P    float64 // match probability
	// Confirmed: the two records' identifiers agree (IdentifiersAgree);
	// the same for every edge of one pair.
	Confirmed bool
	// Tie orders edges of equal P, larger first: evidence the model does
	// not weigh (TextSketch.Similarity of the two records), so that
	// best-first clustering does not take equally scored edges in the
	// order of record keys. It fits the struct's padding.
	Tie float32
}

// UnionFind is a disjoint-set forest over nodes 0..n-1 with path
// compression and union by size, so any sequence of m operations costs
// O(m α(n)). It uses 8 bytes per node.
type UnionFind struct {
	parent []int32
	size   []int32 // valid at roots only
}

// NewUnionFind returns n singleton sets.
func NewUnionFind(n int) *UnionFind {
	if n < 0 || n > math.MaxInt32 {
		panic(fmt.Sprintf("matchers: NewUnionFind(%d): n out of range", n))
	}
	u := &UnionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
		u.size[i] = 1
	}
	return u
}

// Len is the number of nodes.
func (u *UnionFind) Len() int { return len(u.parent) }

// Find returns the root of x's set.
func (u *UnionFind) Find(x int32) int32 {
	root := x
	for u.parent[root] != root {
		root = u.parent[root]
	}
	for u.parent[x] != root { // second pass: point the whole path at root
		x, u.parent[x] = u.parent[x], root
	}
	return root
}

// Size is the number of nodes in x's set.
func (u *UnionFind) Size(x int32) int32 { return u.size[u.Find(x)] }

// Union merges the sets of a and b and returns the root of the merged set;
// merged is false when they were already one set.
func (u *UnionFind) Union(a, b int32) (root int32, merged bool) {
	ra, rb := u.Find(a), u.Find(b)
	if ra == rb {
		return ra, false
	}
	return u.link(ra, rb), true
}

// link joins two distinct roots, the smaller tree under the larger (ties
// under the smaller index, for determinism), and returns the new root.
func (u *UnionFind) link(ra, rb int32) int32 {
	if u.size[ra] < u.size[rb] || (u.size[ra] == u.size[rb] && rb < ra) {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	u.size[ra] += u.size[rb]
	return ra
}

// representatives returns, for every node, the smallest node index of its
// set. It reuses size as scratch, so u is spent afterwards.
func (u *UnionFind) representatives() []int32 {
	rep := make([]int32, len(u.parent))
	least := u.size
	for i := range least {
		least[i] = -1
	}
	for i := range rep {
		r := u.Find(int32(i))
		if least[r] < 0 { // first visit in index order is the smallest
			least[r] = int32(i)
		}
		rep[i] = least[r]
	}
	return rep
}

// ClusterOptions configure Cluster. The zero value gives plain connected
// components over every edge.
type ClusterOptions struct {
	// Threshold is the least probability of an edge that may merge clusters.
	Threshold float64
	// MaxClusterSize caps cluster size; 0 means unlimited.
	MaxClusterSize int
	// OnePerSource refuses a merge that would put two records of one
	// source in a cluster, for sources that are themselves deduplicated.
	OnePerSource bool
	// Sources is the source index of each node (len n), used with
	// OnePerSource. Indices are dense, in [0, n); a negative index is an
	// unknown source that conflicts with nothing.
	Sources []int32
	// Identifiers is a strong identifier per node (a GTIN, as a dense
	// index), or -1 where the node has none. When set, a merge is refused
	// when the two clusters carry different identifiers: records with
	// different GTINs are different products however alike they read, so
	// a look-alike edge cannot chain them together.
	Identifiers []int32
	// MinLinkage, when positive, judges a merge by the two clusters, not
	// only by the edge that proposes it: unless both are single records,
	// the mean probability over all their cross pairs must reach
	// MinLinkage, a cross pair without an edge counting as 0 (it was
	// scored below Threshold or not blocked together, so the matcher
	// found no evidence it matches; dedupe's hierarchical clustering
	// scores missing pairs the same way). A product line, whose
	// neighbouring models match but whose far ends do not, then stays in
	// pieces, while true duplicates, which match each other pairwise,
	// still merge whole.
	MinLinkage float64
	// ConfirmedFirst merges the edges whose records' identifiers agree
	// before all others, each group best-first. A record without a code
	// may read exactly like a look-alike of another product; without it,
	// that title-led edge can outscore and merge before the look-alike's
	// code-confirmed edge to its true partner, which OnePerSource or
	// MinLinkage then refuse.
	ConfirmedFirst bool
}

// Cluster groups nodes 0..n-1 linked by edges and returns for every node its
// cluster's representative: the smallest node index in the cluster.
//
// With no limits (MaxClusterSize 0, OnePerSource false) the clusters are the
// connected components of the edges with P >= Threshold, however many
// blocks a component spans. With limits, Cluster is best-first: those edges
// are sorted by P descending (ties by Tie descending, then A, then B,
// taken as the smaller and larger end) and merged greedily, skipping a merge when the merged cluster
// would exceed MaxClusterSize, with OnePerSource, when both clusters
// hold a record of the same source, with Identifiers, when they carry
// different identifiers, or, with MinLinkage, when the mean probability
// over their cross pairs falls short of it. The strongest links thus form
// clusters first, and a weak look-alike edge cannot chain two full
// clusters into a giant one. The result does not depend on the order of
// edges.
//
// Self-edges, duplicate edges and edges with a NaN P are harmless (NaN never
// passes the threshold). An edge end outside [0, n) panics.
// Cost: O(m α(n)) for components, O(m log m) with limits, plus O(n); a
// MinLinkage check scans the edges of the smaller cluster's members.
func Cluster(n int, edges []Edge, opts ClusterOptions) []int32 {
	uf := NewUnionFind(n)
	check := func(e Edge) {
		if uint32(e.A) >= uint32(n) || uint32(e.B) >= uint32(n) {
			panic(fmt.Sprintf("matchers: Cluster: edge (%d,%d) outside %d nodes", e.A, e.B, n))
		}
	}
	if opts.MaxClusterSize <= 0 && !opts.OnePerSource && opts.Identifiers == nil && !(opts.MinLinkage > 0) {
		for _, e := range edges {
			if e.P >= opts.Threshold {
				check(e)
				uf.Union(e.A, e.B)
			}
		}
		return uf.representatives()
	}

	m := 0
	for _, e := range edges {
		if e.P >= opts.Threshold && e.A != e.B {
			check(e)
			m++
		}
	}
	kept := make([]Edge, 0, m)
	for _, e := range edges {
		if e.P >= opts.Threshold && e.A != e.B {
			if e.B < e.A {
				e.A, e.B = e.B, e.A
			}
			if e.P == 0 {
				e.P = 0 // -0 sorts as +0
			}
			kept = append(kept, e)
		}
	}
	sortEdgesBestFirst(kept)
	if opts.ConfirmedFirst {
		confirmedFirst(kept)
	}
	var guard *sourceGuard
	if opts.OnePerSource {
		guard = newSourceGuard(n, opts.Sources)
	}
	var ident []int32 // per root: the cluster's identifier, or -1
	if opts.Identifiers != nil {
		ident = slices.Clone(opts.Identifiers)
	}
	var link *linkage
	if opts.MinLinkage > 0 {
		link = newLinkage(n, kept)
	}
	maxSize := int64(opts.MaxClusterSize)
	for _, e := range kept {
		ra, rb := uf.Find(e.A), uf.Find(e.B)
		if ra == rb {
			continue
		}
		if maxSize > 0 && int64(uf.size[ra])+int64(uf.size[rb]) > maxSize {
			continue
		}
		if guard != nil && guard.conflict(ra, rb) {
			continue
		}
		if ident != nil && ident[ra] >= 0 && ident[rb] >= 0 && ident[ra] != ident[rb] {
			continue
		}
		if cross := float64(uf.size[ra]) * float64(uf.size[rb]); link != nil && cross > 1 &&
			link.sum(uf, ra, rb) < opts.MinLinkage*cross {
			continue
		}
		root := uf.link(ra, rb)
		if link != nil {
			link.merge(root, ra^rb^root)
		}
		if guard != nil {
			guard.merge(root, ra^rb^root)
		}
		if ident != nil {
			ident[root] = max(ident[ra], ident[rb])
		}
	}
	return uf.representatives()
}

// confirmedFirst moves the confirmed edges ahead of the others, keeping
// the order within each group.
func confirmedFirst(e []Edge) {
	rest := make([]Edge, 0, len(e)/2)
	n := 0
	for _, x := range e {
		if x.Confirmed {
			e[n] = x
			n++
		} else {
			rest = append(rest, x)
		}
	}
	copy(e[n:], rest)
}

// Before reports whether best-first clustering under o takes edge x before
// edge y (both with A < B): with ConfirmedFirst a confirmed edge before an
// unconfirmed one, then by P descending, then Tie descending, then A,
// then B.
func (o ClusterOptions) Before(x, y Edge) bool {
	if o.ConfirmedFirst && x.Confirmed != y.Confirmed {
		return x.Confirmed
	}
	return compareEdgesBestFirst(x, y) < 0
}

// compareEdgesBestFirst orders edges by P descending, then Tie
// descending, then A, then B.
func compareEdgesBestFirst(x, y Edge) int {
	if c := cmp.Compare(y.P, x.P); c != 0 {
		return c
	}
	if c := cmp.Compare(y.Tie, x.Tie); c != 0 {
		return c
	}
	if c := cmp.Compare(x.A, y.A); c != 0 {
		return c
	}
	return cmp.Compare(x.B, y.B)
}

// sortEdgesBestFirst sorts non-NaN edges by compareEdgesBestFirst. Large
// inputs are sorted by P with an LSD radix sort (11-bit digits, skipping
// digits where all edges agree, such as the exponent of probabilities in
// [0.5, 1)), then runs of equal P by (A, B). On millions of edges this is
// about twice as fast as a comparison sort.
func sortEdgesBestFirst(e []Edge) {
	if len(e) < 1024 {
		slices.SortFunc(e, compareEdgesBestFirst)
		return
	}
	const bits, digits = 11, 6 // 6*11 >= 64
	key := func(p float64) uint64 {
		// Flipping the sign bit orders non-negative floats as unsigned
		// integers, flipping all bits orders negative ones; the final ^
		// makes the order descending.
		u := math.Float64bits(p)
		if u>>63 == 1 {
			u = ^u
		} else {
			u |= 1 << 63
		}
		return ^u
	}
	var counts [digits][1 << bits]int
	for _, x := range e {
		k := key(x.P)
		for d := range counts {
			counts[d][k>>(bits*d)&(1<<bits-1)]++
		}
	}
	src, dst := e, make([]Edge, len(e))
	for d := range counts {
		shift := bits * d
		c := &counts[d]
		if c[key(src[0].P)>>shift&(1<<bits-1)] == len(src) {
			continue
		}
		sum := 0
		for i, k := range c {
			c[i], sum = sum, sum+k
		}
		for _, x := range src {
			b := key(x.P) >> shift & (1<<bits - 1)
			dst[c[b]] = x
			c[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &e[0] {
		copy(e, src)
	}
	for i := 0; i < len(e); {
		j := i + 1
		for j < len(e) && e[j].P == e[i].P {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(e[i:j], compareEdgesBestFirst)
		}
		i = j
	}
}

// sourceGuard tracks the sources of each cluster for OnePerSource. With at
// most 64 sources, the usual case, a cluster's sources are a bit mask and a
// check is one AND. Otherwise clusters keep circular member lists and a
// check marks one cluster's sources and probes the other's, which is cheap
// because OnePerSource bounds a cluster by its number of sources.
type sourceGuard struct {
	sources []int32
	mask    []uint64 // by root; nil unless every source < 64
	next    []int32  // circular member lists, by node
	stamp   []int32  // by source: the last check that marked it
	epoch   int32
}

func newSourceGuard(n int, sources []int32) *sourceGuard {
	if len(sources) != n {
		panic(fmt.Sprintf("matchers: Cluster: OnePerSource needs %d Sources, got %d", n, len(sources)))
	}
	maxSource := int32(-1)
	for i, s := range sources {
		if int(s) >= max(n, 64) {
			panic(fmt.Sprintf("matchers: Cluster: Sources[%d] = %d is not a dense source index", i, s))
		}
		maxSource = max(maxSource, s)
	}
	g := &sourceGuard{sources: sources}
	if maxSource < 64 {
		g.mask = make([]uint64, n)
		for i, s := range sources {
			if s >= 0 {
				g.mask[i] = 1 << uint(s)
			}
		}
		return g
	}
	g.next = make([]int32, n)
	for i := range g.next {
		g.next[i] = int32(i)
	}
	g.stamp = make([]int32, maxSource+1)
	return g
}

// conflict reports whether roots a and b have a source in common.
func (g *sourceGuard) conflict(a, b int32) bool {
	if g.mask != nil {
		return g.mask[a]&g.mask[b] != 0
	}
	g.epoch++
	if g.epoch == math.MaxInt32 { // keep stamps unambiguous; 2^31 checks is far off
		clear(g.stamp)
		g.epoch = 1
	}
	for x := a; ; {
		if s := g.sources[x]; s >= 0 {
			g.stamp[s] = g.epoch
		}
		if x = g.next[x]; x == a {
			break
		}
	}
	for x := b; ; {
		if s := g.sources[x]; s >= 0 && g.stamp[s] == g.epoch {
			return true
		}
		if x = g.next[x]; x == b {
			return false
		}
	}
}

// merge records that root absorbed the cluster of child.
func (g *sourceGuard) merge(root, child int32) {
	if g.mask != nil {
		g.mask[root] |= g.mask[child]
		return
	}
	// Swapping successors splices two circular lists into one.
	g.next[root], g.next[child] = g.next[child], g.next[root]
}

// linkage sums the edges between two clusters for MinLinkage: every node's
// edges (as indices into the best-first edges, 8 bytes per edge) and
// circular member lists.
type linkage struct {
	edges []Edge
	start []int32 // node i's edges are adj[start[i]:start[i+1]]
	adj   []int32 // indices into edges
	next  []int32 // circular member lists, by node
	stamp []int32 // by node: the last member scan that met it
	epoch int32
}

func newLinkage(n int, edges []Edge) *linkage {
	l := &linkage{edges: edges, start: make([]int32, n+1), adj: make([]int32, 2*len(edges)),
		next: make([]int32, n), stamp: make([]int32, n)}
	for _, e := range edges {
		l.start[e.A+1]++
		l.start[e.B+1]++
	}
	for i := 1; i <= n; i++ {
		l.start[i] += l.start[i-1]
	}
	fill := slices.Clone(l.start[:n])
	for i, e := range edges { // best-first, so a node's strongest edge to a neighbour comes first
		l.adj[fill[e.A]] = int32(i)
		fill[e.A]++
		l.adj[fill[e.B]] = int32(i)
		fill[e.B]++
	}
	for i := range l.next {
		l.next[i] = int32(i)
	}
	return l
}

// sum returns the sum over the cross pairs of the clusters of roots a and
// b of their strongest edge, scanning the members of the smaller cluster
// and their edges: with clusters capped, a few dozen edges.
func (l *linkage) sum(uf *UnionFind, a, b int32) (sum float64) {
	if uf.size[a] > uf.size[b] {
		a, b = b, a
	}
	for x := a; ; {
		l.epoch++
		if l.epoch == math.MaxInt32 { // keep stamps unambiguous
			clear(l.stamp)
			l.epoch = 1
		}
		for _, i := range l.adj[l.start[x]:l.start[x+1]] {
			e := l.edges[i]
			y := e.A ^ e.B ^ x
			if l.stamp[y] != l.epoch && uf.Find(y) == b {
				l.stamp[y] = l.epoch
				sum += e.P
			}
		}
		if x = l.next[x]; x == a {
			return sum
		}
	}
}

// merge records that root absorbed the cluster of child.
func (l *linkage) merge(root, child int32) {
	l.next[root], l.next[child] = l.next[child], l.next[root]
}
