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

func TestSortMemberships(t *testing.T) {
	// Hand-checked: bits above the 16 sorted are ignored, ties keep order.
	ms := []Membership{{0x0201, 0}, {0x0102, 1}, {0x0101, 2}, {0xff0102, 3}}
	SortMemberships(ms, make([]Membership, len(ms)), 16)
	if want := []Membership{{0x0101, 2}, {0x0102, 1}, {0xff0102, 3}, {0x0201, 0}}; !slices.Equal(ms, want) {
		t.Fatalf("SortMemberships = %x, want %x", ms, want)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 1000} {
		for _, bits := range []int{8, 56, 64} {
			ms := make([]Membership, n)
			for i := range ms {
				// Few distinct blocks, every byte different: ties, and every pass counts.
				ms[i] = Membership{Block: uint64(r.IntN(n/3+1)) * 0x9e3779b97f4a7c15 >> (64 - bits), Cand: int32(i)}
			}
			want := slices.Clone(ms)
			slices.SortStableFunc(want, func(a, b Membership) int { return cmp.Compare(a.Block, b.Block) })
			SortMemberships(ms, make([]Membership, n), bits)
			if !slices.Equal(ms, want) {
				t.Fatalf("n=%d bits=%d: SortMemberships differs from a stable sort", n, bits)
			}
		}
	}
}
