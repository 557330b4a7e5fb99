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
