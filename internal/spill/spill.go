// Package spill keeps bulk data off the runner's data plane. A stage writes
// each batch of packed records to a file under the run's spill folder and
// emits only a reference to it; the next stage reads the file. On prism
// every element that crosses a shuffle is copied several times and held in
// memory until the job ends, so a million records cost gigabytes there;
// a reference costs a few dozen bytes. The files go through Beam's
// filesystem registry: a local folder on prism and direct, gs:// or s3://
// on Dataflow and Flink.
//
// A file is named by a hash of its content, so a retried bundle that
// writes the same batch writes the same file, and a local file is written
// under a temporary name and renamed when complete: a reader never sees
// half a batch. The spill folder lives in the run's staging folder and goes
// with it (see transforms.CommitStaged).
package spill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/cespare/xxhash/v2"
)

// DirName is the spill folder's name inside a run's staging folder.
const DirName = ".spill"

// ErrBadRef reports a reference that no Put returned.
var ErrBadRef = errors.New("spill: malformed batch reference")

// Ref names a spilled batch: it crosses a shuffle in the batch's place,
// a few dozen bytes for megabytes. Its fields are exported because Beam
// encodes it with its schema (row) coder, as a string and an integer.
type Ref struct {
	Path string // the batch's file
	Size int64  // the batch's length in bytes
}

// Store writes and reads the batches of one run. Its zero value is not
// usable; Dir must be set. It is a value type so that DoFns can carry it as
// an exported field.
type Store struct {
	Dir string // the spill folder: staging/.spill
}

// Put writes batch as a file of stage's shard and returns the reference
// to emit in its place.
func (s Store) Put(ctx context.Context, stage string, shard int, batch []byte) (Ref, error) {
	if s.Dir == "" {
		return Ref{}, fmt.Errorf("spill: no folder to write %s batches to", stage)
	}
	path := fmt.Sprintf("%s/%s/%05d/%016x.bin", s.Dir, stage, shard, xxhash.Sum64(batch))
	fs, err := open(ctx, path)
	if err != nil {
		return Ref{}, err
	}
	if err := write(ctx, fs, path, batch); err != nil {
		return Ref{}, fmt.Errorf("spill: writing %s: %w", path, err)
	}
	return Ref{Path: path, Size: int64(len(batch))}, nil
}

// Get reads the batch ref names.
func Get(ctx context.Context, ref Ref) ([]byte, error) {
	if ref.Path == "" || ref.Size < 0 {
		return nil, ErrBadRef
	}
	path := ref.Path
	fs, err := open(ctx, path)
	if err != nil {
		return nil, err
	}
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	defer r.Close()
	batch := make([]byte, ref.Size)
	if _, err := io.ReadFull(r, batch); err != nil {
		return nil, fmt.Errorf("spill: reading %s: %w", path, err)
	}
	return batch, nil
}

// write stores data at path: on a local disk under a temporary name, then
// renamed, since a crash mid-write would leave a truncated file under the
// final name; an object store publishes an object only when its upload
// completes.
func write(ctx context.Context, fs filesystem.Interface, path string, data []byte) error {
	if strings.Contains(path, "://") {
		return filesystem.Write(ctx, fs, path, data)
	}
	// A unique temporary name: a retried bundle may write the same batch
	// while the first attempt still runs.
	tmp := fmt.Sprintf("%s.tmp-%016x", path, rand.Uint64())
	if err := filesystem.Write(ctx, fs, tmp, data); err != nil {
		return err
	}
	return filesystem.Rename(ctx, fs, tmp, path)
}

// filesystems caches one filesystem per scheme: opening a cloud client for
// each of thousands of batches would cost more than writing them.
var filesystems sync.Map // scheme → filesystem.Interface

func open(ctx context.Context, path string) (filesystem.Interface, error) {
	scheme, _, ok := strings.Cut(path, "://")
	if !ok {
		scheme = ""
	}
	if fs, ok := filesystems.Load(scheme); ok {
		return fs.(filesystem.Interface), nil
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	if prev, loaded := filesystems.LoadOrStore(scheme, fs); loaded {
		fs.Close()
		return prev.(filesystem.Interface), nil
	}
	return fs, nil
}
