// Package matchers is linkbeam's matching core: normalisers, identifier
// extraction, comparators, blocking keys, the logistic match model,
// clustering and survivorship. It is plain Go with no Beam import, so every
// piece is unit-tested and benchmarked on its own.
package matchers

import "slices"

// Fields are the raw product fields matching looks at. The Beam transforms
// fill it from the unified record; matchers does not import schemas so that
// the hot code stays free of I/O dependencies.
type Fields struct {
	Source       string
	Title        string
	Description  string
	Brand        string
	Manufacturer string
	ModelNumber  string
	GTIN         string
	Price        float64
	HasPrice     bool
	Currency     string
}

// Prepared is a record's matching view, computed once per record and then
// compared against many candidates.
type Prepared struct {
	Source      string
	Title       string   // normalised title: folded, lower case, single spaces
	TitleTokens []string // tokens of Title, in order
	Brand       string   // normalised brand; "" when unknown
	Models      []string // normalised model numbers / MPNs, most likely first
	// DeclaredModel: Models[0] is the record's own model number field, not
	// a code read from its title or description.
	DeclaredModel bool
	GTIN          string // normalised GTIN-14; "" when absent or invalid
	Price         float64
	HasPrice      bool
	Currency      string
	TFIDF         SparseVector // unit-length TF-IDF vector of TitleTokens; nil until weighted

	// Token sets derived from Title and Models by Prepare and Reindex,
	// so that comparing against many candidates is a merge of two sorted
	// integer lists: FNV-1a hashes of the distinct title tokens, and of
	// the distinct title tokens with a digit that are not model numbers.
	titleSet   []uint64
	numericSet []uint64
	colours    colourSet // colour families the title names
}

// Reindex recomputes TitleTokens and the derived token sets from Title and
// Models, for a Prepared rebuilt from its fields (a decoder's output).
func (p *Prepared) Reindex() {
	p.TitleTokens = Tokens(p.Title)
	p.index()
}

func (p *Prepared) index() {
	p.titleSet = tokenSet(p.TitleTokens)
	p.numericSet = nil
	for i, t := range p.TitleTokens {
		if numericToken(t, p.Models) && !modelAffixAt(p.TitleTokens, i, p.Models) {
			p.numericSet = append(p.numericSet, hashToken(t))
		}
	}
	p.numericSet = sortedSet(p.numericSet)
	p.colours = titleColours(p.TitleTokens, p.Models)
}

// indexed returns p's derived sets, computing them for a Prepared that was
// built by hand rather than by Prepare or Reindex.
func (p *Prepared) indexed() *Prepared {
	if p.titleSet != nil || len(p.TitleTokens) == 0 { // indexed, or nothing to index
		return p
	}
	q := *p
	q.index()
	return &q
}

// modelAffixAt reports whether toks[i] is part of a model number written
// apart rather than a size or capacity: a short part beside a model
// number ("128" of "xqry701 128", "2t" of "mu xd219 2t"; units such as
// "55in" or "2tb" never are), or a token of four characters or more
// inside one ("27vl958" of "hm 27vl958" for the declared "HM27VL958").
func modelAffixAt(toks []string, i int, models []string) bool {
	t := toks[i]
	if len(models) == 0 {
		return false
	}
	if len(t) >= MinModelNumberLen {
		return insideModel(t, models)
	}
	if !isModelAffix(t) {
		return false
	}
	var up [4]byte
	for k := 0; k < len(t); k++ {
		up[k] = upperASCII(t[k])
	}
	if unitLike(string(up[:len(t)])) {
		return false
	}
	return i > 0 && isModelToken(toks[i-1], models) ||
		i+1 < len(toks) && isModelToken(toks[i+1], models)
}

// insideModel reports whether the lower-case ASCII token tok, upper-cased,
// is a substring of one of models.
func insideModel(tok string, models []string) bool {
	for k := 0; k < len(tok); k++ {
		if !isAlnumByte(tok[k]) {
			return false
		}
	}
	for _, m := range models {
		for off := 0; off+len(tok) <= len(m); off++ {
			k := 0
			for k < len(tok) && upperASCII(tok[k]) == m[off+k] {
				k++
			}
			if k == len(tok) {
				return true
			}
		}
	}
	return false
}

func hashToken(t string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(t); i++ {
		h ^= uint64(t[i])
		h *= 1099511628211
	}
	return h
}

func sortedSet(s []uint64) []uint64 {
	slices.Sort(s)
	return slices.Compact(s)
}

// setCounts returns the sizes of two sorted sets and of their intersection.
func setCounts(a, b []uint64) (na, nb, inter int) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			inter++
			i++
			j++
		}
	}
	return len(a), len(b), inter
}

// SparseVector is a sparse vector sorted by Term.
type SparseVector []Weight

// Weight is one term of a SparseVector. The term is its token's 64-bit
// FNV-1a hash: comparing vectors compares integers, and millions of
// vectors held for scoring carry no pointers for the collector to trace.
type Weight struct {
	Term  uint64
	Value float64
}
