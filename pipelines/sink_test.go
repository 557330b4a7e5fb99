package pipelines

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bq "google.golang.org/api/bigquery/v2"

	"github.com/linkbeam/linkbeam/internal/bqfake"
	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

func TestResolveOutput(t *testing.T) {
	sink := func(project, dataset, staging string) *schemas.BigQuerySinkConfig {
		return &schemas.BigQuerySinkConfig{Project: project, Dataset: dataset, Staging: staging, Location: "EU"}
	}
	for _, c := range []struct {
		name             string
		output           string
		sink             *schemas.BigQuerySinkConfig
		layout           string
		endpoint         string
		wantDir, wantErr string
		wantProject      string
		wantDataset      string
	}{
		{name: "files only", output: "out/demo", wantDir: "out/demo"},
		{name: "bq url", output: "bq://acme-catalog.golden", sink: sink("", "", "gs://b/stage"),
			wantDir: "gs://b/stage", wantProject: "acme-catalog", wantDataset: "golden"},
		{name: "bq url overrides config", output: "bq://acme-catalog.golden", sink: sink("other-proj", "other", "gs://b/stage"),
			wantDir: "gs://b/stage", wantProject: "acme-catalog", wantDataset: "golden"},
		{name: "domain-scoped project", output: "bq://example.com:acme-catalog.golden", sink: sink("", "", "gs://b/stage"),
			wantDir: "gs://b/stage", wantProject: "example.com:acme-catalog", wantDataset: "golden"},
		{name: "config sink", output: "gs://b/out", sink: sink("acme-catalog", "golden", ""),
			wantDir: "gs://b/out", wantProject: "acme-catalog", wantDataset: "golden"},
		{name: "config sink, same staging", output: "gs://b/out", sink: sink("acme-catalog", "golden", "gs://b/out"),
			wantDir: "gs://b/out", wantProject: "acme-catalog", wantDataset: "golden"},
		{name: "bq url without staging", output: "bq://acme-catalog.golden", wantErr: "needs sink.bigquery.staging"},
		{name: "bq url without dataset", output: "bq://acme-catalog", sink: sink("", "", "gs://b/stage"), wantErr: "want bq://PROJECT.DATASET"},
		{name: "staging disagrees", output: "gs://b/out", sink: sink("acme-catalog", "golden", "gs://b/stage"), wantErr: "but --output is"},
		{name: "no dataset", output: "gs://b/out", sink: sink("acme-catalog", "", ""), wantErr: "needs project and dataset"},
		{name: "local output", output: "out/demo", sink: sink("acme-catalog", "golden", ""), wantErr: "must be a gs:// location"},
		{name: "local output, test endpoint", output: "out/demo", sink: sink("acme-catalog", "golden", ""), endpoint: "http://127.0.0.1:1",
			wantDir: "out/demo", wantProject: "acme-catalog", wantDataset: "golden"},
		{name: "lake layout", output: "gs://b/out", sink: sink("acme-catalog", "golden", ""), layout: schemas.LayoutLake, wantErr: "lake is not supported"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := &schemas.Config{Sink: schemas.SinkConfig{BigQuery: c.sink}, Output: schemas.OutputConfig{Layout: c.layout}}
			dir, target, err := resolveOutput(cfg, Options{Output: c.output, RunID: "r1", BigQueryEndpoint: c.endpoint}, "2026-11-25")
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if dir != c.wantDir {
				t.Errorf("dir = %s, want %s", dir, c.wantDir)
			}
			if c.wantProject == "" {
				if target != nil {
					t.Errorf("target %+v, want none", target)
				}
				return
			}
			want := transforms.BigQueryTarget{Project: c.wantProject, Dataset: c.wantDataset, Location: "EU",
				Dir: c.wantDir, RunDate: "2026-11-25", RunID: "r1", Endpoint: c.endpoint}
			if target == nil || *target != want {
				t.Errorf("target %+v, want %+v", target, want)
			}
		})
	}
}

// The demo job with a BigQuery sink, against a fake BigQuery on loopback:
// the loads start only after the commit, one per table, from the
// committed folders, into the run date's partition; whether the launcher
// commits and loads after the run (prism, portable) or the job does
// (Dataflow).
func TestDemoJobLoadsBigQuery(t *testing.T) {
	t.Run("after the run", func(t *testing.T) { testDemoJobLoadsBigQuery(t, false) })
	t.Run("in the job", func(t *testing.T) { testDemoJobLoadsBigQuery(t, true) })
}

func testDemoJobLoadsBigQuery(t *testing.T, inJob bool) {
	srv := bqfake.New("linkbeam-test", "catalog", "EU")
	defer srv.Close()
	cfg, opts := loadDemo(t)
	opts.CommitInJob = inJob
	cfg.Sink.BigQuery = &schemas.BigQuerySinkConfig{Project: "linkbeam-test", Dataset: "catalog", Location: "EU"}
	opts.BigQueryEndpoint = srv.URL
	opts.RunDate = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	var loadsBeforeCommit atomic.Int32
	srv.OnJob = func(*bq.Job) {
		if _, err := os.Stat(filepath.Join(opts.Output, transforms.SuccessMarker)); err != nil {
			loadsBeforeCommit.Add(1)
		}
	}
	sum, err := runJob(t, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := loadsBeforeCommit.Load(); n > 0 {
		t.Errorf("%d loads started before the output was committed", n)
	}
	for _, tb := range []string{"masters", "links", "rejected"} {
		if srv.Table(tb) == nil {
			t.Errorf("table %s not created", tb)
		}
	}
	var rejected int64
	for _, c := range sum.Sources {
		rejected += c.Rejected
	}
	wantLoads := []string{"masters", "links", "rejected"}
	if rejected == 0 {
		wantLoads = wantLoads[:2]
	}
	var got []string
	for _, j := range srv.Jobs() {
		l := j.Configuration.Load
		table, day, _ := strings.Cut(l.DestinationTable.TableId, "$")
		got = append(got, table)
		if day != "20261125" || l.WriteDisposition != "WRITE_TRUNCATE" || l.SourceFormat != "PARQUET" {
			t.Errorf("load of %s: partition %q, %s, %s", table, day, l.WriteDisposition, l.SourceFormat)
		}
		dir := map[string]string{"masters": "masters", "links": "links", "rejected": "rejected"}[table]
		if want := opts.Output + "/" + dir + "/*.parquet"; !slices.Equal(l.SourceUris, []string{want}) {
			t.Errorf("load of %s from %v, want %s", table, l.SourceUris, want)
		}
		files, _ := filepath.Glob(strings.TrimSuffix(l.SourceUris[0], "*.parquet") + "*.parquet")
		if len(files) == 0 {
			t.Errorf("load of %s: %s matches no committed file", table, l.SourceUris[0])
		}
	}
	if !slices.Equal(got, wantLoads) {
		t.Errorf("loads %v, want %v", got, wantLoads)
	}
}
