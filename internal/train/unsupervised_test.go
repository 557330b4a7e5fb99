package train

import (
	"slices"
	"testing"

	"github.com/linkbeam/linkbeam/schemas"
)

func TestRandomPairsEnumeratesSmallSets(t *testing.T) {
	var got [][2]int
	n := randomPairs(4, 10, 1, func(i, j int) { got = append(got, [2]int{i, j}) })
	want := [][2]int{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}
	if n != 6 || !slices.Equal(got, want) {
		t.Fatalf("%d pairs %v, want every pair once %v", n, got, want)
	}
}

func TestRandomPairsSampleIsDeterministicAndDistinct(t *testing.T) {
	draw := func(seed uint64) [][2]int {
		var out [][2]int
		randomPairs(100, 50, seed, func(i, j int) {
			if i == j || i < 0 || j < 0 || i >= 100 || j >= 100 {
				t.Fatalf("pair (%d, %d) out of range or not distinct", i, j)
			}
			out = append(out, [2]int{i, j})
		})
		return out
	}
	a, b, c := draw(7), draw(7), draw(8)
	if len(a) != 50 || !slices.Equal(a, b) {
		t.Fatalf("same seed: %d pairs, equal %v", len(a), slices.Equal(a, b))
	}
	if slices.Equal(a, c) {
		t.Fatal("another seed drew the same pairs")
	}
}

func TestUnsupervisedNeedsTwoRecords(t *testing.T) {
	one := []schemas.Product{{Source: "a", SourceID: "1", Title: "x"}}
	if _, err := Unsupervised(one, schemas.BlockingConfig{}, UnsupervisedOptions{}); err == nil {
		t.Fatal("one record: want an error")
	}
}
