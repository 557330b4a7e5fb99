package schemas

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
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
	for i := range FieldsByKind {
		switch pf := &FieldsByKind[i]; {
		case pf.Key:
		case pf.Kind == KindPrice:
			f.price(p.HasPrice, p.Price)
		case pf.Kind == KindTime:
			f.int(p.UpdatedAt)
		default:
			f.string(*stringField(p, pf.id))
		}
	}
	return f.sum()
}

// MasterFingerprint is a content hash of a master's surviving field values
// (title to updated_at, with currency): not of its id, members, sources,
// provenance or generation: Fingerprint of m.Values(). An incremental run
// reports a kept master as updated when its members or this fingerprint
// changed.
func MasterFingerprint(m *MasterRow) string {
	p := m.Values()
	return Fingerprint(&p)
}

// fingerprinter gathers a record's encoding in one buffer and hashes it
// once: SHA-256 over a dozen small writes cost twice as much.
type fingerprinter struct {
	buf []byte
}

func newFingerprinter() *fingerprinter { return &fingerprinter{buf: make([]byte, 0, 512)} }

func (f *fingerprinter) string(s string) {
	f.buf = binary.AppendUvarint(f.buf, uint64(len(s)))
	f.buf = append(f.buf, s...)
}

func (f *fingerprinter) price(has bool, v float64) {
	if !has {
		f.buf = append(f.buf, 0)
		return
	}
	f.buf = append(f.buf, 1)
	f.buf = binary.LittleEndian.AppendUint64(f.buf, math.Float64bits(v))
}

func (f *fingerprinter) int(v int64) {
	f.buf = binary.AppendVarint(f.buf, v)
}

func (f *fingerprinter) sum() string {
	sum := sha256.Sum256(f.buf)
	return hex.EncodeToString(sum[:16])
}
