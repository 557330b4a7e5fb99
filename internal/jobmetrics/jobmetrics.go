// Package jobmetrics exports a finished run's Beam metrics as Prometheus
// series: to a file for node_exporter's textfile collector, or pushed to
// a Pushgateway (cmd/linkbeam's --metrics_* flags).
package jobmetrics

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/transforms"
)

// Prometheus series of a finished run, built from its Beam metrics by
// New. Counters hold the run's own totals (each run starts from
// zero), as a batch job's metrics do.
const (
	// MetricProductsProcessed{source,status}: the per-source accounting
	// counters; status is read, accepted, rejected, superseded, linked or
	// reused (records an incremental run took from --previous).
	MetricProductsProcessed = "products_processed_total"
	// MetricDuplicateProducts{source,match_type}: records that duplicate
	// another record, by the strongest evidence:
	//   exact: an older version of a record the source sent again (its
	//          superseded count), plus records sharing their GTIN with
	//          another member of their master;
	//   model: records sharing a model number, and no GTIN, with another
	//          member of their master;
	//   fuzzy: the other records of masters with two or more members,
	//          linked on title, brand and price alone.
	// See transforms.DuplicatesNamespace.
	MetricDuplicateProducts = "duplicate_products_total"
	// MetricProcessingDuration{source}: a histogram of the time each
	// record took to read (decode) and harmonize; see
	// transforms.DurationNamespace.
	MetricProcessingDuration = "product_processing_duration_seconds"

	MetricCandidatePairs  = "linkbeam_candidate_pairs_total"
	MetricScoredPairs     = "linkbeam_scored_pairs_total"
	MetricKeptEdges       = "linkbeam_kept_edges_total"
	MetricMatchedPairs    = "linkbeam_matched_pairs_total"
	MetricOversizedBlocks = "linkbeam_oversized_blocks_total"
	MetricMasters         = "linkbeam_masters_total"
	MetricMultiMasters    = "linkbeam_multi_member_masters_total"
	// MetricClusterSize is a summary without quantiles (_count: masters,
	// _sum: linked records); _min and _max are gauges beside it.
	MetricClusterSize = "linkbeam_cluster_size"
	MetricJobDuration = "linkbeam_job_duration_seconds"
	MetricLastSuccess = "linkbeam_last_success_timestamp_seconds"
)

// Statuses of MetricProductsProcessed, in accounting order.
var productStatuses = []string{
	transforms.MetricRead, transforms.MetricAccepted, transforms.MetricRejected,
	transforms.MetricSuperseded, transforms.MetricLinked, transforms.MetricReused,
}

// Match types of MetricDuplicateProducts.
const (
	MatchExact = "exact"
	MatchModel = "model"
	MatchFuzzy = "fuzzy"
)

// Collector is a prometheus.Collector of a finished run's metrics.
type Collector struct {
	descs   []*prometheus.Desc
	metrics []prometheus.Metric
}

// New converts a finished run's Beam metrics (the results
// pipelines.Summarize reads) into Prometheus metrics. wall is the job's wall time;
// a non-zero success adds MetricLastSuccess at that time, so pass it only
// for a run whose output was committed and whose accounting holds.
func New(res metrics.QueryResults, wall time.Duration, success time.Time) *Collector {
	j := &Collector{}
	sum := pipelines.Summarize(res)

	processed := j.desc(MetricProductsProcessed, "Records of the last run per source, by accounting status: read = accepted + rejected, accepted + reused = linked + superseded.", "source", "status")
	for _, name := range sum.SourceNames() {
		c := sum.Sources[name]
		for i, v := range []int64{c.Read, c.Accepted, c.Rejected, c.Superseded, c.Linked, c.Reused} {
			j.add(processed, prometheus.CounterValue, float64(v), name, productStatuses[i])
		}
	}

	dups := duplicateCounts(res)
	duplicates := j.desc(MetricDuplicateProducts, "Records of the last run that duplicate another record, per source: exact (an older version of the same source id, or the same GTIN as another member of its master), model (a shared model number), fuzzy (the rest of the records in multi-member masters).", "source", "match_type")
	for _, name := range sum.SourceNames() {
		d := dups[name]
		j.add(duplicates, prometheus.CounterValue, float64(sum.Sources[name].Superseded+d[transforms.DuplicateGTIN]), name, MatchExact)
		j.add(duplicates, prometheus.CounterValue, float64(d[transforms.DuplicateModel]), name, MatchModel)
		j.add(duplicates, prometheus.CounterValue, float64(d[transforms.DuplicateFuzzy]), name, MatchFuzzy)
	}

	duration := j.desc(MetricProcessingDuration, "Time each record of the last run took to read (its share of the reader's time) and harmonize, per source.", "source")
	for _, h := range durationHistograms(res) {
		j.metrics = append(j.metrics, prometheus.MustNewConstHistogram(duration, h.count, h.sum, h.buckets, h.source))
	}

	for _, c := range []struct {
		name, help string
		v          int64
	}{
		{MetricCandidatePairs, "Candidate pairs blocking produced in the last run, before scoring.", sum.CandidatePairs},
		{MetricScoredPairs, "Distinct pairs the match model scored in the last run.", sum.ScoredPairs},
		{MetricKeptEdges, "Edges of the previous run between two records unchanged since --previous, kept without scoring in the last run (once per block shard holding both records).", sum.KeptEdges},
		{MetricMatchedPairs, "Scored pairs at or above the match threshold in the last run.", sum.MatchedPairs},
		{MetricOversizedBlocks, "Blocks of the last run over max_block_size, paired by sorted neighbourhood.", counter(res, transforms.MetricOversizedBlock)},
		{MetricMasters, "Master records the last run wrote.", sum.Masters},
		{MetricMultiMasters, "Master records of the last run that merge two or more records.", sum.MultiMasters},
	} {
		j.add(j.desc(c.name, c.help), prometheus.CounterValue, float64(c.v))
	}

	size := clusterSizeDistribution(res)
	j.metrics = append(j.metrics, prometheus.MustNewConstSummary(
		j.desc(MetricClusterSize, "Records per master in the last run (count: masters, sum: linked records)."),
		uint64(size.Count), float64(size.Sum), nil))
	j.add(j.desc(MetricClusterSize+"_min", "Smallest master of the last run, in records."), prometheus.GaugeValue, float64(size.Min))
	j.add(j.desc(MetricClusterSize+"_max", "Largest master of the last run, in records."), prometheus.GaugeValue, float64(size.Max))

	j.add(j.desc(MetricJobDuration, "Wall time of the last run, from submission to completion."), prometheus.GaugeValue, wall.Seconds())
	if !success.IsZero() {
		j.add(j.desc(MetricLastSuccess, "When the last successful run finished, in Unix seconds."), prometheus.GaugeValue,
			float64(success.UnixNano())/1e9)
	}
	return j
}

func (j *Collector) desc(name, help string, labels ...string) *prometheus.Desc {
	d := prometheus.NewDesc(name, help, labels, nil)
	j.descs = append(j.descs, d)
	return d
}

func (j *Collector) add(d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
	j.metrics = append(j.metrics, prometheus.MustNewConstMetric(d, t, v, labels...))
}

// Describe implements prometheus.Collector.
func (j *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range j.descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (j *Collector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range j.metrics {
		ch <- m
	}
}

// Registry returns a registry holding only the run's metrics (New): what
// a metrics file or a push carries.
func Registry(res metrics.QueryResults, wall time.Duration, success time.Time) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(New(res, wall, success))
	return reg
}

// WriteFile writes g's metrics to path in the Prometheus text format,
// through a temporary file in the same folder renamed over path, so
// node_exporter's textfile collector never reads half a file. path must be
// local.
func WriteFile(path string, g prometheus.Gatherer) error {
	if err := prometheus.WriteToTextfile(path, g); err != nil {
		return fmt.Errorf("writing metrics to %s: %w", path, err)
	}
	return nil
}

// PushJob is the job label of pushed metrics.
const PushJob = "linkbeam"

// Push replaces the metrics of the group {job="linkbeam",
// config=configName} on the Pushgateway at url with g's (HTTP PUT).
func Push(ctx context.Context, url, configName string, g prometheus.Gatherer) error {
	err := push.New(url, PushJob).
		Grouping("config", configName).
		Gatherer(g).
		Client(&http.Client{Timeout: 30 * time.Second}).
		PushContext(ctx)
	if err != nil {
		return fmt.Errorf("pushing metrics to %s: %w", url, err)
	}
	return nil
}

// counter sums a job-wide linkbeam counter over steps.
func counter(res metrics.QueryResults, name string) int64 {
	var n int64
	for _, c := range res.Counters() {
		if c.Namespace() == transforms.Namespace && c.Name() == name {
			n += c.Result()
		}
	}
	return n
}

// duplicateCounts reads the duplicate-kind counters of transforms.Cluster: source →
// kind → records.
func duplicateCounts(res metrics.QueryResults) map[string]map[string]int64 {
	out := map[string]map[string]int64{}
	for _, c := range res.Counters() {
		if c.Namespace() != transforms.DuplicatesNamespace {
			continue
		}
		kind, source, ok := strings.Cut(c.Name(), "/")
		if !ok {
			continue
		}
		if out[source] == nil {
			out[source] = map[string]int64{}
		}
		out[source][kind] += c.Result()
	}
	return out
}

// clusterSizeDistribution merges the cluster size distribution over steps.
func clusterSizeDistribution(res metrics.QueryResults) metrics.DistributionValue {
	var v metrics.DistributionValue
	for _, d := range res.Distributions() {
		if d.Key.Namespace != transforms.Namespace || d.Key.Name != transforms.MetricClusterSize {
			continue
		}
		r := d.Result()
		if r.Count == 0 {
			continue
		}
		if v.Count == 0 || r.Min < v.Min {
			v.Min = r.Min
		}
		v.Max = max(v.Max, r.Max)
		v.Count += r.Count
		v.Sum += r.Sum
	}
	return v
}

type durationHistogram struct {
	source  string
	count   uint64
	sum     float64
	buckets map[float64]uint64 // cumulative, by upper bound; +Inf left out
}

// durationHistograms rebuilds each source's histogram from the bucket
// counters of transforms.DurationNamespace, sorted by source.
func durationHistograms(res metrics.QueryResults) []durationHistogram {
	perBucket := map[string]map[float64]int64{}
	sums := map[string]int64{}
	for _, c := range res.Counters() {
		if c.Namespace() != transforms.DurationNamespace {
			continue
		}
		source, le, isSum, ok := transforms.ParseDurationCounter(c.Name())
		switch {
		case !ok:
		case isSum:
			sums[source] += c.Result()
		default:
			if perBucket[source] == nil {
				perBucket[source] = map[float64]int64{}
			}
			perBucket[source][le] += c.Result()
		}
	}
	var out []durationHistogram
	for source, counts := range perBucket {
		h := durationHistogram{source: source, sum: float64(sums[source]) / 1e9, buckets: map[float64]uint64{}}
		bounds := append([]float64(nil), transforms.DurationBuckets...)
		for le := range counts { // bounds of an older binary's counters too
			if !math.IsInf(le, 1) && !slices.Contains(bounds, le) {
				bounds = append(bounds, le)
			}
		}
		sort.Float64s(bounds)
		for _, le := range bounds {
			h.count += uint64(counts[le])
			h.buckets[le] = h.count
		}
		h.count += uint64(counts[math.Inf(1)])
		out = append(out, h)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].source < out[k].source })
	return out
}
