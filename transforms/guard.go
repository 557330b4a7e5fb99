package transforms

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	registerBatchFn((*guardRejectsFn)(nil))
	register.Iter1[SourceTally]()
}

// GuardRejects stops a job whose feeds went bad before anything is
// published: when a source rejects more than its max_reject_ratio of the
// records read, the job fails with a message naming the source and the
// ratio. It takes the PCollection<SourceTally> from Harmonize and the
// PCollection<string> of written files, and returns the written files
// again, complete only once the check has passed: commit them, not the
// unchecked ones.
func GuardRejects(s beam.Scope, maxRatio map[string]float64, tallies, written beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.GuardRejects")
	return beam.ParDo(s, &guardRejectsFn{MaxRatio: maxRatio}, beam.Impulse(s),
		beam.SideInput{Input: tallies}, beam.SideInput{Input: written})
}

type guardRejectsFn struct {
	MaxRatio map[string]float64 // source -> largest share of rejects allowed; 0 = no check
}

func (fn *guardRejectsFn) ProcessElement(_ context.Context, _ []byte, tallies func(*SourceTally) bool, written func(*string) bool, emit func(string)) error {
	sum := map[string]*SourceTally{}
	var t SourceTally
	for tallies(&t) {
		acc, ok := sum[t.Source]
		if !ok {
			acc = &SourceTally{Source: t.Source}
			sum[t.Source] = acc
		}
		acc.Read += t.Read
		acc.Rejected += t.Rejected
	}
	if err := checkRejectRatios(sum, fn.MaxRatio); err != nil {
		return err
	}
	var f string
	for written(&f) {
		emit(f)
	}
	return nil
}

// checkRejectRatios reports every source over its limit together.
func checkRejectRatios(sum map[string]*SourceTally, maxRatio map[string]float64) error {
	names := make([]string, 0, len(sum))
	for n := range sum {
		names = append(names, n)
	}
	sort.Strings(names)
	var errs []error
	for _, n := range names {
		t, limit := sum[n], maxRatio[n]
		if limit <= 0 || t.Read == 0 {
			continue
		}
		if ratio := float64(t.Rejected) / float64(t.Read); ratio > limit {
			errs = append(errs, fmt.Errorf("source %s rejected %d of %d records (%.1f%%), over its max_reject_ratio %.1f%%: nothing published",
				n, t.Rejected, t.Read, 100*ratio, 100*limit))
		}
	}
	return errors.Join(errs...)
}
