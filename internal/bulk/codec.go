package bulk

import (
	"encoding/binary"
	"math"

	"github.com/linkbeam/linkbeam/matchers"
	"github.com/linkbeam/linkbeam/schemas"
)

// Encodings of the small records that cross the blocking, scoring,
// clustering and survivorship shuffles, packed many to a batch like
// products: each Append function appends one record to a batch, each
// Decode function reads one and returns the rest of the batch.

// Candidate is a record's matching view as it travels to a block shard,
// with the blocking keys that route it there.
type Candidate struct {
	Key  string // record key, "source:source_id"
	Prep matchers.Prepared
	// Blocks are the hashes of the record's blocking keys that live in
	// this shard, ascending.
	Blocks []uint64
	// Unchanged: the record is in the previous run's records/ with the
	// same fingerprint; set only when Score keeps previous decisions.
	Unchanged bool
}

// AppendCandidate appends c to a batch of candidates.
func AppendCandidate(dst []byte, c *Candidate) []byte {
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
	for _, v := range p.Text {
		dst = binary.LittleEndian.AppendUint16(dst, v)
	}
	dst = binary.AppendUvarint(dst, uint64(len(c.Blocks)))
	for _, h := range c.Blocks {
		dst = binary.LittleEndian.AppendUint64(dst, h)
	}
	return dst
}

// DecodeCandidate decodes the candidate at the start of src into c and
// returns the rest of src. Its matching view is as encoded: the caller
// rebuilds its token lists (matchers.Prepared.Reindex) before comparing it,
// which Score does only for the candidates it pairs.
func DecodeCandidate(src []byte, c *Candidate) ([]byte, error) {
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
	if len(src) < 2*len(p.Text) {
		return nil, schemas.ErrCorruptBatch
	}
	for i := range p.Text {
		p.Text[i] = binary.LittleEndian.Uint16(src[2*i:])
	}
	src = src[2*len(p.Text):]
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k)/8 {
		return nil, schemas.ErrCorruptBatch
	}
	src = src[k:]
	c.Blocks = make([]uint64, n)
	for i := range c.Blocks {
		c.Blocks[i] = binary.LittleEndian.Uint64(src[8*i:])
	}
	return src[8*n:], nil
}

// A candidates batch is a sequence of runs: a run's candidate count and
// byte size, then its candidates (AppendCandidate). The counts let Score
// size one array for a whole shard and decode each run straight into its
// place on every core, instead of growing a slice per batch and copying
// a million large candidates together.

// AppendCandidateRun appends a run of n candidates, packed by
// AppendCandidate, to a batch.
func AppendCandidateRun(dst []byte, n int, packed []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(n))
	dst = binary.AppendUvarint(dst, uint64(len(packed)))
	return append(dst, packed...)
}

// CandidateRun is one run of a candidates batch: N candidates packed in
// Packed.
type CandidateRun struct {
	N      int
	Packed []byte
}

// CandidateRuns appends the runs of a candidates batch to dst without
// decoding them.
func CandidateRuns(dst []CandidateRun, batch []byte) ([]CandidateRun, error) {
	for len(batch) > 0 {
		n, rest, err := decodeCount(batch)
		if err != nil {
			return nil, err
		}
		size, rest, err := decodeCount(rest)
		if err != nil {
			return nil, err
		}
		dst = append(dst, CandidateRun{N: n, Packed: rest[:size]})
		batch = rest[size:]
	}
	return dst, nil
}

// DecodeRun decodes run r into into, which must hold exactly r.N
// candidates; a run whose bytes do not hold exactly that many is
// schemas.ErrCorruptBatch.
func DecodeRun(r CandidateRun, into []Candidate) error {
	if len(into) != r.N {
		return schemas.ErrCorruptBatch
	}
	src := r.Packed
	for i := range into {
		var err error
		if len(src) == 0 {
			return schemas.ErrCorruptBatch
		}
		if src, err = DecodeCandidate(src, &into[i]); err != nil {
			return err
		}
	}
	if len(src) > 0 {
		return schemas.ErrCorruptBatch
	}
	return nil
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

// Edge is a scored pair of records, with the identifiers of both ends as
// the matcher read them: clustering refuses to join two different GTINs,
// and counts the duplicate kinds from them.
type Edge struct {
	A, B string
	P    float64
	// Tie orders edges of equal P for clustering: the similarity of the
	// two records' text sketches (matchers.Edge.Tie).
	Tie    float32
	GA, GB string   // GTINs
	MA, MB []string // model numbers
}

// AppendEdge appends e to a batch of edges.
func AppendEdge(dst []byte, e *Edge) []byte {
	dst = schemas.AppendString(dst, e.A)
	dst = schemas.AppendString(dst, e.B)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(e.P))
	dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(e.Tie))
	dst = schemas.AppendString(dst, e.GA)
	dst = schemas.AppendString(dst, e.GB)
	dst = appendStrings(dst, e.MA)
	return appendStrings(dst, e.MB)
}

// DecodeEdge decodes the edge at the start of src into e and returns the
// rest of src.
func DecodeEdge(src []byte, e *Edge) ([]byte, error) {
	var err error
	if e.A, src, err = schemas.DecodeString(src); err != nil {
		return nil, err
	}
	if e.B, src, err = schemas.DecodeString(src); err != nil {
		return nil, err
	}
	if len(src) < 12 {
		return nil, schemas.ErrCorruptBatch
	}
	e.P = math.Float64frombits(binary.LittleEndian.Uint64(src))
	e.Tie = math.Float32frombits(binary.LittleEndian.Uint32(src[8:]))
	if e.GA, src, err = schemas.DecodeString(src[12:]); err != nil {
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

// ForEachEdge decodes each edge of a batch and passes it to fn.
func ForEachEdge(batch []byte, fn func(*Edge)) error {
	for len(batch) > 0 {
		var e Edge
		var err error
		if batch, err = DecodeEdge(batch, &e); err != nil {
			return err
		}
		fn(&e)
	}
	return nil
}

// Swap exchanges the edge's two ends.
func (e *Edge) Swap() {
	e.A, e.B, e.GA, e.GB, e.MA, e.MB = e.B, e.A, e.GB, e.GA, e.MB, e.MA
}

// Assignment places a record in a multi-record master.
type Assignment struct {
	MasterID string
	P        float64 // strongest accepted match probability to another member
}

// AppendAssignment appends the assignment of the record key to a batch
// of assignments.
func AppendAssignment(dst []byte, key string, a Assignment) []byte {
	dst = schemas.AppendString(dst, key)
	dst = schemas.AppendString(dst, a.MasterID)
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(a.P))
}

// DecodeAssignments decodes a batch of assignments into into, by record
// key.
func DecodeAssignments(src []byte, into map[string]Assignment) error {
	for len(src) > 0 {
		var key string
		var a Assignment
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

// AppendMember appends a record with its master's assignment to a batch
// of members: what Survive routes to the master's output shard.
func AppendMember(dst []byte, a Assignment, p *schemas.Product) []byte {
	dst = schemas.AppendString(dst, a.MasterID)
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(a.P))
	return schemas.AppendProduct(dst, p)
}

// DecodeMember decodes the member at the start of src into a and p and
// returns the rest of src.
func DecodeMember(src []byte, a *Assignment, p *schemas.Product) ([]byte, error) {
	var err error
	if a.MasterID, src, err = schemas.DecodeString(src); err != nil {
		return nil, err
	}
	if len(src) < 8 {
		return nil, schemas.ErrCorruptBatch
	}
	a.P = math.Float64frombits(binary.LittleEndian.Uint64(src))
	return schemas.DecodeProduct(src[8:], p)
}
