package pipelines

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// readParquetFiles reads every file matching glob as rows of T, by file.
func readParquetFiles[T any](t *testing.T, glob string) map[string][]T {
	t.Helper()
	paths, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]T{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := parquet.Read[T](bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[p] = rows
	}
	return out
}

func countRows[T any](files map[string][]T) int64 {
	var n int64
	for _, rows := range files {
		n += int64(len(rows))
	}
	return n
}

// topLevel lists the entries of dir.
func topLevel(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// The demo job with output.layout lake: the folder structure, that every
// record read is in raw/, every surviving record in processed/ and every
// master in the curated/ partition of its category, the configured
// compression, and that a run on a later date adds raw/ partitions while
// replacing the current-state folders.
func TestDemoJobLakeLayout(t *testing.T) {
	cfg, opts := loadDemo(t)
	cfg.Output.Layout = schemas.LayoutLake
	cfg.Output.Compression = "zstd"
	opts.RunDate = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	sum, err := runJob(t, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := sum.Check(); err != nil {
		t.Fatalf("accounting: %v", err)
	}
	out := opts.Output

	want := []string{"_SUCCESS", "curated", "links", "pairs", "processed", "raw", "rejected"}
	if got := topLevel(t, out); !slices.Equal(got, want) {
		t.Errorf("output holds %v, want %v (no masters/, no staging left)", got, want)
	}

	// raw/: every record read, per source, in this run date's partition.
	for _, name := range cfg.SourceNames() {
		part := filepath.Join(out, "raw", "source="+name)
		if got := topLevel(t, part); !slices.Equal(got, []string{"run_date=2026-11-25"}) {
			t.Errorf("%s holds %v", part, got)
		}
		files := readParquetFiles[schemas.RawRow](t, filepath.Join(part, "run_date=2026-11-25", "part-*.parquet"))
		if n := countRows(files); n != sum.Sources[name].Read {
			t.Errorf("raw/source=%s has %d rows, %d were read", name, n, sum.Sources[name].Read)
		}
		for _, rows := range files {
			for _, r := range rows {
				if r.Position == "" || len(r.Fields) == 0 && r.DecodeError == "" {
					t.Errorf("raw/source=%s: row without position or fields: %+v", name, r)
				}
			}
		}
	}

	// processed/: one row per surviving (source, source_id).
	processed := readParquetFiles[schemas.ProductRow](t, filepath.Join(out, "processed", "part-*.parquet"))
	if n := countRows(processed); n != sum.Linked() {
		t.Errorf("processed/ has %d rows, %d records survived dedupe", n, sum.Linked())
	}
	category := map[string]string{} // record key -> its category
	for _, rows := range processed {
		for _, r := range rows {
			k := schemas.RecordKey(r.Source, r.SourceID)
			if _, dup := category[k]; dup {
				t.Errorf("processed/: %s twice", k)
			}
			category[k] = r.Category
		}
	}

	// curated/: each master in the partition of its category, which is
	// the category of one of its members.
	links := readParquetFiles[schemas.LinkRow](t, filepath.Join(out, "links", "part-*.parquet"))
	if n := countRows(links); n != sum.Linked() {
		t.Errorf("links/ has %d rows, %d linked", n, sum.Linked())
	}
	memberCategories := map[string][]string{}
	for _, rows := range links {
		for _, l := range rows {
			memberCategories[l.MasterID] = append(memberCategories[l.MasterID], category[schemas.RecordKey(l.Source, l.SourceID)])
		}
	}
	curated := readParquetFiles[schemas.CuratedMasterRow](t, filepath.Join(out, "curated", "category=*", "part-*.parquet"))
	if n := countRows(curated); n != sum.Masters {
		t.Errorf("curated/ has %d masters, the run made %d", n, sum.Masters)
	}
	if len(curated) < 2 {
		t.Errorf("curated/ has %d files; the demo spans several categories", len(curated))
	}
	for path, rows := range curated {
		dir := filepath.Base(filepath.Dir(path))
		c, err := url.PathUnescape(strings.TrimPrefix(dir, "category="))
		if err != nil {
			t.Fatal(err)
		}
		if c == transforms.HiveDefaultPartition {
			c = ""
		}
		for _, m := range rows {
			if !slices.Contains(memberCategories[m.MasterID], c) {
				t.Errorf("master %s is in %s; its members' categories are %q", m.MasterID, dir, memberCategories[m.MasterID])
			}
		}
	}

	// output.compression reaches every lake file.
	var checked int
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fi, _ := f.Stat()
		pf, err := parquet.OpenFile(f, fi.Size())
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, rg := range pf.Metadata().RowGroups {
			for _, c := range rg.Columns {
				if c.MetaData.Codec != format.Zstd {
					t.Errorf("%s: column %v compressed with %v, want zstd", p, c.MetaData.PathInSchema, c.MetaData.Codec)
					return nil
				}
			}
		}
		checked++
		return nil
	})
	if checked == 0 {
		t.Error("no Parquet file checked")
	}

	// The next day's run adds raw/ partitions and replaces the rest.
	before := readParquetFiles[schemas.CuratedMasterRow](t, filepath.Join(out, "curated", "category=*", "part-*.parquet"))
	opts.RunID, opts.RunDate = "next-day", opts.RunDate.AddDate(0, 0, 1)
	if _, err := runJob(t, cfg, opts); err != nil {
		t.Fatal(err)
	}
	for _, name := range cfg.SourceNames() {
		got := topLevel(t, filepath.Join(out, "raw", "source="+name))
		if want := []string{"run_date=2026-11-25", "run_date=2026-11-26"}; !slices.Equal(got, want) {
			t.Errorf("raw/source=%s holds %v after the next day's run, want %v", name, got, want)
		}
	}
	after := readParquetFiles[schemas.CuratedMasterRow](t, filepath.Join(out, "curated", "category=*", "part-*.parquet"))
	if countRows(after) != countRows(before) || len(after) != len(before) {
		t.Errorf("curated/ went from %d files, %d rows to %d files, %d rows on the same input", len(before), countRows(before), len(after), countRows(after))
	}
}
