package matchers

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestScorerDecisions: on pairs of look-alike titles, the early-rejecting
// Scorer decides every pair as the full model does, at several thresholds,
// and skips the costly features for most non-matches.
func TestScorerDecisions(t *testing.T) {
	m := withJaroWinkler(DefaultModel())
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"sony", "samsung", "bravia", "kdl52w4100", "un55tu7000", "un65tu7000", "55in", "65in",
		"black", "silver", "4k", "smart", "tv", "lcd", "headphones", "wh1000xm4", "wireless", "blk", "gy"}
	title := func() string {
		s := ""
		for range 3 + rng.IntN(5) {
			s += words[rng.IntN(len(words))] + " "
		}
		return s
	}
	var recs []Prepared
	for i := range 300 {
		f := Fields{Source: fmt.Sprint(i % 2), Title: title(), Price: 100 + float64(rng.IntN(50)), HasPrice: rng.IntN(2) == 0}
		if rng.IntN(3) == 0 {
			f.ModelNumber = words[3+rng.IntN(3)]
		}
		if rng.IntN(4) == 0 { // pairs that are uncoded, coded by GTIN alone, or both
			f.GTIN = []string{"00012345678905", "00036000291452"}[rng.IntN(2)]
		}
		recs = append(recs, Prepare(f, nil))
	}
	fs, err := NewFeatureSet(m.Features)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range []float64{0.05, m.Threshold, 0.5, 0.9} {
		s, err := NewScorer(m, th)
		if err != nil {
			t.Fatal(err)
		}
		var x []float64
		early, matches := 0, 0
		for i := range recs {
			for j := i + 1; j < len(recs); j++ {
				full := m.Probability(fs.Compute(&recs[i], &recs[j], nil))
				var p float64
				var ok bool
				p, ok, x = s.Match(&recs[i], &recs[j], x)
				if ok != (full >= th) {
					t.Fatalf("threshold %v, %q vs %q: scorer says %v, full model p=%v", th, recs[i].Title, recs[j].Title, ok, full)
				}
				if ok && p != full {
					t.Fatalf("matched pair p = %v, full model %v", p, full)
				}
				if p == 0 && full != 0 {
					early++
				}
				if ok {
					matches++
				}
			}
		}
		t.Logf("threshold %.2f: %d matches, %d of %d pairs rejected early", th, matches, early, len(recs)*(len(recs)-1)/2)
		if th == m.Threshold && early == 0 {
			t.Error("no pair was rejected before its costly features")
		}
	}
}

func TestScorerThreshold(t *testing.T) {
	for _, th := range []float64{0, 1, -0.5} {
		if _, err := NewScorer(DefaultModel(), th); err == nil {
			t.Errorf("threshold %v accepted", th)
		}
	}
}

// withJaroWinkler returns m with a costly feature added, title_jaro_winkler
// weighing for a match, so that the Scorer has something to skip whether
// or not m itself uses one.
func withJaroWinkler(m *Model) *Model {
	c := *m
	c.Features = append(slices.Clone(m.Features), "title_jaro_winkler")
	c.Weights = append(slices.Clone(m.Weights), 1.5)
	if len(m.Mean) > 0 {
		c.Mean = append(slices.Clone(m.Mean), 0.7)
		c.Std = append(slices.Clone(m.Std), 0.12)
	}
	return &c
}
