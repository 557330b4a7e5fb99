package transforms

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/memfs"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/linkbeam/linkbeam/internal/spill"
	"github.com/linkbeam/linkbeam/schemas"
)

func TestHivePartition(t *testing.T) {
	for _, c := range []struct{ value, want string }{
		{"Headphones", "category=Headphones"},
		{"TV & Home Theater", "category=TV & Home Theater"},
		{"TV/Video", "category=TV%2FVideo"},
		{"a=b:c%d", "category=a%3Db%3Ac%25d"},
		{"tab\there", "category=tab%09here"},
		{"Téléviseurs", "category=Téléviseurs"},
		{"", "category=" + HiveDefaultPartition},
	} {
		if got := HivePartition("category", c.value); got != c.want {
			t.Errorf("HivePartition(%q) = %q, want %q", c.value, got, c.want)
		}
	}
	if got := RawPartition("shop", "2026-11-25"); got != "raw/source=shop/run_date=2026-11-25" {
		t.Errorf("RawPartition = %q", got)
	}
}

// raw/ file names depend on the rows only: a retried bundle rewrites its
// files, and different chunks never collide.
func TestRawFileName(t *testing.T) {
	a := []schemas.RawRow{{Position: "items.csv:2", Fields: map[string]string{"id": "1", "title": "x"}}}
	b := []schemas.RawRow{{Position: "items.csv:2", Fields: map[string]string{"title": "x", "id": "1"}}}
	c := []schemas.RawRow{{Position: "items.csv:2", Fields: map[string]string{"id": "1", "title": "y"}}}
	d := []schemas.RawRow{{Position: "items.csv:2", Fields: map[string]string{"id": "1t", "itle": "x"}}}
	if rawFileName(a) != rawFileName(b) {
		t.Error("same rows, different names")
	}
	for _, other := range [][]schemas.RawRow{c, d, append(slices.Clone(a), a...)} {
		if rawFileName(a) == rawFileName(other) {
			t.Errorf("rows %v and %v share a name", a, other)
		}
	}
	if n := rawFileName(a); !strings.HasPrefix(n, "part-") || !strings.HasSuffix(n, ".parquet") {
		t.Errorf("name %q", n)
	}
}

func TestLakePlan(t *testing.T) {
	p := LakePlan([]string{"legacy", "shop"}, "2026-11-25")
	for _, rel := range []string{
		"raw/source=shop/run_date=2026-11-25/part-1.parquet",
		"processed/part-00000.parquet",
		"curated/category=TV%2FVideo/part-00003.parquet",
		"links/part-00000.parquet",
		"rejected/part-00000.parquet",
	} {
		if !p.covers(rel) {
			t.Errorf("lake plan does not cover %s", rel)
		}
	}
	for _, rel := range []string{"raw/source=rest/run_date=2026-11-25/part-1.parquet", "masters/part-00000.parquet", "raw/source=shop/run_date=2026-11-24/x"} {
		if p.covers(rel) {
			t.Errorf("lake plan covers %s", rel)
		}
	}
	if !slices.Contains(p.Retire, MastersDir) {
		t.Errorf("lake plan keeps masters/: %+v", p)
	}
}

// writeFiles writes each file named under dir, its name as its content.
func writeFiles(t *testing.T, dir string, rels ...string) {
	t.Helper()
	files := map[string]string{}
	for _, rel := range rels {
		files[rel] = rel
	}
	writeTestFiles(t, dir, files)
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// A lake commit on a local disk replaces its raw/ partitions and keeps
// other dates, replaces processed/ and curated/ whole, and retires a
// standard layout's masters/.
func TestCommitLocalLakePlan(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir,
		"masters/part-00000.parquet",
		"raw/source=shop/run_date=2026-11-24/part-old.parquet",
		"raw/source=shop/run_date=2026-11-25/part-rerun.parquet",
		"curated/category=Gone/part-00000.parquet",
		"_SUCCESS")
	staging := filepath.Join(dir, ".staging-run")
	writeFiles(t, staging,
		"raw/source=shop/run_date=2026-11-25/part-new.parquet",
		"processed/part-00000.parquet",
		"curated/category=TV%2FVideo/part-00000.parquet",
		"links/part-00000.parquet")
	if err := commitLocal(dir, staging, LakePlan([]string{"shop", "legacy"}, "2026-11-25")); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"_SUCCESS",
		"curated/category=TV%2FVideo/part-00000.parquet",
		"links/part-00000.parquet",
		"processed/part-00000.parquet",
		"raw/source=shop/run_date=2026-11-24/part-old.parquet",
		"raw/source=shop/run_date=2026-11-25/part-new.parquet",
	}
	if got := listFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("after commit\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Sources without records and rejected/, pairs/ are published empty.
	for _, d := range []string{"raw/source=legacy/run_date=2026-11-25", "rejected", "pairs"} {
		if fi, err := os.Stat(filepath.Join(dir, d)); err != nil || !fi.IsDir() {
			t.Errorf("%s not published: %v", d, err)
		}
	}
}

// On an object store the same plan removes stale objects one and two
// levels down and publishes the written ones, _SUCCESS last.
func TestCommitRemoteLakePlan(t *testing.T) {
	ctx := context.Background()
	dir := "memfs://commit-remote/out"
	staging := dir + "/.staging-run"
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	put := func(paths ...string) {
		for _, p := range paths {
			if err := filesystem.Write(ctx, fs, p, []byte(p)); err != nil {
				t.Fatal(err)
			}
		}
	}
	put(dir+"/masters/part-00000.parquet",
		dir+"/curated/category=Gone/part-00000.parquet",
		dir+"/raw/source=shop/run_date=2026-11-24/part-old.parquet",
		dir+"/raw/source=shop/run_date=2026-11-25/part-rerun.parquet",
		dir+"/_SUCCESS")
	written := []string{
		staging + "/curated/category=Audio/part-00001.parquet",
		staging + "/processed/part-00000.parquet",
		staging + "/raw/source=shop/run_date=2026-11-25/part-new.parquet",
	}
	put(written...)
	if err := commitRemote(ctx, dir, staging, written, LakePlan([]string{"shop"}, "2026-11-25")); err != nil {
		t.Fatal(err)
	}
	got := listTree(ctx, t, fs, dir, 4)
	want := []string{
		"_SUCCESS",
		"curated/category=Audio/part-00001.parquet",
		"processed/part-00000.parquet",
		"raw/source=shop/run_date=2026-11-24/part-old.parquet",
		"raw/source=shop/run_date=2026-11-25/part-new.parquet",
	}
	if !slices.Equal(got, want) {
		t.Errorf("after commit\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// WriteLake's contract: raw/ holds every record read, in its source's
// partition of the run date; processed/ every survivor of a dedupe shard
// under the shard's number; curated/ each shard's masters by category and
// links/ its links, all exactly as given.
func TestWriteLakeWritesEveryRow(t *testing.T) {
	dir := t.TempDir()
	store := spill.Store{Dir: filepath.Join(dir, spill.DirName)}
	const runDate = "2026-11-25"
	records := []SourceRecord{
		{Source: "shop", Position: "shop.jsonl:1", Fields: map[string]string{"id": "1", "name": "Sony"}},
		{Source: "feed", Position: "items.csv:2", Fields: map[string]string{"item_id": "A1"}},
		{Source: "shop", Position: "shop.jsonl:2", DecodeError: "shop.jsonl:2: invalid JSON"},
	}
	raw := map[string][]schemas.RawRow{}
	for _, r := range records {
		raw[r.Source] = append(raw[r.Source], schemas.RawRow{Position: r.Position, Fields: r.Fields, DecodeError: r.DecodeError})
	}
	rawPath := func(source string) string { // named by a hash of its rows
		return filepath.Join(dir, RawPartition(source, runDate), rawFileName(raw[source]))
	}
	survivors := map[int][]schemas.Product{
		2: {{Source: "feed", SourceID: "A1", Title: "Bosch Serie 4", UpdatedAt: 1_700_000_000_000_000},
			{Source: "shop", SourceID: "1", Title: "Sony", Price: 329.99, HasPrice: true, Currency: "USD"}},
		5: {{Source: "shop", SourceID: "3", Title: "LG OLED55C3", Category: "TV/Video"}},
	}
	batches := map[int][]byte{}
	for sh, products := range survivors {
		for i := range products {
			batches[sh] = schemas.AppendProduct(batches[sh], &products[i])
		}
	}
	masters := testMasterShards()
	curated := map[string][]schemas.CuratedMasterRow{} // path → rows
	for _, ms := range masters {
		for i := range ms.Masters {
			m := &ms.Masters[i]
			path := filepath.Join(dir, CuratedDir, HivePartition("category", m.Category), partName(ms.Shard))
			curated[path] = append(curated[path], schemas.NewCuratedMasterRow(m))
		}
	}
	// The records arrive in one bundle (beam.CreateList), so each source's
	// raw/ file holds all of its records.
	wantPaths := []string{rawPath("shop"), rawPath("feed"),
		filepath.Join(dir, ProcessedDir, partName(2)), filepath.Join(dir, ProcessedDir, partName(5)),
		filepath.Join(dir, LinksDir, partName(0)), filepath.Join(dir, LinksDir, partName(3))}
	for path := range curated {
		wantPaths = append(wantPaths, path)
	}
	if len(curated) != 3 {
		t.Fatalf("curated files %v: the masters should span three (category, shard) files", curated)
	}

	p, s := beam.NewPipelineWithRoot()
	written := WriteLake(s, LakeOptions{Dir: dir, Compression: "snappy", RunDate: runDate},
		beam.CreateList(s, records), spillShards(t, s, store, spillSurvivors, batches), spillMasterShards(t, s, store, masters))
	passert.Equals(s, written, beam.CreateList(s, wantPaths))
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	for source, rows := range raw {
		for i := range rows {
			if rows[i].Fields == nil {
				rows[i].Fields = map[string]string{} // a MAP column reads an absent map back as empty
			}
		}
		checkParquet(t, rawPath(source), rows)
	}
	for sh, products := range survivors {
		rows := make([]schemas.ProductRow, len(products))
		for i := range products {
			rows[i] = schemas.NewProductRow(&products[i])
		}
		checkParquet(t, filepath.Join(dir, ProcessedDir, partName(sh)), rows)
	}
	for path, rows := range curated {
		checkParquet(t, path, rows)
	}
	for _, ms := range masters {
		checkParquet(t, filepath.Join(dir, LinksDir, partName(ms.Shard)), ms.Links)
	}
}
