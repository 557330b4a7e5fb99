package transforms

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// Each scoring worker sorts its oversized-block pairs; merging the sorted
// lists must give what one sort of all of them gives, duplicates kept.
func TestMergeBigPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	byAB := func(x, y bigPair) int { return cmp.Compare(x.ab(), y.ab()) }
	random := func(n int) []bigPair {
		ps := make([]bigPair, n)
		for i := range ps {
			ps[i] = bigPair{a: rng.Int32N(20), b: rng.Int32N(20)}
		}
		slices.SortFunc(ps, byAB)
		return ps
	}
	for _, sizes := range [][]int{{0, 0}, {0, 5}, {5, 0}, {7, 9}, {30, 1}, {3, 3, 3}} {
		var merged, all []bigPair
		for _, n := range sizes {
			ps := random(n)
			all = append(all, ps...)
			merged = mergeBigPairs(merged, ps)
		}
		slices.SortFunc(all, byAB)
		if len(merged) != len(all) {
			t.Fatalf("sizes %v: merged %d pairs, want %d", sizes, len(merged), len(all))
		}
		for i := range all {
			if merged[i].ab() != all[i].ab() {
				t.Fatalf("sizes %v: pair %d is %v, want %v", sizes, i, merged[i], all[i])
			}
		}
	}
}
