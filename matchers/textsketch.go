package matchers

// TextSketch is a one-permutation MinHash of a record's text, its title
// and the opening of its description (the first 200 bytes, as a missing
// title's stand-in): each token hashed once (FNV1a, mixed), the hashes
// split into textSketchBins bins by their top bits, and the least of each
// bin kept, 16 bits of it. The share of bins two sketches fill alike
// estimates the Jaccard similarity of their token sets. It costs 32
// bytes a record, so every record can carry one from Block to Score,
// where a description's own tokens would not fit at a million records.
//
// It is not a model feature: clustering reads it only to order pairs the
// model scores exactly alike (Edge.Tie). Two titles with the same words
// and no price or brand to tell them apart score the same, so which of
// two identical-titled candidates a record merges with would otherwise
// follow the order of record keys.
type TextSketch [textSketchBins]uint16

const (
	textSketchBins = 16
	// textSketchEmpty marks a bin no token fell in; a hash that lands on
	// it is nudged one down, so the marker is never a minimum.
	textSketchEmpty = 0xffff
)

// NewTextSketch sketches the tokens of NormalizeText(title) and of
// NormalizeText of the first 200 bytes of desc, as PrepareFields does.
func NewTextSketch(title, desc string) TextSketch {
	return textSketch(Tokens(NormalizeText(title)), desc)
}

// textSketch sketches title tokens and the opening of desc.
func textSketch(titleTokens []string, desc string) TextSketch {
	var s TextSketch
	for i := range s {
		s[i] = textSketchEmpty
	}
	s.add(titleTokens)
	if desc != "" {
		s.add(Tokens(NormalizeText(cutAtSpace(desc, maxFallbackTitle))))
	}
	return s
}

func (s *TextSketch) add(tokens []string) {
	for _, t := range tokens {
		h := bkMix64(FNV1a(t))
		v := uint16(h)
		if v == textSketchEmpty {
			v--
		}
		if bin := h >> (64 - 4); v < s[bin] { // 16 bins: the top 4 bits
			s[bin] = v
		}
	}
}

// Similarity is the share of the bins filled in either sketch that hold
// the same minimum in both, an estimate of the Jaccard similarity of the
// two token sets; 0 when both are empty. The zero TextSketch, one never
// computed, reads as empty rather than as sixteen equal bins.
func (s *TextSketch) Similarity(t *TextSketch) float32 {
	if *s == (TextSketch{}) || *t == (TextSketch{}) {
		return 0
	}
	var same, filled uint32
	for i := range s {
		a, b := s[i], t[i]
		if a != textSketchEmpty || b != textSketchEmpty {
			filled++
			if a == b {
				same++
			}
		}
	}
	if filled == 0 {
		return 0
	}
	return float32(same) / float32(filled)
}
