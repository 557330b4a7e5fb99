package transforms

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/bigquery"
	bq "google.golang.org/api/bigquery/v2"
	"google.golang.org/api/option"

	"github.com/linkbeam/linkbeam/internal/bqfake"
	"github.com/linkbeam/linkbeam/schemas"
)

// describe renders a schema one column a line: "provenance.rule STRING NULLABLE".
func describe(s bigquery.Schema, prefix string) []string {
	var out []string
	for _, f := range s {
		mode := "NULLABLE"
		if f.Repeated {
			mode = "REPEATED"
		} else if f.Required {
			mode = "REQUIRED"
		}
		out = append(out, fmt.Sprintf("%s%s %s %s", prefix, f.Name, f.Type, mode))
		out = append(out, describe(f.Schema, prefix+f.Name+".")...)
	}
	return out
}

// describeBQ renders a schema as the REST API carries it, like describe.
func describeBQ(fs []*bq.TableFieldSchema, prefix string) []string {
	var out []string
	for _, f := range fs {
		mode := f.Mode
		if mode == "" {
			mode = "NULLABLE"
		}
		out = append(out, fmt.Sprintf("%s%s %s %s", prefix, f.Name, f.Type, mode))
		out = append(out, describeBQ(f.Fields, prefix+f.Name+".")...)
	}
	return out
}

func TestBigQuerySchemaOfMasterRow(t *testing.T) {
	s, err := BigQuerySchema(schemas.MasterRow{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"master_id STRING NULLABLE",
		"title STRING NULLABLE",
		"description STRING NULLABLE",
		"brand STRING NULLABLE",
		"manufacturer STRING NULLABLE",
		"category STRING NULLABLE",
		"price FLOAT NULLABLE", // *float64, which bigquery.InferSchema rejects
		"currency STRING NULLABLE",
		"model_number STRING NULLABLE",
		"gtin STRING NULLABLE",
		"url STRING NULLABLE",
		"updated_at TIMESTAMP NULLABLE", // int64 micros in Go, TIMESTAMP(MICROS) in Parquet
		"member_count INTEGER NULLABLE",
		"sources STRING REPEATED",
		"provenance RECORD REPEATED",
		"provenance.field STRING NULLABLE",
		"provenance.source STRING NULLABLE",
		"provenance.source_id STRING NULLABLE",
		"provenance.rule STRING NULLABLE",
		"created_generation INTEGER NULLABLE",
	}
	if got := describe(s, ""); !slices.Equal(got, want) {
		t.Errorf("MasterRow schema\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The clustering columns exist, as top-level non-repeated columns.
	for _, tb := range BigQueryTables {
		s, err := BigQuerySchema(tb.Row)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tb.Clustering {
			if i := slices.IndexFunc(s, func(f *bigquery.FieldSchema) bool { return f.Name == c }); i < 0 || s[i].Repeated {
				t.Errorf("table %s: clustering column %s is not a plain column", tb.Name, c)
			}
		}
	}
}

// Parquet column names are the rows' bigquery tags, so the tables read the
// same whether loaded from Parquet or written through the client.
func TestBigQuerySchemaNamesAreBigQueryTags(t *testing.T) {
	var tags func(reflect.Type, string) []string
	tags = func(rt reflect.Type, prefix string) []string {
		var out []string
		for i := range rt.NumField() {
			f := rt.Field(i)
			if f.Anonymous { // embedded columns are the row's own, as in Parquet
				out = append(out, tags(f.Type, prefix)...)
				continue
			}
			name := prefix + f.Tag.Get("bigquery")
			out = append(out, name)
			et := f.Type
			if et.Kind() == reflect.Slice {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				out = append(out, tags(et, name+".")...)
			}
		}
		return out
	}
	for _, tb := range BigQueryTables {
		s, err := BigQuerySchema(tb.Row)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range describe(s, "") {
			got = append(got, strings.Fields(d)[0])
		}
		if want := tags(reflect.TypeOf(tb.Row), ""); !slices.Equal(got, want) {
			t.Errorf("%s columns %v, bigquery tags %v", tb.Name, got, want)
		}
	}
}

func TestBigQuerySchemaRefusesUnsupportedColumns(t *testing.T) {
	type withMap struct {
		M map[string]string `parquet:"m"`
	}
	type withList struct {
		L []string `parquet:"l,list"`
	}
	type withNanos struct {
		T int64 `parquet:"t,timestamp(nanosecond)"`
	}
	for _, row := range []any{withMap{}, withList{}, withNanos{}} {
		if s, err := BigQuerySchema(row); err == nil {
			t.Errorf("BigQuerySchema(%T) = %v, want an error", row, describe(s, ""))
		}
	}
	type local struct {
		T int64 `parquet:"t,timestamp(millisecond:local)"`
		D int32 `parquet:"d,date"`
		B []byte
		Z bool `parquet:"z"`
	}
	s, err := BigQuerySchema(local{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"t DATETIME NULLABLE", "d DATE NULLABLE", "B BYTES NULLABLE", "z BOOLEAN NULLABLE"}
	if got := describe(s, ""); !slices.Equal(got, want) {
		t.Errorf("schema %v, want %v", got, want)
	}
}

const (
	testProject = "linkbeam-test"
	testDataset = "catalog"
)

func testTarget(srv *bqfake.Server) BigQueryTarget {
	return BigQueryTarget{Project: testProject, Dataset: testDataset, Dir: "gs://bucket/stage",
		RunDate: "2026-11-25", RunID: "20261125T101500.123", Endpoint: srv.URL}
}

var committedFiles = []string{
	"gs://bucket/stage/links/part-00000.parquet",
	"gs://bucket/stage/links/part-00001.parquet",
	"gs://bucket/stage/masters/part-00000.parquet",
	"gs://bucket/stage/masters/part-00001.parquet",
	"gs://bucket/stage/rejected/part-00002.parquet",
}

func TestLoadTablesCreatesTablesAndLoadsPartitions(t *testing.T) {
	srv := bqfake.New(testProject, testDataset, "EU")
	defer srv.Close()
	if err := LoadTables(context.Background(), testTarget(srv), committedFiles); err != nil {
		t.Fatal(err)
	}

	reqs := srv.Requests()
	if r := reqs[0]; r.Method != "GET" || r.Path != "/projects/linkbeam-test/datasets/catalog" {
		t.Errorf("first request %s %s, want the dataset get", r.Method, r.Path)
	}
	for _, tb := range BigQueryTables {
		got := srv.Table(tb.Name)
		if got == nil {
			t.Errorf("table %s not created", tb.Name)
			continue
		}
		want, _ := BigQuerySchema(tb.Row)
		if g, w := describeBQ(got.Schema.Fields, ""), describe(want, ""); !slices.Equal(g, w) {
			t.Errorf("table %s schema\n%v\nwant\n%v", tb.Name, g, w)
		}
		if p := got.TimePartitioning; p == nil || p.Type != "DAY" || p.Field != "" {
			t.Errorf("table %s partitioning %+v, want DAY by ingestion time", tb.Name, p)
		}
		if c := got.Clustering; c == nil || !slices.Equal(c.Fields, tb.Clustering) {
			t.Errorf("table %s clustering %+v, want %v", tb.Name, c, tb.Clustering)
		}
	}
	if c := srv.Table("masters").Clustering.Fields; !slices.Equal(c, []string{"category", "brand"}) {
		t.Errorf("masters clustered by %v, want category, brand", c)
	}

	jobs := srv.Jobs()
	if len(jobs) != 3 {
		t.Fatalf("%d jobs, want 3 loads", len(jobs))
	}
	polled := map[string]bool{}
	for _, r := range reqs {
		if r.Method == "GET" && strings.HasPrefix(r.Path, "/projects/linkbeam-test/jobs/") {
			polled[strings.TrimPrefix(r.Path, "/projects/linkbeam-test/jobs/")] = true
			if !strings.Contains(r.Query, "location=EU") {
				t.Errorf("jobs.get without the dataset's location: %s", r.Query)
			}
		}
	}
	for i, tb := range BigQueryTables {
		j := jobs[i]
		l := j.Configuration.Load
		if l == nil {
			t.Fatalf("job %d is not a load: %+v", i, j.Configuration)
		}
		if d := l.DestinationTable; d.ProjectId != testProject || d.DatasetId != testDataset || d.TableId != tb.Name+"$20261125" {
			t.Errorf("%s: destination %+v, want %s$20261125", tb.Name, d, tb.Name)
		}
		if l.WriteDisposition != "WRITE_TRUNCATE" || l.CreateDisposition != "CREATE_NEVER" {
			t.Errorf("%s: dispositions %s, %s", tb.Name, l.WriteDisposition, l.CreateDisposition)
		}
		if l.SourceFormat != "PARQUET" {
			t.Errorf("%s: source format %q", tb.Name, l.SourceFormat)
		}
		if want := []string{"gs://bucket/stage/" + tb.Dir + "/*.parquet"}; !slices.Equal(l.SourceUris, want) {
			t.Errorf("%s: source URIs %v, want %v", tb.Name, l.SourceUris, want)
		}
		if !slices.Equal(l.SchemaUpdateOptions, []string{"ALLOW_FIELD_ADDITION"}) {
			t.Errorf("%s: schema update options %v", tb.Name, l.SchemaUpdateOptions)
		}
		if id := j.JobReference.JobId; !strings.HasPrefix(id, "linkbeam_20261125T101500_123_"+tb.Name+"-") {
			t.Errorf("%s: job id %s", tb.Name, id)
		}
		if j.JobReference.Location != "EU" {
			t.Errorf("%s: job location %q, want the dataset's", tb.Name, j.JobReference.Location)
		}
		if !polled[j.JobReference.JobId] {
			t.Errorf("%s: job %s never polled", tb.Name, j.JobReference.JobId)
		}
	}
}

// A rerun finds the tables and replaces the same partitions, with the
// client handed in through options rather than the target.
func TestLoadTablesRerunIsIdempotent(t *testing.T) {
	srv := bqfake.New(testProject, testDataset, "EU")
	defer srv.Close()
	target := testTarget(srv)
	target.Endpoint = ""
	opts := []option.ClientOption{option.WithEndpoint(srv.URL), option.WithHTTPClient(srv.Client())}
	for range 2 {
		if err := LoadTables(context.Background(), target, committedFiles, opts...); err != nil {
			t.Fatal(err)
		}
	}
	creates := 0
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/tables") {
			creates++
		}
	}
	if creates != 3 {
		t.Errorf("%d tables.insert over two runs, want 3", creates)
	}
	jobs := srv.Jobs()
	if len(jobs) != 6 {
		t.Fatalf("%d jobs over two runs, want 6", len(jobs))
	}
	for i := range 3 {
		a, b := jobs[i].Configuration.Load, jobs[i+3].Configuration.Load
		if a.DestinationTable.TableId != b.DestinationTable.TableId || b.WriteDisposition != "WRITE_TRUNCATE" {
			t.Errorf("rerun load %+v differs from %+v", b, a)
		}
	}
}

// A load job needs at least one file: a folder without any (no rejects
// this run) gets its partition emptied instead, so that last run's rows
// for the same date do not survive.
func TestLoadTablesEmptyFolderEmptiesPartition(t *testing.T) {
	srv := bqfake.New(testProject, testDataset, "EU")
	defer srv.Close()
	files := slices.DeleteFunc(slices.Clone(committedFiles), func(f string) bool { return strings.Contains(f, "/rejected/") })
	if err := LoadTables(context.Background(), testTarget(srv), files); err != nil {
		t.Fatal(err)
	}
	if d := srv.Deleted(); !slices.Equal(d, []string{"rejected$20261125"}) {
		t.Errorf("deleted %v, want the rejected partition", d)
	}
	for _, j := range srv.Jobs() {
		if strings.HasPrefix(j.Configuration.Load.DestinationTable.TableId, "rejected") {
			t.Errorf("a load job for rejected without files: %+v", j.Configuration.Load)
		}
	}
	if srv.Table("rejected") == nil {
		t.Error("rejected table not created")
	}
}

func TestLoadTablesErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("no dataset", func(t *testing.T) {
		srv := bqfake.New(testProject, "other", "EU")
		defer srv.Close()
		err := LoadTables(ctx, testTarget(srv), committedFiles)
		if err == nil || !strings.Contains(err.Error(), "bq mk --dataset") {
			t.Errorf("err = %v, want dataset not found with a hint", err)
		}
	})
	t.Run("location", func(t *testing.T) {
		srv := bqfake.New(testProject, testDataset, "US")
		defer srv.Close()
		target := testTarget(srv)
		target.Location = "EU"
		err := LoadTables(ctx, target, committedFiles)
		if err == nil || !strings.Contains(err.Error(), "is in US") {
			t.Errorf("err = %v, want a location mismatch", err)
		}
		if n := len(srv.Jobs()); n != 0 {
			t.Errorf("%d jobs started", n)
		}
	})
	t.Run("failed load", func(t *testing.T) {
		srv := bqfake.New(testProject, testDataset, "EU")
		defer srv.Close()
		srv.FailJob = func(j *bq.Job) string {
			if strings.HasPrefix(j.Configuration.Load.DestinationTable.TableId, "links") {
				return "Provided Schema does not match Table"
			}
			return ""
		}
		err := LoadTables(ctx, testTarget(srv), committedFiles)
		if err == nil || !strings.Contains(err.Error(), "loading links") || !strings.Contains(err.Error(), "does not match") {
			t.Errorf("err = %v, want the links load's error", err)
		}
		if n := len(srv.Jobs()); n != 3 {
			t.Errorf("%d jobs, want all 3 started", n)
		}
	})
	t.Run("unpartitioned table", func(t *testing.T) {
		srv := bqfake.New(testProject, testDataset, "EU")
		defer srv.Close()
		srv.AddTable(&bq.Table{TableReference: &bq.TableReference{ProjectId: testProject, DatasetId: testDataset, TableId: "masters"}})
		err := LoadTables(ctx, testTarget(srv), committedFiles)
		if err == nil || !strings.Contains(err.Error(), "not partitioned by ingestion day") {
			t.Errorf("err = %v, want the partitioning refused", err)
		}
	})
	t.Run("bad run date", func(t *testing.T) {
		target := BigQueryTarget{Project: testProject, Dataset: testDataset, RunDate: "25/11/2026"}
		if err := LoadTables(ctx, target, nil); err == nil {
			t.Error("no error for a bad run date")
		}
	})
}
