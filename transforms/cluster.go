package transforms

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	var raw [][]byte
	if err := bulk.Read(ctx, batches, func(batch []byte) error { raw = append(raw, batch); return nil }); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	g, err := loadGraph(raw)
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
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
	keys  []string
	ids   []identifiers // per node
	edges []matchers.Edge
}

// loadGraph decodes the edge batches on every core and numbers the
// records they join in key order: node n is the nth smallest key, so
// clustering and master ids do not depend on the order batches arrive in.
// Each record's identifiers are those of the first edge naming it (they
// are the record's, the same on all of its edges).
func loadGraph(batches [][]byte) (edgeGraph, error) {
	decoded := make([][]bulk.Edge, len(batches))
	errs := make([]error, len(batches))
	bulk.Parallel(len(batches), func(i int) {
		errs[i] = bulk.ForEachEdge(batches[i], func(e *bulk.Edge) { decoded[i] = append(decoded[i], *e) })
		batches[i] = nil
	})
	if err := errors.Join(errs...); err != nil {
		return edgeGraph{}, err
	}
	offsets := make([]int, len(decoded)+1)
	for i, es := range decoded {
		offsets[i+1] = offsets[i] + len(es)
	}
	// Every end of every edge, sorted by key (ties by end, so the first
	// end of a key is its first appearance): runs of one key are a node.
	ends := make([]edgeEnd, 0, 2*offsets[len(decoded)])
	for i, es := range decoded {
		for k := range es {
			e := int32(offsets[i]+k) << 1
			ends = append(ends, edgeEnd{es[k].A, e}, edgeEnd{es[k].B, e | 1})
		}
	}
	sortEnds(ends)
	nodes := 0
	for k := range ends {
		if k == 0 || ends[k].key != ends[k-1].key {
			nodes++
		}
	}
	g := edgeGraph{keys: make([]string, 0, nodes), ids: make([]identifiers, nodes),
		edges: make([]matchers.Edge, offsets[len(decoded)])}
	first := make([]int32, 0, nodes) // per node, its first end
	for k, end := range ends {
		if k == 0 || end.key != ends[k-1].key {
			g.keys, first = append(g.keys, end.key), append(first, end.e)
		}
		node := int32(len(g.keys) - 1)
		if end.e&1 == 0 {
			g.edges[end.e>>1].A = node
		} else {
			g.edges[end.e>>1].B = node
		}
	}
	bulk.Parallel(len(decoded), func(i int) {
		for k := range decoded[i] {
			e, out := &decoded[i][k], &g.edges[offsets[i]+k]
			out.P, out.Tie, out.Confirmed = e.P, e.Tie, matchers.IdentifiersAgree(e.GA, e.GB, e.MA, e.MB)
			n := int32(offsets[i]+k) << 1
			if first[out.A] == n {
				g.ids[out.A] = identifiers{e.GA, e.MA}
			}
			if first[out.B] == n|1 {
				g.ids[out.B] = identifiers{e.GB, e.MB}
			}
		}
	})
	return g, nil
}

// edgeEnd is one end of edge e>>1: its A end when e is even, else B.
type edgeEnd struct {
	key string
	e   int32
}

// sortEnds sorts ends by key, then end, in halves on two cores and a
// merge: at ten million records this sort is most of Cluster's time.
func sortEnds(ends []edgeEnd) {
	byKey := func(x, y edgeEnd) int { return cmp.Or(strings.Compare(x.key, y.key), cmp.Compare(x.e, y.e)) }
	halves := [2][]edgeEnd{ends[:len(ends)/2], ends[len(ends)/2:]}
	bulk.Parallel(len(halves), func(i int) { slices.SortFunc(halves[i], byKey) })
	merged := make([]edgeEnd, 0, len(ends))
	x, y := halves[0], halves[1]
	for len(x) > 0 && len(y) > 0 {
		if byKey(x[0], y[0]) <= 0 {
			merged, x = append(merged, x[0]), x[1:]
		} else {
			merged, y = append(merged, y[0]), y[1:]
		}
	}
	copy(ends, append(append(merged, x...), y...))
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
