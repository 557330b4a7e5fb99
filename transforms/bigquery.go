package transforms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"cloud.google.com/go/bigquery"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/linkbeam/linkbeam/schemas"
)

func init() {
	registerBatchFn((*loadBigQueryFn)(nil))
}

// BigQueryTarget says where LoadBigQuery loads a committed output.
type BigQueryTarget struct {
	Project  string
	Dataset  string
	Location string // the dataset's location; empty accepts whatever it is
	Dir      string // the committed output directory, gs://bucket/prefix
	RunDate  string // YYYY-MM-DD: the partition each load replaces
	RunID    string // prefixes the load job ids, to find them in the job history
	// Endpoint replaces the BigQuery API endpoint and is then called
	// without credentials: a test server or an emulator. Empty in
	// production, where Application Default Credentials are used.
	Endpoint string
}

// BigQueryTable is one table, loaded from one output folder.
type BigQueryTable struct {
	Name        string
	Dir         string   // output folder whose Parquet files are loaded
	Row         any      // the row type; its Parquet schema is the table's
	Clustering  []string // clustering columns, most selective filter first
	Description string
}

// BigQueryTables are the tables LoadBigQuery writes. Each is partitioned
// by ingestion day, the run date (see docs/bigquery.md), and clustered:
// masters by category and brand, the usual filters of catalogue queries;
// links by master_id, to fetch a master's members, then source; rejected
// by source and field, the triage questions.
var BigQueryTables = []BigQueryTable{
	{Name: "masters", Dir: MastersDir, Row: schemas.MasterRow{}, Clustering: []string{"category", "brand"},
		Description: "linkbeam master (golden) records, one per real product; partition = run date"},
	{Name: "links", Dir: LinksDir, Row: schemas.LinkRow{}, Clustering: []string{"master_id", "source"},
		Description: "linkbeam links from each (source, source_id) to its master; partition = run date"},
	{Name: "rejected", Dir: RejectedDir, Row: schemas.RejectRow{}, Clustering: []string{"source", "field"},
		Description: "linkbeam dead letters: records that could not be read, mapped or validated; partition = run date"},
}

// LoadBigQuery loads the committed output into BigQuery: one load job per
// table of BigQueryTables from t.Dir/<folder>/*.parquet, each replacing
// the run's partition (WRITE_TRUNCATE on table$YYYYMMDD), so a rerun on the
// same run date replaces rather than appends. Tables are created when
// missing; the dataset must exist.
//
// It takes the PCollection<string> of committed paths from CommitWith as a
// side input, so it runs only after the commit, inside the job: an
// asynchronous launch (Dataflow) loads too. A job its launcher commits
// (CommitStaged) is loaded by the launcher with LoadTables instead. It is
// one small step on one worker; the data never passes through it. Tables
// are not updated together: a failed load fails the job and leaves the
// other tables loaded; a rerun completes them.
func LoadBigQuery(s beam.Scope, t BigQueryTarget, committed beam.PCollection) {
	s = s.Scope("linkbeam.LoadBigQuery")
	beam.ParDo0(s, &loadBigQueryFn{Target: t}, beam.Impulse(s), beam.SideInput{Input: committed})
}

type loadBigQueryFn struct {
	Target BigQueryTarget
}

func (fn *loadBigQueryFn) ProcessElement(ctx context.Context, _ []byte, committed func(*string) bool) error {
	var files []string
	var f string
	for committed(&f) {
		files = append(files, f)
	}
	return LoadTables(ctx, fn.Target, files)
}

// LoadTables runs LoadBigQuery's loads outside a pipeline. files are the
// committed paths: a table whose folder has none gets its run partition
// deleted instead, since a load job needs at least one file. opts are
// added to the client's options (option.WithHTTPClient, ...).
func LoadTables(ctx context.Context, t BigQueryTarget, files []string, opts ...option.ClientOption) error {
	day, err := time.Parse(time.DateOnly, t.RunDate)
	if err != nil {
		return fmt.Errorf("bigquery: run date: %w", err)
	}
	if t.Endpoint != "" {
		opts = append([]option.ClientOption{option.WithEndpoint(t.Endpoint), option.WithoutAuthentication()}, opts...)
	}
	c, err := bigquery.NewClient(ctx, t.Project, opts...)
	if err != nil {
		return fmt.Errorf("bigquery: %w", err)
	}
	defer c.Close()
	ds := c.Dataset(t.Dataset)
	md, err := ds.Metadata(ctx)
	if isStatus(err, http.StatusNotFound) {
		return fmt.Errorf("bigquery: dataset %s:%s not found; create it in the staging bucket's location (bq mk --dataset --location=LOCATION %s:%s)",
			t.Project, t.Dataset, t.Project, t.Dataset)
	}
	if err != nil {
		return fmt.Errorf("bigquery: dataset %s:%s: %w", t.Project, t.Dataset, err)
	}
	if t.Location != "" && !strings.EqualFold(md.Location, t.Location) {
		return fmt.Errorf("bigquery: dataset %s:%s is in %s, the config says %s", t.Project, t.Dataset, md.Location, t.Location)
	}
	c.Location = md.Location

	perDir := map[string]int{}
	for _, f := range files {
		rel := strings.TrimPrefix(f, t.Dir+"/")
		if dir, _, ok := strings.Cut(rel, "/"); ok {
			perDir[dir]++
		}
	}
	type load struct {
		table string
		job   *bigquery.Job
	}
	var loads []load
	var errs []error
	for _, tb := range BigQueryTables {
		if err := ensureTable(ctx, ds, tb); err != nil {
			errs = append(errs, err)
			continue
		}
		partition := ds.Table(tb.Name + "$" + day.Format("20060102"))
		if perDir[tb.Dir] == 0 {
			if err := partition.Delete(ctx); err != nil && !isStatus(err, http.StatusNotFound) {
				errs = append(errs, fmt.Errorf("bigquery: emptying %s: %w", partition.FullyQualifiedName(), err))
			}
			continue
		}
		job, err := loadJob(t, partition, tb).Run(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("bigquery: starting the load of %s: %w", partition.FullyQualifiedName(), err))
			continue
		}
		loads = append(loads, load{tb.Name, job})
	}
	for _, l := range loads { // the jobs run concurrently; wait for all
		status, err := l.job.Wait(ctx)
		if err == nil {
			err = status.Err()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("bigquery: loading %s (job %s): %w", l.table, l.job.ID(), err))
		}
	}
	return errors.Join(errs...)
}

// loadJob configures the load of tb's folder into partition: Parquet,
// WRITE_TRUNCATE of that partition only, into the table ensureTable made.
// ALLOW_FIELD_ADDITION lets a release that adds a column load into a
// table created by an older one.
func loadJob(t BigQueryTarget, partition *bigquery.Table, tb BigQueryTable) *bigquery.Loader {
	src := bigquery.NewGCSReference(t.Dir + "/" + tb.Dir + "/*.parquet")
	src.SourceFormat = bigquery.Parquet
	l := partition.LoaderFrom(src)
	l.WriteDisposition = bigquery.WriteTruncate
	l.CreateDisposition = bigquery.CreateNever
	l.SchemaUpdateOptions = []string{"ALLOW_FIELD_ADDITION"}
	l.Labels = map[string]string{"linkbeam_table": tb.Name}
	l.JobIDConfig = bigquery.JobIDConfig{JobID: jobID(t.RunID, tb.Name), AddJobIDSuffix: true}
	return l
}

var jobIDUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// jobID is linkbeam_<run>_<table>; the client appends a random suffix, so
// a retried step starts a new job (harmless: each replaces the partition).
func jobID(runID, table string) string {
	return "linkbeam_" + jobIDUnsafe.ReplaceAllString(runID, "_") + "_" + table
}

// ensureTable creates tb when it does not exist, and checks that an
// existing one is partitioned by ingestion day, which the partition
// decorator of the loads needs.
func ensureTable(ctx context.Context, ds *bigquery.Dataset, tb BigQueryTable) error {
	t := ds.Table(tb.Name)
	md, err := t.Metadata(ctx)
	switch {
	case err == nil:
		if p := md.TimePartitioning; p == nil || p.Type != bigquery.DayPartitioningType || p.Field != "" {
			return fmt.Errorf("bigquery: table %s exists but is not partitioned by ingestion day; drop it or load elsewhere", t.FullyQualifiedName())
		}
		return nil
	case !isStatus(err, http.StatusNotFound):
		return fmt.Errorf("bigquery: table %s: %w", t.FullyQualifiedName(), err)
	}
	schema, err := BigQuerySchema(tb.Row)
	if err != nil {
		return err
	}
	err = t.Create(ctx, &bigquery.TableMetadata{
		Description:      tb.Description,
		Schema:           schema,
		TimePartitioning: &bigquery.TimePartitioning{Type: bigquery.DayPartitioningType},
		Clustering:       &bigquery.Clustering{Fields: tb.Clustering},
	})
	if err != nil && !isStatus(err, http.StatusConflict) { // 409: a concurrent run created it
		return fmt.Errorf("bigquery: creating table %s: %w", t.FullyQualifiedName(), err)
	}
	return nil
}

func isStatus(err error, code int) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == code
}

// BigQuerySchema derives the BigQuery table schema of a row type from its
// Parquet schema, which is what a load job reads, rather than with
// bigquery.InferSchema, which rejects MasterRow's *float64 and cannot
// see that updated_at is a TIMESTAMP. Columns keep their Parquet names
// (the rows' bigquery tags) and order:
//
//	optional         → NULLABLE
//	repeated         → REPEATED (groups: REPEATED RECORD)
//	required         → NULLABLE: a Go string is required in Parquet even
//	                   when empty, and a later NULLABLE column can be added
//	                   to the table by a load, a REQUIRED one cannot.
//	STRING, ENUM     → STRING      int32, int64 → INTEGER
//	DATE             → DATE        float, double → FLOAT
//	TIMESTAMP UTC    → TIMESTAMP   other binary → BYTES
//	TIMESTAMP local  → DATETIME    boolean → BOOLEAN
//
// LIST and MAP groups, decimals and nanosecond timestamps are refused: the
// rows use plain repeated columns (see schemas/rows.go).
func BigQuerySchema(row any) (bigquery.Schema, error) {
	s, err := bigQueryFields(parquet.SchemaOf(row).Fields())
	if err != nil {
		return nil, fmt.Errorf("bigquery schema of %T: %w", row, err)
	}
	return s, nil
}

func bigQueryFields(fields []parquet.Field) (bigquery.Schema, error) {
	var out bigquery.Schema
	for _, f := range fields {
		fs := &bigquery.FieldSchema{Name: f.Name(), Repeated: f.Repeated()}
		if f.Leaf() {
			typ, err := bigQueryType(f.Type())
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", f.Name(), err)
			}
			fs.Type = typ
		} else {
			if lt := f.Type().LogicalType(); lt != nil && lt.Value != nil {
				return nil, fmt.Errorf("column %s: %s groups are not supported; use a plain repeated column", f.Name(), lt)
			}
			sub, err := bigQueryFields(f.Fields())
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", f.Name(), err)
			}
			fs.Type, fs.Schema = bigquery.RecordFieldType, sub
		}
		out = append(out, fs)
	}
	return out, nil
}

func bigQueryType(t parquet.Type) (bigquery.FieldType, error) {
	if lt := t.LogicalType(); lt != nil {
		switch v := lt.Value.(type) {
		case *format.StringType, *format.EnumType, *format.JsonType:
			return bigquery.StringFieldType, nil
		case *format.DateType:
			return bigquery.DateFieldType, nil
		case *format.TimestampType:
			if _, nanos := v.Unit.Value.(*format.NanoSeconds); nanos {
				return "", fmt.Errorf("nanosecond timestamps are not supported")
			}
			if v.IsAdjustedToUTC {
				return bigquery.TimestampFieldType, nil
			}
			return bigquery.DateTimeFieldType, nil
		case *format.IntType, nil:
			// the physical type decides
		default:
			return "", fmt.Errorf("logical type %s is not supported", lt)
		}
	}
	switch t.Kind() {
	case parquet.Boolean:
		return bigquery.BooleanFieldType, nil
	case parquet.Int32, parquet.Int64:
		return bigquery.IntegerFieldType, nil
	case parquet.Float, parquet.Double:
		return bigquery.FloatFieldType, nil
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return bigquery.BytesFieldType, nil
	}
	return "", fmt.Errorf("parquet type %s is not supported", t)
}
