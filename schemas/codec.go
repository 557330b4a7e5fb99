package schemas

import (
	"encoding/binary"
	"errors"
	"math"
)

// Products cross Beam shuffles packed many to an element, because a
// shuffle's cost on prism is per element, not per byte. This is their
// compact encoding, the fields in FieldsByKind order: the string fields
// of ProductFields, each as a uvarint length and its bytes, then the price
// as a flags byte (bit 0: HasPrice) and 8 bytes of little-endian float64
// bits, then the update time as a varint.

// ErrCorruptBatch reports a batch that does not decode.
var ErrCorruptBatch = errors.New("schemas: corrupt product batch")

// AppendProduct appends p's encoding to dst.
func AppendProduct(dst []byte, p *Product) []byte {
	fs := stringFields(p)
	for _, id := range stringIDs {
		dst = AppendString(dst, *fs[id])
	}
	var flags byte
	if p.HasPrice {
		flags = 1
	}
	dst = append(dst, flags)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(p.Price))
	return binary.AppendVarint(dst, p.UpdatedAt)
}

// DecodeProduct decodes one product from the front of src into p and
// returns the rest of src.
func DecodeProduct(src []byte, p *Product) ([]byte, error) {
	var err error
	fs := stringFields(p)
	for _, id := range stringIDs {
		if *fs[id], src, err = DecodeString(src); err != nil {
			return nil, err
		}
	}
	if len(src) < 9 {
		return nil, ErrCorruptBatch
	}
	p.HasPrice = src[0]&1 != 0
	p.Price = math.Float64frombits(binary.LittleEndian.Uint64(src[1:9]))
	src = src[9:]
	v, n := binary.Varint(src)
	if n <= 0 {
		return nil, ErrCorruptBatch
	}
	p.UpdatedAt = v
	return src[n:], nil
}

// CountProducts returns how many products (AppendProduct) a batch holds,
// reading only their lengths: a decoder sizes its slice once with it
// rather than growing it product by product.
func CountProducts(batch []byte) (int, error) {
	n := 0
	for len(batch) > 0 {
		for range stringIDs {
			size, k := binary.Uvarint(batch)
			if k <= 0 || uint64(len(batch)-k) < size {
				return 0, ErrCorruptBatch
			}
			batch = batch[k+int(size):]
		}
		if len(batch) < 9 {
			return 0, ErrCorruptBatch
		}
		_, k := binary.Varint(batch[9:])
		if k <= 0 {
			return 0, ErrCorruptBatch
		}
		batch = batch[9+k:]
		n++
	}
	return n, nil
}

// stringIDs are the string fields of ProductFields, in order.
var stringIDs = func() []fieldID {
	var ids []fieldID
	for _, f := range ProductFields {
		if f.Kind == KindString {
			ids = append(ids, f.id)
		}
	}
	return ids
}()

// AppendString appends a uvarint length and the bytes of s.
func AppendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// AppendRecordKey appends RecordKey(source, sourceID) as AppendString
// would, without building the key.
func AppendRecordKey(dst []byte, source, sourceID string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(source)+len(keySeparator)+len(sourceID)))
	return append(append(append(dst, source...), keySeparator...), sourceID...)
}

// DecodeString reads a string written by AppendString.
func DecodeString(src []byte) (string, []byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || uint64(len(src)-k) < n {
		return "", nil, ErrCorruptBatch
	}
	return string(src[k : k+int(n)]), src[k+int(n):], nil
}
