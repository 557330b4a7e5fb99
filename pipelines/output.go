package pipelines

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/parquet-go/parquet-go"

	"github.com/linkbeam/linkbeam/schemas"
	"github.com/linkbeam/linkbeam/transforms"
)

// ReadMasters reads every masters/ shard of a committed output.
func ReadMasters(ctx context.Context, dir string) ([]schemas.MasterRow, error) {
	return readRows[schemas.MasterRow](ctx, dir, transforms.MastersDir)
}

// ReadLinks reads every links/ shard of a committed output.
func ReadLinks(ctx context.Context, dir string) ([]schemas.LinkRow, error) {
	return readRows[schemas.LinkRow](ctx, dir, transforms.LinksDir)
}

// ReadRejects reads every rejected/ shard of a committed output.
func ReadRejects(ctx context.Context, dir string) ([]schemas.RejectRow, error) {
	return readRows[schemas.RejectRow](ctx, dir, transforms.RejectedDir)
}

// ReadPairs reads the scored pairs of an output written with
// output.write_pairs.
func ReadPairs(ctx context.Context, dir string) ([]schemas.PairRow, error) {
	return readRows[schemas.PairRow](ctx, dir, transforms.PairsDir)
}

// ReadRecords reads the records/ of a committed output: every accepted
// record after within-source dedupe, with its fingerprint.
func ReadRecords(ctx context.Context, dir string) ([]schemas.RecordRow, error) {
	return readRows[schemas.RecordRow](ctx, dir, transforms.RecordsDir)
}

// ReadEdges reads the accepted match edges of a committed output.
func ReadEdges(ctx context.Context, dir string) ([]schemas.EdgeRow, error) {
	return readRows[schemas.EdgeRow](ctx, dir, transforms.EdgesDir)
}

// ReadChanges reads the change events of an incremental run (--previous).
func ReadChanges(ctx context.Context, dir string) ([]schemas.ChangeRow, error) {
	return readRows[schemas.ChangeRow](ctx, dir, transforms.ChangesDir)
}

func readRows[T any](ctx context.Context, dir, sub string) ([]T, error) {
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	if _, err := fs.Size(ctx, dir+"/"+transforms.SuccessMarker); err != nil {
		return nil, fmt.Errorf("%s is not a committed linkbeam output (no %s)", dir, transforms.SuccessMarker)
	}
	files, err := fs.List(ctx, dir+"/"+sub+"/*.parquet")
	if err != nil {
		return nil, fmt.Errorf("listing %s/%s: %w", dir, sub, err)
	}
	sort.Strings(files)
	var rows []T
	for _, f := range files {
		rc, err := fs.OpenRead(ctx, f)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
		part, err := parquet.Read[T](bytesReaderAt(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
		rows = append(rows, part...)
	}
	return rows, nil
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
