package transforms

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/matchers"
)

func init() {
	register.DoFn4x1[context.Context, int, func(*[]byte) bool, func(int, []byte), error](&clusterFn{})
	register.Function1x2(keyZero)
}

// ClusterOptions bound the clusters; see matchers.Cluster for the rule.
// Records with different GTINs never share a cluster.
type ClusterOptions struct {
	Threshold      float64
	MaxClusterSize int
	OnePerSource   bool
	Shards         int // the shard count given to Dedupe
}

// Cluster merges matched pairs into clusters on one worker: edges are far
// fewer than records (about one per duplicate), and a global union-find in
// memory is exact where iterative distributed connected components would
// need many shuffles. Up to a few tens of millions of edges fit in a
// worker's memory. It also counts the members of each multi-record
// cluster by duplicate kind (DuplicatesNamespace), from the identifiers
// the edges carry.
//
// It takes the PCollection<[]byte> of packed edges from Score and returns a
// PCollection<KV<int,[]byte>>: the packed assignment of every record of a
// multi-record cluster to its master id, with its match probability, keyed
// by the record's dedupe shard (as Dedupe's survivors are, for Survive's
// join). Records not in it are masters of their own.
func Cluster(s beam.Scope, opts ClusterOptions, edges beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.Cluster")
	keyed := beam.ParDo(s, keyZero, edges)
	return beam.ParDo(s, &clusterFn{Options: opts}, beam.GroupByKey(s, keyed))
}

// keyZero puts every element on one key.
func keyZero(b []byte) (int, []byte) { return 0, b }

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

func (fn *clusterFn) ProcessElement(ctx context.Context, _ int, batches func(*[]byte) bool, emit func(int, []byte)) error {
	best := map[[2]string]float64{}
	ids := map[string]identifiers{}
	var batch []byte
	for batches(&batch) {
		for b := batch; len(b) > 0; {
			var e edge
			var err error
			if b, err = decodeEdge(b, &e); err != nil {
				return fmt.Errorf("cluster: %w", err)
			}
			ids[e.A] = identifiers{e.GA, e.MA}
			ids[e.B] = identifiers{e.GB, e.MB}
			if e.A > e.B {
				e.A, e.B = e.B, e.A
			}
			k := [2]string{e.A, e.B}
			if p, ok := best[k]; !ok || e.P > p {
				best[k] = e.P
			}
		}
	}
	members := assign(best, ids, fn.Options)
	shards := make(map[int][]byte)
	for _, m := range members {
		sh := shardOf(m.key, fn.Options.Shards)
		shards[sh] = appendAssignment(shards[sh], m.key, m.assignment)
	}
	for sh, b := range shards {
		emit(sh, b)
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
			id := ids[m.key]
			group[k] = duplicateMember{source: sourceOf(m.key), gtin: id.gtin, models: id.models}
		}
		fn.duplicates.count(ctx, group)
		i = j
	}
	return nil
}

// clusterMember is a record's place in a multi-record cluster.
type clusterMember struct {
	key string
	assignment
}

// assign clusters the edges and returns every record of a multi-record
// cluster, grouped by cluster and in record key order inside one.
func assign(best map[[2]string]float64, ids map[string]identifiers, opts ClusterOptions) []clusterMember {
	nodes := map[string]int32{}
	var keys []string
	for k := range best {
		for _, key := range k {
			if _, ok := nodes[key]; !ok {
				nodes[key] = 0
				keys = append(keys, key)
			}
		}
	}
	sort.Strings(keys) // node ids in key order make representatives deterministic
	sourceIDs := map[string]int32{}
	sources := make([]int32, len(keys))
	gtinIDs := map[string]int32{}
	idents := make([]int32, len(keys))
	for i, k := range keys {
		nodes[k] = int32(i)
		idents[i] = -1
		if g := ids[k].gtin; g != "" {
			if _, ok := gtinIDs[g]; !ok {
				gtinIDs[g] = int32(len(gtinIDs))
			}
			idents[i] = gtinIDs[g]
		}
		src := sourceOf(k)
		if _, ok := sourceIDs[src]; !ok {
			sourceIDs[src] = int32(len(sourceIDs))
		}
		sources[i] = sourceIDs[src]
	}
	edges := make([]matchers.Edge, 0, len(best))
	for k, p := range best {
		edges = append(edges, matchers.Edge{A: nodes[k[0]], B: nodes[k[1]], P: p})
	}
	rep := matchers.Cluster(len(keys), edges, matchers.ClusterOptions{
		Threshold: opts.Threshold, MaxClusterSize: opts.MaxClusterSize,
		OnePerSource: opts.OnePerSource, Sources: sources, Identifiers: idents,
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
		out[k] = clusterMember{keys[i], assignment{MasterID: id, P: prob[i]}}
	}
	return out
}

// MasterID derives a master's id from the smallest record key among its
// members, so the same input always yields the same ids.
func MasterID(firstKey string) string {
	h := sha256.Sum256([]byte(firstKey))
	return "m-" + hex.EncodeToString(h[:10])
}
