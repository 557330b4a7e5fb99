package transforms

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/internal/bulk"
	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn3x1[context.Context, schemas.Product, func(int, spill.Ref), error](&packProductsFn{})
	register.Emitter2[int, spill.Ref]()
	register.Iter1[spill.Ref]()
}

// Bulk data crosses every shuffle packed and spilled (internal/bulk):
// records are packed into byte batches keyed by a shard number, each
// batch is written to a file, and only its spill.Ref crosses.

// DefaultShards is the least number of shards when the config leaves it
// unset: enough batches to spread over a small cluster's workers, few
// enough that each batch stays large.
const DefaultShards = 8

// ShardInputBytes is how much input a shard takes when the shard count is
// chosen from the input's size (ShardsFor): Dedupe and Survive hold one
// shard's records at a time, so this bounds their memory as a catalogue
// grows. 32 MiB is about 150,000 records of the generated catalogue.
const ShardInputBytes = 32 << 20

// ShardsFor is the shard count for inputBytes of source files: one shard
// per ShardInputBytes, and at least DefaultShards.
func ShardsFor(inputBytes int64) int {
	return max(DefaultShards, int((inputBytes+ShardInputBytes-1)/ShardInputBytes))
}

// The spill folder of each stage's batches.
const (
	spillProducts    = "products"
	spillSurvivors   = "survivors"
	spillChangeMarks = "change-marks"
	spillCandidates  = "candidates"
	spillEdges       = "edges"
	spillEdgeShards  = "edge-shards"
	spillPairs       = "pairs"
	spillAssignments = "assignments"
	spillMembers     = "members"
	spillMasters     = "masters"
	spillSummaries   = "master-summaries"
)

// packProductsFn packs products into batches keyed by the shard of their
// record key, so that every version of a record meets in one shard.
type packProductsFn struct {
	Shards int
	Spill  spill.Store

	buf bulk.Buffers
}

func (fn *packProductsFn) ProcessElement(ctx context.Context, p schemas.Product, emit func(int, spill.Ref)) error {
	out := bulk.NewSpiller(ctx, fn.Spill, spillProducts, emit)
	fn.buf.Add(bulk.ShardOf(p.Key(), fn.Shards), func(b []byte) []byte { return schemas.AppendProduct(b, &p) }, out.Put)
	return out.Err()
}

func (fn *packProductsFn) FinishBundle(ctx context.Context, emit func(int, spill.Ref)) error {
	out := bulk.NewSpiller(ctx, fn.Spill, spillProducts, emit)
	fn.buf.Flush(out.Put)
	return out.Err()
}
