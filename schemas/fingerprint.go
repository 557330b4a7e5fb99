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
	// The encoding is gathered in one buffer and hashed once (SHA-256 over
	// a dozen small writes cost twice as much), on the stack for most
	// records.
	var room [512]byte
	buf := room[:0]
	for i := range FieldsByKind {
		switch pf := &FieldsByKind[i]; {
		case pf.Key:
		case pf.Kind == KindPrice:
			buf = appendFingerprintPrice(buf, p.HasPrice, p.Price)
		case pf.Kind == KindTime:
			buf = binary.AppendVarint(buf, p.UpdatedAt)
		default:
			s := *stringField(p, pf.id)
			buf = append(binary.AppendUvarint(buf, uint64(len(s))), s...)
		}
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:16])
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

func appendFingerprintPrice(dst []byte, has bool, v float64) []byte {
	if !has {
		return append(dst, 0)
	}
	return binary.LittleEndian.AppendUint64(append(dst, 1), math.Float64bits(v))
}
