package transforms

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	register.DoFn2x0[schemas.Product, func(int, []byte)](&packProductsFn{})
	register.Emitter2[int, []byte]()
	register.Iter1[[]byte]()
}

// A shuffle's cost on prism is per element, so bulk data crosses every
// shuffle packed: elements are byte batches of many records, keyed by a
// shard number. batchBytes bounds one element.
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
	buf    shardBuffers
}

func (fn *packProductsFn) ProcessElement(p schemas.Product, emit func(int, []byte)) {
	fn.buf.add(shardOf(p.Key(), fn.Shards), func(b []byte) []byte { return schemas.AppendProduct(b, &p) }, emit)
}

func (fn *packProductsFn) FinishBundle(emit func(int, []byte)) {
	fn.buf.flush(emit)
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
