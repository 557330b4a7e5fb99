package matchers

import (
	"math"
	"slices"
)

// TitleCounts counts a corpus's records per title word set: the distinct
// tokens of the normalised title (Prepared.TitleTokens) in any order,
// keyed by TitleKey. It is how common a title is, the term frequency
// Splink adjusts an exact match by. An identical title that no other
// record has is strong evidence of a match; one that a family of
// look-alikes shares is weak. Word sets rather than whole titles, because
// feeds reorder the same words ("razer red ergonomic mouse", "razer
// ergonomic mouse red"). The zero value is ready to use. Like IDF, it is
// built per worker (Add), combined (Merge) and read when preparing
// records (IDF.Weigh sets Prepared.TitleCount).
type TitleCounts map[uint64]int32

// TitleKey is the hash of a title's word set: FNV-1a over the sorted,
// distinct FNV-1a hashes of its tokens, each as 8 little-endian bytes.
// Titles with the same words in any order, repeated or not, share it; no
// tokens give 0.
func TitleKey(tokens []string) uint64 {
	return setKey(tokenSet(tokens))
}

// setKey is TitleKey of a sorted, distinct token hash set (titleSet).
func setKey(set []uint64) uint64 {
	if len(set) == 0 {
		return 0
	}
	h := uint64(fnvOffset)
	for _, t := range set {
		for k := 0; k < 8; k++ {
			h ^= t >> (8 * k) & 0xff
			h *= fnvPrime
		}
	}
	return h
}

// Add counts one record with the title tokens tokens; a record without
// any is not counted.
func (c *TitleCounts) Add(tokens []string) {
	if k := TitleKey(tokens); k != 0 {
		c.incr(k, 1)
	}
}

func (c *TitleCounts) incr(h uint64, n int32) {
	if *c == nil {
		*c = make(TitleCounts)
	}
	old := (*c)[h]
	if old > math.MaxInt32-n {
		(*c)[h] = math.MaxInt32
		return
	}
	(*c)[h] = old + n
}

// Merge adds other's counts to c.
func (c *TitleCounts) Merge(other TitleCounts) {
	for h, n := range other {
		if n > 0 {
			c.incr(h, n)
		}
	}
}

// Count returns how many records counted have the word set of tokens: 0
// for no tokens or a word set never counted.
func (c TitleCounts) Count(tokens []string) int32 {
	if len(c) == 0 || len(tokens) == 0 {
		return 0
	}
	return c[TitleKey(tokens)]
}

// sameWords reports whether two records' titles have the same word set
// (and some words).
func sameWords(a, b *Prepared) bool {
	sa, sb := a.indexed().titleSet, b.indexed().titleSet
	return len(sa) > 0 && slices.Equal(sa, sb)
}

// sortedHashes returns c's hashes with a positive count, ascending.
func (c TitleCounts) sortedHashes() []uint64 {
	hs := make([]uint64, 0, len(c))
	for h, n := range c {
		if n > 0 {
			hs = append(hs, h)
		}
	}
	slices.Sort(hs)
	return hs
}

// titleShared is the title_shared feature: when the two titles have the
// same word set and n records share it (the larger of the two counts),
// 1 - 1/(n-1), else 0. A title the pair alone shares gives 0, one a third
// record shares too 1/2, one of eleven records 0.9; an unknown count (0)
// gives 0. Splink adds the log of the value's frequency to the match
// weight; the Scorer needs every feature in [0, 1], so this is bounded,
// and the model learns its weight.
func titleShared(a, b *Prepared) float64 {
	if !sameWords(a, b) {
		return 0
	}
	n := max(a.TitleCount, b.TitleCount)
	if n <= 2 {
		return 0
	}
	return 1 - 1/float64(n-1)
}

// titleTFIDFShared is title_tfidf_uncoded adjusted by the title's
// frequency: for an uncoded pair with identical normalised titles that n
// records share, the cosine (1) divided by n-1, so a title the pair alone
// shares keeps its full weight and one shared by a family of look-alikes
// counts little; title_tfidf_uncoded otherwise. "Identical" is the same
// word set, as TitleCounts counts them.
func titleTFIDFShared(a, b *Prepared) float64 {
	if !uncoded(a, b) {
		return 0
	}
	s := titleTFIDF(a, b)
	if sameWords(a, b) {
		if n := max(a.TitleCount, b.TitleCount); n > 2 {
			s /= float64(n - 1)
		}
	}
	return s
}

// NeedsTitleCounts reports whether any of the named features reads
// Prepared.TitleCount, so a job computes the corpus's TitleCounts only
// for a model that uses them.
func NeedsTitleCounts(features []string) bool {
	for _, f := range features {
		switch f {
		case "title_shared", "title_shared_uncoded", "title_tfidf_uncoded_tf":
			return true
		}
	}
	return false
}
