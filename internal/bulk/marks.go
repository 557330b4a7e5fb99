package bulk

import (
	"encoding/binary"
	"slices"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// ChangeMarks are what an incremental run's blocking needs to know about
// the records that are new or changed since the previous run: the hashes
// of their record keys and of their blocking keys. Only the blocks they
// touch need candidate pairs; every other pair keeps its previous
// decision.
type ChangeMarks struct {
	Keys   []uint64 // the hash of each changed record's key (MarkKey)
	Blocks []uint64 // the block hashes of those records (as Candidate.Blocks)

	// blockBits is a bitmap of the blocks' top hash bits, set by Sort:
	// most of a run's million records are tested against tens of
	// thousands of blocks, and the bitmap answers most of them without a
	// binary search.
	blockBits []uint64
}

const markBits = 20 // 128 KiB of bitmap

// AppendChangeMarks appends m to dst: each list as a count and its
// values, 8 bytes each.
func AppendChangeMarks(dst []byte, m *ChangeMarks) []byte {
	for _, list := range [][]uint64{m.Keys, m.Blocks} {
		dst = binary.AppendUvarint(dst, uint64(len(list)))
		for _, h := range list {
			dst = binary.LittleEndian.AppendUint64(dst, h)
		}
	}
	return dst
}

// DecodeChangeMarks appends the marks of batch to m.
func DecodeChangeMarks(batch []byte, m *ChangeMarks) error {
	for _, list := range []*[]uint64{&m.Keys, &m.Blocks} {
		n, rest, err := decodeCount(batch)
		if err != nil || n > len(rest)/8 {
			return schemas.ErrCorruptBatch
		}
		for i := range n {
			*list = append(*list, binary.LittleEndian.Uint64(rest[8*i:]))
		}
		batch = rest[8*n:]
	}
	if len(batch) > 0 {
		return schemas.ErrCorruptBatch
	}
	return nil
}

// Sort sorts and deduplicates both lists, for Changed and Touches.
func (m *ChangeMarks) Sort() {
	slices.Sort(m.Keys)
	m.Keys = slices.Compact(m.Keys)
	slices.Sort(m.Blocks)
	m.Blocks = slices.Compact(m.Blocks)
	m.blockBits = make([]uint64, 1<<markBits/64)
	for _, h := range m.Blocks {
		i := h >> (64 - markBits)
		m.blockBits[i/64] |= 1 << (i % 64)
	}
}

// MarkKey marks the record of this key as changed.
func (m *ChangeMarks) MarkKey(key string) { m.Keys = append(m.Keys, matchers.FNV1a(key)) }

// Changed reports whether the record of this key is marked; m must be
// sorted.
func (m *ChangeMarks) Changed(key string) bool {
	_, ok := slices.BinarySearch(m.Keys, matchers.FNV1a(key))
	return ok
}

// Touches reports whether a marked record falls in the block with this
// hash; m must be sorted.
func (m *ChangeMarks) Touches(block uint64) bool {
	if i := block >> (64 - markBits); m.blockBits[i/64]&(1<<(i%64)) == 0 {
		return false
	}
	_, ok := slices.BinarySearch(m.Blocks, block)
	return ok
}
