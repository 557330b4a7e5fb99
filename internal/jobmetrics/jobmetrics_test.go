package jobmetrics

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/linkbeam/linkbeam/internal/demojob"
	"github.com/linkbeam/linkbeam/internal/replay"
	"github.com/linkbeam/linkbeam/pipelines"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// demoRun is one run of the demo job shared by the metrics tests.
type demoRun struct {
	res    metrics.QueryResults
	sum    pipelines.Summary
	cfg    *schemas.Config
	output string
}

// TestPrometheusMetrics runs the demo job once and checks the Prometheus
// series built from its metrics, as a file and as a push.
func TestPrometheusMetrics(t *testing.T) {
	cfg, opts := demojob.Load(t)
	res, err := demojob.Run(t, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	run := demoRun{res: res, sum: pipelines.Summarize(res), cfg: cfg, output: opts.Output}
	if err := run.sum.Check(); err != nil {
		t.Fatal(err)
	}
	t.Run("File", func(t *testing.T) { testMetricsFile(t, run) })
	t.Run("Pushgateway", func(t *testing.T) { testMetricsPushgateway(t, run) })
	t.Run("DuplicatesAgreeWithOutput", func(t *testing.T) { testDuplicatesAgreeWithOutput(t, run) })
}

// series flattens a metric family into "label=value,..." → value, labels
// sorted by name; histograms and summaries give their count.
func series(t *testing.T, mfs map[string]*dto.MetricFamily, name string) map[string]float64 {
	t.Helper()
	mf, ok := mfs[name]
	if !ok {
		t.Fatalf("no series %s", name)
	}
	out := map[string]float64{}
	for _, m := range mf.GetMetric() {
		var labels []string
		for _, l := range m.GetLabel() {
			labels = append(labels, l.GetName()+"="+l.GetValue())
		}
		sort.Strings(labels)
		var v float64
		switch mf.GetType() {
		case dto.MetricType_COUNTER:
			v = m.GetCounter().GetValue()
		case dto.MetricType_GAUGE:
			v = m.GetGauge().GetValue()
		case dto.MetricType_HISTOGRAM:
			v = float64(m.GetHistogram().GetSampleCount())
		case dto.MetricType_SUMMARY:
			v = float64(m.GetSummary().GetSampleCount())
		default:
			v = m.GetUntyped().GetValue()
		}
		out[strings.Join(labels, ",")] = v
	}
	return out
}

// checkAgainstSummary asserts that the Prometheus series carry the
// summary's figures.
func checkAgainstSummary(t *testing.T, run demoRun, mfs map[string]*dto.MetricFamily, success bool) {
	t.Helper()
	processed := series(t, mfs, MetricProductsProcessed)
	duplicates := series(t, mfs, MetricDuplicateProducts)
	durations := series(t, mfs, MetricProcessingDuration)
	var dupSum int64
	for _, name := range run.cfg.SourceNames() {
		c := run.sum.Sources[name]
		for status, want := range map[string]int64{
			"read": c.Read, "accepted": c.Accepted, "rejected": c.Rejected,
			"superseded": c.Superseded, "linked": c.Linked, "reused": c.Reused,
		} {
			key := "source=" + name + ",status=" + status
			if got, ok := processed[key]; !ok || got != float64(want) {
				t.Errorf("%s{%s} = %v (present %v), summary says %d", MetricProductsProcessed, key, got, ok, want)
			}
		}
		if got := durations["source="+name]; got != float64(c.Read) {
			t.Errorf("%s{source=%s} counts %v records, %d read", MetricProcessingDuration, name, got, c.Read)
		}
		for _, mt := range []string{MatchExact, MatchModel, MatchFuzzy} {
			v, ok := duplicates["match_type="+mt+",source="+name]
			if !ok {
				t.Errorf("%s: no series for source %s, match_type %s", MetricDuplicateProducts, name, mt)
			}
			dupSum += int64(v)
		}
		if exact := duplicates["match_type=exact,source="+name]; exact < float64(c.Superseded) {
			t.Errorf("source %s: exact duplicates %v < superseded %d", name, exact, c.Superseded)
		}
	}
	// Every record of a multi-member master has one match type; superseded
	// versions count as exact.
	var superseded int64
	for _, c := range run.sum.Sources {
		superseded += c.Superseded
	}
	inMulti := run.sum.Linked() - run.sum.Masters + run.sum.MultiMasters
	if want := superseded + inMulti; dupSum != want {
		t.Errorf("%s sums to %d, want superseded %d + records in multi-member masters %d", MetricDuplicateProducts, dupSum, superseded, inMulti)
	}
	for name, want := range map[string]int64{
		MetricCandidatePairs:       run.sum.CandidatePairs,
		MetricScoredPairs:          run.sum.ScoredPairs,
		MetricKeptEdges:            run.sum.KeptEdges,
		MetricMatchedPairs:         run.sum.MatchedPairs,
		MetricMasters:              run.sum.Masters,
		MetricMultiMasters:         run.sum.MultiMasters,
		MetricClusterSize:          run.sum.Masters, // summary count
		MetricClusterSize + "_max": run.sum.MaxClusterSize,
	} {
		if got := series(t, mfs, name)[""]; got != float64(want) {
			t.Errorf("%s = %v, summary says %d", name, got, want)
		}
	}
	if s := mfs[MetricClusterSize].GetMetric()[0].GetSummary().GetSampleSum(); s != float64(run.sum.Linked()) {
		t.Errorf("%s_sum = %v, want %d linked records", MetricClusterSize, s, run.sum.Linked())
	}
	if got := series(t, mfs, MetricJobDuration)[""]; got != 2.5 {
		t.Errorf("%s = %v, want 2.5", MetricJobDuration, got)
	}
	_, hasSuccess := mfs[MetricLastSuccess]
	if hasSuccess != success {
		t.Errorf("%s present: %v, want %v", MetricLastSuccess, hasSuccess, success)
	}
}

var testSuccess = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)

// The metrics file carries the summary's figures, in the text format
// node_exporter's textfile collector reads.
func testMetricsFile(t *testing.T, run demoRun) {
	path := filepath.Join(t.TempDir(), "linkbeam.prom")
	if err := os.WriteFile(path, []byte("stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := Registry(run.res, 2500*time.Millisecond, testSuccess)
	if err := WriteFile(path, reg); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("metrics folder holds %d files, want only linkbeam.prom (no temporary file left)", len(entries))
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	checkAgainstSummary(t, run, mfs, true)
	if got := series(t, mfs, MetricLastSuccess)[""]; got != float64(testSuccess.Unix()) {
		t.Errorf("%s = %v, want %d", MetricLastSuccess, got, testSuccess.Unix())
	}
	// The histogram's buckets are cumulative and end at its count.
	for _, m := range mfs[MetricProcessingDuration].GetMetric() {
		h := m.GetHistogram()
		var prev uint64
		for _, b := range h.GetBucket() {
			if b.GetCumulativeCount() < prev {
				t.Errorf("%v: buckets not cumulative", m.GetLabel())
			}
			prev = b.GetCumulativeCount()
		}
		if prev > h.GetSampleCount() || h.GetSampleSum() <= 0 {
			t.Errorf("%v: last bucket %d, count %d, sum %v", m.GetLabel(), prev, h.GetSampleCount(), h.GetSampleSum())
		}
	}
}

// exact duplicates beyond the superseded versions are exactly the
// published records that share their GTIN with another member of their
// master, as read back from links/ and the sources.
func testDuplicatesAgreeWithOutput(t *testing.T, run demoRun) {
	ctx := context.Background()
	links, err := pipelines.ReadLinks(ctx, run.output)
	if err != nil {
		t.Fatal(err)
	}
	gtin := map[string]string{}
	for _, name := range run.cfg.SourceNames() {
		ps, _, err := pipelines.LoadRecords(ctx, run.cfg, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range replay.NewestPerKey(ps) {
			gtin[p.Key()] = transforms.MatchView(&p, nil).GTIN
		}
	}
	perMaster := map[string]map[string]int{} // master → GTIN → members
	for _, l := range links {
		g := gtin[schemas.RecordKey(l.Source, l.SourceID)]
		if g == "" {
			continue
		}
		if perMaster[l.MasterID] == nil {
			perMaster[l.MasterID] = map[string]int{}
		}
		perMaster[l.MasterID][g]++
	}
	want := map[string]int64{}
	for _, l := range links {
		if g := gtin[schemas.RecordKey(l.Source, l.SourceID)]; g != "" && perMaster[l.MasterID][g] >= 2 {
			want[l.Source]++
		}
	}
	got := duplicateCounts(run.res)
	var total int64
	for _, name := range run.cfg.SourceNames() {
		if g := got[name][transforms.DuplicateGTIN]; g != want[name] {
			t.Errorf("source %s: %d GTIN duplicates counted, %d in the output", name, g, want[name])
		}
		total += want[name]
	}
	if total == 0 {
		t.Error("the demo has no GTIN duplicates")
	}
}

// The push carries the same series, as the Pushgateway receives them.
func testMetricsPushgateway(t *testing.T, run demoRun) {
	type request struct {
		method, path string
		header       http.Header
		body         []byte
	}
	var (
		mu   sync.Mutex
		reqs []request
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, request{r.Method, r.URL.Path, r.Header.Clone(), body})
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("test server at %s, want loopback", srv.URL)
	}

	reg := Registry(run.res, 2500*time.Millisecond, time.Time{})
	if err := Push(context.Background(), srv.URL, "demo", reg); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.method != http.MethodPut || r.path != "/metrics/job/linkbeam/config/demo" {
		t.Errorf("%s %s, want PUT /metrics/job/linkbeam/config/demo", r.method, r.path)
	}
	dec := expfmt.NewDecoder(strings.NewReader(string(r.body)), expfmt.ResponseFormat(r.header))
	mfs := map[string]*dto.MetricFamily{}
	for {
		var mf dto.MetricFamily
		if err := dec.Decode(&mf); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decoding the push (%s): %v", r.header.Get("Content-Type"), err)
		}
		mfs[mf.GetName()] = &mf
	}
	checkAgainstSummary(t, run, mfs, false)

	// A Pushgateway that refuses says so, with the URL.
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "pushgateway is read-only", http.StatusServiceUnavailable)
	}))
	defer refuse.Close()
	err := Push(context.Background(), refuse.URL, "demo", reg)
	if err == nil || !strings.Contains(err.Error(), refuse.URL) || !strings.Contains(err.Error(), "503") {
		t.Errorf("push to a refusing gateway: %v", err)
	}
}
