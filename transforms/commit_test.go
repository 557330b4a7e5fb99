package transforms

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"

	"github.com/linkbeam/linkbeam/internal/spill"
)

func TestRemoveStaleStaging(t *testing.T) {
	dir := t.TempDir()
	built := time.Now().Add(-time.Minute)
	mkfile := func(rel string, mtime time.Time) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		for q := p; q != dir; q = filepath.Dir(q) {
			if err := os.Chtimes(q, mtime, mtime); err != nil {
				t.Fatal(err)
			}
		}
	}
	old := built.Add(-time.Hour)
	mkfile(".staging-killed/masters/part-0.parquet", old)                 // killed before this run: removed
	mkfile(".staging-going/masters/part-0.parquet", old)                  // an old folder ...
	mkfile(".staging-going/links/part-0.parquet", built.Add(time.Second)) // ... written to since: kept
	mkfile(".staging-ours/masters/part-0.parquet", old)                   // this run's own: kept
	mkfile("masters/part-0.parquet", old)                                 // published output: kept
	mkfile(".staging-notes.txt", old)                                     // not a folder: kept

	if errs := removeStaleStaging(dir, filepath.Join(dir, ".staging-ours"), built); len(errs) > 0 {
		t.Fatal(errs)
	}
	for rel, want := range map[string]bool{
		".staging-killed": false, ".staging-going": true, ".staging-ours": true,
		"masters": true, ".staging-notes.txt": true,
	} {
		_, err := os.Stat(filepath.Join(dir, rel))
		if got := err == nil; got != want {
			t.Errorf("%s exists: %v, want %v", rel, got, want)
		}
	}
}

// A run whose staged files were removed (by a newer run's cleanup) fails
// its commit and publishes nothing.
func TestCommitLocalRefusesMissingFiles(t *testing.T) {
	dir := t.TempDir()
	staging := filepath.Join(dir, StagingPrefix+"run")
	prev := filepath.Join(dir, MastersDir, "part-0.parquet")
	for _, p := range []string{prev, filepath.Join(dir, SuccessMarker), filepath.Join(staging, MastersDir, "part-1.parquet")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	written := []string{filepath.Join(staging, MastersDir, "part-1.parquet"), filepath.Join(staging, LinksDir, "part-1.parquet")}
	_, err := commitFiles(context.Background(), dir, staging, StandardPlan, written, time.Now())
	if err == nil || !strings.Contains(err.Error(), "gone from the staging folder") {
		t.Fatalf("err = %v, want a missing staged file", err)
	}
	for _, p := range []string{prev, filepath.Join(dir, SuccessMarker)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("previous output touched: %v", err)
		}
	}
}

// iterOf is a side-input iterator over paths, as the SDK hands it to a DoFn.
func iterOf(paths ...string) func(*string) bool {
	return func(s *string) bool {
		if len(paths) == 0 {
			return false
		}
		*s, paths = paths[0], paths[1:]
		return true
	}
}

// The launcher's commit publishes what the job listed in its manifest, as
// the commit step would: the staged folders are swapped in, _SUCCESS is
// written, and the staging folder is removed with the manifest.
func TestCommitStagedLocal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFiles(t, dir, "masters/part-00000.parquet", "links/part-00000.parquet", "_SUCCESS")
	staging := filepath.Join(dir, StagingPrefix+"run")
	written := []string{filepath.Join(staging, "masters/part-00001.parquet"), filepath.Join(staging, "links/part-00001.parquet")}
	writeFiles(t, staging, "masters/part-00001.parquet", "links/part-00001.parquet")
	if err := (&manifestFn{Staging: staging}).ProcessElement(ctx, nil, iterOf(written...)); err != nil {
		t.Fatal(err)
	}
	published, err := CommitStaged(ctx, dir, staging, StandardPlan, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "links/part-00001.parquet"), filepath.Join(dir, "masters/part-00001.parquet")}
	if !slices.Equal(published, want) {
		t.Errorf("published %q, want %q", published, want)
	}
	if got, want := listFiles(t, dir), []string{"_SUCCESS", "links/part-00001.parquet", "masters/part-00001.parquet"}; !slices.Equal(got, want) {
		t.Errorf("after commit %q, want %q", got, want)
	}
}

// A staging folder without a manifest (a newer run removed the folder, or
// the job never finished) is not published.
func TestCommitStagedWithoutManifest(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, "masters/part-00000.parquet", "_SUCCESS")
	staging := filepath.Join(dir, StagingPrefix+"run")
	writeFiles(t, staging, "masters/part-00001.parquet")
	_, err := CommitStaged(context.Background(), dir, staging, StandardPlan, time.Now())
	if err == nil || !strings.Contains(err.Error(), "list of written files") {
		t.Fatalf("err = %v, want the missing manifest", err)
	}
	if got, want := listFiles(t, dir), []string{".staging-run/masters/part-00001.parquet", "_SUCCESS", "masters/part-00000.parquet"}; !slices.Equal(got, want) {
		t.Errorf("after the refused commit %q, want %q", got, want)
	}
}

// On an object store the launcher's commit publishes the listed objects
// only and leaves no manifest and no spilled batch behind.
func TestCommitStagedRemote(t *testing.T) {
	ctx := context.Background()
	dir := "memfs://commit-staged/out"
	staging := dir + "/" + StagingPrefix + "run"
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	written := []string{staging + "/masters/part-00001.parquet", staging + "/links/part-00001.parquet"}
	spilled := staging + "/" + spill.DirName + "/members/00003/0123456789abcdef.bin"
	for _, p := range append([]string{dir + "/masters/part-00000.parquet", staging + "/masters/part-unlisted.parquet", spilled}, written...) {
		if err := filesystem.Write(ctx, fs, p, []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := (&manifestFn{Staging: staging}).ProcessElement(ctx, nil, iterOf(written...)); err != nil {
		t.Fatal(err)
	}
	if _, err := CommitStaged(ctx, dir, staging, StandardPlan, time.Now()); err != nil {
		t.Fatal(err)
	}
	got := listTree(ctx, t, fs, dir, 5)
	want := []string{".staging-run/masters/part-unlisted.parquet", "_SUCCESS", "links/part-00001.parquet", "masters/part-00001.parquet"}
	if !slices.Equal(got, want) {
		t.Errorf("after commit %q, want %q", got, want)
	}
}

// listTree lists the files under dir down to depth levels of folders,
// relative to dir and sorted: remote filesystems list by glob, one level
// at a time.
func listTree(ctx context.Context, t *testing.T, fs filesystem.Interface, dir string, depth int) []string {
	t.Helper()
	var got []string
	glob := dir
	for range depth {
		glob += "/*"
		files, err := fs.List(ctx, glob)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			got = append(got, strings.TrimPrefix(f, dir+"/"))
		}
	}
	slices.Sort(got)
	return got
}
