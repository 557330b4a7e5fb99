package transforms

import (
	"cmp"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestDecodeAllKeepsBatchOrder(t *testing.T) {
	batches := [][]byte{[]byte("abc"), nil, []byte("d"), []byte("efgh")}
	got, err := decodeAll(batches, func(b []byte, into []byte) ([]byte, error) { return append(into, b...), nil })
	if err != nil || string(got) != "abcdefgh" || cap(got) != 8 {
		t.Fatalf("decodeAll = %q (cap %d), %v; want \"abcdefgh\" (cap 8)", got, cap(got), err)
	}
	bad := errors.New("corrupt")
	_, err = decodeAll(batches, func(b []byte, into []byte) ([]byte, error) {
		if len(b) == 1 {
			return nil, bad
		}
		return into, nil
	})
	if !errors.Is(err, bad) {
		t.Fatalf("decodeAll error = %v; want %v", err, bad)
	}
}

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
		sortInPlace(xs, func(a, b *item) int { return cmp.Compare(a.key, b.key) })
		if !slices.Equal(xs, want) {
			t.Fatalf("n=%d: sortInPlace differs from a stable sort", n)
		}
	}
}
