package matchers

import (
	"cmp"
	"slices"
)

// BlockPairs emits the candidate pairs of one block of n members as member
// indices i < j.
//
// A block of at most maxBlockSize members (maxBlockSize <= 0: no cap) emits
// all n(n-1)/2 pairs, in order (0,1), (0,2), ..., (n-2,n-1). A larger block,
// typically a common title token, would be quadratic, so it falls back to
// the sorted-neighbourhood method: members are sorted by compare (ties by
// index; a nil compare keeps index order) and each is paired with the next
// window members of that order. Neighbours in the order of, say, the
// normalised title are the near-duplicates, so recall stays high while an
// oversized block emits at most n*window pairs (exactly BlockPairCount).
// window <= 0 drops oversized blocks.
//
// Emission is deterministic for a given member order and compare.
func BlockPairs(n int, compare func(i, j int) int, maxBlockSize, window int, emit func(i, j int)) {
	if n < 2 {
		return
	}
	if maxBlockSize <= 0 || n <= maxBlockSize {
		for i := 0; i < n-1; i++ {
			for j := i + 1; j < n; j++ {
				emit(i, j)
			}
		}
		return
	}
	if window <= 0 {
		return
	}
	WindowPairs(NeighbourhoodOrder(n, compare), window, func(a, b int32) { emit(int(a), int(b)) })
}

// NeighbourhoodOrder returns the members 0..n-1 of an oversized block in
// the order the sorted neighbourhood pairs them: by compare, ties by index
// (a nil compare keeps index order).
func NeighbourhoodOrder(n int, compare func(i, j int) int) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	if compare != nil {
		slices.SortFunc(order, func(a, b int32) int {
			if c := compare(int(a), int(b)); c != 0 {
				return c
			}
			return int(a - b)
		})
	}
	return order
}

// WindowPairs emits the sorted-neighbourhood pairs of members listed in
// their neighbourhood order: each member with the next window members, as
// (smaller, larger). Two members are paired exactly when their positions
// differ by at most window.
func WindowPairs[T cmp.Ordered](order []T, window int, emit func(a, b T)) {
	for p, a := range order {
		for _, b := range order[p+1 : min(len(order), p+1+window)] {
			emit(min(a, b), max(a, b))
		}
	}
}

// BlockPairCount is the number of pairs BlockPairs emits for a block of n
// members: n(n-1)/2 up to maxBlockSize, then w(n-w) + w(w-1)/2 with
// w = min(window, n-1). Use it for block-size metrics and cost estimates.
func BlockPairCount(n, maxBlockSize, window int) int {
	if n < 2 {
		return 0
	}
	if maxBlockSize <= 0 || n <= maxBlockSize {
		return n * (n - 1) / 2
	}
	if window <= 0 {
		return 0
	}
	w := min(window, n-1)
	return w*(n-w) + w*(w-1)/2
}

// IsCanonicalPair reports whether the block (rule, key) is the one that
// should score the pair of records A and B: true iff (rule, key) is the
// smallest key, by rule index and then key string, that both records share.
// keysA[r] and keysB[r] are the records' keys under rule r, as computed by
// the pipeline's r-th BlockingRule. Each block can then drop the pairs it
// does not own, and a pair found under several rules and keys is scored
// once, with no global shuffle of pairs.
//
// This is only exact when every block emits all its pairs. With a
// block-size cap, use IsCanonicalPairCapped: an oversized block may not emit
// a pair, so it must never own a pair that a normal block would also find.
func IsCanonicalPair(keysA, keysB [][]string, rule int, key string) bool {
	return IsCanonicalPairCapped(keysA, keysB, rule, key, nil)
}

// IsCanonicalPairCapped is IsCanonicalPair for blocks under a size cap;
// oversized reports the keys whose blocks exceeded it (a nil oversized
// means none did). The owner of a pair is:
//
//   - the smallest shared key whose block is not oversized: that block
//     emits every pair, so the pair is scored exactly once;
//   - when every shared key is oversized, every oversized block that emits
//     the pair. No block can know whether another block's sorted
//     neighbourhood reaches the pair, so choosing one owner could lose it;
//     these pairs may be scored more than once. Cluster accepts duplicate
//     edges, and such pairs are few (they share nothing but common keys).
//
// It returns false when (rule, key) is not shared by both records.
// Cost: O(sum over rules r <= rule of len(keysA[r])*len(keysB[r])), all
// rules when the current block is oversized.
func IsCanonicalPairCapped(keysA, keysB [][]string, rule int, key string, oversized func(rule int, key string) bool) bool {
	if rule < 0 || rule >= len(keysA) || rule >= len(keysB) ||
		!slices.Contains(keysA[rule], key) || !slices.Contains(keysB[rule], key) {
		return false
	}
	capped := oversized != nil && oversized(rule, key)
	last := rule // a normal block only yields to earlier keys
	if capped {
		last = min(len(keysA), len(keysB)) - 1 // an oversized one to any normal key
	}
	for r := 0; r <= last; r++ {
		for _, k := range keysA[r] {
			if r == rule && (k == key || (!capped && k > key)) {
				continue
			}
			if slices.Contains(keysB[r], k) && (oversized == nil || !oversized(r, k)) {
				return false
			}
		}
	}
	return true
}
