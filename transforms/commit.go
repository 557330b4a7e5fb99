package transforms

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/linkbeam/linkbeam/internal/spill"
)

func init() {
	registerBatchFn((*commitFn)(nil))
	registerBatchFn((*manifestFn)(nil))
	register.Iter1[string]()
}

// SuccessMarker is written last into a committed output directory.
const SuccessMarker = "_SUCCESS"

// CommitPlan names the folders of an output directory that a commit owns,
// relative to the directory ("masters", "raw/source=shop/run_date=...").
type CommitPlan struct {
	// Publish are replaced by their staged version. A folder nothing was
	// written to is published empty, so that a stale one never outlives
	// its run. Every written file must lie in one of them.
	Publish []string
	// Retire are removed: the folders of the other layout, which would
	// otherwise sit next to the new output looking current.
	Retire []string
}

// StandardPlan is the commit of the standard layout. pairs/ and changes/
// are published (empty when not written) so that a stale one never
// outlives its run; raw/ of a lake layout is history and is kept.
var StandardPlan = CommitPlan{
	Publish: []string{MastersDir, LinksDir, RejectedDir, PairsDir, RecordsDir, ChangesDir, EdgesDir},
	Retire:  []string{ProcessedDir, CuratedDir},
}

// Commit publishes the files written under staging into dir with
// StandardPlan; see CommitWith.
func Commit(s beam.Scope, dir, staging string, written ...beam.PCollection) beam.PCollection {
	return CommitWith(s, dir, staging, StandardPlan, written...)
}

// CommitWith publishes the files written under staging into dir once every
// write has finished: the written PCollection<string>s are a side input,
// so the commit runs only after all of them are complete. It returns the
// PCollection<string> of the published paths, complete only once the
// commit is: a side input for steps that must run after it.
//
// Commit inside the job only on a runner that never runs a later step on
// the partial data of a failed bundle: Dataflow retries a failing bundle,
// then fails the job. prism does not: it drops a failed bundle's elements
// and advances the watermarks, so this step can run, and publish, before
// the job's failure reaches it. There, end the job with WriteManifest and
// call CommitStaged once it has succeeded.
//
// On a local filesystem each output folder is swapped in with a rename, so
// a reader sees either the old or the new folder; on object stores
// (gs://, s3://) files are copied over and _SUCCESS, removed first and
// written last, marks a complete output.
//
// On a local filesystem a commit also removes the staging folders
// (".staging-*") that killed or failed runs left in dir, once nothing in
// them has changed since this job was built. Should such a folder belong
// to an older run still going (two runs into one output are not
// supported), that run's commit finds its files gone and fails without
// publishing.
func CommitWith(s beam.Scope, dir, staging string, plan CommitPlan, written ...beam.PCollection) beam.PCollection {
	s = s.Scope("linkbeam.Commit")
	files := beam.Flatten(s, written...)
	fn := &commitFn{Dir: dir, Staging: staging, Plan: plan, Built: time.Now().UnixNano()}
	return beam.ParDo(s, fn, beam.Impulse(s), beam.SideInput{Input: files})
}

// StagingPrefix starts the name of every run's staging folder in an
// output directory.
const StagingPrefix = ".staging-"

// ManifestName is the file in a staging folder that lists the files the
// job wrote, for CommitStaged.
const ManifestName = "_MANIFEST.json"

type commitFn struct {
	Dir     string
	Staging string
	Plan    CommitPlan
	Built   int64 // when the job was built, in Unix nanoseconds
}

func (fn *commitFn) ProcessElement(ctx context.Context, _ []byte, files func(*string) bool, emit func(string)) error {
	published, err := commitFiles(ctx, fn.Dir, fn.Staging, fn.Plan, collect(files), time.Unix(0, fn.Built))
	if err != nil {
		return err
	}
	for _, f := range published {
		emit(f)
	}
	return nil
}

func collect(iter func(*string) bool) []string {
	var all []string
	var s string
	for iter(&s) {
		all = append(all, s)
	}
	return all
}

// WriteManifest ends a job that its launcher commits (CommitStaged): once
// every write has finished (the written PCollection<string>s are a side
// input) it lists the written files in staging/_MANIFEST.json. It
// publishes nothing. Should a failed bundle let it run on partial data
// (prism, see CommitWith), its list is never read: the launcher commits
// only a job that succeeded.
func WriteManifest(s beam.Scope, staging string, written ...beam.PCollection) {
	s = s.Scope("linkbeam.WriteManifest")
	files := beam.Flatten(s, written...)
	beam.ParDo0(s, &manifestFn{Staging: staging}, beam.Impulse(s), beam.SideInput{Input: files})
}

type manifestFn struct {
	Staging string
}

func (fn *manifestFn) ProcessElement(ctx context.Context, _ []byte, files func(*string) bool) error {
	written := collect(files)
	sort.Strings(written)
	data, err := json.Marshal(written)
	if err != nil {
		return err
	}
	fs, err := filesystem.New(ctx, fn.Staging)
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	defer fs.Close()
	if err := filesystem.Write(ctx, fs, fn.Staging+"/"+ManifestName, data); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}

// CommitStaged publishes, from outside the job, the files that a job ended
// by WriteManifest wrote under staging, exactly as CommitWith would, and
// returns the published paths. Call it only once the job has succeeded.
// built is when the job was built (see CommitWith on stale staging
// folders).
func CommitStaged(ctx context.Context, dir, staging string, plan CommitPlan, built time.Time) ([]string, error) {
	fs, err := filesystem.New(ctx, staging)
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	defer fs.Close()
	manifest := staging + "/" + ManifestName
	data, err := filesystem.Read(ctx, fs, manifest)
	if err != nil {
		return nil, fmt.Errorf("commit: reading the list of written files (removed by a newer run?): %w", err)
	}
	var written []string
	if err := json.Unmarshal(data, &written); err != nil {
		return nil, fmt.Errorf("commit: %s: %w", manifest, err)
	}
	published, err := commitFiles(ctx, dir, staging, plan, written, built)
	if err != nil {
		return nil, err
	}
	// A local commit removes the staging folder; on an object store the
	// manifest is the one object left in it.
	if rm, ok := fs.(filesystem.Remover); ok && !isLocal(dir) {
		if err := rm.Remove(ctx, manifest); err != nil {
			log.Warnf(ctx, "commit: the output is published, but removing %s: %v", manifest, err)
		}
	}
	return published, nil
}

// commitFiles publishes the written files, all under staging, into dir
// with plan, and returns their published paths: the one commit of
// CommitWith and CommitStaged.
func commitFiles(ctx context.Context, dir, staging string, plan CommitPlan, written []string, built time.Time) ([]string, error) {
	written = slices.Clone(written)
	sort.Strings(written)
	for _, f := range written {
		if !plan.covers(strings.TrimPrefix(f, staging+"/")) {
			return nil, fmt.Errorf("commit: %s is in no published folder", f)
		}
	}
	var err error
	if isLocal(dir) {
		err = checkStaged(written)
		if err == nil {
			err = commitLocal(dir, staging, plan)
		}
		if err == nil {
			for _, e := range removeStaleStaging(dir, staging, built) {
				log.Warnf(ctx, "commit: the output is published, but %v", e)
			}
		}
	} else {
		err = commitRemote(ctx, dir, staging, written, plan)
	}
	if err != nil {
		return nil, err
	}
	published := make([]string, len(written))
	for i, f := range written {
		published[i] = dir + strings.TrimPrefix(f, staging)
	}
	return published, nil
}

// covers reports whether the relative path lies in a published folder.
func (p CommitPlan) covers(rel string) bool {
	for _, name := range p.Publish {
		if strings.HasPrefix(rel, name+"/") {
			return true
		}
	}
	return false
}

func isLocal(path string) bool { return !strings.Contains(path, "://") }

// checkStaged verifies that every written local file is still in the
// staging folder, before anything is published.
func checkStaged(written []string) error {
	for _, f := range written {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("commit: a written file is gone from the staging folder (removed by a newer run?): %w", err)
		}
	}
	return nil
}

func commitLocal(dir, staging string, plan CommitPlan) error {
	if err := os.Remove(filepath.Join(dir, SuccessMarker)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("commit: %w", err)
	}
	old := filepath.Join(staging, ".previous")
	// moveAside moves the folder name out of dir into old, where it is
	// removed with the staging folder.
	moveAside := func(name string) error {
		final, prev := filepath.Join(dir, name), filepath.Join(old, name)
		if err := os.MkdirAll(filepath.Dir(prev), 0o755); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		if err := os.Rename(final, prev); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("commit: moving previous %s aside: %w", final, err)
		}
		return nil
	}
	for _, name := range plan.Retire {
		if err := moveAside(name); err != nil {
			return err
		}
	}
	for _, name := range plan.Publish {
		next, final := filepath.Join(staging, name), filepath.Join(dir, name)
		if err := os.MkdirAll(next, 0o755); err != nil { // a job without rejects still gets the folder
			return fmt.Errorf("commit: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		if err := moveAside(name); err != nil {
			return err
		}
		if err := os.Rename(next, final); err != nil {
			return fmt.Errorf("commit: publishing %s: %w", final, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, SuccessMarker), nil, 0o644); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return os.RemoveAll(staging)
}

// removeStaleStaging removes the staging folders of other runs in dir
// whose every entry is older than built: runs killed before this one was
// built. It returns the folders it could not remove.
func removeStaleStaging(dir, staging string, built time.Time) []error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []error{fmt.Errorf("listing %s for stale staging folders: %w", dir, err)}
	}
	var errs []error
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if !e.IsDir() || !strings.HasPrefix(e.Name(), StagingPrefix) || path == filepath.Clean(staging) {
			continue
		}
		newest, err := newestModTime(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading stale staging folder %s: %w", path, err))
			continue
		}
		if !newest.Before(built) {
			continue // changed while this job ran: maybe a run still going
		}
		if err := os.RemoveAll(path); err != nil {
			errs = append(errs, fmt.Errorf("removing stale staging folder %s: %w", path, err))
		}
	}
	return errs
}

// newestModTime is the latest modification time in the tree at root.
func newestModTime(root string) (time.Time, error) {
	var newest time.Time
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil // removed meanwhile
			}
			return err
		}
		info, err := d.Info()
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if t := info.ModTime(); t.After(newest) {
			newest = t
		}
		return nil
	})
	return newest, err
}

func commitRemote(ctx context.Context, dir, staging string, written []string, plan CommitPlan) error {
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	defer fs.Close()
	marker := dir + "/" + SuccessMarker
	if rm, ok := fs.(filesystem.Remover); ok {
		_ = rm.Remove(ctx, marker) // absent on a first run
		// Object stores list one level per *: files sit directly in a
		// folder or one partition below it (curated/category=x/).
		for _, name := range append(slices.Clone(plan.Retire), plan.Publish...) {
			for _, glob := range []string{dir + "/" + name + "/*", dir + "/" + name + "/*/*"} {
				if err := removeMatching(ctx, fs, rm, glob); err != nil {
					return fmt.Errorf("commit: %w", err)
				}
			}
		}
	}
	for _, f := range written {
		final := dir + strings.TrimPrefix(f, staging)
		if err := filesystem.Rename(ctx, fs, f, final); err != nil {
			return fmt.Errorf("commit: publishing %s: %w", final, err)
		}
	}
	if err := filesystem.Write(ctx, fs, marker, nil); err != nil {
		return err
	}
	// A local commit removes the staging folder, spilled batches with it;
	// an object store has no folders, so the batches (stage/shard/batch
	// under the spill folder) go one by one.
	if rm, ok := fs.(filesystem.Remover); ok {
		if err := removeMatching(ctx, fs, rm, staging+"/"+spill.DirName+"/*/*/*"); err != nil {
			log.Warnf(ctx, "commit: the output is published, but %v", err)
		}
	}
	return nil
}

// removeMatching removes every file glob matches.
func removeMatching(ctx context.Context, fs filesystem.Interface, rm filesystem.Remover, glob string) error {
	files, err := fs.List(ctx, glob)
	if err != nil {
		return fmt.Errorf("listing %s: %w", glob, err)
	}
	for _, f := range files {
		if err := rm.Remove(ctx, f); err != nil {
			return fmt.Errorf("removing %s: %w", f, err)
		}
	}
	return nil
}
