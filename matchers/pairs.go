package matchers

import "slices"

// BlockPairs emits the candidate pairs of one block of n members as member
// indices i < j.
//
// A block of at most maxBlockSize members (maxBlockSize <= 0: no cap) emits
// all n(n-1)/2 pairs, in order (0,1), (0,2), ..., (n-2,n-1). A larger block,
// typically a common title token, would be quadratic, so it falls back to
// the sorted-neighbourhood method: members are sorted by less (ties by
// index; a nil less keeps index order) and each is paired with the next
// window members of that order. Neighbours in the order of, say, the
// normalised title are the near-duplicates, so recall stays high while an
// oversized block emits at most n*window pairs (exactly BlockPairCount).
// window <= 0 drops oversized blocks.
//
// Emission is deterministic for a given member order and less.
func BlockPairs(n int, less func(i, j int) bool, maxBlockSize, window int, emit func(i, j int)) {
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
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if less != nil {
		slices.SortFunc(order, func(a, b int) int {
			switch {
			case less(a, b):
				return -1
			case less(b, a):
				return 1
			}
			return a - b
		})
	}
	for p, a := range order {
		for _, b := range order[p+1 : min(n, p+1+window)] {
			if a < b {
				emit(a, b)
			} else {
				emit(b, a)
			}
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
