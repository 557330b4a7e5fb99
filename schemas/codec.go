package schemas

import (
	"encoding/binary"
	"errors"
	"math"
)

// Products cross Beam shuffles packed many to an element, because a
// shuffle's cost on prism is per element, not per byte. This is their
// compact encoding: uvarint-length-prefixed strings in field order.

// ErrCorruptBatch reports a batch that does not decode.
var ErrCorruptBatch = errors.New("schemas: corrupt product batch")

// AppendProduct appends p's encoding to dst.
func AppendProduct(dst []byte, p *Product) []byte {
	for _, s := range [...]string{p.Source, p.SourceID, p.Title, p.Description, p.Brand,
		p.Manufacturer, p.Category, p.Currency, p.ModelNumber, p.GTIN, p.URL} {
		dst = AppendString(dst, s)
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
	for _, f := range [...]*string{&p.Source, &p.SourceID, &p.Title, &p.Description, &p.Brand,
		&p.Manufacturer, &p.Category, &p.Currency, &p.ModelNumber, &p.GTIN, &p.URL} {
		if *f, src, err = DecodeString(src); err != nil {
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

// AppendString appends a uvarint length and the bytes of s.
func AppendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// DecodeString reads a string written by AppendString.
func DecodeString(src []byte) (string, []byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || uint64(len(src)-k) < n {
		return "", nil, ErrCorruptBatch
	}
	return string(src[k : k+int(n)]), src[k+int(n):], nil
}
