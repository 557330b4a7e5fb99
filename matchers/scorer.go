package matchers

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// featureCost ranks features by their cost per pair, cheapest first:
// field equalities, then identifier comparisons, then token sets, then
// TF-IDF, then string edits (an order of magnitude dearer than the rest).
// A feature not listed ranks with the token sets.
var featureCost = map[string]int{
	"brand_agree": 0, "brand_disagree": 0, "gtin_agree": 0, "gtin_disagree": 0,
	"colour_agree": 0, "colour_mismatch": 0, "price_ratio": 0, "price_mismatch": 0, "price_known": 0,
	"model_agree": 1, "model_disagree": 1, "uncoded": 1, "model_partial": 1, "title_number_mismatch": 1,
	"title_shared": 1, "title_shared_uncoded": 1,
	"model_in_title": 2, "model_variant": 2, // Jaro-Winkler of model numbers
	"title_jaccard": 3, "title_containment": 3, "title_containment_uncoded": 3,
	"title_tfidf": 4, "title_tfidf_uncoded": 4, "title_tfidf_uncoded_tf": 4,
	"title_monge_elkan": 5, "title_jaro_winkler": 5, "title_jaro": 5, "title_levenshtein": 5,
}

// Whether a code can be compared (uncoded) settles some features before
// they are computed: those counted only for uncoded pairs are 0 for a
// coded one, and comparisons of codes both records need are 0 for an
// uncoded one (uncoded means one record lacks model numbers and one lacks
// a GTIN). TestScorerDecisions checks the decisions against the full model.
var (
	uncodedOnly = map[string]bool{"title_tfidf_uncoded": true, "title_containment_uncoded": true,
		"title_shared_uncoded": true, "title_tfidf_uncoded_tf": true}
	codedOnly = map[string]bool{"model_agree": true, "model_disagree": true, "model_partial": true,
		"model_variant": true, "gtin_agree": true, "gtin_disagree": true}
)

// Scorer decides pairs with a model at a threshold, computing features
// cheapest first and stopping as soon as the pair cannot reach the
// threshold any more. Every feature lies in [0, 1], so after each feature
// the logit can grow by at most the sum of the remaining features' largest
// contributions; a pair that stays below the threshold even then is
// rejected without them. Within one cost the features that can argue
// hardest against a match come first, and features of weight zero are
// never computed. A pair's plan depends on whether a code can be compared
// (uncoded), which fixes the features gated on it. Decisions equal those
// of Model.Probability on every feature.
type Scorer struct {
	model     *Model
	fns       []func(a, b *Prepared) float64 // in model order
	plans     [2]scorePlan                   // for coded and uncoded pairs
	threshold float64
	minLogit  float64 // logit of the threshold
}

// scorePlan is how a Scorer decides one kind of pair.
type scorePlan struct {
	order  []int     // features to compute, in computing order
	rest   []float64 // rest[k]: largest logit gain of order[k:]
	fixed  []int     // features whose value the plan knows: fixedX
	fixedX []float64
	base   float64 // the bias plus the fixed features' contributions
}

// NewScorer builds a Scorer for m at threshold (0 < threshold < 1).
func NewScorer(m *Model, threshold float64) (*Scorer, error) {
	fs, err := NewFeatureSet(m.Features)
	if err != nil {
		return nil, err
	}
	if !(threshold > 0 && threshold < 1) {
		return nil, fmt.Errorf("scorer: threshold %v outside (0, 1)", threshold)
	}
	s := &Scorer{model: m, fns: fs.fns, threshold: threshold, minLogit: math.Log(threshold / (1 - threshold))}
	for kind := range s.plans {
		s.plans[kind] = newScorePlan(m, kind == 1)
	}
	return s, nil
}

func newScorePlan(m *Model, uncodedPair bool) scorePlan {
	cost := func(i int) int {
		if c, ok := featureCost[m.Features[i]]; ok {
			return c
		}
		return featureCost["title_jaccard"]
	}
	lowest := func(i int) float64 { return min(m.contribution(i, 0), m.contribution(i, 1)) }
	pl := scorePlan{base: m.Bias}
	for i, name := range m.Features {
		x, known := 0.0, m.Weights[i] == 0
		switch {
		case name == "uncoded":
			x, known = is(uncodedPair), true
		case uncodedOnly[name] && !uncodedPair, codedOnly[name] && uncodedPair:
			known = true
		}
		if !known {
			pl.order = append(pl.order, i)
			continue
		}
		pl.fixed = append(pl.fixed, i)
		pl.fixedX = append(pl.fixedX, x)
		pl.base += m.contribution(i, x)
	}
	slices.SortStableFunc(pl.order, func(i, j int) int {
		return cmp.Or(cmp.Compare(cost(i), cost(j)), cmp.Compare(lowest(i), lowest(j)))
	})
	pl.rest = make([]float64, len(pl.order)+1)
	for k := len(pl.order) - 1; k >= 0; k-- {
		i := pl.order[k]
		pl.rest[k] = pl.rest[k+1] + max(m.contribution(i, 0), m.contribution(i, 1))
	}
	return pl
}

// Match returns the pair's match probability and whether it reaches the
// threshold. A pair rejected before all its features are computed
// reports probability 0. x is scratch space for the feature vector,
// returned for reuse.
func (s *Scorer) Match(a, b *Prepared, x []float64) (p float64, matched bool, scratch []float64) {
	if cap(x) < len(s.fns) {
		x = make([]float64, len(s.fns))
	}
	x = x[:len(s.fns)]
	pl := &s.plans[0]
	if uncoded(a, b) {
		pl = &s.plans[1]
	}
	logit := pl.base
	for k, i := range pl.order {
		// The margin keeps the early rejection on the safe side of rounding.
		if logit+pl.rest[k] < s.minLogit-1e-9 {
			return 0, false, x
		}
		x[i] = s.fns[i](a, b)
		logit += s.model.contribution(i, x[i])
	}
	for k, i := range pl.fixed {
		x[i] = pl.fixedX[k] // Probability sums in model order
	}
	p = s.model.Probability(x)
	return p, p >= s.threshold, x
}
