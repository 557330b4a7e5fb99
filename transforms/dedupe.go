package transforms

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*dedupeFn)(nil))
}

// Dedupe collapses the records of each source that share a source id to
// the newest version by UpdatedAt. Ties are broken by the record's
// encoding, so the winner never depends on read order.
//
// Products cross the shuffle packed and spilled to store. It takes a
// PCollection<schemas.Product> and returns a
// PCollection<KV<int,spill.Ref>>: a reference to one packed batch of
// surviving products (schemas.AppendProduct) per record shard, sorted by
// record key, keyed by the shard (bulk.ShardOf(record key, shards)) so
// that Survive can join it with the assignments of the same shard.
// Superseded versions are counted per source.
func Dedupe(s beam.Scope, store spill.Store, products beam.PCollection, shards int) beam.PCollection {
	s = s.Scope("linkbeam.Dedupe")
	packed := beam.ParDo(s, &packProductsFn{Shards: shards, Spill: store}, products)
	return beam.ParDo(s, &dedupeFn{Spill: store}, beam.GroupByKey(s, packed))
}

type dedupeFn struct {
	Spill spill.Store

	superseded sourceCounters
}

func (fn *dedupeFn) ProcessElement(ctx context.Context, shard int, batches func(*spill.Ref) bool, emit func(int, spill.Ref)) error {
	fn.superseded.stage = MetricSuperseded
	// The shard's batches are counted before any is decoded, so that its
	// products are decoded into one slice of the right size.
	var raw [][]byte
	var size, count int
	err := bulk.Read(ctx, batches, func(batch []byte) error {
		n, err := schemas.CountProducts(batch)
		raw, size, count = append(raw, batch), size+len(batch), count+n
		return err
	})
	if err != nil {
		return fmt.Errorf("dedupe shard %d: %w", shard, err)
	}
	all := make([]schemas.Product, 0, count)
	for _, batch := range raw {
		if all, err = bulk.DecodeProducts(batch, all); err != nil {
			return fmt.Errorf("dedupe shard %d: %w", shard, err)
		}
	}
	newest := make(map[string]int, len(all))
	for i := range all {
		k := all[i].Key()
		j, seen := newest[k]
		if !seen {
			newest[k] = i
			continue
		}
		fn.superseded.inc(ctx, all[i].Source, 1)
		if newer(&all[i], &all[j]) {
			newest[k] = i
		}
	}
	keys := make([]string, 0, len(newest))
	for k := range newest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// The survivors take at most the bytes their versions came in: sized
	// once, the shard's batch is not copied as it grows.
	out := make([]byte, 0, size)
	for _, k := range keys {
		out = schemas.AppendProduct(out, &all[newest[k]])
	}
	if len(out) == 0 {
		return nil
	}
	survivors := bulk.NewSpiller(ctx, fn.Spill, spillSurvivors, emit)
	survivors.Put(shard, out)
	return survivors.Err()
}

// newer reports whether a supersedes b.
func newer(a, b *schemas.Product) bool {
	if a.UpdatedAt != b.UpdatedAt {
		return a.UpdatedAt > b.UpdatedAt
	}
	return bytes.Compare(schemas.AppendProduct(nil, a), schemas.AppendProduct(nil, b)) > 0
}
