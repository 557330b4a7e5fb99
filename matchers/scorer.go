package matchers

import (
	"fmt"
	"math"
)

// costlyFeatures are the string-edit similarities, an order of magnitude
// dearer per pair than the set and identifier comparisons.
var costlyFeatures = map[string]bool{
	"title_monge_elkan":  true,
	"title_jaro_winkler": true,
	"title_jaro":         true,
	"title_levenshtein":  true,
}

// Scorer decides pairs with a model at a threshold, computing the costly
// features last and only when they can still change the decision. Every
// feature lies in [0, 1], so once the cheap ones are known the logit can
// grow by at most the sum of the costly features' largest contributions;
// a pair that stays below the threshold even then is rejected without
// them. Decisions equal those of Model.Probability on every feature.
type Scorer struct {
	model     *Model
	fns       []func(a, b *Prepared) float64 // in model order
	cheap     []int                          // feature indexes, cheap first
	costly    []int
	costlyMax float64 // largest total logit contribution of the costly features
	threshold float64
	minLogit  float64 // logit of the threshold
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
	for i, name := range m.Features {
		if !costlyFeatures[name] {
			s.cheap = append(s.cheap, i)
			continue
		}
		s.costly = append(s.costly, i)
		s.costlyMax += max(s.model.contribution(i, 0), s.model.contribution(i, 1))
	}
	return s, nil
}

// Match returns the pair's match probability and whether it reaches the
// threshold. A pair rejected before its costly features are computed
// reports probability 0. x is scratch space for the feature vector,
// returned for reuse.
func (s *Scorer) Match(a, b *Prepared, x []float64) (p float64, matched bool, scratch []float64) {
	if cap(x) < len(s.fns) {
		x = make([]float64, len(s.fns))
	}
	x = x[:len(s.fns)]
	logit := s.model.Bias
	for _, i := range s.cheap {
		x[i] = s.fns[i](a, b)
		logit += s.model.contribution(i, x[i])
	}
	// The margin keeps the early rejection on the safe side of rounding.
	if logit+s.costlyMax < s.minLogit-1e-9 {
		return 0, false, x
	}
	for _, i := range s.costly {
		x[i] = s.fns[i](a, b)
	}
	p = s.model.Probability(x)
	return p, p >= s.threshold, x
}
