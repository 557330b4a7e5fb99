package transforms

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Beam Go has no histogram metric, so the per-record processing time of
// each source is recorded as one Beam counter per histogram bucket, in
// their own namespace:
//
//	bucket/<source>/<le>   records whose time is at most le seconds and more
//	                       than the next lower bound (not cumulative);
//	                       le is formatted by FormatBucketBound, "+Inf" last
//	sum_ns/<source>        total time of the source's records, in nanoseconds
//
// A record's time is what its reader spent decoding it (the time between
// handing over the previous record and this one, so the first record of a
// file carries opening it and a REST page's first record carries fetching
// the page) plus mapping and checking it in Harmonize. Every record read is
// observed once, rejected ones included, so a source's bucket counts add
// up to its read counter.
const DurationNamespace = "linkbeam.duration"

// DurationBuckets are the histogram's upper bounds in seconds, +Inf
// implied: a record usually takes microseconds, a file's first record or a
// REST page milliseconds or more.
var DurationBuckets = []float64{
	0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1,
}

// DurationBucketCounter names the counter of one bucket.
func DurationBucketCounter(source string, le float64) string {
	return "bucket/" + source + "/" + FormatBucketBound(le)
}

// DurationSumCounter names the counter of a source's total time.
func DurationSumCounter(source string) string { return "sum_ns/" + source }

// ParseDurationCounter reads the name of a counter of DurationNamespace:
// a bucket's source and upper bound, or a sum's source.
func ParseDurationCounter(name string) (source string, le float64, isSum, ok bool) {
	kind, rest, _ := strings.Cut(name, "/")
	switch kind {
	case "sum_ns":
		return rest, 0, true, rest != ""
	case "bucket":
		i := strings.LastIndexByte(rest, '/')
		if i < 0 {
			return "", 0, false, false
		}
		le, err := strconv.ParseFloat(rest[i+1:], 64) // "+Inf" too
		return rest[:i], le, false, err == nil
	}
	return "", 0, false, false
}

// FormatBucketBound formats an upper bound as in Prometheus' le label.
func FormatBucketBound(le float64) string {
	if math.IsInf(le, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(le, 'g', -1, 64)
}

// durationHistogram records per-source durations into bucket counters for
// a DoFn.
type durationHistogram struct {
	buckets map[string][]beam.Counter // by source: one per bound, then +Inf
	sums    map[string]beam.Counter
}

func (h *durationHistogram) observe(ctx context.Context, source string, d time.Duration) {
	if h.buckets == nil {
		h.buckets = map[string][]beam.Counter{}
		h.sums = map[string]beam.Counter{}
	}
	bs, ok := h.buckets[source]
	if !ok {
		bs = make([]beam.Counter, len(DurationBuckets)+1)
		for i, le := range DurationBuckets {
			bs[i] = beam.NewCounter(DurationNamespace, DurationBucketCounter(source, le))
		}
		bs[len(DurationBuckets)] = beam.NewCounter(DurationNamespace, DurationBucketCounter(source, math.Inf(1)))
		h.buckets[source] = bs
		h.sums[source] = beam.NewCounter(DurationNamespace, DurationSumCounter(source))
	}
	secs := d.Seconds()
	i := 0
	for i < len(DurationBuckets) && secs > DurationBuckets[i] {
		i++
	}
	bs[i].Inc(ctx, 1)
	h.sums[source].Inc(ctx, int64(d))
}
