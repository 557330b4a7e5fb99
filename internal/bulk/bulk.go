// Package bulk is the plumbing under the stages of package transforms:
// how bulk data is packed, sharded and moved between them. A shuffle's
// cost on prism is per element, and prism holds every element in memory
// until the job ends, so records cross every shuffle packed into byte
// batches of a few MB keyed by a shard number, each batch written to a
// file (internal/spill), and only its spill.Ref crosses.
//
// It holds the shard function (ShardOf), the per-shard buffers a packing
// DoFn fills (Buffers) and spills (Spiller), the reading of the batches
// a grouped shard names (Read), the encodings of the small records that
// cross the blocking, scoring, clustering and survivorship shuffles
// (Candidate, Edge, Assignment, members), the masters batches of
// Survive's output shards (AppendMasters, PutMasters), and helpers for
// stages that hold a whole shard in one bundle (Parallel, SortInPlace).
// It knows no stage: the DoFns stay in transforms.
package bulk

import (
	"context"
	"fmt"

	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// BatchBytes bounds one batch.
const BatchBytes = 4 << 20

// ShardOf maps a key to one of n shards with FNV-1a (matchers.FNV1a),
// which is stable across processes and runs, so outputs are reproducible.
func ShardOf(key string, n int) int {
	return int(matchers.FNV1a(key) % uint64(n))
}

// Buffers accumulates per-shard byte batches inside a bundle. Its zero
// value is empty and ready.
type Buffers struct {
	bufs map[int][]byte
}

// Add appends to shard's buffer with appendFn and flushes it through emit
// when it holds BatchBytes or more. emit must not keep the batch (a
// Spiller writes it out): the buffer is reused for the next batch rather
// than grown again from nothing, which halves what packing allocates.
func (b *Buffers) Add(shard int, appendFn func([]byte) []byte, emit func(int, []byte)) {
	if b.bufs == nil {
		b.bufs = map[int][]byte{}
	}
	buf := appendFn(b.bufs[shard])
	if len(buf) >= BatchBytes {
		emit(shard, buf)
		buf = buf[:0]
	}
	b.bufs[shard] = buf
}

// Flush emits every non-empty buffer and empties b.
func (b *Buffers) Flush(emit func(int, []byte)) {
	for shard, buf := range b.bufs {
		if len(buf) > 0 {
			emit(shard, buf)
		}
	}
	b.bufs = nil
}

// Spiller writes each batch to a spill store under a stage's folder and
// emits its reference instead. An emitter cannot fail, so it keeps the
// first error for the DoFn to return (Err). It is meant to live on the
// caller's stack: packing hands Put to Buffers.Add for every record,
// where closures would be allocated each time.
type Spiller struct {
	ctx   context.Context
	store spill.Store
	stage string
	emit  func(int, spill.Ref)
	err   error
}

// NewSpiller returns a Spiller that writes to store's folder for stage
// and emits each reference, with its shard, through emit.
func NewSpiller(ctx context.Context, store spill.Store, stage string, emit func(int, spill.Ref)) Spiller {
	return Spiller{ctx: ctx, store: store, stage: stage, emit: emit}
}

// Put spills batch as one of shard's and emits its reference; after an
// error it does nothing.
func (s *Spiller) Put(shard int, batch []byte) {
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

// Err returns the first error Put met.
func (s *Spiller) Err() error { return s.err }

// Read calls fn with each batch the references from refs (a grouped
// shard's iterator) name, in order.
func Read(ctx context.Context, refs func(*spill.Ref) bool, fn func([]byte) error) error {
	var ref spill.Ref
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

// GetProducts reads the products batch ref names and decodes it into a
// slice sized once (schemas.CountProducts): growing it by appends would
// move a shard's products, pointers and all, several times.
func GetProducts(ctx context.Context, ref spill.Ref) ([]schemas.Product, error) {
	batch, err := spill.Get(ctx, ref)
	if err != nil {
		return nil, err
	}
	n, err := schemas.CountProducts(batch)
	if err != nil {
		return nil, err
	}
	return DecodeProducts(batch, make([]schemas.Product, 0, n))
}

// DecodeProducts appends every product of a packed batch
// (schemas.AppendProduct) to dst, which should have room for them
// (schemas.CountProducts).
func DecodeProducts(batch []byte, dst []schemas.Product) ([]schemas.Product, error) {
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

// Kind is the first byte of a tagged batch, which says what the rest
// holds: a stage whose output mixes two kinds of batch on one
// PCollection (Block's candidates and IDF tables) tags each.
type Kind byte

const (
	KindCandidates Kind = 'c' // runs of packed candidates (AppendCandidateRun)
	KindIDF        Kind = 'i' // one partial IDF table (matchers.IDF.MarshalBinary)
)

// Tag returns dst with the kind byte appended: the start of a tagged
// batch.
func (k Kind) Tag(dst []byte) []byte { return append(dst, byte(k)) }

// Untag splits a tagged batch into its kind and payload. An empty batch
// or an unknown kind is schemas.ErrCorruptBatch.
func Untag(batch []byte) (Kind, []byte, error) {
	if len(batch) == 0 {
		return 0, nil, schemas.ErrCorruptBatch
	}
	switch k := Kind(batch[0]); k {
	case KindCandidates, KindIDF:
		return k, batch[1:], nil
	default:
		return 0, nil, fmt.Errorf("batch tag %q: %w", batch[0], schemas.ErrCorruptBatch)
	}
}
