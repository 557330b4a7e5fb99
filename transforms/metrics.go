package transforms

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Namespace is the Beam metrics namespace of every linkbeam counter.
const Namespace = "linkbeam"

// Per-source counters are named "<stage>/<source>"; together they carry the
// accounting invariants: read = accepted + rejected and
// accepted + reused = linked + superseded.
const (
	MetricRead       = "read"
	MetricAccepted   = "accepted"
	MetricRejected   = "rejected"
	MetricSuperseded = "superseded"
	MetricLinked     = "linked"
	// MetricReused counts the records an incremental run took from the
	// previous run's records/ instead of reading the source (see
	// ReadPrevious); they are linked like accepted ones.
	MetricReused = "reused"
)

// Job-wide counters.
const (
	MetricCandidatePairs = "candidate_pairs" // pairs produced by blocking, before scoring
	MetricScoredPairs    = "scored_pairs"    // distinct pairs scored by the model
	MetricKeptEdges      = "kept_edges"      // previous edges of two records unchanged since --previous, once per block shard holding both
	MetricMatchedPairs   = "matched_pairs"   // pairs at or above the threshold
	MetricOversizedBlock = "oversized_blocks"
	MetricMasters        = "masters"
	MetricMultiClusters  = "multi_member_masters" // masters merging two or more records
	MetricClusterSize    = "cluster_size"         // distribution over masters
)

// MetricChangesPrefix prefixes the job-wide counter of each change event
// kind of an incremental run: "changes_created", "changes_merged", ...
const MetricChangesPrefix = "changes_"

// SourceCounter names a per-source counter.
func SourceCounter(stage, source string) string { return stage + "/" + source }

// sourceCounters caches per-source counters of one stage for a DoFn.
type sourceCounters struct {
	stage string
	m     map[string]beam.Counter
}

func (c *sourceCounters) inc(ctx context.Context, source string, n int64) {
	if c.m == nil {
		c.m = map[string]beam.Counter{}
	}
	ctr, ok := c.m[source]
	if !ok {
		ctr = beam.NewCounter(Namespace, SourceCounter(c.stage, source))
		c.m[source] = ctr
	}
	ctr.Inc(ctx, n)
}
