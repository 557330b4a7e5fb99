package bulk

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Helpers for the stages that hold a whole shard in one bundle (prism runs
// a stage as one bundle): work on every core, and sort millions of large
// elements without a second copy.

// Parallel calls fn(0..n-1) on GOMAXPROCS goroutines.
func Parallel(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// SortInPlace sorts xs by compare (equal elements keep their order),
// moving each (large) element once: it sorts a permutation of indices,
// then applies it by following its cycles, without a second copy of xs.
func SortInPlace[T any](xs []T, compare func(a, b *T) int) {
	order := make([]int32, len(xs)) // order[k]: the index of the element that goes to k
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int { return cmp.Or(compare(&xs[i], &xs[j]), cmp.Compare(i, j)) })
	for start := range order {
		if order[start] < 0 || int(order[start]) == start {
			continue
		}
		tmp := xs[start]
		k := start
		for {
			from := int(order[k])
			order[k] = -1
			if from == start {
				xs[k] = tmp
				break
			}
			xs[k] = xs[from]
			k = from
		}
	}
}

// Membership says that candidate Cand belongs to the block of hash Block:
// Score's index of a shard is every membership sorted by block.
type Membership struct {
	Block uint64
	Cand  int32
}

// SortMemberships sorts ms by the low bits bits of Block, keeping the
// order of equal blocks, in bits/8 (rounded up) passes through scratch,
// which must be as long as ms. Millions of random 64-bit hashes sort this
// way in a few linear passes instead of n·log n comparisons.
func SortMemberships(ms, scratch []Membership, bits int) {
	src, dst := ms, scratch[:len(ms)]
	for shift := 0; shift < bits; shift += 8 {
		var count [257]int
		for i := range src {
			count[(src[i].Block>>shift)&0xff+1]++
		}
		for d := 1; d < len(count); d++ {
			count[d] += count[d-1]
		}
		for _, m := range src {
			d := (m.Block >> shift) & 0xff
			dst[count[d]] = m
			count[d]++
		}
		src, dst = dst, src
	}
	if len(src) > 0 && &src[0] != &ms[0] {
		copy(ms, src)
	}
}
