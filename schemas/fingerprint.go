package schemas

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
)

// Fingerprint is a content hash of a record's unified fields: every field
// of Product except its key (Source, SourceID), with the price only when
// HasPrice. Two versions of a record with equal fingerprints look the same
// to blocking, scoring and survivorship. records/ stores it so that a
// later run can tell which records changed since.
//
// It is 32 hex digits (128 bits of SHA-256) over its own length-prefixed
// encoding, not the batch codec, so it stays the same across releases as
// long as Product's fields do.
func Fingerprint(p *Product) string {
	f := newFingerprinter()
	f.strings(p.Title, p.Description, p.Brand, p.Manufacturer, p.Category, p.Currency,
		p.ModelNumber, p.GTIN, p.URL)
	f.price(p.HasPrice, p.Price)
	f.int(p.UpdatedAt)
	return f.sum()
}

// MasterFingerprint is a content hash of a master's surviving field values
// (title to updated_at, with currency): not of its id, members, sources,
// provenance or generation. An incremental run reports a kept master as
// updated when its members or this fingerprint changed.
func MasterFingerprint(m *MasterRow) string {
	f := newFingerprinter()
	f.strings(m.Title, m.Description, m.Brand, m.Manufacturer, m.Category, m.Currency,
		m.ModelNumber, m.GTIN, m.URL)
	if m.Price != nil {
		f.price(true, *m.Price)
	} else {
		f.price(false, 0)
	}
	f.int(m.UpdatedAt)
	return f.sum()
}

type fingerprinter struct {
	h   hash.Hash
	buf []byte
}

func newFingerprinter() *fingerprinter { return &fingerprinter{h: sha256.New()} }

func (f *fingerprinter) strings(ss ...string) {
	for _, s := range ss {
		f.buf = binary.AppendUvarint(f.buf[:0], uint64(len(s)))
		f.h.Write(f.buf)
		f.h.Write([]byte(s))
	}
}

func (f *fingerprinter) price(has bool, v float64) {
	if !has {
		f.h.Write([]byte{0})
		return
	}
	f.buf = append(f.buf[:0], 1)
	f.buf = binary.LittleEndian.AppendUint64(f.buf, math.Float64bits(v))
	f.h.Write(f.buf)
}

func (f *fingerprinter) int(v int64) {
	f.buf = binary.AppendVarint(f.buf[:0], v)
	f.h.Write(f.buf)
}

func (f *fingerprinter) sum() string { return hex.EncodeToString(f.h.Sum(nil)[:16]) }
