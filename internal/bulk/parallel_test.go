package bulk

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortInPlace(t *testing.T) {
	type item struct {
		key, seq int
		pad      [40]byte
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 1000} {
		xs := make([]item, n)
		for i := range xs {
			xs[i] = item{key: r.IntN(n/3 + 1), seq: i}
		}
		want := slices.Clone(xs)
		slices.SortStableFunc(want, func(a, b item) int { return cmp.Compare(a.key, b.key) })
		SortInPlace(xs, func(a, b *item) int { return cmp.Compare(a.key, b.key) })
		if !slices.Equal(xs, want) {
			t.Fatalf("n=%d: SortInPlace differs from a stable sort", n)
		}
	}
}
