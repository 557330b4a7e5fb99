package pipelines

import (
	"fmt"
	"strings"

	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// BigQueryScheme prefixes an --output that names a BigQuery dataset:
// bq://PROJECT.DATASET.
const BigQueryScheme = "bq://"

// resolveOutput returns the directory the job commits its Parquet output
// to and, when results also go to BigQuery, the load target:
//
//   - --output bq://PROJECT.DATASET: the Parquet files go to
//     sink.bigquery.staging (required) and are loaded from there;
//   - --output DIR with a sink.bigquery section: the files go to DIR,
//     which must then be gs://, and are loaded from there;
//   - --output DIR otherwise: files only.
func resolveOutput(cfg *schemas.Config, opts Options, runDate string) (string, *transforms.BigQueryTarget, error) {
	sink := cfg.Sink.BigQuery
	rest, isBQ := strings.CutPrefix(opts.Output, BigQueryScheme)
	if !isBQ && sink == nil {
		return opts.Output, nil, nil
	}
	if sink == nil {
		sink = &schemas.BigQuerySinkConfig{}
	}
	t := &transforms.BigQueryTarget{
		Project: sink.Project, Dataset: sink.Dataset, Location: sink.Location,
		RunDate: runDate, RunID: opts.RunID, Endpoint: opts.BigQueryEndpoint,
	}
	dir := opts.Output
	if isBQ {
		// Domain-scoped project ids contain dots ("example.com:proj");
		// dataset ids never do.
		i := strings.LastIndexByte(rest, '.')
		if i <= 0 || i == len(rest)-1 || strings.Contains(rest, "/") {
			return "", nil, fmt.Errorf("pipelines: --output %s: want bq://PROJECT.DATASET", opts.Output)
		}
		t.Project, t.Dataset = rest[:i], rest[i+1:]
		if sink.Staging == "" {
			return "", nil, fmt.Errorf("pipelines: --output %s needs sink.bigquery.staging in the config: the gs://bucket/prefix BigQuery loads the Parquet files from", opts.Output)
		}
		dir = sink.Staging
	} else if sink.Staging != "" && strings.TrimRight(sink.Staging, "/") != dir {
		return "", nil, fmt.Errorf("pipelines: sink.bigquery.staging is %s but --output is %s: use --output bq://PROJECT.DATASET, or drop staging to load from the output", sink.Staging, dir)
	}
	if t.Project == "" || t.Dataset == "" {
		return "", nil, fmt.Errorf("pipelines: sink.bigquery needs project and dataset, or --output bq://PROJECT.DATASET")
	}
	if cfg.Output.Layout == schemas.LayoutLake {
		return "", nil, fmt.Errorf("pipelines: BigQuery loads the standard layout; output.layout lake is not supported with it")
	}
	// A test server or emulator (Options.BigQueryEndpoint) may read local files.
	if !strings.HasPrefix(dir, "gs://") && opts.BigQueryEndpoint == "" {
		return "", nil, fmt.Errorf("pipelines: BigQuery loads from Cloud Storage: the Parquet output %s must be a gs:// location", dir)
	}
	t.Dir = dir
	return dir, t, nil
}
