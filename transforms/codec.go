package transforms

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// Encodings of the small records that cross the blocking, scoring and
// clustering shuffles, packed many to an element like products.

// candidate is a record's matching view as it travels to a block shard,
// with the blocking keys that route it there.
type candidate struct {
	Key  string // record key, "source:source_id"
	Prep matchers.Prepared
	// Blocks are the hashes of the record's blocking keys that live in
	// this shard, ascending.
	Blocks []uint64
	// Unchanged: the record is in the previous run's records/ with the
	// same fingerprint; set only when Score keeps previous decisions.
	Unchanged bool
}

func appendCandidate(dst []byte, c *candidate) []byte {
	p := &c.Prep
	dst = schemas.AppendString(dst, c.Key)
	dst = schemas.AppendString(dst, p.Source)
	dst = schemas.AppendString(dst, p.Title)
	dst = schemas.AppendString(dst, p.Brand)
	dst = appendStrings(dst, p.Models)
	dst = schemas.AppendString(dst, p.GTIN)
	var flags byte
	if p.HasPrice {
		flags |= 1
	}
	if p.DeclaredModel {
		flags |= 2
	}
	if c.Unchanged {
		flags |= 4
	}
	dst = append(dst, flags)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(p.Price))
	dst = schemas.AppendString(dst, p.Currency)
	dst = binary.AppendUvarint(dst, uint64(len(c.Blocks)))
	for _, h := range c.Blocks {
		dst = binary.LittleEndian.AppendUint64(dst, h)
	}
	return dst
}

func decodeCandidate(src []byte, c *candidate) ([]byte, error) {
	p := &c.Prep
	var err error
	for _, f := range []*string{&c.Key, &p.Source, &p.Title, &p.Brand} {
		if *f, src, err = schemas.DecodeString(src); err != nil {
			return nil, err
		}
	}
	if p.Models, src, err = decodeStrings(src); err != nil {
		return nil, err
	}
	if p.GTIN, src, err = schemas.DecodeString(src); err != nil {
		return nil, err
	}
	if len(src) < 9 {
		return nil, schemas.ErrCorruptBatch
	}
	p.HasPrice = src[0]&1 != 0
	p.DeclaredModel = src[0]&2 != 0
	c.Unchanged = src[0]&4 != 0
	p.Price = math.Float64frombits(binary.LittleEndian.Uint64(src[1:9]))
	if p.Currency, src, err = schemas.DecodeString(src[9:]); err != nil {
		return nil, err
	}
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k)/8 {
		return nil, schemas.ErrCorruptBatch
	}
	src = src[k:]
	c.Blocks = make([]uint64, n)
	for i := range c.Blocks {
		c.Blocks[i] = binary.LittleEndian.Uint64(src[8*i:])
	}
	src = src[8*n:]
	p.Reindex()
	return src, nil
}

func appendStrings(dst []byte, ss []string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ss)))
	for _, s := range ss {
		dst = schemas.AppendString(dst, s)
	}
	return dst
}

func decodeStrings(src []byte) ([]string, []byte, error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)) {
		return nil, nil, schemas.ErrCorruptBatch
	}
	src = src[k:]
	if n == 0 {
		return nil, src, nil
	}
	out := make([]string, n)
	var err error
	for i := range out {
		if out[i], src, err = schemas.DecodeString(src); err != nil {
			return nil, nil, err
		}
	}
	return out, src, nil
}

// edge is a scored pair of records, with the identifiers of both ends as
// the matcher read them: clustering refuses to join two different GTINs,
// and counts the duplicate kinds (duplicateKinds) from them.
type edge struct {
	A, B   string
	P      float64
	GA, GB string   // GTINs
	MA, MB []string // model numbers
}

func appendEdge(dst []byte, e *edge) []byte {
	dst = schemas.AppendString(dst, e.A)
	dst = schemas.AppendString(dst, e.B)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(e.P))
	dst = schemas.AppendString(dst, e.GA)
	dst = schemas.AppendString(dst, e.GB)
	dst = appendStrings(dst, e.MA)
	return appendStrings(dst, e.MB)
}

func decodeEdge(src []byte, e *edge) ([]byte, error) {
	var err error
	if e.A, src, err = schemas.DecodeString(src); err != nil {
		return nil, err
	}
	if e.B, src, err = schemas.DecodeString(src); err != nil {
		return nil, err
	}
	if len(src) < 8 {
		return nil, schemas.ErrCorruptBatch
	}
	e.P = math.Float64frombits(binary.LittleEndian.Uint64(src))
	if e.GA, src, err = schemas.DecodeString(src[8:]); err != nil {
		return nil, err
	}
	if e.GB, src, err = schemas.DecodeString(src); err != nil {
		return nil, err
	}
	if e.MA, src, err = decodeStrings(src); err != nil {
		return nil, err
	}
	e.MB, src, err = decodeStrings(src)
	return src, err
}

// forEachEdge decodes each edge of a packed batch and passes it to fn.
func forEachEdge(batch []byte, fn func(*edge)) error {
	for len(batch) > 0 {
		var e edge
		var err error
		if batch, err = decodeEdge(batch, &e); err != nil {
			return err
		}
		fn(&e)
	}
	return nil
}

// swap exchanges the edge's two ends.
func (e *edge) swap() {
	e.A, e.B, e.GA, e.GB, e.MA, e.MB = e.B, e.A, e.GB, e.GA, e.MB, e.MA
}

// assignment places a record in a multi-record master.
type assignment struct {
	MasterID string
	P        float64 // strongest accepted match probability to another member
}

func appendAssignment(dst []byte, key string, a assignment) []byte {
	dst = schemas.AppendString(dst, key)
	dst = schemas.AppendString(dst, a.MasterID)
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(a.P))
}

func decodeAssignments(src []byte, into map[string]assignment) error {
	for len(src) > 0 {
		var key string
		var a assignment
		var err error
		if key, src, err = schemas.DecodeString(src); err != nil {
			return err
		}
		if a.MasterID, src, err = schemas.DecodeString(src); err != nil {
			return err
		}
		if len(src) < 8 {
			return schemas.ErrCorruptBatch
		}
		a.P = math.Float64frombits(binary.LittleEndian.Uint64(src))
		src = src[8:]
		into[key] = a
	}
	return nil
}

// sourceOf returns the source part of a record key.
func sourceOf(key string) string {
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return key[:i]
	}
	panic(fmt.Sprintf("record key %q has no source", key))
}
