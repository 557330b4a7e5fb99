package transforms

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	register.DoFn3x1[context.Context, []byte, func(*string) bool, error](&commitFn{})
	register.Iter1[string]()
}

// SuccessMarker is written last into a committed output directory.
const SuccessMarker = "_SUCCESS"

// Commit publishes the files written under staging into dir once every
// write has finished: the written PCollection<string>s are a side input,
// so the commit runs only after all of them are complete. A failed or
// killed job never reaches it and leaves the previous output as it was.
//
// On a local filesystem each output folder is swapped in with a rename, so
// a reader sees either the old or the new folder; on object stores
// (gs://, s3://) files are copied over and _SUCCESS, removed first and
// written last, marks a complete output.
func Commit(s beam.Scope, dir, staging string, written ...beam.PCollection) {
	s = s.Scope("linkbeam.Commit")
	files := beam.Flatten(s, written...)
	beam.ParDo0(s, &commitFn{Dir: dir, Staging: staging}, beam.Impulse(s), beam.SideInput{Input: files})
}

type commitFn struct {
	Dir     string
	Staging string
}

func (fn *commitFn) ProcessElement(ctx context.Context, _ []byte, files func(*string) bool) error {
	var written []string
	var f string
	for files(&f) {
		written = append(written, f)
	}
	sort.Strings(written)
	if isLocal(fn.Dir) {
		return commitLocal(fn.Dir, fn.Staging)
	}
	return commitRemote(ctx, fn.Dir, fn.Staging, written)
}

// outputDirs are the folders a commit publishes. pairs/ is published (empty
// when not written) so that a stale pairs/ never outlives its run.
var outputDirs = []string{MastersDir, LinksDir, RejectedDir, PairsDir}

func isLocal(path string) bool { return !strings.Contains(path, "://") }

func commitLocal(dir, staging string) error {
	if err := os.Remove(filepath.Join(dir, SuccessMarker)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("commit: %w", err)
	}
	old := filepath.Join(staging, ".previous")
	if err := os.MkdirAll(old, 0o755); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, name := range outputDirs {
		next := filepath.Join(staging, name)
		if err := os.MkdirAll(next, 0o755); err != nil { // a job without rejects still gets the folder
			return fmt.Errorf("commit: %w", err)
		}
		final := filepath.Join(dir, name)
		if err := os.Rename(final, filepath.Join(old, name)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("commit: moving previous %s aside: %w", final, err)
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

func commitRemote(ctx context.Context, dir, staging string, written []string) error {
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	defer fs.Close()
	marker := dir + "/" + SuccessMarker
	if rm, ok := fs.(filesystem.Remover); ok {
		_ = rm.Remove(ctx, marker) // absent on a first run
		for _, name := range outputDirs {
			stale, err := fs.List(ctx, dir+"/"+name+"/*")
			if err != nil {
				return fmt.Errorf("commit: listing %s: %w", dir, err)
			}
			for _, f := range stale {
				if err := rm.Remove(ctx, f); err != nil {
					return fmt.Errorf("commit: removing %s: %w", f, err)
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
	return filesystem.Write(ctx, fs, marker, nil)
}
