package transforms

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
// its commit, as commitFn does it, and publishes nothing.
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
	err := checkStaged(written)
	if err == nil {
		err = commitLocal(dir, staging, StandardPlan)
	}
	if err == nil || !strings.Contains(err.Error(), "gone from the staging folder") {
		t.Fatalf("err = %v, want a missing staged file", err)
	}
	for _, p := range []string{prev, filepath.Join(dir, SuccessMarker)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("previous output touched: %v", err)
		}
	}
}
