package transforms

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn3x1[context.Context, schemas.Product, func(int, []byte), error](&packProductsFn{})
	register.Emitter2[int, []byte]()
	register.Iter1[[]byte]()
}

// A shuffle's cost on prism is per element, and prism holds every element
// in memory until the job ends, so bulk data crosses every shuffle packed
// and spilled: records are packed into byte batches keyed by a shard
// number, each batch is written to a file (internal/spill), and only its
// reference crosses. batchBytes bounds one batch.
const batchBytes = 4 << 20

// DefaultShards is the number of shards when the config leaves it unset:
// enough batches to spread over a small cluster's workers, few enough that
// each batch stays large.
const DefaultShards = 8

// shardOf maps a key to one of n shards with FNV-1a, which is stable across
// processes and runs (unlike maphash), so outputs are reproducible.
func shardOf(key string, n int) int {
	return int(keyHash(key) % uint64(n))
}

// keyHash is the 64-bit FNV-1a hash of key.
func keyHash(key string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= 1099511628211
	}
	return h
}

// shardBuffers accumulates per-shard byte batches inside a bundle.
type shardBuffers struct {
	bufs map[int][]byte
}

// add appends to shard's buffer with appendFn and flushes it through emit
// when it is full.
func (b *shardBuffers) add(shard int, appendFn func([]byte) []byte, emit func(int, []byte)) {
	if b.bufs == nil {
		b.bufs = map[int][]byte{}
	}
	buf := appendFn(b.bufs[shard])
	if len(buf) >= batchBytes {
		emit(shard, buf)
		buf = nil
	}
	b.bufs[shard] = buf
}

// flush emits every non-empty buffer.
func (b *shardBuffers) flush(emit func(int, []byte)) {
	for shard, buf := range b.bufs {
		if len(buf) > 0 {
			emit(shard, buf)
		}
	}
	b.bufs = nil
}

// packProductsFn packs products into batches keyed by the shard of their
// record key, so that every version of a record meets in one shard.
type packProductsFn struct {
	Shards int
	Spill  spill.Store

	buf shardBuffers
}

func (fn *packProductsFn) ProcessElement(ctx context.Context, p schemas.Product, emit func(int, []byte)) error {
	out := spiller{ctx: ctx, store: fn.Spill, stage: spillProducts, emit: emit}
	fn.buf.add(shardOf(p.Key(), fn.Shards), func(b []byte) []byte { return schemas.AppendProduct(b, &p) }, out.put)
	return out.err
}

func (fn *packProductsFn) FinishBundle(ctx context.Context, emit func(int, []byte)) error {
	out := spiller{ctx: ctx, store: fn.Spill, stage: spillProducts, emit: emit}
	fn.buf.flush(out.put)
	return out.err
}

// decodeProducts appends every product of batch to dst.
func decodeProducts(batch []byte, dst []schemas.Product) ([]schemas.Product, error) {
	for len(batch) > 0 {
		var p schemas.Product
		var err error
		if batch, err = schemas.DecodeProduct(batch, &p); err != nil {
			return dst, err
		}
		dst = append(dst, p)
	}
	return dst, nil
}

// Bulk batches cross every shuffle as spill references (internal/spill):
// the producer writes the batch to a file and emits its reference, the
// consumer reads it back. Stage names the batches' folder.
const (
	spillProducts    = "products"
	spillSurvivors   = "survivors"
	spillCandidates  = "candidates"
	spillEdges       = "edges"
	spillEdgeShards  = "edge-shards"
	spillPairs       = "pairs"
	spillAssignments = "assignments"
	spillMembers     = "members"
)

// spiller writes each batch to store under stage and emits its reference
// instead. An emitter cannot fail, so it keeps the first error for the
// DoFn to return. It lives on the caller's stack: packing hands put to
// shardBuffers for every record, where closures would be allocated each
// time.
type spiller struct {
	ctx   context.Context
	store spill.Store
	stage string
	emit  func(int, []byte)
	err   error
}

func (s *spiller) put(shard int, batch []byte) {
	if s.err != nil {
		return
	}
	ref, err := s.store.Put(s.ctx, s.stage, shard, batch)
	if err != nil {
		s.err = err
		return
	}
	s.emit(shard, ref)
}

// readBatches calls fn with each batch the references from refs name, in
// order.
func readBatches(ctx context.Context, refs func(*[]byte) bool, fn func([]byte) error) error {
	var ref []byte
	for refs(&ref) {
		batch, err := spill.Get(ctx, ref)
		if err != nil {
			return err
		}
		if err := fn(batch); err != nil {
			return err
		}
	}
	return nil
}
