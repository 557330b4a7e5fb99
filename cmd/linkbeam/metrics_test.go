package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"

	"github.com/linkbeam/linkbeam/transforms"
)

// fakeResults are the Beam metrics of a small finished run.
func fakeResults() metrics.QueryResults {
	ctr := func(ns, name string, v int64) metrics.CounterResult {
		return metrics.CounterResult{Attempted: v, Key: metrics.StepKey{Step: "s1", Name: name, Namespace: ns}}
	}
	return metrics.NewResults([]metrics.CounterResult{
		ctr(transforms.Namespace, "read/shop", 30),
		ctr(transforms.Namespace, "accepted/shop", 25),
		ctr(transforms.Namespace, "rejected/shop", 5),
		ctr(transforms.Namespace, "superseded/shop", 2),
		ctr(transforms.Namespace, "linked/shop", 23),
		ctr(transforms.Namespace, transforms.MetricMasters, 20),
		ctr(transforms.DuplicatesNamespace, "gtin/shop", 4),
		ctr(transforms.DurationNamespace, transforms.DurationBucketCounter("shop", 0.0001), 30),
		ctr(transforms.DurationNamespace, transforms.DurationSumCounter("shop"), 1500000),
	}, []metrics.DistributionResult{{
		Attempted: metrics.DistributionValue{Count: 20, Sum: 23, Min: 1, Max: 3},
		Key:       metrics.StepKey{Step: "s2", Name: transforms.MetricClusterSize, Namespace: transforms.Namespace},
	}}, nil, nil, nil).AllMetrics()
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return string(body)
}

// --metrics_addr serves process metrics during the run, adds the job's
// once it has finished, and stops with the command.
func TestMetricsAddr(t *testing.T) {
	srv, err := serveMetrics("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + srv.addr + "/metrics"
	during := scrape(t, url)
	for _, want := range []string{"go_goroutines ", "process_cpu_seconds_total "} {
		if !strings.Contains(during, want) {
			t.Errorf("during the run: no %q in\n%s", want, during)
		}
	}
	if strings.Contains(during, "products_processed_total") {
		t.Error("job metrics served before the job ended")
	}

	file := filepath.Join(t.TempDir(), "linkbeam.prom")
	out := metricsOutputs{File: file, Config: "demo", Server: srv}
	if err := out.publish(context.Background(), fakeResults(), 2*time.Second, time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	after := scrape(t, url)
	for _, want := range []string{
		`products_processed_total{source="shop",status="read"} 30`,
		`duplicate_products_total{match_type="exact",source="shop"} 6`,
		`product_processing_duration_seconds_count{source="shop"} 30`,
		`linkbeam_last_success_timestamp_seconds 1.7e+09`,
		"go_goroutines ",
	} {
		if !strings.Contains(after, want) {
			t.Errorf("after the run: no %q in\n%s", want, after)
		}
	}
	written, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(written), `products_processed_total{source="shop",status="linked"} 23`) ||
		strings.Contains(string(written), "go_goroutines") {
		t.Errorf("--metrics_file holds the job's metrics only:\n%s", written)
	}

	if err := srv.close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(url); err == nil {
		t.Error("the metrics server still answers after the command ended")
	}
}

// A failed push is an error saying the output is committed, with the URL.
func TestMetricsPushFailure(t *testing.T) {
	gw := httptest.NewServer(http.NotFoundHandler())
	gw.Close() // nothing listens there any more
	out := metricsOutputs{Pushgateway: gw.URL, Config: "demo"}
	err := out.publish(context.Background(), fakeResults(), time.Second, time.Now())
	if err == nil {
		t.Fatal("push to a closed port succeeded")
	}
	for _, want := range []string{"output is committed", "pushing metrics to " + gw.URL} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestConfigName(t *testing.T) {
	for in, want := range map[string]string{
		"testdata/demo.yaml":       "demo",
		"gs://b/jobs/shop.eu.yml":  "shop.eu",
		"/abs/catalogue":           "catalogue",
		"s3://bucket/cfg/nightly/": "nightly",
	} {
		if got := configName(in); got != want {
			t.Errorf("configName(%q) = %q, want %q", in, got, want)
		}
	}
}
