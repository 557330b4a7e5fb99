package transforms

import (
	"bytes"
	"context"
	"fmt"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn4x1[context.Context, int, func(*[]byte) bool, func(int, []byte), error](&dedupeFn{})
}

// Dedupe collapses the records of each source that share a source id to
// the newest version by UpdatedAt. Ties are broken by the record's
// encoding, so the winner never depends on read order.
//
// Products cross the shuffle packed and spilled to store. It takes a
// PCollection<schemas.Product> and returns a
// PCollection<KV<int,[]byte>>: a spill reference to one packed batch of
// surviving products (schemas.AppendProduct) per record shard, sorted by record key, keyed by
// the shard (shardOf(record key, shards)) so that Survive can join it with
// the assignments of the same shard. Superseded versions are counted per
// source.
func Dedupe(s beam.Scope, store spill.Store, products beam.PCollection, shards int) beam.PCollection {
	s = s.Scope("linkbeam.Dedupe")
	packed := beam.ParDo(s, &packProductsFn{Shards: shards, Spill: store}, products)
	return beam.ParDo(s, &dedupeFn{Spill: store}, beam.GroupByKey(s, packed))
}

type dedupeFn struct {
	Spill spill.Store

	superseded sourceCounters
}

func (fn *dedupeFn) ProcessElement(ctx context.Context, shard int, batches func(*[]byte) bool, emit func(int, []byte)) error {
	fn.superseded.stage = MetricSuperseded
	var all []schemas.Product
	err := readBatches(ctx, batches, func(batch []byte) (err error) {
		all, err = decodeProducts(batch, all)
		return err
	})
	if err != nil {
		return fmt.Errorf("dedupe shard %d: %w", shard, err)
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
	var out []byte
	for _, k := range keys {
		out = schemas.AppendProduct(out, &all[newest[k]])
	}
	if len(out) == 0 {
		return nil
	}
	survivors := spiller{ctx: ctx, store: fn.Spill, stage: spillSurvivors, emit: emit}
	survivors.put(shard, out)
	return survivors.err
}

// newer reports whether a supersedes b.
func newer(a, b *schemas.Product) bool {
	if a.UpdatedAt != b.UpdatedAt {
		return a.UpdatedAt > b.UpdatedAt
	}
	return bytes.Compare(schemas.AppendProduct(nil, a), schemas.AppendProduct(nil, b)) > 0
}
