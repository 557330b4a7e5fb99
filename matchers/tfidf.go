package matchers

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// IDF holds document frequencies for TF-IDF weighting: Docs documents were
// added, and DF[t] of them contain term t. The zero value is ready to use.
// Build one IDF per worker with Add, combine them with Merge, and ship the
// result (MarshalBinary) to the workers that weight records.
//
// Titles, when a job or a corpus counts them (AddTitle), are the records
// per title word set (TitleCounts): a second corpus statistic that
// travels with the IDF.
type IDF struct {
	Docs   int
	DF     map[string]int32
	Titles TitleCounts
}

// AddTitle counts one record's title word set (its title tokens) in
// d.Titles.
func (d *IDF) AddTitle(tokens []string) { d.Titles.Add(tokens) }

// Weigh makes a prepared record ready to compare against the corpus:
// the TF-IDF vector of its title tokens, and how many records share its
// title word set (0 when d counts no titles).
func (d *IDF) Weigh(p *Prepared) {
	p.TFIDF = d.Vector(p.TitleTokens)
	p.TitleCount = d.Titles.Count(p.TitleTokens)
}

// Add counts one document: each distinct token once.
func (d *IDF) Add(tokens []string) {
	if d.DF == nil {
		d.DF = make(map[string]int32)
	}
	d.Docs++
	if len(tokens) > 64 { // descriptions: hundreds of tokens; titles take the quadratic path
		seen := make(map[string]struct{}, len(tokens))
		for _, t := range tokens {
			if _, dup := seen[t]; !dup {
				seen[t] = struct{}{}
				d.incr(t, 1)
			}
		}
		return
	}
	for i, t := range tokens {
		if indexOf(tokens[:i], t) < 0 {
			d.incr(t, 1)
		}
	}
}

// incr adds n to DF[t], saturating at MaxInt32. A new key is cloned: a
// token is usually a substring of a whole title, which the map would
// otherwise keep alive.
func (d *IDF) incr(t string, n int32) {
	old, ok := d.DF[t]
	if !ok {
		d.DF[strings.Clone(t)] = n
		return
	}
	if old > math.MaxInt32-n {
		d.DF[t] = math.MaxInt32
		return
	}
	d.DF[t] = old + n
}

// Merge adds other's counts to d, as if d had seen other's documents too.
func (d *IDF) Merge(other *IDF) {
	if other == nil {
		return
	}
	if d.DF == nil {
		d.DF = make(map[string]int32, len(other.DF))
	}
	d.Docs += other.Docs
	for t, n := range other.DF {
		if n > 0 {
			d.incr(t, n)
		}
	}
	d.Titles.Merge(other.Titles)
}

// Weight returns the smoothed inverse document frequency of term,
// log((1+N)/(1+df)) + 1 as in scikit-learn: at least 1 for any term seen
// in at most all N documents, so common words are damped but never erased.
// A term never seen is weighted as if seen once: it is at least as rare as
// the rarest known term, but a typo or an unknown code must not outweigh
// every real model number.
func (d *IDF) Weight(term string) float64 {
	df := d.DF[term]
	if df < 1 {
		df = 1
	}
	return math.Log(float64(1+d.Docs)/float64(1+int64(df))) + 1
}

// Vector returns the unit-length TF-IDF vector of tokens, sorted by term
// hash: each distinct token weighted by its count times Weight. No tokens
// give nil.
func (d *IDF) Vector(tokens []string) SparseVector {
	if len(tokens) == 0 {
		return nil
	}
	v := make(SparseVector, len(tokens))
	for i, t := range tokens {
		v[i] = Weight{Term: FNV1a(t), Value: d.Weight(t)}
	}
	slices.SortFunc(v, func(a, b Weight) int { return cmp.Compare(a.Term, b.Term) })
	n := 0
	var sum float64
	for i := 0; i < len(v); {
		j := i + 1
		for j < len(v) && v[j].Term == v[i].Term {
			j++
		}
		w := float64(j-i) * v[i].Value
		v[n] = Weight{Term: v[i].Term, Value: w}
		sum += w * w
		n++
		i = j
	}
	v = v[:n:n]
	norm := math.Sqrt(sum)
	for i := range v {
		v[i].Value /= norm
	}
	return v
}

// Cosine returns the cosine similarity of two sparse vectors sorted by
// term, clamped to [0,1]; 0 when either is empty. It walks both vectors
// once, without maps, and does not assume unit length.
func Cosine(a, b SparseVector) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	var dot, na, nb float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].Term == b[j].Term:
			dot += a[i].Value * b[j].Value
			na += a[i].Value * a[i].Value
			nb += b[j].Value * b[j].Value
			i++
			j++
		case a[i].Term < b[j].Term:
			na += a[i].Value * a[i].Value
			i++
		default:
			nb += b[j].Value * b[j].Value
			j++
		}
	}
	for ; i < len(a); i++ {
		na += a[i].Value * a[i].Value
	}
	for ; j < len(b); j++ {
		nb += b[j].Value * b[j].Value
	}
	if dot <= 0 || na == 0 || nb == 0 {
		return 0
	}
	return min(dot/math.Sqrt(na*nb), 1)
}

// ErrIDFFormat is returned, wrapped with the position, when
// UnmarshalBinary is given bytes that MarshalBinary did not produce.
var ErrIDFFormat = errors.New("malformed IDF encoding")

// idfMagic starts the encoding: format name and version 1.
const idfMagic = "LBIDF\x01"

// MarshalBinary encodes d deterministically: the magic "LBIDF" and a
// version byte, then as uvarints Docs, the number of terms and, for each
// term in byte order, the length of the prefix it shares with the previous
// term, the length of the rest, the rest's bytes and its DF. Sorted terms
// share long prefixes, so this is about half the size of plain strings.
// When d counts titles, a section follows: the number of title hashes,
// then for each hash in increasing order its difference from the previous
// one (the first from 0) and its count. Without titles the encoding is
// the same as before they existed.
func (d *IDF) MarshalBinary() ([]byte, error) {
	if d.Docs < 0 {
		return nil, fmt.Errorf("matchers: encoding IDF: negative Docs %d", d.Docs)
	}
	terms := make([]string, 0, len(d.DF))
	size := len(idfMagic) + 2*binary.MaxVarintLen64
	for t, n := range d.DF {
		if n < 1 {
			continue // never counted: carries no information
		}
		terms = append(terms, t)
		size += len(t) + 4
	}
	slices.Sort(terms)
	b := make([]byte, 0, size)
	b = append(b, idfMagic...)
	b = binary.AppendUvarint(b, uint64(d.Docs))
	b = binary.AppendUvarint(b, uint64(len(terms)))
	prev := ""
	for _, t := range terms {
		p := commonPrefix(prev, t)
		b = binary.AppendUvarint(b, uint64(p))
		b = binary.AppendUvarint(b, uint64(len(t)-p))
		b = append(b, t[p:]...)
		b = binary.AppendUvarint(b, uint64(d.DF[t]))
		prev = t
	}
	if hs := d.Titles.sortedHashes(); len(hs) > 0 {
		b = binary.AppendUvarint(b, uint64(len(hs)))
		var last uint64
		for _, h := range hs {
			b = binary.AppendUvarint(b, h-last)
			b = binary.AppendUvarint(b, uint64(d.Titles[h]))
			last = h
		}
	}
	return b, nil
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// UnmarshalBinary decodes MarshalBinary output into d, replacing its
// contents. Malformed input gives an error wrapping ErrIDFFormat and
// leaves d unchanged.
func (d *IDF) UnmarshalBinary(data []byte) error {
	r := idfReader{data: data}
	if !strings.HasPrefix(string(data), idfMagic) {
		return r.fail("missing LBIDF version 1 header")
	}
	r.off = len(idfMagic)
	docs, ok := r.uvarint()
	if !ok || docs > uint64(math.MaxInt) {
		return r.fail("bad document count")
	}
	n, ok := r.uvarint()
	// Each term takes at least three bytes: bound n before allocating.
	if !ok || n > uint64(len(data)-r.off)/3 {
		return r.fail("bad term count")
	}
	df := make(map[string]int32, n)
	var prev []byte
	for i := uint64(0); i < n; i++ {
		shared, ok1 := r.uvarint()
		rest, ok2 := r.uvarint()
		if !ok1 || !ok2 || shared > uint64(len(prev)) || rest > uint64(len(data)-r.off) {
			return r.fail(fmt.Sprintf("term %d: bad lengths", i))
		}
		term := make([]byte, 0, int(shared+rest))
		term = append(append(term, prev[:shared]...), data[r.off:r.off+int(rest)]...)
		r.off += int(rest)
		if i > 0 && string(term) <= string(prev) {
			return r.fail(fmt.Sprintf("term %d: not in increasing order", i))
		}
		count, ok := r.uvarint()
		if !ok || count < 1 || count > math.MaxInt32 {
			return r.fail(fmt.Sprintf("term %d: bad document frequency", i))
		}
		df[string(term)] = int32(count)
		prev = term
	}
	var titles TitleCounts
	if r.off < len(data) {
		n, ok := r.uvarint()
		// Each title takes at least two bytes.
		if !ok || n == 0 || n > uint64(len(data)-r.off)/2 {
			return r.fail("bad title count")
		}
		titles = make(TitleCounts, n)
		var last uint64
		for i := uint64(0); i < n; i++ {
			delta, ok1 := r.uvarint()
			count, ok2 := r.uvarint()
			if !ok1 || !ok2 || (i > 0 && delta == 0) || delta > math.MaxUint64-last {
				return r.fail(fmt.Sprintf("title %d: bad hash", i))
			}
			if count < 1 || count > math.MaxInt32 {
				return r.fail(fmt.Sprintf("title %d: bad count", i))
			}
			last += delta
			titles[last] = int32(count)
		}
	}
	if r.off != len(data) {
		return r.fail("trailing bytes")
	}
	d.Docs, d.DF, d.Titles = int(docs), df, titles
	return nil
}

type idfReader struct {
	data []byte
	off  int
}

func (r *idfReader) uvarint() (uint64, bool) {
	v, n := binary.Uvarint(r.data[r.off:])
	if n <= 0 {
		return 0, false
	}
	r.off += n
	return v, true
}

func (r *idfReader) fail(what string) error {
	return fmt.Errorf("matchers: decoding IDF at byte %d: %s: %w", r.off, what, ErrIDFFormat)
}
