package bulk

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

// A masters batch is one output shard of Survive, its masters and links,
// as it crosses the runner between Survive, reconciliation and the
// writers: the number of masters, the masters, the number of links, the
// links. A master's surviving fields use the product encoding
// (schemas.AppendProduct of MasterRow.Values), which keeps a price's
// presence.

// AppendMasters appends a shard's masters and links to dst.
func AppendMasters(dst []byte, masters []schemas.MasterRow, links []schemas.LinkRow) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(masters)))
	for i := range masters {
		m := &masters[i]
		dst = schemas.AppendString(dst, m.MasterID)
		p := m.Values()
		dst = schemas.AppendProduct(dst, &p)
		dst = binary.AppendVarint(dst, m.MemberCount)
		dst = appendStrings(dst, m.Sources)
		dst = binary.AppendUvarint(dst, uint64(len(m.Provenance)))
		for _, f := range m.Provenance {
			dst = schemas.AppendString(dst, f.Field)
			dst = schemas.AppendString(dst, f.Source)
			dst = schemas.AppendString(dst, f.SourceID)
			dst = schemas.AppendString(dst, f.Rule)
		}
		dst = binary.AppendVarint(dst, m.CreatedGeneration)
	}
	dst = binary.AppendUvarint(dst, uint64(len(links)))
	for i := range links {
		l := &links[i]
		dst = schemas.AppendString(dst, l.MasterID)
		dst = schemas.AppendString(dst, l.Source)
		dst = schemas.AppendString(dst, l.SourceID)
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(l.MatchProbability))
	}
	return dst
}

// DecodeMasters decodes a batch of AppendMasters. Empty lists decode as
// nil.
func DecodeMasters(src []byte) ([]schemas.MasterRow, []schemas.LinkRow, error) {
	n, src, err := decodeCount(src)
	if err != nil {
		return nil, nil, err
	}
	var masters []schemas.MasterRow
	if n > 0 {
		masters = make([]schemas.MasterRow, n)
	}
	for i := range masters {
		if src, err = decodeMaster(src, &masters[i]); err != nil {
			return nil, nil, err
		}
	}
	if n, src, err = decodeCount(src); err != nil {
		return nil, nil, err
	}
	var links []schemas.LinkRow
	if n > 0 {
		links = make([]schemas.LinkRow, n)
	}
	for i := range links {
		l := &links[i]
		for _, f := range []*string{&l.MasterID, &l.Source, &l.SourceID} {
			if *f, src, err = schemas.DecodeString(src); err != nil {
				return nil, nil, err
			}
		}
		if len(src) < 8 {
			return nil, nil, schemas.ErrCorruptBatch
		}
		l.MatchProbability = math.Float64frombits(binary.LittleEndian.Uint64(src))
		src = src[8:]
	}
	if len(src) > 0 {
		return nil, nil, schemas.ErrCorruptBatch
	}
	return masters, links, nil
}

// decodeCount reads a list's length, which cannot exceed the bytes left
// since every element takes at least one.
func decodeCount(src []byte) (int, []byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return 0, nil, schemas.ErrCorruptBatch
	}
	return int(n), src[k:], nil
}

func decodeMaster(src []byte, m *schemas.MasterRow) ([]byte, error) {
	var err error
	if m.MasterID, src, err = schemas.DecodeString(src); err != nil {
		return nil, err
	}
	var p schemas.Product
	if src, err = schemas.DecodeProduct(src, &p); err != nil {
		return nil, err
	}
	m.ProductColumns = schemas.NewProductColumns(&p)
	var k int
	if m.MemberCount, k = binary.Varint(src); k <= 0 {
		return nil, schemas.ErrCorruptBatch
	}
	if m.Sources, src, err = decodeStrings(src[k:]); err != nil {
		return nil, err
	}
	n, src, err := decodeCount(src)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		m.Provenance = make([]schemas.FieldProvenance, n)
	}
	for i := range m.Provenance {
		f := &m.Provenance[i]
		for _, s := range []*string{&f.Field, &f.Source, &f.SourceID, &f.Rule} {
			if *s, src, err = schemas.DecodeString(src); err != nil {
				return nil, err
			}
		}
	}
	if m.CreatedGeneration, k = binary.Varint(src); k <= 0 {
		return nil, schemas.ErrCorruptBatch
	}
	return src[k:], nil
}

// PutMasters spills a shard's masters and links as one masters batch
// under stage and returns its reference.
func PutMasters(ctx context.Context, store spill.Store, stage string, shard int, masters []schemas.MasterRow, links []schemas.LinkRow) (spill.Ref, error) {
	return store.Put(ctx, stage, shard, AppendMasters(nil, masters, links))
}

// GetMasters reads the masters batch ref names.
func GetMasters(ctx context.Context, ref spill.Ref) ([]schemas.MasterRow, []schemas.LinkRow, error) {
	batch, err := spill.Get(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	masters, links, err := DecodeMasters(batch)
	if err != nil {
		return nil, nil, fmt.Errorf("masters batch %s: %w", ref.Path, err)
	}
	return masters, links, nil
}
