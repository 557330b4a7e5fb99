package pipelines

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"cloud.google.com/go/bigquery"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	"google.golang.org/api/iterator"

	"github.com/linkbeam/linkbeam/schemas"
)

// TestBigQuerySmoke runs the demo job twice into a real BigQuery dataset
// and checks the run partition's row counts after each run: the second run
// must replace, not append. It is skipped unless LINKBEAM_BQ_SMOKE is set;
// run it with `make bq-smoke` (docs/bigquery.md):
//
//	LINKBEAM_BQ_SMOKE=PROJECT.DATASET      an existing dataset
//	LINKBEAM_BQ_STAGING=gs://bucket/prefix  in the dataset's location
//	LINKBEAM_BQ_LOCATION=EU                 optional
//
// Credentials are Application Default Credentials (gcloud auth
// application-default login) with the roles listed in docs/bigquery.md.
func TestBigQuerySmoke(t *testing.T) {
	target := os.Getenv("LINKBEAM_BQ_SMOKE")
	if target == "" {
		t.Skip("LINKBEAM_BQ_SMOKE=PROJECT.DATASET not set")
	}
	ctx := context.Background()
	cfg, opts := loadDemo(t)
	cfg.Sink.BigQuery = &schemas.BigQuerySinkConfig{
		Staging:  os.Getenv("LINKBEAM_BQ_STAGING") + "/linkbeam-smoke",
		Location: os.Getenv("LINKBEAM_BQ_LOCATION"),
	}
	opts.Output = BigQueryScheme + target
	opts.RunDate = time.Now().UTC()
	dir, bq, err := resolveOutput(cfg, opts, opts.RunDate.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("staging %s, loading %s:%s partition %s", dir, bq.Project, bq.Dataset, bq.RunDate)
	client, err := bigquery.NewClient(ctx, bq.Project)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	for run := range 2 {
		opts.RunID = fmt.Sprintf("smoke-%d-%d", time.Now().Unix(), run)
		sum, err := runJob(t, cfg, opts)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		var rejected int64
		for _, c := range sum.Sources {
			rejected += c.Rejected
		}
		for table, want := range map[string]int64{"masters": sum.Masters, "links": sum.Linked(), "rejected": rejected} {
			q := client.Query(fmt.Sprintf("SELECT COUNT(*) FROM `%s.%s.%s` WHERE _PARTITIONDATE = DATE(@d)", bq.Project, bq.Dataset, table))
			q.Parameters = []bigquery.QueryParameter{{Name: "d", Value: bq.RunDate}}
			q.Location = cfg.Sink.BigQuery.Location
			it, err := q.Read(ctx)
			if err != nil {
				t.Fatalf("run %d: counting %s: %v", run, table, err)
			}
			var row []bigquery.Value
			if err := it.Next(&row); err != nil && err != iterator.Done {
				t.Fatal(err)
			}
			if got := row[0].(int64); got != want {
				t.Errorf("run %d: %s partition has %d rows, want %d", run, table, got, want)
			}
		}
	}
}
