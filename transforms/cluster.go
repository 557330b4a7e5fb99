package transforms

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
)

func init() {
	registerBatchFn((*clusterFn)(nil))
	register.Function1x2(keyZero)
}

// ClusterOptions bound the clusters; see matchers.Cluster for the rule.
// Records with different GTINs never share a cluster.
type ClusterOptions struct {
	Threshold      float64
	MaxClusterSize int
	OnePerSource   bool
	MinLinkage     float64
	ConfirmedFirst bool
	Shards         int // the shard count given to Dedupe
	Spill          spill.Store
}

// Cluster merges matched pairs into clusters on one worker: edges are far
// fewer than records (about one per duplicate), and a global union-find in
// memory is exact where iterative distributed connected components would
// need many shuffles. Up to a few tens of millions of edges fit in a
// worker's memory. It also counts the members of each multi-record
// cluster by duplicate kind (DuplicatesNamespace), from the identifiers
// the edges carry.
//
// It takes the PCollection<spill.Ref> of edge batches from Score and
// returns a PCollection<KV<int,spill.Ref>>: batches of the assignment
// (bulk.Assignment) of every record of a multi-record cluster to its
// master id, with its match probability, keyed by the record's dedupe
// shard (as Dedupe's survivors are, for Survive's join). Records not in
// it are masters of their own.
func Cluster(s beam.Scope, opts ClusterOptions, edges beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.Cluster")
	keyed := beam.ParDo(s, keyZero, edges)
	return beam.ParDo(s, &clusterFn{Options: opts}, beam.GroupByKey(s, keyed))
}

// keyZero puts every element on one key.
func keyZero(ref spill.Ref) (int, spill.Ref) { return 0, ref }

type clusterFn struct {
	Options ClusterOptions

	duplicates duplicateCounters
}

// identifiers are a record's GTIN and model numbers as the matcher read
// them.
type identifiers struct {
	gtin   string
	models []string
}

func (fn *clusterFn) ProcessElement(ctx context.Context, _ int, batches func(*spill.Ref) bool, emit func(int, spill.Ref)) error {
	var g edgeGraph
	if err := bulk.Read(ctx, batches, func(batch []byte) error { return bulk.ForEachEdge(batch, g.add) }); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	g.sortNodes()
	members := assign(&g, fn.Options)
	shards := make(map[int][]byte)
	for _, m := range members {
		sh := bulk.ShardOf(m.key, fn.Options.Shards)
		shards[sh] = bulk.AppendAssignment(shards[sh], m.key, m.Assignment)
	}
	out := bulk.NewSpiller(ctx, fn.Options.Spill, spillAssignments, emit)
	for sh, b := range shards {
		out.Put(sh, b)
	}
	if err := out.Err(); err != nil {
		return err
	}
	if fn.duplicates == nil {
		fn.duplicates = duplicateCounters{}
	}
	for i := 0; i < len(members); {
		j := i + 1
		for j < len(members) && members[j].MasterID == members[i].MasterID {
			j++
		}
		group := make([]duplicateMember, j-i)
		for k, m := range members[i:j] {
			id := g.ids[m.node]
			group[k] = duplicateMember{source: sourceOf(m.key), gtin: id.gtin, models: id.models}
		}
		fn.duplicates.count(ctx, group)
		i = j
	}
	return nil
}

// clusterMember is a record's place in a multi-record cluster.
type clusterMember struct {
	node int32
	key  string
	bulk.Assignment
}

// edgeGraph holds the edges over node ids, one node per record key.
// Duplicate edges stay: matchers.Cluster and the member probabilities
// both take the strongest.
type edgeGraph struct {
	index map[string]int32
	keys  []string
	ids   []identifiers // per node
	edges []matchers.Edge
}

func (g *edgeGraph) node(key, gtin string, models []string) int32 {
	if g.index == nil {
		g.index = map[string]int32{}
	}
	n, ok := g.index[key]
	if !ok {
		n = int32(len(g.keys))
		g.index[key] = n
		g.keys = append(g.keys, key)
		g.ids = append(g.ids, identifiers{gtin, models})
	}
	return n
}

func (g *edgeGraph) add(e *bulk.Edge) {
	a, b := g.node(e.A, e.GA, e.MA), g.node(e.B, e.GB, e.MB)
	g.edges = append(g.edges, matchers.Edge{A: a, B: b, P: e.P, Tie: e.Tie,
		Confirmed: matchers.IdentifiersAgree(e.GA, e.GB, e.MA, e.MB)})
}

// sortNodes renumbers the nodes in key order, which makes cluster
// representatives, and so master ids, deterministic.
func (g *edgeGraph) sortNodes() {
	order := make([]int32, len(g.keys))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(g.keys[a], g.keys[b]) })
	renumber := make([]int32, len(order))
	keys := make([]string, len(order))
	ids := make([]identifiers, len(order))
	for n, old := range order {
		renumber[old] = int32(n)
		keys[n], ids[n] = g.keys[old], g.ids[old]
	}
	for i := range g.edges {
		g.edges[i].A, g.edges[i].B = renumber[g.edges[i].A], renumber[g.edges[i].B]
	}
	g.keys, g.ids, g.index = keys, ids, nil
}

// assign clusters the edges of g (nodes in key order) and returns every
// record of a multi-record cluster, grouped by cluster and in record key
// order inside one.
func assign(g *edgeGraph, opts ClusterOptions) []clusterMember {
	keys, edges := g.keys, g.edges
	sourceIDs := map[string]int32{}
	sources := make([]int32, len(keys))
	gtinIDs := map[string]int32{}
	idents := make([]int32, len(keys))
	for i, k := range keys {
		idents[i] = -1
		if gtin := g.ids[i].gtin; gtin != "" {
			if _, ok := gtinIDs[gtin]; !ok {
				gtinIDs[gtin] = int32(len(gtinIDs))
			}
			idents[i] = gtinIDs[gtin]
		}
		src := sourceOf(k)
		if _, ok := sourceIDs[src]; !ok {
			sourceIDs[src] = int32(len(sourceIDs))
		}
		sources[i] = sourceIDs[src]
	}
	rep := matchers.Cluster(len(keys), edges, matchers.ClusterOptions{
		Threshold: opts.Threshold, MaxClusterSize: opts.MaxClusterSize,
		OnePerSource: opts.OnePerSource, Sources: sources, Identifiers: idents,
		MinLinkage: opts.MinLinkage, ConfirmedFirst: opts.ConfirmedFirst,
	})
	// A member's probability is its strongest edge inside its cluster.
	prob := make([]float64, len(keys))
	for _, e := range edges {
		if rep[e.A] == rep[e.B] && e.P >= opts.Threshold {
			prob[e.A] = max(prob[e.A], e.P)
			prob[e.B] = max(prob[e.B], e.P)
		}
	}
	size := make([]int32, len(keys))
	first := make([]int32, len(keys)) // smallest member per cluster: keys are sorted
	for i, r := range rep {
		if size[r] == 0 {
			first[r] = int32(i)
		}
		size[r]++
	}
	var multi []int32
	for i, r := range rep {
		if size[r] >= 2 {
			multi = append(multi, int32(i))
		}
	}
	// By cluster, in the order of each cluster's first key.
	slices.SortFunc(multi, func(a, b int32) int {
		return cmp.Or(cmp.Compare(first[rep[a]], first[rep[b]]), cmp.Compare(a, b))
	})
	out := make([]clusterMember, len(multi))
	var id string
	for k, i := range multi {
		if k == 0 || rep[i] != rep[multi[k-1]] {
			id = MasterID(keys[first[rep[i]]])
		}
		out[k] = clusterMember{i, keys[i], bulk.Assignment{MasterID: id, P: prob[i]}}
	}
	return out
}

// MasterID derives a master's id from the smallest record key among its
// members, so the same input always yields the same ids.
func MasterID(firstKey string) string {
	h := sha256.Sum256([]byte(firstKey))
	return "m-" + hex.EncodeToString(h[:10])
}

// sourceOf returns the source part of a record key.
func sourceOf(key string) string {
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return key[:i]
	}
	panic(fmt.Sprintf("record key %q has no source", key))
}
