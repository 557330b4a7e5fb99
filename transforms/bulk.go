package transforms

import (
	"cmp"
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Helpers for the stages that hold a whole shard in one bundle (prism runs
// a stage as one bundle): work on every core, and sort millions of large
// elements without a second copy.

// parallel calls fn(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, fn func(i int)) {
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

// decodeAll decodes the batches on every core and returns their elements
// in batch order, in one slice of the exact size. Each batch's part is
// dropped once copied, so the collector can reclaim it while the copy
// goes on.
func decodeAll[T any](batches [][]byte, decode func(batch []byte, into []T) ([]T, error)) ([]T, error) {
	parts := make([][]T, len(batches))
	errs := make([]error, len(batches))
	parallel(len(batches), func(i int) {
		parts[i], errs[i] = decode(batches[i], nil)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]T, 0, n)
	for i := range parts {
		out = append(out, parts[i]...)
		parts[i] = nil
	}
	return out, nil
}

// sortInPlace sorts xs by compare (equal elements keep their order),
// moving each (large) element once: it sorts a permutation of indices,
// then applies it by following its cycles, without a second copy of xs.
func sortInPlace[T any](xs []T, compare func(a, b *T) int) {
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
